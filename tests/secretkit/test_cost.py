"""The cost model: the price table, the two-service comparison and each component's monthly
cost, computed from what programs register under Pulumi mocks."""

from __future__ import annotations

from collections.abc import Callable

import pulumi
import pulumi_aws as aws
import pytest

from secretkit.components import (
    CrossRegionReplicatedSecret,
    RotatingSecret,
    RotationFunction,
    SecureParameter,
)
from secretkit.costs.advisor import advise
from secretkit.costs.cost import STACK, ComponentCost, Rates, StackCost, compare, stack_cost
from secretkit.costs.pricing import (
    AS_OF,
    PRICES,
    REGIONAL_PRICES,
    Inventory,
    Prices,
    appconfig_reads,
    per_10k,
    prices_for,
)
from secretkit.embedded import mocks
from secretkit.resources import ResourceView, from_registrations

KEY_ARN = f"arn:aws:kms:{mocks.REGION}:{mocks.ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def cost_of(
    monitor: mocks.RecordingMonitor, program: Callable[[], object], rates: Rates
) -> StackCost:
    mocks.run(program)
    return stack_cost(from_registrations(monitor.registrations), rates)


def component(cost: StackCost, name: str) -> ComponentCost:
    (found,) = [c for c in cost.components if c.name == name]
    return found


def test_compare_reproduces_the_seed_table() -> None:
    result = compare(25, 10_000)
    assert f"${result.parameter_store:.2f}" == "$0.00"
    assert f"${result.secrets_manager:.2f}" == "$10.05"  # 25 x $0.40 + 10,000 calls x $0.05/10k
    assert result.parameter_store_advanced == pytest.approx(25 * 0.05 + 0.05)


def test_compare_scales_with_count_and_requests() -> None:
    assert compare(100, 1_000_000).secrets_manager == pytest.approx(40 + 5)
    assert compare(0, 0).secrets_manager == 0
    doubled = Prices(secret_month=0.80)
    assert compare(10, 0, doubled).secrets_manager == pytest.approx(8.0)


def test_price_table_has_the_published_prices() -> None:
    assert (PRICES.secret_month, PRICES.secret_api_per_10k) == (0.40, 0.05)
    assert (PRICES.standard_parameter_month, PRICES.standard_api_per_10k) == (0, 0)
    assert (PRICES.advanced_parameter_month, PRICES.advanced_api_per_10k) == (0.05, 0.05)
    assert (PRICES.kms_key_month, PRICES.kms_requests_per_10k) == (1.00, 0.03)
    assert per_10k(25_000, 0.05) == pytest.approx(0.125)


def test_inventory_totals_its_fees() -> None:
    fees = Inventory(secrets=2, replicas=1, kms_keys=2, advanced_parameters=4).monthly()
    assert fees["Secrets Manager secrets"] == pytest.approx(1.20)
    assert fees["KMS customer managed keys"] == pytest.approx(2.00)
    assert fees["total"] == pytest.approx(3.40)


def test_rotating_secret_pays_for_its_secret_key_and_reads(
    monitor: mocks.RecordingMonitor,
) -> None:
    def program() -> object:
        secret = RotatingSecret(
            "db",
            {
                "secret_name": "app/db",
                "rotation": {"strategy": "password", "automatically_after_days": 30},
            },
        )
        return secret.secret_arn

    cost = cost_of(monitor, program, Rates(secret_requests=30_000))
    db = component(cost, "db")
    assert db.type == "RotatingSecret"
    assert db.lines["secrets and replicas"] == pytest.approx(0.40)
    assert db.lines["KMS keys"] == pytest.approx(1.00)
    assert db.lines["Secrets Manager requests"] == pytest.approx(0.15)
    # Its rotation alarm: the function's Errors alarm; the rule and the topic are free.
    assert db.lines["CloudWatch alarms"] == pytest.approx(0.10)
    assert db.lines["EventBridge rules"] == 0
    assert db.lines["SNS topics"] == 0
    # Each read decrypts with the component's CMK: 30,000 - 20,000 free = 10,000 billable.
    assert cost.kms_requests == 30_000
    assert cost.kms_request_cost == pytest.approx(0.03)
    assert cost.total == pytest.approx(0.40 + 1.00 + 0.15 + 0.10 + 0.03)


