"""SecretkitMocks: Pulumi mocks for a consumer's unit tests that answer what secretkit's
components ask of AWS and pass everything else to the test's own Mocks."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import pulumi

from secretkit.testing.aws_answers import (
    ACCOUNT_ID,
    PARTITION,
    REGION,
    invoke_answer,
    resource_answer,
    unwrap,
)

#: The type of an explicit AWS provider (``aws.Provider(...)``) as the mocks see it registered.
AWS_PROVIDER = "pulumi:providers:aws"


@dataclass(frozen=True)
class _Where:
    """The account, region and partition one invoke or resource is answered for."""

    account_id: str
    region: str
    partition: str


class EchoMocks(pulumi.runtime.Mocks):
    """The Mocks Pulumi's unit-testing guide shows: every resource's state is its inputs, and
    every invoke answers ``{}``.

    (https://www.pulumi.com/docs/iac/concepts/testing/unit/: ``new_resource`` returns
    ``[args.name + '_id', args.inputs]`` and ``call`` returns ``{}``.)
    """

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        """Id '<name>_id', state: the inputs."""
        return f"{args.name}_id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> dict[str, Any]:  # type: ignore[override]
        """An empty answer."""
        return {}


class SecretkitMocks(pulumi.runtime.Mocks):
    """Mocks for unit-testing a stack that uses secretkit.

    Pass it to ``pulumi.runtime.set_mocks`` before the program creates its resources::

        pulumi.runtime.set_mocks(SecretkitMocks(MyMocks()), preview=False)

    Invokes: the three secretkit's components make (``aws:index/getCallerIdentity``,
    ``aws:index/getRegion``, ``aws:index/getPartition``) are answered for ``account_id``,
    ``region`` and ``partition``; every other invoke goes to ``delegate.call``.

    Resources: every registration goes to ``delegate.new_resource``, whose id and state are
    kept. For the AWS resource types secretkit creates, the attributes AWS computes that the
    delegate's state leaves out (``arn``, a generated ``name``, ``keyId``...) are added as AWS
    would make them, so that policies name real-looking ARNs rather than None.

    An explicit provider (``aws.Provider("eu", region="eu-west-1")``) is in its own region:
    getRegion asked of it answers that region, and the ARNs of the resources it creates name it.

    ``delegate``: the test's own Mocks; by default EchoMocks (state = inputs, invokes ``{}``).
    """

    def __init__(
        self,
        delegate: pulumi.runtime.Mocks | None = None,
        *,
        account_id: str = ACCOUNT_ID,
        region: str = REGION,
        partition: str = PARTITION,
    ) -> None:
        self.delegate: pulumi.runtime.Mocks = delegate if delegate is not None else EchoMocks()
        self.account_id = account_id
        self.region = region
        self.partition = partition
        #: Provider id (as the delegate gave it) -> the region the provider was given.
        self._provider_regions: dict[str, str] = {}
        self._lock = threading.Lock()  # Pulumi's mock engine calls from several threads

    def _where(self, provider: str | None) -> _Where:
        """Where a call or resource through ``provider`` (a reference '<urn>::<id>') goes."""
        provider_id = (provider or "").rsplit("::", 1)[-1]
        with self._lock:
            region = self._provider_regions.get(provider_id, self.region)
        return _Where(self.account_id, region, self.partition)

    def call(self, args: pulumi.runtime.MockCallArgs) -> Any:
        """secretkit's invokes answered here; any other asked of the delegate."""
        answer = invoke_answer(self._where(args.provider), args.token)
        if answer is not None:
            return answer
        return self.delegate.call(args)

    def new_resource(
        self, args: pulumi.runtime.MockResourceArgs
    ) -> tuple[str | None, dict[str, Any]]:
        """The delegate's id and state, completed with the attributes AWS computes."""
        resource_id, state = self.delegate.new_resource(args)
        if args.typ == AWS_PROVIDER:
            region = unwrap(args.inputs.get("region"))
            if resource_id and isinstance(region, str) and region:
                with self._lock:
                    self._provider_regions[resource_id] = region
        where = self._where(args.provider)
        computed = resource_answer(where, args.typ, args.name, dict(args.inputs))
        if computed is None:
            return resource_id, state
        computed_id, computed_state = computed
        return resource_id or computed_id, {**computed_state, **state}
