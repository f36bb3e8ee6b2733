"""Monthly cost of a stack, per component, from its resources and assumed request rates."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from secretkit.costs.pricing import PRICES, Prices, appconfig_reads, per_10k
from secretkit.resources import (
    CONFIGURATION_PROFILE,
    EVENT_RULE,
    KEY,
    METRIC_ALARM,
    PARAMETER,
    REPLICA_KEY,
    SECRET,
    TOPIC,
    ResourceView,
    component_of,
)

STACK = "(stack)"


@dataclass(frozen=True)
class Rates:
    """Requests per month, per secret, per parameter and per AppConfig configuration profile."""

    secret_requests: float = 0
    parameter_requests: float = 0
    configuration_requests: float = 0
    """AppConfig configuration requests (reads) per configuration profile."""
    configurations_received: float | None = None
    """How many of those carried the configuration; None: every one (each read a new session,
    as a reader without AppConfig's agent or extension does)."""

    @property
    def received(self) -> float:
        """Configurations received per profile a month."""
        if self.configurations_received is None:
            return self.configuration_requests
        return self.configurations_received


@dataclass
class ComponentCost:
    """One component's (or the stack's loose resources') monthly cost, by line."""

    name: str
    type: str
    lines: dict[str, float] = field(default_factory=dict)

    @property
    def total(self) -> float:
        return sum(self.lines.values())

    def add(self, line: str, amount: float) -> None:
        self.lines[line] = self.lines.get(line, 0.0) + amount


@dataclass
class StackCost:
    """Every component's cost, the stack-wide KMS request charge, and the total."""

    components: list[ComponentCost]
    kms_requests: float
    kms_request_cost: float

    @property
    def total(self) -> float:
        return sum(c.total for c in self.components) + self.kms_request_cost


def _under_cmk(view: ResourceView, key_ids: set[str]) -> bool:
    key = view.prop("kmsKeyId") or view.prop("keyId")
    return isinstance(key, str) and (key in key_ids or ":key/" in key)


#: Resources billed a flat monthly price, by type: (the cost line's label, the price).
_MONTHLY: dict[str, tuple[str, Callable[[Prices], float]]] = {
    KEY: ("KMS keys", lambda p: p.kms_key_month),
    REPLICA_KEY: ("KMS keys", lambda p: p.kms_key_month),
    METRIC_ALARM: ("CloudWatch alarms", lambda p: p.alarm_month),
    EVENT_RULE: ("EventBridge rules", lambda p: p.event_rule_month),
    TOPIC: ("SNS topics", lambda p: p.topic_month),
}


def stack_cost(
    resources: Sequence[ResourceView], rates: Rates = Rates(), prices: Prices = PRICES
) -> StackCost:
    """What the stack's resources cost per month at ``rates``: rotation alarms count $0.10 per
    CloudWatch alarm, their EventBridge rules and SNS topics $0 (AWS management events are
    free; a few messages a month stay within SNS's free million); Lambda and CloudWatch Logs
    at rotation volumes stay within free tiers and count as $0."""
    by_urn = {r.urn: r for r in resources}
    costs: dict[str, ComponentCost] = {}
    key_ids = {
        str(identifier)
        for r in resources
        if r.type in (KEY, REPLICA_KEY)
        for identifier in (r.prop("arn"), r.prop("keyId"))
        if identifier
    }
    kms_requests = 0.0

    def bucket(view: ResourceView) -> ComponentCost:
        owner = component_of(view, by_urn)
        name, type_ = (owner.name, owner.type.split(":")[-1]) if owner else (STACK, "")
        return costs.setdefault(name, ComponentCost(name, type_))

    for view in resources:
        if view.custom and component_of(view, by_urn) is not None:
            bucket(view)  # every component that owns resources is listed, free ones at $0.00
        if view.type == SECRET:
            copies = 1 + len(view.prop("replicas", []) or [])
            bucket(view).add("secrets and replicas", copies * prices.secret_month)
            bucket(view).add(
                "Secrets Manager requests",
                per_10k(rates.secret_requests, prices.secret_api_per_10k),
            )
            if _under_cmk(view, key_ids):
                kms_requests += rates.secret_requests
        elif view.type == PARAMETER:
            if view.prop("tier") == "Advanced":
                bucket(view).add("advanced parameter", prices.advanced_parameter_month)
                bucket(view).add(
                    "advanced parameter requests",
                    per_10k(rates.parameter_requests, prices.advanced_api_per_10k),
                )
            else:
                bucket(view).add("standard parameter", prices.standard_parameter_month)
            if view.prop("type") == "SecureString" and _under_cmk(view, key_ids):
                kms_requests += rates.parameter_requests
        elif view.type in _MONTHLY:
            label, price = _MONTHLY[view.type]
            bucket(view).add(label, price(prices))
        elif view.type == CONFIGURATION_PROFILE:
            bucket(view).add(
                "AppConfig configuration requests",
                appconfig_reads(rates.configuration_requests, 0, prices),
            )
            bucket(view).add(
                "AppConfig configurations received", appconfig_reads(0, rates.received, prices)
            )
    billable = max(0.0, kms_requests - prices.kms_free_requests)
    return StackCost(
        components=sorted(costs.values(), key=lambda c: (c.name == STACK, c.name)),
        kms_requests=kms_requests,
        kms_request_cost=per_10k(billable, prices.kms_requests_per_10k),
    )


@dataclass(frozen=True)
class Comparison:
    """The same values stored in each service for a month."""

    count: int
    requests: float
    parameter_store: float
    parameter_store_advanced: float
    secrets_manager: float
    appconfig: float
    received: float
    """Configurations received in all (AppConfig bills each)."""


def compare(
    count: int, requests: float, prices: Prices = PRICES, received: float | None = None
) -> Comparison:
    """``count`` values read ``requests`` times a month in all, in each service; ``received``
    of the reads carry the configuration in AppConfig (None: every read does)."""
    received = requests if received is None else received
    return Comparison(
        count=count,
        requests=requests,
        parameter_store=count * prices.standard_parameter_month
        + per_10k(requests, prices.standard_api_per_10k),
        parameter_store_advanced=count * prices.advanced_parameter_month
        + per_10k(requests, prices.advanced_api_per_10k),
        secrets_manager=count * prices.secret_month + per_10k(requests, prices.secret_api_per_10k),
        appconfig=appconfig_reads(requests, received, prices),
        received=received,
    )
