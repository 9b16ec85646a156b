"""Central exemptions: the register's schema, matching and expiry, then the handler through moto SSM."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

import boto3
import pytest
from botocore.stub import Stubber

from smguard.rules.notebook_root_access.app import NotebookRootAccess
from smguard.engine import ExemptionRegisterError, InvalidRuleParameterError, RuleHandler, SmguardRule, Verdict, to_evaluation
from smguard.engine.verdict import Finding
from smguard.engine.events import parse_event
from smguard.engine.exemptions import (
    Exemption,
    ExemptionRegister,
    ExemptionRegisters,
    apply_exemptions,
    known_arn,
    parse_register,
    read_register,
)
from smguard.engine.handler import SHARED_CLIENTS
from smguard.engine.rule import PERIODIC_TRIGGER
from tests.support.events import change_event, configuration_item, scheduled_event

PARAMETER = "/smguard/exemptions"
NOTEBOOK = "AWS::SageMaker::NotebookInstance"
NOTEBOOK_ARN = "arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/analyst-1"
ROOT_ABSENT = (
    "RootAccess is absent (defaults to Enabled); set RootAccess to Disabled "
    "(stop the notebook, then UpdateNotebookInstance)."
)
UNAPPROVED_LIFECYCLE = (
    "LifecycleConfigName curl-pipe-bash is not in AllowedLifecycleConfigs (approved-setup); it runs as root: attach an "
    "approved one."
)
REASON = "Vendor agent install needs root until the hardened image ships."
EXEMPT = f"EXEMPT until 2027-03-31 (ticket SEC-1234, approved by jane.doe@bank.example): {REASON}"


def entry(**overrides):
    base = {
        "rule": "notebook_root_access",
        "resource": "analyst-1",
        "reason": REASON,
        "approver": "jane.doe@bank.example",
        "ticket": "SEC-1234",
        "expires": "2027-03-31",
    }
    base.update(overrides)
    return {key: value for key, value in base.items() if value is not None}


def register_text(*entries, **top):
    return json.dumps({"version": 1, "exemptions": list(entries), **top})


def parsed(*entries):
    return parse_register(PARAMETER, register_text(*entries))


def non_compliant(resource_id="analyst-1", resource_type=NOTEBOOK, annotation=ROOT_ABSENT):
    return {
        "ComplianceResourceType": resource_type,
        "ComplianceResourceId": resource_id,
        "ComplianceType": "NON_COMPLIANT",
        "Annotation": annotation,
        "OrderingTimestamp": "2026-11-20T10:15:30.123Z",
    }


# --- the register's schema ---------------------------------------------------------------------


def test_a_complete_register_parses_into_exemptions():
    register = parsed(entry(), entry(rule="*", resource="arn:aws:sagemaker:*:123456789012:notebook-instance/lab-*", ticket=None))
    assert register == ExemptionRegister(
        (
            Exemption(0, "notebook_root_access", "analyst-1", REASON, date(2027, 3, 31), "jane.doe@bank.example", "SEC-1234"),
            Exemption(1, "*", "arn:aws:sagemaker:*:123456789012:notebook-instance/lab-*", REASON, date(2027, 3, 31), "jane.doe@bank.example"),
        ),
    )


def test_an_empty_register_is_valid_and_exempts_nothing():
    assert parsed().exemptions == ()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json", "exemption register '/smguard/exemptions': the value is not valid JSON (Expecting value: line 1 column 1 (char 0))"),
        ("[]", "exemption register '/smguard/exemptions': the value must be a JSON object with version, exemptions, got list"),
        (register_text(owner="me"), "exemption register '/smguard/exemptions': unknown key 'owner'; the register has only version, exemptions"),
        (json.dumps({"exemptions": []}), "exemption register '/smguard/exemptions': 'version' is None; this engine reads version 1"),
        (json.dumps({"version": 2, "exemptions": []}), "exemption register '/smguard/exemptions': 'version' is 2; this engine reads version 1"),
        (json.dumps({"version": True, "exemptions": []}), "exemption register '/smguard/exemptions': 'version' is True; this engine reads version 1"),
        (json.dumps({"version": 1.0, "exemptions": []}), "exemption register '/smguard/exemptions': 'version' is 1.0; this engine reads version 1"),
        (json.dumps({"version": 1}), "exemption register '/smguard/exemptions': 'exemptions' must be a list of exemption objects, got null"),
        ('{"version": 1, "version": 1, "exemptions": []}', "exemption register '/smguard/exemptions': the key 'version' appears twice in one object"),
    ],
)
def test_a_malformed_register_is_an_error_naming_the_parameter(text, message):
    with pytest.raises(ExemptionRegisterError) as raised:
        parse_register(PARAMETER, text)
    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("bad_entry", "problem"),
    [
        ("SEC-1", "must be an object, got a string"),
        (entry(expires=None), "'expires' is missing (every exemption must end; give an ISO date, e.g. 2027-03-31)"),
        (entry(reason=None), "'reason' is missing"),
        (entry(rule=None), "'rule' is missing"),
        (entry(resource=None), "'resource' is missing"),
        (entry(approver=None, ticket=None), "needs an 'approver' or a 'ticket' (or both): an exemption must say who approved it"),
        (entry(owner="me"), "unknown key 'owner'; allowed: rule, resource, reason, expires, approver, ticket"),
        (entry(expires="2027-02-30"), "'expires' is '2027-02-30', not a valid ISO date (YYYY-MM-DD)"),
        (entry(expires="31/03/2027"), "'expires' is '31/03/2027', not a valid ISO date (YYYY-MM-DD)"),
        (entry(expires="20270331"), "'expires' is '20270331', not a valid ISO date (YYYY-MM-DD)"),
        (entry(expires="2027-03-31T00:00:00Z"), "'expires' is '2027-03-31T00:00:00Z', not a valid ISO date (YYYY-MM-DD)"),
        (entry(expires=20270331), "'expires' must be a non-empty string, got 20270331"),
        (entry(reason="  "), "'reason' must be a non-empty string, got '  '"),
        (entry(rule="smguard-notebook_root_access"), "'rule' is 'smguard-notebook_root_access'; give a rule's folder name (e.g. notebook_root_access) or \"*\" for all rules"),
        (entry(resource="analyst 1"), "'resource' 'analyst 1' contains whitespace; give a resource id or ARN"),
        (entry(ticket="T" * 65), "'ticket' is longer than 64 characters"),
        (entry(approver="a" * 101), "'approver' is longer than 100 characters"),
    ],
)
def test_a_bad_entry_is_an_error_naming_its_index(bad_entry, problem):
    with pytest.raises(ExemptionRegisterError) as raised:
        parse_register(PARAMETER, register_text(entry(), bad_entry))
    assert str(raised.value) == f"exemption register '/smguard/exemptions', exemptions[1]: {problem}"
    assert (raised.value.parameter_name, raised.value.entry) == (PARAMETER, 1)


ID_PATTERN_TOO_SHORT = (
    "an id pattern needs at least 8 (e.g. vpc-0lab*) to name resources rather than a whole type: list the resources, "
    "give an ARN pattern with the account, or take them out of the rule's scope"
)
ARN_PATTERN_TOO_BROAD = (
    "must give the partition, service and 12-digit account without wildcards (e.g. "
    "arn:aws:ec2:eu-west-1:111122223333:vpc/vpc-0lab*); only the region and what follows the account may hold them"
)


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [
        ("*", f"has 0 character(s) before its first wildcard; {ID_PATTERN_TOO_SHORT}"),
        ("*-*", f"has 0 character(s) before its first wildcard; {ID_PATTERN_TOO_SHORT}"),
        ("?*", f"has 0 character(s) before its first wildcard; {ID_PATTERN_TOO_SHORT}"),
        ("[a-z]*", f"has 0 character(s) before its first wildcard; {ID_PATTERN_TOO_SHORT}"),
        ("vpc-*", f"has 4 character(s) before its first wildcard; {ID_PATTERN_TOO_SHORT}"),
        ("vpc-0ab*", f"has 7 character(s) before its first wildcard; {ID_PATTERN_TOO_SHORT}"),
        ("ARN:*", f"has 4 character(s) before its first wildcard; {ID_PATTERN_TOO_SHORT}"),
        ("arn:*", ARN_PATTERN_TOO_BROAD),
        ("arn:aws:*", ARN_PATTERN_TOO_BROAD),
        ("arn:aws:ec2:*:*:vpc/*", ARN_PATTERN_TOO_BROAD),
        ("arn:aws:ec2:eu-west-1:1111*:vpc/vpc-0lab*", ARN_PATTERN_TOO_BROAD),
        ("arn:aws:*:eu-west-1:111122223333:vpc/vpc-0lab*", ARN_PATTERN_TOO_BROAD),
        ("arn:*:ec2:eu-west-1:111122223333:vpc/vpc-0lab*", ARN_PATTERN_TOO_BROAD),
        ("arn:aws:sagemaker:*:notebook-instance/lab-*", ARN_PATTERN_TOO_BROAD),
        ("arn:aws:ec2:eu-west-1:111122223333:", ARN_PATTERN_TOO_BROAD),
    ],
)
def test_a_resource_pattern_that_names_no_resources_is_refused(pattern, problem):
    with pytest.raises(ExemptionRegisterError) as raised:
        parse_register(PARAMETER, register_text(entry(rule="*", resource=pattern)))
    assert str(raised.value) == f"exemption register '/smguard/exemptions', exemptions[0]: 'resource' {pattern!r} {problem}"


@pytest.mark.parametrize(
    "pattern",
    [
        "vpc-1",
        "vpc-0lab*",
        "analyst-*",
        "shared-nb-?",
        "arn:aws:ec2:eu-west-1:111122223333:vpc/vpc-0lab*",
        "arn:aws-us-gov:sagemaker:*:111122223333:notebook-instance/lab-*",
        "arn:aws:ec2:eu-west-1:111122223333:*",
    ],
)
def test_named_resources_an_id_prefix_or_one_accounts_arns_are_accepted(pattern):
    assert parsed(entry(rule="*", resource=pattern)).exemptions[0].resource == pattern


# --- matching and expiry -----------------------------------------------------------------------

TODAY = date(2026, 11, 25)


def test_an_exemption_matches_the_resource_id_or_its_arn_with_wildcards():
    register = parsed(entry(resource="analyst-*"), entry(resource="arn:aws:sagemaker:*:123456789012:notebook-instance/shared-?", ticket="SEC-2"))
    assert register.lookup("notebook_root_access", ["analyst-7"], TODAY).index == 0
    assert register.lookup("notebook_root_access", ["x", "arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/shared-a"], TODAY).index == 1
    assert register.lookup("notebook_root_access", ["shared-a"], TODAY) is None
    assert register.lookup("notebook_root_access", ["Analyst-7"], TODAY) is None


def test_an_exemption_applies_to_its_rule_or_to_every_rule_with_a_star():
    register = parsed(entry(rule="sagemaker_kms"), entry(rule="*", resource="lab-1"))
    assert register.lookup("notebook_root_access", ["analyst-1"], TODAY) is None
    assert register.lookup("sagemaker_kms", ["analyst-1"], TODAY).index == 0
    assert register.lookup("vpc_default_sg", ["lab-1"], TODAY).index == 1


def test_expiry_is_inclusive_of_the_whole_day():
    exemption = parsed(entry()).exemptions[0]
    assert exemption.is_active(date(2027, 3, 31))
    assert not exemption.is_active(date(2027, 4, 1))


def test_an_active_exemption_wins_over_an_expired_one_and_the_longest_wins_among_active():
    register = parsed(
        entry(ticket="OLD", expires="2026-01-31"),
        entry(ticket="SHORT", expires="2026-12-31"),
        entry(ticket="LONG", expires="2027-06-30"),
    )
    assert register.lookup("notebook_root_access", ["analyst-1"], TODAY).ticket == "LONG"
    assert register.lookup("notebook_root_access", ["analyst-1"], date(2027, 7, 1)).ticket == "LONG"
    assert not register.lookup("notebook_root_access", ["analyst-1"], date(2027, 7, 1)).is_active(date(2027, 7, 1))


def test_apply_changes_only_non_compliant_results():
    register = parsed(entry(resource="good-1"), entry(resource="gone-1"), entry())
    compliant = {**non_compliant("good-1"), "ComplianceType": "COMPLIANT", "Annotation": "RootAccess is Disabled."}
    not_applicable = {**non_compliant("gone-1"), "ComplianceType": "NOT_APPLICABLE", "Annotation": "The resource is ResourceDeleted."}
    result = apply_exemptions([compliant, not_applicable, non_compliant()], register, "notebook_root_access", TODAY, {})
    assert result == [compliant, not_applicable, {**non_compliant(), "ComplianceType": "NOT_APPLICABLE", "Annotation": EXEMPT}]


def test_an_expired_exemption_keeps_the_result_and_says_it_expired():
    register = parsed(entry(expires="2026-10-01"))
    [result] = apply_exemptions([non_compliant()], register, "notebook_root_access", TODAY, {})
    assert result == {**non_compliant(), "Annotation": f"Exemption SEC-1234 expired on 2026-10-01. {ROOT_ABSENT}"}


def test_annotations_name_whoever_approved_when_there_is_no_ticket_and_fit_256_characters():
    exemption = parsed(entry(ticket=None, reason="word " * 80, expires="2026-10-01")).exemptions[0]
    exempt = exemption.exempt_annotation()
    assert exempt.startswith("EXEMPT until 2026-10-01 (approved by jane.doe@bank.example): word word")
    assert len(exempt) <= 256 and exempt.endswith("...")
    expired = exemption.expired_annotation(("finding " * 40,))
    assert expired.startswith("Exemption (approved by jane.doe@bank.example) expired on 2026-10-01. finding finding")
    assert len(expired) <= 256 and expired.endswith("...")


def test_an_expired_note_drops_whole_findings_that_no_longer_fit_never_a_fix():
    findings = (ROOT_ABSENT, UNAPPROVED_LIFECYCLE)
    register = parsed(entry(expires="2026-10-01"))
    assert len(" ".join(findings)) <= 256  # the findings fit alone, not behind the note
    evaluation = non_compliant(annotation=" ".join(findings))
    [result] = apply_exemptions(
        [evaluation], register, "notebook_root_access", TODAY, {}, {(NOTEBOOK, "analyst-1"): findings}
    )
    assert result["Annotation"] == f"Exemption SEC-1234 expired on 2026-10-01. {ROOT_ABSENT} (+1 more finding(s))"


def test_an_expired_note_refits_a_long_finding_so_that_its_fix_is_kept():
    reasons = tuple(f"Flow log fl-0{i} is FAILED (the delivery role is denied)" for i in range(3))
    finding = Finding(reasons, fixes=(". Fix one or call CreateFlowLogs (ResourceType VPC, TrafficType ALL).",))
    assert Verdict.non_compliant(finding).annotation == (
        f"{reasons[0]}; {reasons[1]}; {reasons[2]}. Fix one or call CreateFlowLogs (ResourceType VPC, TrafficType ALL)."
    )
    expired = parsed(entry(expires="2026-10-01")).exemptions[0].expired_annotation((finding,))
    assert expired == (
        f"Exemption SEC-1234 expired on 2026-10-01. {reasons[0]}; {reasons[1]} (+1 more). Fix one or call CreateFlowLogs "
        "(ResourceType VPC, TrafficType ALL)."
    )


def test_an_expired_exemption_drops_whole_findings_through_the_handler(handler, posted):
    put_register(entry(expires="2026-10-01"))
    item = configuration_item(NOTEBOOK, "analyst-1", {"NotebookInstanceName": "analyst-1", "LifecycleConfigName": "curl-pipe-bash"})
    item["ARN"] = NOTEBOOK_ARN
    evaluate(handler, item, AllowedLifecycleConfigs="approved-setup")
    assert posted.results() == [
        (NOTEBOOK, "analyst-1", "NON_COMPLIANT", f"Exemption SEC-1234 expired on 2026-10-01. {ROOT_ABSENT} (+1 more finding(s))")
    ]


def test_the_arn_is_built_only_for_types_whose_arn_follows_from_the_id():
    location = {"partition": "aws-us-gov", "region": "us-gov-west-1", "account": "123456789012"}
    assert known_arn("AWS::EC2::VPC", "vpc-0abc", **location) == "arn:aws-us-gov:ec2:us-gov-west-1:123456789012:vpc/vpc-0abc"
    assert known_arn("AWS::EC2::SecurityGroup", "sg-1", **location) == "arn:aws-us-gov:ec2:us-gov-west-1:123456789012:security-group/sg-1"
    assert known_arn(NOTEBOOK, "analyst-1", **location) is None
    assert known_arn("AWS::EC2::VPC", "vpc-0abc", partition="aws", region=None, account="123456789012") is None


# --- reading the parameter ---------------------------------------------------------------------


def test_a_denied_read_is_an_error_saying_which_permission_is_missing():
    ssm = boto3.client("ssm", region_name="us-east-1")
    with Stubber(ssm) as stub:
        stub.add_client_error("get_parameter", service_error_code="AccessDeniedException", http_status_code=400)
        with pytest.raises(ExemptionRegisterError) as raised:
            read_register(ssm, PARAMETER)
    assert str(raised.value) == (
        "exemption register '/smguard/exemptions': ssm:GetParameter was denied (AccessDeniedException); allow "
        "ssm:GetParameter on this parameter to the rule function's role, and kms:Decrypt on its key if it is a SecureString"
    )


def test_the_parameter_name_must_be_an_ssm_parameter_name():
    handler = RuleHandler(NotebookRootAccess())
    for good in ("/smguard/exemptions", "/smguard-exemptions", "/a.b/c_d/e-f"):
        assert handler.parameters(_event_with(good))[0].exemptions_parameter_name == good
    for bad in ("smguard-exemptions", "/aws/smguard", "/SSM-exemptions", "/smguard//exemptions", "/smguard/", "arn:aws:ssm:us-east-1:1:parameter/x"):
        with pytest.raises(InvalidRuleParameterError, match="ExemptionsParameterName"):
            handler.parameters(_event_with(bad))


def _event_with(parameter_name):
    return parse_event(change_event(notebook_item(), parameters={"ExemptionsParameterName": parameter_name}))


# --- through the handler, with the register in moto's SSM --------------------------------------


class FakeClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock():
    return FakeClock(datetime(2026, 11, 25, 6, 0, tzinfo=timezone.utc))


@pytest.fixture
def handler(clock):
    return RuleHandler(NotebookRootAccess(), exemptions=ExemptionRegisters(ttl_seconds=300, clock=clock))


@pytest.fixture
def get_parameter_calls(aws):
    calls = []
    SHARED_CLIENTS.client("ssm").meta.events.register(
        "provide-client-params.ssm.GetParameter", lambda params, **_: calls.append(params["Name"])
    )
    return calls


def put_register(*entries, value=None, secure=False):
    boto3.client("ssm", region_name="us-east-1").put_parameter(
        Name=PARAMETER,
        Value=register_text(*entries) if value is None else value,
        Type="SecureString" if secure else "String",
        Overwrite=True,
    )


def notebook_item(resource_id="analyst-1", arn=NOTEBOOK_ARN):
    item = configuration_item(NOTEBOOK, resource_id, {"NotebookInstanceName": resource_id})
    item["ARN"] = arn
    return item


def evaluate(handler, item=None, **parameters):
    return handler(change_event(item or notebook_item(), parameters={"ExemptionsParameterName": PARAMETER, **parameters}))


def test_an_exempt_resource_is_reported_not_applicable(handler, posted):
    put_register(entry())
    evaluate(handler)
    assert posted.results() == [(NOTEBOOK, "analyst-1", "NOT_APPLICABLE", EXEMPT)]


def test_a_secure_string_register_is_decrypted(handler, posted):
    put_register(entry(), secure=True)
    evaluate(handler)
    assert posted.results() == [(NOTEBOOK, "analyst-1", "NOT_APPLICABLE", EXEMPT)]


def test_an_expired_exemption_leaves_the_resource_non_compliant_and_says_so(handler, posted):
    put_register(entry(expires="2026-10-01"))
    evaluate(handler)
    assert posted.results() == [
        (NOTEBOOK, "analyst-1", "NON_COMPLIANT", f"Exemption SEC-1234 expired on 2026-10-01. {ROOT_ABSENT}")
    ]


def test_the_exemption_holds_through_its_last_day_in_utc(handler, posted, clock):
    put_register(entry())
    clock.now = datetime(2027, 4, 1, 1, 30, tzinfo=timezone(timedelta(hours=2)))  # 2027-03-31 23:30 UTC
    evaluate(handler)
    clock.now = datetime(2027, 4, 1, 0, 0, tzinfo=timezone.utc)
    evaluate(handler)
    assert posted.results() == [
        (NOTEBOOK, "analyst-1", "NOT_APPLICABLE", EXEMPT),
        (NOTEBOOK, "analyst-1", "NON_COMPLIANT", f"Exemption SEC-1234 expired on 2027-03-31. {ROOT_ABSENT}"),
    ]


def test_a_wildcard_on_the_recorded_arn_matches(handler, posted):
    put_register(entry(resource="arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/analyst-*"))
    evaluate(handler)
    evaluate(handler, notebook_item("analyst-2", NOTEBOOK_ARN.replace("analyst-1", "analyst-2")))
    evaluate(handler, notebook_item("ops-1", NOTEBOOK_ARN.replace("analyst-1", "ops-1")))
    assert posted.results() == [
        (NOTEBOOK, "analyst-1", "NOT_APPLICABLE", EXEMPT),
        (NOTEBOOK, "analyst-2", "NOT_APPLICABLE", EXEMPT),
        (NOTEBOOK, "ops-1", "NON_COMPLIANT", ROOT_ABSENT),
    ]


def test_a_star_rule_exempts_the_resource_from_every_rule(handler, posted):
    put_register(entry(rule="*"))
    evaluate(handler)
    assert posted.results() == [(NOTEBOOK, "analyst-1", "NOT_APPLICABLE", EXEMPT)]


def test_an_exemption_for_another_rule_does_not_apply(handler, posted):
    put_register(entry(rule="sagemaker_kms"))
    evaluate(handler)
    assert posted.results() == [(NOTEBOOK, "analyst-1", "NON_COMPLIANT", ROOT_ABSENT)]


def test_a_compliant_resource_with_an_exemption_stays_compliant(handler, posted):
    put_register(entry())
    item = notebook_item()
    item["configuration"]["RootAccess"] = "Disabled"
    evaluate(handler, item)
    assert posted.results() == [(NOTEBOOK, "analyst-1", "COMPLIANT", "RootAccess is Disabled.")]


def test_without_the_parameter_no_register_is_read(handler, posted, get_parameter_calls):
    handler(change_event(notebook_item()))
    assert posted.results() == [(NOTEBOOK, "analyst-1", "NON_COMPLIANT", ROOT_ABSENT)]
    assert get_parameter_calls == []


def test_a_missing_register_fails_the_invocation(handler, posted):
    with pytest.raises(ExemptionRegisterError) as raised:
        evaluate(handler)
    assert str(raised.value) == (
        "rule notebook_root_access, AWS::SageMaker::NotebookInstance analyst-1: exemption register "
        "'/smguard/exemptions': the SSM parameter does not exist (ParameterNotFound) in the rule function's account "
        "and region; create it (see docs/exemptions.md) or remove the rule parameter ExemptionsParameterName"
    )
    assert posted.results() == []


def test_a_malformed_register_fails_the_invocation(handler, posted):
    put_register(value="{'version': 1}")
    with pytest.raises(ExemptionRegisterError, match="the value is not valid JSON"):
        evaluate(handler)
    assert posted.results() == []


def test_an_entry_without_expiry_fails_the_invocation_even_for_a_compliant_resource(handler, posted):
    put_register(entry(resource="someone-else", expires=None))
    item = notebook_item()
    item["configuration"]["RootAccess"] = "Disabled"
    with pytest.raises(ExemptionRegisterError) as raised:
        evaluate(handler, item)
    assert str(raised.value).endswith(
        "exemption register '/smguard/exemptions', exemptions[0]: 'expires' is missing "
        "(every exemption must end; give an ISO date, e.g. 2027-03-31)"
    )
    assert posted.results() == []


def test_the_register_is_read_once_per_ttl(handler, posted, clock, get_parameter_calls):
    put_register(entry())
    evaluate(handler)
    put_register(entry(rule="sagemaker_kms"))  # revoked: takes effect when the cache expires
    clock.now += timedelta(seconds=299)
    evaluate(handler)
    assert get_parameter_calls == [PARAMETER]
    clock.now += timedelta(seconds=1)
    evaluate(handler)
    assert get_parameter_calls == [PARAMETER, PARAMETER]
    assert [result[2] for result in posted.results()] == ["NOT_APPLICABLE", "NOT_APPLICABLE", "NON_COMPLIANT"]


def test_a_failed_read_is_not_cached(handler, posted, get_parameter_calls):
    with pytest.raises(ExemptionRegisterError):
        evaluate(handler)
    put_register(entry())
    evaluate(handler)
    assert get_parameter_calls == [PARAMETER, PARAMETER]
    assert posted.results() == [(NOTEBOOK, "analyst-1", "NOT_APPLICABLE", EXEMPT)]


class EveryVpcNonCompliant(SmguardRule):
    """A periodic test rule: two VPCs, both NON_COMPLIANT, so only an exemption can change them."""

    name = "periodic_probe"
    resource_types = ("AWS::EC2::VPC",)
    triggers = frozenset({PERIODIC_TRIGGER})
    delete_old_evaluations_on_scheduled_notification = False

    def evaluate_periodic(self, event, client_factory, valid_rule_parameters):
        verdict = Verdict.non_compliant("No flow log; create one.")
        return [to_evaluation(verdict, "AWS::EC2::VPC", vpc) for vpc in ("vpc-0aaa", "vpc-0bbb")]


def test_periodic_results_match_on_the_id_or_the_arn_built_from_it(clock, posted):
    put_register(
        entry(rule="periodic_probe", resource="vpc-0aaa"),
        entry(rule="periodic_probe", resource="arn:aws:ec2:us-east-1:123456789012:vpc/vpc-0b*"),
    )
    handler = RuleHandler(EveryVpcNonCompliant(), exemptions=ExemptionRegisters(clock=clock))
    handler(scheduled_event(parameters={"ExemptionsParameterName": PARAMETER}))
    assert posted.results() == [
        ("AWS::EC2::VPC", "vpc-0aaa", "NOT_APPLICABLE", EXEMPT),
        ("AWS::EC2::VPC", "vpc-0bbb", "NOT_APPLICABLE", EXEMPT),
    ]
