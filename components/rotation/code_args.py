"""The rotation-code arguments RotatingSecret and RotationFunction share: the custom handler
module, the CA bundle, the TLS mode, and the master secret of the alternating-users strategies."""

from collections.abc import Mapping
from typing import Any, Protocol

from rotation_handlers.database import DEFAULT_TLS_MODE, TLS_MODES
from secretkit.components import strategies, validation


class RotationCode(Protocol):
    """These arguments once checked, as a RotatingSecret's rotation settings and a
    RotationFunction's settings both hold them."""

    @property
    def strategy(self) -> str: ...
    @property
    def handler_module(self) -> str | None: ...
    @property
    def ca_bundle_path(self) -> str | None: ...
    @property
    def tls(self) -> str | None: ...
    @property
    def master_secret_arn(self) -> str | None: ...
    @property
    def master_secret_kms_key_arn(self) -> str | None: ...


def parse_master(
    strategy: str, given: Mapping[str, Any], prefix: str
) -> tuple[str | None, str | None]:
    """(master_secret_arn, master_secret_kms_key_arn): required by, and only for, multi-user.

    ``prefix`` locates the keys in error messages ('rotation.' in RotatingSecret).
    """
    master = given.get("master_secret_arn")
    if strategies.alternates_users(strategy) and master is None:
        raise validation.fail(
            f"{prefix}master_secret_arn",
            None,
            f"is required by the {strategy} strategy: it logs in with the master secret to "
            "change the alternating users' passwords",
        )
    if master is not None:
        if not strategies.alternates_users(strategy):
            raise validation.fail(
                f"{prefix}master_secret_arn",
                master,
                "is only used by the alternating-users strategies (postgres-multi-user, "
                "mysql-multi-user)",
            )
        validation.secret_arn(f"{prefix}master_secret_arn", master)
    master_key = given.get("master_secret_kms_key_arn")
    if master_key is not None:
        if master is None:
            raise validation.fail(
                f"{prefix}master_secret_kms_key_arn", master_key, f"needs {prefix}master_secret_arn"
            )
        validation.kms_key_arn(f"{prefix}master_secret_kms_key_arn", master_key)
        validation.in_region(
            f"{prefix}master_secret_kms_key_arn",
            master_key,
            validation.arn_region(master),
            "the master secret",
        )
    return master, master_key


#: Why the master secret must be in the function's region.
MASTER_REGION_RULE = (
    "the rotation function reads it with a client of its own region, and the grant to decrypt "
    "it names Secrets Manager in that region"
)


def check_master_region(prefix: str, master: str | None, region: str) -> None:
    """The master secret lives where the rotation function runs."""
    if master is not None:
        validation.in_region(
            f"{prefix}master_secret_arn",
            master,
            region,
            "the rotation function",
            MASTER_REGION_RULE,
        )


def parse_code(
    strategy: str, given: Mapping[str, Any], prefix: str
) -> tuple[str | None, str | None]:
    """(handler_module, ca_bundle_path): what ships in the artifact besides the handlers."""
    ca_bundle = given.get("ca_bundle_path")
    if ca_bundle is not None:
        if not strategies.connects_to_database(strategy):
            raise validation.fail(
                f"{prefix}ca_bundle_path",
                ca_bundle,
                "only the database strategies connect over TLS",
            )
        validation.pem_file(f"{prefix}ca_bundle_path", ca_bundle)
    module = given.get("handler_module")
    if strategy == strategies.CUSTOM and module is None:
        raise validation.fail(
            f"{prefix}handler_module", None, "is required by the custom strategy: name your module"
        )
    if module is not None:
        if strategy != strategies.CUSTOM:
            raise validation.fail(
                f"{prefix}handler_module", module, "is only used with strategy 'custom'"
            )
        validation.handler_module(f"{prefix}handler_module", module)
    return module, ca_bundle


def parse_tls(strategy: str, given: Mapping[str, Any], prefix: str) -> str | None:
    """The TLS mode the function insists on (its TLS_MODE variable): DEFAULT_TLS_MODE for the
    database strategies unless given, None for a custom strategy that does not set one."""
    tls = given.get("tls")
    if tls is None:
        return DEFAULT_TLS_MODE if strategies.connects_to_database(strategy) else None
    if not strategies.connects_to_database(strategy) and strategy != strategies.CUSTOM:
        raise validation.fail(
            f"{prefix}tls",
            tls,
            "only the database strategies (postgres-*, mysql-*) and 'custom' connect over TLS; "
            f"the {strategy} strategy has no use for it",
        )
    if tls not in TLS_MODES:
        raise validation.fail(
            f"{prefix}tls", tls, f"must be one of {', '.join(repr(m) for m in TLS_MODES)}"
        )
    return str(tls)
