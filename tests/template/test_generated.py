"""template.yaml is the generator's output, and the generator refuses what it cannot deploy safely."""

from __future__ import annotations

import re

import pytest

from smguard.catalogue import discover
from smguard.deploy import iam, stack_parameters, template as generator
from smguard.deploy.naming import camel
from smguard.deploy.package import REEVALUATION_FUNCTION
from smguard.deploy.parameters import constraint, render_default, template_parameter_name
from smguard.engine.handler import EngineParameters
from smguard.engine.parameters import CsvList, ParameterSpec, Pattern
from tests.template.conftest import TEMPLATE_PATH


def test_committed_template_is_the_generators_output():
    expected = generator.render(generator.build_template())
    assert TEMPLATE_PATH.read_text() == expected, (
        "template.yaml is out of date with the rule folders or the generator: run `make generate`"
    )


def test_every_rule_folder_is_in_the_template_and_nothing_else():
    built = generator.build_template()
    functions = {
        logical_id for logical_id, resource in built["Resources"].items()
        if resource["Type"] == "AWS::Serverless::Function"
    }
    # and the exemption-expiry re-evaluation's function (smguard/deploy/reevaluation.py)
    assert functions == {f"{camel(entry.name)}Function" for entry in discover()} | {REEVALUATION_FUNCTION}


def test_an_action_without_a_known_resource_format_stops_the_generator():
    with pytest.raises(iam.UnknownActionError, match=r"s3:GetObject is not in smguard/deploy/iam.py"):
        iam.read_statements(["config:PutEvaluations", "s3:GetObject"], "Evaluate")


def test_actions_are_granted_on_the_resources_iam_accepts_for_them():
    statements = iam.read_statements(["kms:DescribeKey", "ec2:DescribeVpcs", "config:PutEvaluations"], "Evaluate")
    by_action = {action: statement["Resource"] for statement in statements for action in statement["Action"]}
    assert by_action == {
        "config:PutEvaluations": "*",
        "ec2:DescribeVpcs": "*",
        "kms:DescribeKey": {"Fn::Sub": "arn:${AWS::Partition}:kms:${AWS::Region}:*:key/*"},
    }


def test_an_engine_parameter_the_template_does_not_set_stops_the_generator(monkeypatch):
    specs = EngineParameters.specs()
    unknown = ParameterSpec("SomethingNew", Pattern(".*", "anything"), None, "Anything.")
    monkeypatch.setattr(EngineParameters, "specs", classmethod(lambda cls: (*specs, unknown)))
    with pytest.raises(stack_parameters.UnknownEngineParameterError, match="SomethingNew"):
        generator.build_template()


def test_csv_parameter_pattern_accepts_lists_and_empty_and_rejects_typos():
    spec = ParameterSpec("KmsKeyArns", CsvList(r"arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/[a-f0-9-]+", "key ARNs"), None, "Key ARNs.")
    pattern = constraint(spec)["AllowedPattern"]
    key = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    for accepted in ("", key, f"{key},{key}", f"{key} , {key}"):
        assert re.fullmatch(pattern, accepted), accepted
    for refused in (f"{key},", "arn:aws:kms:eu-west-1:111122223333:alias/x", f"{key};{key}"):
        assert not re.fullmatch(pattern, refused), refused


@pytest.mark.parametrize("entry", discover(), ids=lambda entry: entry.name)
def test_every_rule_parameter_default_and_empty_pass_the_template_constraint(entry):
    """The template default (empty) is valid, and so is the rule's documented default."""
    parameters = stack_parameters.rule_parameters(entry, stack_parameters.engine_parameter_names())
    for spec in entry.rule.parameters.specs():
        parameter = parameters[template_parameter_name(entry.name, spec.name)]
        default = render_default(spec.default)
        candidates = [""] + ([] if default is None else [default])
        for value in candidates:
            if "AllowedValues" in parameter:
                assert value in parameter["AllowedValues"], (spec.name, value)
            else:
                assert re.fullmatch(parameter["AllowedPattern"], value), (spec.name, value)
                assert len(value) <= parameter["MaxLength"], (spec.name, value)
