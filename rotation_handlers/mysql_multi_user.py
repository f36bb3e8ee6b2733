"""The `mysql-multi-user` strategy (MySQL and MariaDB): `<user>` and `<user>_clone` alternate,
set by the master, the clone keeping the original's hosts and grants."""

from __future__ import annotations

from rotation_handlers.database import AlternatingUsersStrategy
from rotation_handlers.mysql import MySqlEngine
from rotation_handlers.protocol import handler_for

lambda_handler = handler_for(AlternatingUsersStrategy(MySqlEngine()))
