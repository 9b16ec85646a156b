from dataclasses import dataclass

import pytest

from smguard.engine import Boolean, Choice, CsvList, Integer, InvalidRuleParameterError, Pattern, RuleParameters, parameter


@dataclass(frozen=True)
class Sample(RuleParameters):
    subnets: tuple[str, ...] | None = parameter("SubnetIds", CsvList(r"subnet-[0-9a-f]{8,17}", "a subnet id"), None, "Subnets.")
    strict: bool = parameter("Strict", Boolean(), False, "Be strict.")
    traffic: str = parameter("TrafficType", Choice(("ALL", "ACCEPT", "REJECT")), "ALL", "Which traffic.")
    interval: int | None = parameter("MaxAggregationInterval", Integer((60, 600)), None, "Seconds.")
    role: str | None = parameter("RoleName", Pattern(r"[\w+=,.@-]{1,64}", "an IAM role name"), None, "A role.")


def test_defaults_when_nothing_is_set():
    assert Sample.parse({}) == Sample(subnets=None, strict=False, traffic="ALL", interval=None, role=None)


def test_every_kind_is_parsed_into_its_type():
    parsed = Sample.parse(
        {
            "SubnetIds": " subnet-0123abcd , subnet-0123abce",
            "Strict": "TRUE",
            "TrafficType": "REJECT",
            "MaxAggregationInterval": "60",
            "RoleName": "smguard-exec",
        }
    )
    assert parsed == Sample(("subnet-0123abcd", "subnet-0123abce"), True, "REJECT", 60, "smguard-exec")


def test_empty_string_means_not_set():
    assert Sample.parse({"SubnetIds": "", "Strict": " ", "TrafficType": ""}) == Sample()


def test_json_booleans_and_integers_are_accepted():
    assert Sample.parse({"Strict": True, "MaxAggregationInterval": 600}) == Sample(strict=True, interval=600)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"Subnets": "x"}, "rule parameter 'Subnets': unknown parameter; this rule accepts: MaxAggregationInterval, RoleName, Strict, SubnetIds, TrafficType"),
        ({"SubnetIds": "subnet-0123abcd,,subnet-0123abce"}, "rule parameter 'SubnetIds': 'subnet-0123abcd,,subnet-0123abce' has an empty item; expected a comma-separated list of a subnet id"),
        ({"SubnetIds": "sg-0123abcd"}, "rule parameter 'SubnetIds': 'sg-0123abcd' is not a subnet id (expected pattern subnet-[0-9a-f]{8,17})"),
        ({"SubnetIds": ["subnet-0123abcd"]}, "rule parameter 'SubnetIds': expected a string, got list ['subnet-0123abcd']"),
        ({"Strict": "yes"}, "rule parameter 'Strict': 'yes' is not a boolean; expected true or false"),
        ({"TrafficType": "all"}, "rule parameter 'TrafficType': 'all' is not one of ALL, ACCEPT, REJECT"),
        ({"MaxAggregationInterval": "300"}, "rule parameter 'MaxAggregationInterval': 300 is not one of 60, 600"),
        ({"MaxAggregationInterval": "sixty"}, "rule parameter 'MaxAggregationInterval': 'sixty' is not a whole number"),
        ({"MaxAggregationInterval": True}, "rule parameter 'MaxAggregationInterval': True is not a whole number"),
        ({"RoleName": "a/b"}, r"rule parameter 'RoleName': 'a/b' is not an IAM role name (expected pattern [\w+=,.@-]{1,64})"),
    ],
)
def test_malformed_parameters_name_the_parameter_and_the_format(raw, message):
    with pytest.raises(InvalidRuleParameterError) as error:
        Sample.parse(raw)
    assert str(error.value) == message


def test_specs_describe_name_kind_and_default():
    specs = {spec.name: (spec.kind.label, spec.default) for spec in Sample.specs()}
    assert specs == {
        "SubnetIds": ("CSV list", None),
        "Strict": ("Boolean", False),
        "TrafficType": ("Enumeration", "ALL"),
        "MaxAggregationInterval": ("Integer", None),
        "RoleName": ("String", None),
    }
