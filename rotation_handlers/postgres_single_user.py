"""The `postgres-single-user` strategy: the user changes its own password."""

from __future__ import annotations

from rotation_handlers.database import SingleUserStrategy
from rotation_handlers.postgres import PostgresEngine
from rotation_handlers.protocol import handler_for

lambda_handler = handler_for(SingleUserStrategy(PostgresEngine()))
