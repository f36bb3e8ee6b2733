"""`python -m secretkit` runs the `secretkit` command."""

import sys

from secretkit.cli import main

sys.exit(main())
