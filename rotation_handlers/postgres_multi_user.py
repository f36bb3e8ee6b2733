"""The `postgres-multi-user` strategy: `<user>` and `<user>_clone` alternate, set by the master."""

from __future__ import annotations

from rotation_handlers.database import AlternatingUsersStrategy
from rotation_handlers.postgres import PostgresEngine
from rotation_handlers.protocol import handler_for

lambda_handler = handler_for(AlternatingUsersStrategy(PostgresEngine()))