def test_alarms_cost_one_alarm_per_function_however_many_members(
    monitor: mocks.RecordingMonitor,
) -> None:
    def program() -> object:
        shared = RotationFunction("fn", {"strategy": "password"})
        for index in range(3):
            RotatingSecret(  # type: ignore[call-overload]
                f"member-{index}",
                {
                    "secret_name": f"app/member-{index}",
                    "rotation": {"function": shared, "automatically_after_days": 30},
                },
            )
        RotatingSecret(
            "quiet",
            {
                "secret_name": "app/quiet",
                "rotation": {"strategy": "password", "automatically_after_days": 30},
                "alarms": {"enabled": False},
            },
        )
        return shared.function_arn

    cost = cost_of(monitor, program, Rates())
    assert component(cost, "fn").lines["CloudWatch alarms"] == pytest.approx(0.10)
    for index in range(3):
        assert "CloudWatch alarms" not in component(cost, f"member-{index}").lines
        assert component(cost, f"member-{index}").lines["EventBridge rules"] == 0
    assert "CloudWatch alarms" not in component(cost, "quiet").lines
    fees = Inventory(alarms=2).monthly()
    assert fees["CloudWatch alarms"] == pytest.approx(0.20)


def test_replicas_cost_a_secret_and_a_key_each(monitor: mocks.RecordingMonitor) -> None:
    def program() -> object:
        shared = CrossRegionReplicatedSecret(
            "shared",
            {
                "secret_name": "shared/token",
                "secret_template": {"client": "x"},
                "replica_regions": ["eu-west-1", "ap-southeast-2"],
            },
        )
        return shared.replica_secret_arns

    cost = cost_of(monitor, program, Rates())
    shared = component(cost, "shared")
    assert shared.lines["secrets and replicas"] == pytest.approx(3 * 0.40)
    assert shared.lines["KMS keys"] == pytest.approx(3 * 1.00)
    assert cost.total == pytest.approx(4.20)


def test_standard_parameter_with_aws_managed_key_is_free(monitor: mocks.RecordingMonitor) -> None:
    def program() -> object:
        return SecureParameter("cfg", {"parameter_name": "/app/cfg", "value": "x"}).parameter_arn

    cost = cost_of(monitor, program, Rates(parameter_requests=1_000_000))
    assert cost.total == 0
    assert cost.kms_requests == 0  # aws/ssm is not a CMK


def test_advanced_parameter_pays_monthly_and_per_read(monitor: mocks.RecordingMonitor) -> None:
    def program() -> object:
        return SecureParameter(
            "big", {"parameter_name": "/app/big", "value": "x" * 5000, "kms_key_arn": KEY_ARN}
        ).parameter_arn

    cost = cost_of(monitor, program, Rates(parameter_requests=50_000))
    big = component(cost, "big")
    assert big.lines["advanced parameter"] == pytest.approx(0.05)
    assert big.lines["advanced parameter requests"] == pytest.approx(0.25)
    assert cost.kms_requests == 50_000  # an existing CMK by ARN counts for requests
    assert "KMS keys" not in big.lines  # ...but its monthly fee is paid where it is declared
    assert cost.total == pytest.approx(0.05 + 0.25 + 0.09)


def test_loose_resources_are_costed_under_the_stack(monitor: mocks.RecordingMonitor) -> None:
    def program() -> object:
        key = aws.kms.Key("loose-key")
        secret = aws.secretsmanager.Secret("loose", name="loose", kms_key_id=key.arn)
        return secret.arn

    cost = cost_of(monitor, program, Rates())
    assert [c.name for c in cost.components] == [STACK]
    assert cost.components[0].total == pytest.approx(1.40)


def test_component_inside_a_component_rolls_up_to_the_nearest(
    monitor: mocks.RecordingMonitor,
) -> None:
    class Platform(pulumi.ComponentResource):
        def __init__(self, name: str) -> None:
            super().__init__("acme:index:Platform", name)
            SecureParameter(
                f"{name}-cfg",
                {"parameter_name": "/p/cfg", "value": "x" * 5000},
                opts=pulumi.ResourceOptions(parent=self),
            )
            self.register_outputs({})

    def program() -> object:
        Platform("plat")
        return None

    cost = cost_of(monitor, program, Rates())
    assert [c.name for c in cost.components] == ["plat-cfg"]
    assert cost.components[0].type == "SecureParameter"


