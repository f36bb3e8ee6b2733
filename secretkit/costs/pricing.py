"""AWS list prices secretkit's cost figures use, in one table, with their sources and date."""

from __future__ import annotations

from dataclasses import dataclass

#: When the prices below were read from AWS's pricing pages (us-east-1, USD).
AS_OF = "2026-11"
SOURCES = {
    "secretsmanager": "https://aws.amazon.com/secrets-manager/pricing/",
    "ssm": "https://aws.amazon.com/systems-manager/pricing/ (Parameter Store)",
    "kms": "https://aws.amazon.com/kms/pricing/",
    "appconfig": "https://aws.amazon.com/systems-manager/pricing/ (AppConfig)",
    "cloudwatch": "https://aws.amazon.com/cloudwatch/pricing/ (Alarms: standard resolution)",
    "events": "https://aws.amazon.com/eventbridge/pricing/ (AWS management events: free)",
    "sns": "https://aws.amazon.com/sns/pricing/ (first 1 million requests a month free)",
}


@dataclass(frozen=True)
class Prices:
    """Monthly list prices in USD."""

    secret_month: float = 0.40
    """Secrets Manager, per secret (and per replica) per month."""
    secret_api_per_10k: float = 0.05
    """Secrets Manager API calls, per 10,000."""
    standard_parameter_month: float = 0.0
    """Parameter Store standard parameter: free."""
    standard_api_per_10k: float = 0.0
    """Parameter Store API interactions at standard throughput: free."""
    advanced_parameter_month: float = 0.05
    """Parameter Store advanced parameter, per month."""
    advanced_api_per_10k: float = 0.05
    """API interactions with advanced parameters (or higher throughput), per 10,000."""
    kms_key_month: float = 1.00
    """KMS customer managed key, per month (each multi-Region replica key too)."""
    kms_requests_per_10k: float = 0.03
    """KMS requests beyond the free tier, per 10,000."""
    kms_free_requests: int = 20_000
    """KMS requests free each month."""
    appconfig_request: float = 0.0000002
    """AppConfig, per configuration request via API calls (StartConfigurationSession,
    GetLatestConfiguration): "$0.0000002 per configuration request via API Calls"."""
    appconfig_received: float = 0.0008
    """AppConfig, per configuration received: "$0.0008 per configuration received" (a
    GetLatestConfiguration answer that carries the configuration; an empty answer, the client
    already holding the latest, is a request only)."""
    alarm_month: float = 0.10
    """CloudWatch metric alarm, standard resolution, per alarm per month (a rotation
    function's Errors alarm)."""
    event_rule_month: float = 0.0
    """EventBridge rule on the default bus matching AWS management events (Secrets Manager's
    rotation events): "AWS management events are ingested by the event bus for free"."""
    topic_month: float = 0.0
    """SNS topic: no monthly fee; the first 1 million requests a month are free, then $0.50
    per million (a few alarm messages a month)."""
    # Lambda (a few invocations per rotation) stays within its free tier at rotation volumes:
    # treated as $0.


PRICES = Prices()

#: The region whose list prices ``PRICES`` holds.
LIST_PRICE_REGION = "us-east-1"

#: List prices per region, for the regions whose prices secretkit has read from the pages in
#: SOURCES (as of AS_OF). A region's row goes here when its prices have been checked on those
#: pages, or in the AWS Price List API's regional offer files
#: (https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/<service>/current/<region>/index.json,
#: per AWS's announcement "Use the Enhanced AWS Price List API to Access AWS Service- and
#: Region-Specific Product and Pricing Information", 2017-04-20). Adding a region is one entry.
REGIONAL_PRICES: dict[str, Prices] = {
    LIST_PRICE_REGION: PRICES,
}


@dataclass(frozen=True)
class RegionalPrices:
    """The prices to use for a region, and whether they are that region's own."""

    region: str | None
    """The region asked for (None: not known, e.g. no aws:region and no --region)."""
    prices: Prices
    known: bool
    """False when the region has no row in REGIONAL_PRICES: ``prices`` are us-east-1's."""

    @property
    def note(self) -> str:
        """One sentence saying whose prices these are."""
        if self.known:
            return f"{self.region} list prices as of {AS_OF}"
        if self.region is None:
            return (
                f"region not known (no aws:region, --region or AWS_REGION): {LIST_PRICE_REGION} "
                f"list prices as of {AS_OF}"
            )
        return (
            f"no prices known for {self.region}: {LIST_PRICE_REGION} list prices as of {AS_OF} "
            "shown instead (check the region's prices on the pricing pages)"
        )


def prices_for(region: str | None) -> RegionalPrices:
    """The list prices of ``region``, or us-east-1's marked as not the region's own."""
    prices = REGIONAL_PRICES.get(region or "")
    if prices is None:
        return RegionalPrices(region, PRICES, known=False)
    return RegionalPrices(region, prices, known=True)


def per_10k(calls: float, price: float) -> float:
    """The cost of ``calls`` API calls at ``price`` per 10,000."""
    return calls / 10_000 * price


def appconfig_reads(requests: float, received: float, prices: Prices = PRICES) -> float:
    """What AppConfig bills for ``requests`` configuration requests of which ``received``
    carried the configuration (AppConfig has no monthly fee per application or profile)."""
    return requests * prices.appconfig_request + received * prices.appconfig_received


@dataclass(frozen=True)
class Inventory:
    """What a stack pays a monthly fee for."""

    secrets: int = 0
    replicas: int = 0
    kms_keys: int = 0
    standard_parameters: int = 0
    advanced_parameters: int = 0
    alarms: int = 0
    """CloudWatch metric alarms (rotation alarms: one per rotation function)."""

    def monthly(self, prices: Prices = PRICES) -> dict[str, float]:
        """Fees per line item and the total (no API traffic)."""
        lines = {
            "Secrets Manager secrets": (self.secrets + self.replicas) * prices.secret_month,
            "KMS customer managed keys": self.kms_keys * prices.kms_key_month,
            "Parameter Store standard parameters": self.standard_parameters
            * prices.standard_parameter_month,
            "Parameter Store advanced parameters": self.advanced_parameters
            * prices.advanced_parameter_month,
            "CloudWatch alarms": self.alarms * prices.alarm_month,
        }
        lines["total"] = sum(lines.values())
        return lines
