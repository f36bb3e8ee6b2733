"""secretkit's operator tooling: running programs under mocks, the demo, and (later) the CLI."""