def test_prices_for_a_region_with_a_row_are_its_own() -> None:
    regional = prices_for("us-east-1")
    assert regional.known
    assert regional.prices is REGIONAL_PRICES["us-east-1"]
    assert regional.note == f"us-east-1 list prices as of {AS_OF}"


@pytest.mark.parametrize("region", ["ap-southeast-2", "cn-north-1", "us-gov-west-1"])
def test_a_region_without_a_row_gets_us_east_1_prices_and_says_so(region: str) -> None:
    assert region not in REGIONAL_PRICES
    regional = prices_for(region)
    assert not regional.known
    assert regional.prices is PRICES
    assert regional.note.startswith(f"no prices known for {region}: us-east-1 list prices")


def test_an_unknown_region_says_so() -> None:
    assert prices_for(None).note.startswith("region not known (no aws:region, --region")


def test_the_advisor_and_the_cost_use_the_prices_they_are_given() -> None:
    doubled = Prices(secret_month=0.80, secret_api_per_10k=0.10)
    secret = ResourceView(
        urn="urn:pulumi:dev::p::aws:secretsmanager/secret:Secret::s",
        type="aws:secretsmanager/secret:Secret",
        name="s",
        parent="urn:pulumi:dev::p::pulumi:pulumi:Stack::p-dev",
        custom=True,
        props={"name": "s"},
    )
    (finding,) = advise([secret], secret_requests=10_000, prices=doubled)
    assert finding.monthly_saving == pytest.approx(0.90)
    assert "$0.80 for the secret" in finding.message
    assert stack_cost([secret], Rates(10_000), doubled).total == pytest.approx(0.90)


def test_appconfig_prices_are_the_published_ones() -> None:
    # "$0.0000002 per configuration request via API Calls", "$0.0008 per configuration
    # received" (AWS Systems Manager pricing, AppConfig).
    assert (PRICES.appconfig_request, PRICES.appconfig_received) == (0.0000002, 0.0008)
    assert appconfig_reads(1_000_000, 0) == pytest.approx(0.20)
    assert appconfig_reads(1_000_000, 100) == pytest.approx(0.20 + 0.08)


def test_compare_prices_appconfig_by_requests_and_configurations_received() -> None:
    every_read = compare(25, 250_000)
    assert every_read.received == 250_000
    assert every_read.appconfig == pytest.approx(250_000 * 0.0000002 + 250_000 * 0.0008)
    polled = compare(25, 250_000, received=25 * 30)  # a deployment a day, one poller each
    assert polled.appconfig == pytest.approx(0.05 + 750 * 0.0008)


def appconfig_program() -> None:
    app = aws.appconfig.Application("app", name="shop")
    profile = aws.appconfig.ConfigurationProfile(
        "flags", name="flags", application_id=app.id, location_uri="hosted"
    )
    aws.appconfig.HostedConfigurationVersion(
        "flags-v",
        application_id=app.id,
        configuration_profile_id=profile.id,
        content='{"checkout": true}',
        content_type="application/json",
    )
    aws.appconfig.Environment("prod", name="prod", application_id=app.id)


def test_a_configuration_profile_pays_for_its_reads_and_nothing_else(
    monitor: mocks.RecordingMonitor,
) -> None:
    rates = Rates(configuration_requests=100_000, configurations_received=3_000)
    cost = cost_of(monitor, appconfig_program, rates)
    lines = component(cost, STACK).lines
    assert lines == {
        "AppConfig configuration requests": pytest.approx(100_000 * 0.0000002),
        "AppConfig configurations received": pytest.approx(3_000 * 0.0008),
    }
    assert cost.total == pytest.approx(0.02 + 2.40)


def test_every_read_receives_the_configuration_unless_told(
    monitor: mocks.RecordingMonitor,
) -> None:
    cost = cost_of(monitor, appconfig_program, Rates(configuration_requests=1_000))
    assert cost.total == pytest.approx(1_000 * 0.0000002 + 1_000 * 0.0008)
