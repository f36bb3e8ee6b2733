"""The `mysql-single-user` strategy (MySQL and MariaDB): the user changes its own password."""

from __future__ import annotations

from rotation_handlers.database import SingleUserStrategy
from rotation_handlers.mysql import MySqlEngine
from rotation_handlers.protocol import handler_for

lambda_handler = handler_for(SingleUserStrategy(MySqlEngine()))
