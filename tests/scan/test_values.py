"""The stand-ins for open values: what they answer without the value, and what they refuse."""

from __future__ import annotations

import pytest

from smguard.scan.errors import UnresolvedValueError
from smguard.scan.values import Configuration, Opaque, ResourceReference, Unresolved, Why

PARAMETER = Why("KeyArn", "a parameter without default", "pass --parameter-overrides KeyArn=VALUE to evaluate it")
REASON = "KmsKeyId is !Ref KeyArn, a parameter without default; pass --parameter-overrides KeyArn=VALUE to evaluate it."


def open_parameter(**kwargs: object) -> Unresolved:
    return Unresolved("!Ref KeyArn", PARAMETER, **kwargs).at("KmsKeyId")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "use",
    [
        lambda v: v == "arn:aws:kms:us-east-1:123456789012:key/x",
        lambda v: v != "Disabled",
        lambda v: v == "",
        lambda v: bool(v),
        lambda v: v in ("a", "b"),
        lambda v: v in {"a"},
        lambda v: hash(v),
        lambda v: v.startswith("arn:"),
        lambda v: v.rsplit(".", 1),
        lambda v: v.lower(),
        lambda v: "key/" in v,
        lambda v: len(v),
        lambda v: v[0],
        lambda v: v < "b",
        lambda v: v + "x",
        lambda v: [c for c in v],
    ],
)
def test_whatever_needs_the_value_raises_with_the_reason(use) -> None:
    with pytest.raises(UnresolvedValueError) as raised:
        use(open_parameter())
    assert raised.value.reason == REASON


def test_it_is_a_string_that_shows_its_expression() -> None:
    value = open_parameter()
    assert isinstance(value, str)
    assert f"KmsKeyId is {value}." == "KmsKeyId is !Ref KeyArn."
    assert str(value) == "!Ref KeyArn"
    assert value != 5 and value is not None and (value == None) is False  # noqa: E711 - a string is never a number or null


def test_what_the_template_knows_is_answered() -> None:
    choice = open_parameter(candidates=("Enabled", "Disabled"))
    assert choice != "Maybe"
    assert choice != ""
    assert bool(choice)
    with pytest.raises(UnresolvedValueError):
        choice == "Disabled"  # noqa: B015 - the comparison is what raises
    reference = ResourceReference("DataKey", "AWS::KMS::Key", "Arn").at("KmsKeyId")
    assert reference != "" and bool(reference)
    assert reference == ResourceReference("DataKey", "AWS::KMS::Key", "Arn")
    assert reference.reason == "KmsKeyId is !GetAtt DataKey.Arn, and DataKey is a resource of this template (AWS::KMS::Key), known only once deployed."
    with pytest.raises(UnresolvedValueError):
        reference == "arn:aws:kms:us-east-1:123456789012:key/x"  # noqa: B015


def test_configuration_refuses_opaque_keys_only() -> None:
    opaque = Opaque("!If [Open, {...}, !Ref AWS::NoValue]", Why("condition Open", "open"), "VpcConfig")
    configuration = Configuration(ModelName="m", VpcConfig=opaque)
    assert configuration.get("ModelName") == "m"
    assert configuration.get("EnableNetworkIsolation", False) is False
    for use in (
        lambda: configuration.get("VpcConfig"),
        lambda: configuration["VpcConfig"],
        lambda: "VpcConfig" in configuration,
        lambda: list(configuration.items()),
        lambda: configuration == {},
    ):
        with pytest.raises(UnresolvedValueError) as raised:
            use()
        assert raised.value.reason == "VpcConfig is !If [Open, {...}, !Ref AWS::NoValue], and condition Open is open."
