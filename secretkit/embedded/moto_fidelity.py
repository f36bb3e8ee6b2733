"""Patches moto where it differs from AWS in ways secretkit's guarantees depend on.

- moto lets PutSecretValue overwrite a version that carries AWSPENDING with a different value;
  AWS refuses (ResourceExistsException: a version's value never changes). Handlers rely on that
  refusal for idempotency.
- moto lists deprecated versions (no staging label left, e.g. the AWSPENDING version of a
  cancelled rotation) in DescribeSecret and in every ListSecretVersionIds, and dates each
  listed version "now". AWS shows them only to ListSecretVersionIds with IncludeDeprecated, with
  the version's creation date; the single-user handlers and `secretkit status` rely on both.
- moto's UpdateSecretVersionStage moves AWSCURRENT without telling the secret which version is
  current, so a later PutSecretValue marks the wrong version AWSPREVIOUS (and GetSecretValue
  without a selector returns the old value). AWS follows the label.
- moto's IAM checks see every Secrets Manager and SSM call as acting on '*', and mistranslate
  the '?' wildcard; least-privilege tests need resource-level evaluation.
- moto ignores a secret's resource policy and mis-evaluates conditions (a Deny whose condition
  does not hold still denies); calls on secrets are decided as IAM does instead.
- moto does not find a secret of another account by its ARN, nor evaluate key policies; with
  authorization on, such a call reaches the owner's secret and is decided as IAM decides a
  cross-account call (secretkit.embedded.cross_account).
- moto does not find a parameter of another account by its ARN, nor know RAM shares or key
  policies; with authorization on, such a call reaches the owner's parameter and is decided with
  the caller's identity policy, the owner's RAM shares and the key policy
  (secretkit.embedded.shared_parameters).
- moto forgets the key a replica was created under (ReplicationStatus says aws/secretsmanager);
  AWS reports it, and cross-account reads of a replica are decided with it.
- moto keeps one key per secret and never consults it; AWS records the keys of each version
  (re-encrypting the labelled ones when the secret's key changes) and decides each read and
  write with the key's policy too (secretkit.embedded.secret_keys).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from moto.secretsmanager import models
from moto.secretsmanager import models as sm_models
from moto.secretsmanager.exceptions import ResourceExistsException

from secretkit.components.iam.least_privilege import iam_pattern
from secretkit.components.iam.shared_function import ROTATION_LAMBDA_KEY
from secretkit.embedded.cross_account import foreign_call_allowed, owner_backend, owner_of
from secretkit.embedded.iam_evaluation import Request, is_allowed
from secretkit.embedded.secret_keys import keys_decide, keys_per_version, record_new_versions
from secretkit.embedded.shared_parameters import (
    foreign_parameter_call_allowed,
    owner_ssm_backend,
    parameter_arn_parts,
)


@contextmanager
def aws_like_versions() -> Iterator[None]:
    """Within the block, moto refuses to change the value of an existing version, and shows
    deprecated versions (and version dates) and each version's keys as AWS does."""
    with (
        _aws_like_deprecated_versions(),
        _immutable_versions(),
        _current_follows_the_label(),
        _replica_keys_kept(),
        keys_per_version(),
    ):
        yield


@contextmanager
def _replica_keys_kept() -> Iterator[None]:
    """Each replica remembers the KmsKeyId it was created under, as AWS's ReplicationStatus
    reports it (moto reports alias/aws/secretsmanager for every replica)."""
    original = models.FakeSecret.create_replicas

    def create_replicas(
        self: Any, replica_regions: list[dict[str, str]], force_overwrite: bool
    ) -> Any:
        replicas = original(self, replica_regions, force_overwrite)
        for replica, config in zip(replicas, replica_regions or [], strict=True):
            if config.get("KmsKeyId"):
                replica.config["KmsKeyId"] = config["KmsKeyId"]
        return replicas

    models.FakeSecret.create_replicas = create_replicas  # type: ignore[method-assign]
    try:
        yield
    finally:
        models.FakeSecret.create_replicas = original  # type: ignore[method-assign]


@contextmanager
def _current_follows_the_label() -> Iterator[None]:
    """After UpdateSecretVersionStage, the secret's current version is the one carrying
    AWSCURRENT (PutSecretValue then moves AWSPREVIOUS to it, as the API reference says)."""
    backend_class = models.SecretsManagerBackend
    original = backend_class.update_secret_version_stage

    def update(self: Any, secret_id: str, *args: Any, **kwargs: Any) -> Any:
        result = original(self, secret_id, *args, **kwargs)
        secret: Any = self.secrets[secret_id]
        for version_id, version in secret.versions.items():
            if "AWSCURRENT" in version["version_stages"]:
                secret.set_default_version_id(version_id)
        return result

    backend_class.update_secret_version_stage = update  # type: ignore[method-assign]
    try:
        yield
    finally:
        backend_class.update_secret_version_stage = original  # type: ignore[method-assign]


#: Where the fidelity layer keeps a version's creation time (moto keeps whole seconds only).
_CREATED = "secretkit_created"
_last_stamp = [0.0]


def _stamp_new_versions(backend: Any) -> None:
    """Date every version not dated yet: now, strictly after the last one dated; and record the
    key it is encrypted under."""
    record_new_versions(backend)
    for secret in dict.values(backend.secrets):
        for version in getattr(secret, "versions", {}).values():
            if _CREATED not in version:
                _last_stamp[0] = max(time.time(), _last_stamp[0] + 1e-6)
                version[_CREATED] = _last_stamp[0]


def _stamping(method: Callable[..., Any]) -> Callable[..., Any]:
    def stamped(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        finally:
            _stamp_new_versions(self)

    return stamped


@contextmanager
def _aws_like_deprecated_versions() -> Iterator[None]:
    """DescribeSecret's VersionIdsToStages leaves out versions without a staging label ("A list
    of the versions of the secret that have staging labels attached"); ListSecretVersionIds
    lists them only with IncludeDeprecated ("By default, versions without staging labels aren't
    included"), each with its creation date (AWS Secrets Manager API reference)."""
    from moto.secretsmanager.responses import SecretsManagerResponse  # noqa: PLC0415

    backend_class = models.SecretsManagerBackend
    originals = {name: getattr(backend_class, name) for name in ("_add_secret", "rotate_secret")}
    original_stages = models.FakeSecret._form_version_ids_to_stages
    original_list = SecretsManagerResponse.list_secret_version_ids

    def labelled_only(self: Any) -> dict[str, Any]:
        return {version: stages for version, stages in original_stages(self).items() if stages}

    def list_versions(self: Any) -> str:
        secret_id = self._get_param("SecretId", if_none="")
        include_deprecated = bool(self._get_param("IncludeDeprecated", if_none=False))
        body = json.loads(self.backend.list_secret_version_ids(secret_id=secret_id))
        secret = self.backend.secrets[secret_id]
        listed = []
        for entry in body.get("Versions", []):
            if not entry.get("VersionStages") and not include_deprecated:
                continue
            version = secret.versions.get(entry["VersionId"], {})
            entry["CreatedDate"] = version.get(_CREATED, version.get("createdate"))
            listed.append(entry)
        body["Versions"] = listed
        return json.dumps(body)

    for name, method in originals.items():
        setattr(backend_class, name, _stamping(method))
    models.FakeSecret._form_version_ids_to_stages = labelled_only  # type: ignore[method-assign]
    SecretsManagerResponse.list_secret_version_ids = list_versions  # type: ignore[method-assign]
    try:
        yield
    finally:
        for name, method in originals.items():
            setattr(backend_class, name, method)
        models.FakeSecret._form_version_ids_to_stages = original_stages  # type: ignore[method-assign]
        SecretsManagerResponse.list_secret_version_ids = original_list  # type: ignore[method-assign]


@contextmanager
def _immutable_versions() -> Iterator[None]:
    """moto refuses to change the value of an existing version, as AWS does."""
    original = models.SecretsManagerBackend._check_with_existing_secrets_and_versions

    def check(  # noqa: PLR0917 - moto's signature
        self: Any,
        secret_name: str,
        client_request_token: str | None,
        secret_string: str | None,
        secret_binary: str | None,
        on_create: bool = False,
    ) -> Any:
        # SecretsStore matches names and ARNs in `in` and [], not in .get()
        secret: Any = self.secrets[secret_name] if secret_name in self.secrets else None  # noqa: SIM401
        version: Any = None
        if secret is not None and client_request_token:
            version = secret.versions.get(client_request_token)
        has_value = version is not None and (
            "secret_string" in version or "secret_binary" in version
        )
        if has_value and (
            version.get("secret_string") != secret_string
            or version.get("secret_binary") != secret_binary
        ):
            raise ResourceExistsException(
                f"You can't use ClientRequestToken {client_request_token} because that value is "
                f"already in use for a version of secret {secret.arn}."
            )
        return original(
            self, secret_name, client_request_token, secret_string, secret_binary, on_create
        )

    models.SecretsManagerBackend._check_with_existing_secrets_and_versions = check  # type: ignore[method-assign]
    try:
        yield
    finally:
        models.SecretsManagerBackend._check_with_existing_secrets_and_versions = original  # type: ignore[method-assign]


def enable_rotation(
    secret_id: str,
    lambda_arn: str,
    *,
    days: int = 30,
    account_id: str = "123456789012",
    region: str = "us-east-1",
) -> None:
    """Mark a moto secret as configured for rotation, as RotateSecret does on AWS, without
    moto's side effects (it would invoke the function, or move AWSCURRENT itself)."""
    secret: Any = models.secretsmanager_backends[account_id][region].secrets[secret_id]
    secret.rotation_requested = True  # moto only reports rotation fields once this is set
    secret.rotation_enabled = True
    secret.rotation_lambda_arn = lambda_arn
    secret.auto_rotate_after_days = days


def _secret_resource(response: Any) -> str:
    secret_id = response._get_param("SecretId")
    if not secret_id:
        return "*"
    if owner_of(secret_id, response.current_account) != response.current_account:
        return str(secret_id)  # another account's secret, by its ARN
    backend = sm_models.secretsmanager_backends[response.current_account][response.region]
    if secret_id in backend.secrets:
        return str(backend.secrets[secret_id].arn)
    if str(secret_id).startswith("arn:"):
        return str(secret_id)
    return f"arn:aws:secretsmanager:{response.region}:{response.current_account}:secret:{secret_id}"


def _parameter_resource(response: Any) -> str:
    name = response._get_param("Name") or next(iter(response._get_param("Names") or []), None)
    if not name:
        return "*"
    name = str(name)
    if name.startswith("arn:"):
        return name
    name = name.split(":", 1)[0]  # a version or label selector is not part of the resource
    return f"arn:aws:ssm:{response.region}:{response.current_account}:parameter/{name.lstrip('/')}"


def _log_resource(response: Any) -> str:
    group = response._get_param("logGroupName")
    if not group:
        return "*"
    arn = f"arn:aws:logs:{response.region}:{response.current_account}:log-group:{group}"
    stream = response._get_param("logStreamName")
    return f"{arn}:log-stream:{stream}" if stream else arn


def is_access_denied(error: BaseException) -> bool:
    """Whether a botocore error is an authorization refusal (moto answers SSM and Secrets
    Manager refusals with an XML body botocore reads as code '403')."""
    response = getattr(error, "response", None) or {}
    code = str(response.get("Error", {}).get("Code", ""))
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return code.startswith("AccessDenied") or code == "403" or status == 403


@contextmanager
def resource_level_authorization() -> Iterator[None]:
    """Within the block, moto's IAM checks evaluate Secrets Manager, SSM and CloudWatch Logs
    calls against the secret's, parameter's or log group/stream's ARN (moto otherwise checks
    them against '*', so no policy scoped to a resource can pass) and read IAM's '?' wildcard
    as one character (moto crashes on 'secret:name-??????'); calls on a secret are decided with
    its resource policy and its rotation function as condition key; a call naming a secret of
    another account by its ARN reaches that account's secret and is decided with the key policy
    too (secretkit.embedded.cross_account); a call naming a parameter of another account by its
    ARN reaches that account's parameter and is decided with its RAM shares and, to decrypt, its
    key policy (secretkit.embedded.shared_parameters). Use with
    moto.core.enable_iam_authentication()."""
    from moto.iam.access_control import IAMPolicyStatement, IAMRequestBase  # noqa: PLC0415
    from moto.logs.responses import LogsResponse  # noqa: PLC0415
    from moto.secretsmanager.responses import SecretsManagerResponse  # noqa: PLC0415
    from moto.ssm.responses import SimpleSystemManagerResponse  # noqa: PLC0415

    original_match = IAMPolicyStatement.__dict__["_match"]
    original_check = IAMRequestBase.check_action_permitted
    IAMPolicyStatement._match = staticmethod(  # type: ignore[method-assign]
        lambda pattern, string: iam_pattern(pattern, ignore_case=False).fullmatch(string)
    )
    IAMRequestBase.check_action_permitted = _deciding_secret_calls(original_check)  # type: ignore[method-assign, assignment]
    SecretsManagerResponse._determine_resource = _secret_resource  # type: ignore[attr-defined]
    original_backend = SecretsManagerResponse.__dict__["backend"]
    SecretsManagerResponse.backend = property(owner_backend)  # type: ignore[method-assign, assignment]
    SimpleSystemManagerResponse._determine_resource = _parameter_resource  # type: ignore[attr-defined]
    original_ssm_backend = SimpleSystemManagerResponse.__dict__["ssm_backend"]
    SimpleSystemManagerResponse.ssm_backend = property(owner_ssm_backend)  # type: ignore[method-assign, assignment]
    LogsResponse._determine_resource = _log_resource  # type: ignore[attr-defined]
    try:
        yield
    finally:
        del LogsResponse._determine_resource  # type: ignore[attr-defined]
        IAMPolicyStatement._match = original_match  # type: ignore[method-assign]
        IAMRequestBase.check_action_permitted = original_check  # type: ignore[method-assign]
        del SecretsManagerResponse._determine_resource  # type: ignore[attr-defined]
        SecretsManagerResponse.backend = original_backend  # type: ignore[method-assign]
        del SimpleSystemManagerResponse._determine_resource  # type: ignore[attr-defined]
        SimpleSystemManagerResponse.ssm_backend = original_ssm_backend  # type: ignore[method-assign]


def _deciding_secret_calls(original: Callable[[Any, str], None]) -> Callable[[Any, str], None]:
    """moto's check_action_permitted, except that a call on an existing secret is decided by
    secretkit.embedded.iam_evaluation with the caller's policies, the secret's resource policy and
    the secret's rotation function (secretsmanager:resource/AllowRotationLambdaArn)."""
    from moto.iam.access_control import IAMPolicy  # noqa: PLC0415

    def check_action_permitted(request: Any, resource: str) -> None:
        if request._action.startswith("ssm:") and _is_foreign_parameter(request, resource):
            _decide_foreign_parameter_call(request, resource)
            return
        secret = _secret_at(resource) if request._action.startswith("secretsmanager:") else None
        if secret is None:
            original(request, resource)
            return
        identity = [IAMPolicy(p)._policy_json for p in request._access_key.collect_policies()]
        caller_account = str(request._access_key.account_id)
        if str(secret.arn).split(":")[4] != caller_account:
            principals = principal_arns(request._access_key)
            if not foreign_call_allowed(
                secret, request._action, principals, caller_account, identity
            ):
                request._raise_access_denied()
            return
        lambda_arn = getattr(secret, "rotation_lambda_arn", None)
        decided = Request(
            principal_arns=principal_arns(request._access_key),
            action=request._action,
            resource=str(secret.arn),
            context={ROTATION_LAMBDA_KEY: lambda_arn} if lambda_arn else {},
            absent=frozenset() if lambda_arn else frozenset({ROTATION_LAMBDA_KEY}),
        )
        # moto's replica secrets carry neither a policy nor a rotation of their own.
        policy = getattr(secret, "policy", None)
        resource_policies = [json.loads(policy)] if policy else []
        if not is_allowed(decided, identity, resource_policies):
            request._raise_access_denied()
        if not keys_decide(
            secret, request._action, _json_body(request), list(decided.principal_arns), identity
        ):
            request._raise_access_denied()

    return check_action_permitted


def _json_body(request: Any) -> dict[str, Any]:
    """The request's JSON parameters (empty when there are none)."""
    try:
        body = json.loads(request._body or b"{}")
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _is_foreign_parameter(request: Any, resource: str) -> bool:
    parts = parameter_arn_parts(resource)
    return parts is not None and parts[1] != str(request._access_key.account_id)


def _decide_foreign_parameter_call(request: Any, resource: str) -> None:
    """Refuse (AccessDenied) a call on another account's parameter unless its identity policy,
    the owner's RAM share and, to decrypt, the key policy allow it. The call reaches the
    owner's backend, so every name it carries (GetParameters' Names) must be an ARN of that
    owner's parameter the caller may read: a plain name there would be the owner's parameter,
    read without a decision."""
    from moto.iam.access_control import IAMPolicy  # noqa: PLC0415

    body = _json_body(request)
    owner = parameter_arn_parts(resource)
    names = [str(name) for name in body.get("Names") or [body.get("Name") or resource]]
    identity = [IAMPolicy(p)._policy_json for p in request._access_key.collect_policies()]
    for name in names:
        if parameter_arn_parts(name) != owner or not foreign_parameter_call_allowed(
            name,
            request._action,
            principal_arns(request._access_key),
            str(request._access_key.account_id),
            identity,
            with_decryption=bool(body.get("WithDecryption")),
        ):
            request._raise_access_denied()


def _secret_at(arn: str) -> Any:
    """The moto secret with this ARN, or None (not a secret ARN, or no such secret)."""
    parts = arn.split(":")
    if len(parts) < 7 or parts[2] != "secretsmanager" or parts[5] != "secret":
        return None
    backend = sm_models.secretsmanager_backends[parts[4]][parts[3]]
    # SecretsStore matches names and ARNs in `in` and [], not in .get()
    return backend.secrets[arn] if arn in backend.secrets else None  # noqa: SIM401


def principal_arns(access_key: Any) -> list[str]:
    """How a resource policy may name the caller: an assumed role by its role's ARN (with its
    path) or its session's ARN; a user by its ARN."""
    arns = [str(access_key.arn)]
    role_name = getattr(access_key, "_owner_role_name", None)
    if role_name is not None:
        arns.append(str(access_key.backend.get_role(role_name).arn))
    return arns
