"""The shared handler, driven through real rules and a small periodic test rule.

Stubber is used only where moto lacks the API (GetResourceConfigHistory for SageMaker types,
GetComplianceDetailsByConfigRule, FailedEvaluations responses).
"""

from __future__ import annotations

import io
import json
from datetime import datetime, timezone

import boto3
import pytest
from botocore.stub import Stubber

from smguard.rules.notebook_root_access.app import lambda_handler as root_access
from smguard.engine import (
    AwsCallError,
    ConfigurationItemUnavailableError,
    EvaluationsRefusedError,
    InvalidEventError,
    InvalidRuleParameterError,
    RuleHandler,
    SmguardRule,
    Verdict,
    to_evaluation,
)
from smguard.engine.delivery import RetryPolicy
from smguard.engine.exemptions import SHARED_EXEMPTION_REGISTERS
from smguard.engine.handler import SHARED_CLIENTS
from smguard.engine.rule import PERIODIC_TRIGGER
from tests.support.aws import config_client
from tests.support.events import (
    CAPTURE_TIME,
    NOTIFICATION_TIME,
    change_event,
    configuration_item,
    history_response,
    oversized_event,
    scheduled_event,
)
from tests.support.moto_server import CountingMotoServer

NOTEBOOK = "AWS::SageMaker::NotebookInstance"
ROOT_ENABLED = "RootAccess is Enabled; set RootAccess to Disabled (stop the notebook, then UpdateNotebookInstance)."
NO_WAIT = RetryPolicy(sleep=lambda seconds: None)


def notebook(configuration=None, **kwargs):
    configuration = {"NotebookInstanceName": "nb-1", "RootAccess": "Enabled"} if configuration is None else configuration
    return configuration_item(NOTEBOOK, "nb-1", configuration, **kwargs)


def put_request(*evaluations, token="TESTMODE", test_mode=True):
    return {"Evaluations": list(evaluations), "ResultToken": token, "TestMode": test_mode}


def evaluation(compliance, annotation, resource_id="nb-1", resource_type=NOTEBOOK, timestamp=CAPTURE_TIME):
    return {
        "ComplianceResourceType": resource_type,
        "ComplianceResourceId": resource_id,
        "ComplianceType": compliance,
        "Annotation": annotation,
        "OrderingTimestamp": timestamp,
    }


class Vpcs(SmguardRule):
    """A periodic rule reporting ``count`` VPCs, to exercise batching and clean-up."""

    name = "test_vpcs"
    resource_types = ("AWS::EC2::VPC",)
    triggers = frozenset({PERIODIC_TRIGGER})

    def __init__(self, count, cleanup=True):
        self.count = count
        self.delete_old_evaluations_on_scheduled_notification = cleanup

    def evaluate_periodic(self, event, client_factory, valid_rule_parameters):
        return [
            to_evaluation(Verdict.compliant("Fine."), "AWS::EC2::VPC", f"vpc-{index:05d}") for index in range(self.count)
        ]


# --- change notifications -------------------------------------------------------------------


def test_a_change_notification_is_evaluated_and_delivered(posted):
    returned = root_access(change_event(notebook()), None)
    assert posted.calls == [put_request(evaluation("NON_COMPLIANT", ROOT_ENABLED))]
    assert returned == posted.evaluations


@pytest.mark.parametrize("status", ["ResourceDeleted", "ResourceDeletedNotRecorded", "ResourceNotRecorded"])
def test_deleted_and_unrecorded_items_are_not_applicable(posted, status):
    root_access(change_event(notebook(None, status=status) | {"configuration": None}), None)
    assert posted.results() == [(NOTEBOOK, "nb-1", "NOT_APPLICABLE", f"The resource is {status}.")]


def test_an_item_that_left_the_scope_is_not_applicable(posted):
    root_access(change_event(notebook(), left_scope=True), None)
    assert posted.results() == [(NOTEBOOK, "nb-1", "NOT_APPLICABLE", "The resource left the rule's scope.")]


def test_a_resource_type_outside_the_scope_is_not_applicable(posted):
    item = configuration_item("AWS::S3::Bucket", "bucket-1", {"name": "bucket-1"})
    root_access(change_event(item), None)
    assert posted.results() == [
        (
            "AWS::S3::Bucket",
            "bucket-1",
            "NOT_APPLICABLE",
            "AWS::S3::Bucket is outside this rule's scope (AWS::SageMaker::NotebookInstance).",
        )
    ]


def test_a_recorded_item_without_configuration_is_an_error_not_a_result(posted):
    with pytest.raises(ConfigurationItemUnavailableError) as error:
        root_access(change_event(notebook() | {"configuration": None}), None)
    assert str(error.value) == (
        "rule notebook_root_access, AWS::SageMaker::NotebookInstance nb-1: the configuration item of "
        "AWS::SageMaker::NotebookInstance nb-1 has no configuration object; the rule cannot decide without it"
    )
    assert posted.calls == []


# --- oversized notifications ----------------------------------------------------------------


def test_an_oversized_item_is_read_from_the_configuration_history(aws):
    item = notebook({"NotebookInstanceName": "nb-1", "RootAccess": "Disabled"})
    with Stubber(config_client()) as stub:
        stub.add_response(
            "get_resource_config_history",
            history_response(item),
            {"resourceType": NOTEBOOK, "resourceId": "nb-1", "limit": 1},
        )
        stub.add_response(
            "put_evaluations",
            {"FailedEvaluations": []},
            put_request(evaluation("COMPLIANT", "RootAccess is Disabled.")),
        )
        root_access(oversized_event(item), None)
        stub.assert_no_pending_responses()


def test_an_oversized_deleted_item_is_not_applicable_without_reading_history(aws):
    item = notebook(status="ResourceDeleted")
    with Stubber(config_client()) as stub:
        stub.add_response(
            "put_evaluations",
            {"FailedEvaluations": []},
            put_request(evaluation("NOT_APPLICABLE", "The resource is ResourceDeleted.")),
        )
        root_access(oversized_event(item), None)
        stub.assert_no_pending_responses()


@pytest.mark.parametrize("status", ["ResourceDeleted", "ResourceDeletedNotRecorded", "ResourceNotRecorded"])
def test_an_oversized_item_gone_before_the_history_read_is_not_applicable(aws, status):
    """The summary says OK, but by the time of the read Config holds only a deletion, without configuration."""
    history = history_response(notebook(status=status))
    del history["configurationItems"][0]["configuration"]
    with Stubber(config_client()) as stub:
        stub.add_response(
            "get_resource_config_history", history, {"resourceType": NOTEBOOK, "resourceId": "nb-1", "limit": 1}
        )
        stub.add_response(
            "put_evaluations",
            {"FailedEvaluations": []},
            put_request(evaluation("NOT_APPLICABLE", f"The resource is {status}.")),
        )
        root_access(oversized_event(notebook()), None)
        stub.assert_no_pending_responses()


@pytest.mark.parametrize(
    ("history", "message"),
    [
        (
            {"configurationItems": []},
            "GetResourceConfigHistory returned no configuration item for AWS::SageMaker::NotebookInstance nb-1; "
            "check that the configuration recorder records this resource type",
        ),
        (
            "OK",
            "the configuration item of AWS::SageMaker::NotebookInstance nb-1 from GetResourceConfigHistory has no "
            "configuration; AWS Config may still be recording it, the next notification will retry",
        ),
        (
            "ResourceDiscovered",
            "the configuration item of AWS::SageMaker::NotebookInstance nb-1 from GetResourceConfigHistory has no "
            "configuration; AWS Config may still be recording it, the next notification will retry",
        ),
    ],
)
def test_an_unreadable_oversized_item_is_a_clear_error(aws, history, message):
    item = notebook()
    if isinstance(history, str):
        # a recorded (not deleted) item without configuration: the status given, the configuration left out
        history = history_response(notebook(status=history))
        del history["configurationItems"][0]["configuration"]
    with Stubber(config_client()) as stub:
        stub.add_response("get_resource_config_history", history)
        with pytest.raises(ConfigurationItemUnavailableError) as error:
            root_access(oversized_event(item), None)
    assert str(error.value) == f"rule notebook_root_access, AWS::SageMaker::NotebookInstance nb-1: {message}"


# --- malformed events and parameters --------------------------------------------------------


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda e: e.pop("invokingEvent"), "invokingEvent is missing from the event"),
        (lambda e: e.update(invokingEvent="{not json"), "invokingEvent is not valid JSON: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
        (lambda e: e.update(invokingEvent="[]"), "invokingEvent must be a JSON object, got list"),
        (lambda e: e.update(invokingEvent=json.dumps({"messageType": "Bogus"})), "invokingEvent.messageType 'Bogus' is not one of ConfigurationItemChangeNotification, OversizedConfigurationItemChangeNotification, ScheduledNotification"),
        (lambda e: e.pop("resultToken"), "resultToken is missing: AWS Config needs it back in PutEvaluations"),
        (lambda e: e.update(ruleParameters="{"), "ruleParameters is not valid JSON: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
        (lambda e: e.update(ruleParameters=json.dumps({"AllowedLifecycleConfigs": "a" * 1000})), "ruleParameters is 1031 characters; AWS Config allows at most 1024"),
        (lambda e: e.update(eventLeftScope="false"), "eventLeftScope must be a boolean, got 'false'"),
    ],
)
def test_malformed_events_raise_naming_the_field(posted, mutate, message):
    event = change_event(notebook())
    mutate(event)
    with pytest.raises(InvalidEventError) as error:
        root_access(event, None)
    assert str(error.value) == f"rule notebook_root_access, the event: {message}"
    assert posted.calls == []


def test_an_event_that_is_not_an_object_is_rejected(posted):
    with pytest.raises(InvalidEventError, match="the event is a str, not an AWS Config rule event object"):
        root_access("hello", None)


def test_a_change_item_missing_its_id_is_rejected(posted):
    item = notebook()
    del item["resourceId"]
    with pytest.raises(InvalidEventError, match=r"configurationItem.resourceId is missing or not a non-empty string"):
        root_access(change_event(item), None)


def test_a_change_only_rule_refuses_a_scheduled_notification(posted):
    with pytest.raises(InvalidEventError, match="this rule is change-triggered only; remove MaximumExecutionFrequency"):
        root_access(scheduled_event(), None)


def test_bad_parameters_fail_before_anything_is_evaluated(posted):
    with pytest.raises(InvalidRuleParameterError) as error:
        root_access(change_event(notebook(), parameters={"AllowedLifecycleConfigs": "ok,not ok"}), None)
    assert "rule parameter 'AllowedLifecycleConfigs': 'not ok' is not a notebook lifecycle configuration name" in str(error.value)
    assert posted.calls == []


def test_a_misspelt_engine_parameter_is_reported_against_every_accepted_name(posted):
    with pytest.raises(InvalidRuleParameterError) as error:
        root_access(change_event(notebook(), parameters={"ExecutionRole": "smguard-member"}), None)
    assert str(error.value).endswith(
        "rule parameter 'ExecutionRole': unknown parameter; this rule accepts: AllowedLifecycleConfigs; "
        "every rule also accepts: ExecutionRoleName, ExemptionsParameterName"
    )
    assert posted.calls == []


def test_parameters_are_parsed_once_per_distinct_value(posted):
    class Counting(type(root_access.rule)):
        parses = 0

        def evaluate_parameters(self, rule_parameters, also_accepted=()):
            Counting.parses += 1
            return super().evaluate_parameters(rule_parameters, also_accepted)

    handler = RuleHandler(Counting())
    for _ in range(3):
        handler(change_event(notebook(), parameters={"AllowedLifecycleConfigs": "a"}), None)
    handler(change_event(notebook(), parameters={"AllowedLifecycleConfigs": "b"}), None)
    assert Counting.parses == 2
    assert len(posted.calls) == 4


# --- delivery -------------------------------------------------------------------------------


def test_evaluations_are_delivered_in_batches_of_100(posted):
    handler = RuleHandler(Vpcs(250, cleanup=False))
    handler(scheduled_event(), None)
    assert [len(call["Evaluations"]) for call in posted.calls] == [100, 100, 50]
    assert {e["OrderingTimestamp"] for e in posted.evaluations} == {NOTIFICATION_TIME}
    assert len({e["ComplianceResourceId"] for e in posted.evaluations}) == 250


def test_refused_evaluations_are_retried_until_accepted(aws):
    refused = evaluation("NON_COMPLIANT", ROOT_ENABLED)
    with Stubber(config_client()) as stub:
        stub.add_response("put_evaluations", {"FailedEvaluations": [refused]}, put_request(refused))
        stub.add_response("put_evaluations", {"FailedEvaluations": []}, put_request(refused))
        RuleHandler(root_access.rule, retry_policy=NO_WAIT)(change_event(notebook()), None)
        stub.assert_no_pending_responses()


def test_evaluations_still_refused_fail_the_invocation_by_name(aws):
    refused = evaluation("NON_COMPLIANT", ROOT_ENABLED)
    waits = []
    policy = RetryPolicy(sleep=waits.append)
    with Stubber(config_client()) as stub:
        for _ in range(policy.attempts):
            stub.add_response("put_evaluations", {"FailedEvaluations": [refused]}, put_request(refused))
        with pytest.raises(EvaluationsRefusedError) as error:
            RuleHandler(root_access.rule, retry_policy=policy)(change_event(notebook()), None)
        stub.assert_no_pending_responses()
    assert str(error.value) == (
        "rule notebook_root_access, AWS::SageMaker::NotebookInstance nb-1: AWS Config refused 1 evaluation(s) "
        "after retries, not delivered: AWS::SageMaker::NotebookInstance nb-1"
    )
    assert len(waits) == policy.attempts - 1
    assert all(0 <= wait <= policy.max_delay for wait in waits)


def test_only_the_refused_part_of_a_batch_is_sent_again(aws):
    accepted = [evaluation("COMPLIANT", "Fine.", f"vpc-{i:05d}", "AWS::EC2::VPC", NOTIFICATION_TIME) for i in range(3)]
    with Stubber(config_client()) as stub:
        stub.add_response("put_evaluations", {"FailedEvaluations": [accepted[1]]}, put_request(*accepted))
        stub.add_response("put_evaluations", {"FailedEvaluations": []}, put_request(accepted[1]))
        RuleHandler(Vpcs(3, cleanup=False), retry_policy=NO_WAIT)(scheduled_event(), None)
        stub.assert_no_pending_responses()


@pytest.mark.parametrize(
    ("code", "remedy"),
    [
        ("AccessDeniedException", "Allow PutEvaluations for the rule function's role; nothing was evaluated as COMPLIANT."),
        ("ThrottlingException", "AWS throttled the call after retries; the invocation fails so that Lambda retries it."),
        ("InternalFailure", "The invocation fails so that Lambda retries it; check the rule's configuration if it persists."),
    ],
)
def test_aws_errors_fail_the_invocation_with_the_call_and_a_remedy(aws, capsys, code, remedy):
    log = io.StringIO()
    stream_handler = root_access.logger._logger.handlers[0]
    previous = stream_handler.setStream(log)
    with Stubber(config_client()) as stub:
        stub.add_client_error("put_evaluations", service_error_code=code, service_message="no", http_status_code=400)
        with pytest.raises(AwsCallError) as error:
            root_access(change_event(notebook()), None)
    assert str(error.value) == (
        f"rule notebook_root_access, AWS::SageMaker::NotebookInstance nb-1: PutEvaluations failed with {code}: no. {remedy}"
    )
    stream_handler.setStream(previous)
    logged = [json.loads(line) for line in log.getvalue().splitlines()]
    assert len(logged) == 1
    assert logged[0]["message"] == str(error.value)
    assert (logged[0]["rule"], logged[0]["target"], logged[0]["error_type"]) == (
        "notebook_root_access",
        "AWS::SageMaker::NotebookInstance nb-1",
        "AwsCallError",
    )
    metrics = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]
    assert [(m["service"], m["Errors"]) for m in metrics] == [("notebook_root_access", [1.0])]


def test_delivered_evaluations_are_counted_by_compliance_type(posted, capsys):
    root_access(change_event(notebook()), None)
    metrics = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]
    assert [(m["CompliantEvaluations"], m["NonCompliantEvaluations"], m["NotApplicableEvaluations"]) for m in metrics] == [
        ([0.0], [1.0], [0.0])
    ]


# --- periodic clean-up ----------------------------------------------------------------------


def compliance_result(resource_type, resource_id, compliance="NON_COMPLIANT", annotation=None):
    result = {
        "EvaluationResultIdentifier": {
            "EvaluationResultQualifier": {
                "ConfigRuleName": "smguard-test-rule",
                "ResourceType": resource_type,
                "ResourceId": resource_id,
            },
            "OrderingTimestamp": datetime(2026, 11, 1, tzinfo=timezone.utc),
        },
        "ComplianceType": compliance,
        "ResultRecordedTime": datetime(2026, 11, 1, tzinfo=timezone.utc),
        "ConfigRuleInvokedTime": datetime(2026, 11, 1, tzinfo=timezone.utc),
    }
    return result | ({"Annotation": annotation} if annotation else {})


def test_results_of_vanished_resources_are_retired_across_every_page(aws):
    current = [evaluation("COMPLIANT", "Fine.", "vpc-00000", "AWS::EC2::VPC", NOTIFICATION_TIME)]
    gone = evaluation(
        "NOT_APPLICABLE",
        "The resource no longer exists: it was not found in this periodic evaluation.",
        "vpc-gone",
        "AWS::EC2::VPC",
        NOTIFICATION_TIME,
    )
    query = {
        "ConfigRuleName": "smguard-test-rule",
        "ComplianceTypes": ["COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE"],
        "Limit": 100,
    }
    with Stubber(config_client()) as stub:
        stub.add_response(
            "get_compliance_details_by_config_rule",
            {"EvaluationResults": [compliance_result("AWS::EC2::VPC", "vpc-00000", "COMPLIANT")], "NextToken": "page-2"},
            query,
        )
        stub.add_response(
            "get_compliance_details_by_config_rule",
            {
                "EvaluationResults": [
                    compliance_result("AWS::EC2::VPC", "vpc-gone"),
                    compliance_result("AWS::EC2::SecurityGroup", "vpc-00000"),
                ]
            },
            query | {"NextToken": "page-2"},
        )
        stub.add_response("put_evaluations", {"FailedEvaluations": []}, put_request(*current, gone))
        RuleHandler(Vpcs(1))(scheduled_event(), None)
        stub.assert_no_pending_responses()


def test_not_applicable_results_of_vanished_resources_are_retired_once(aws):
    """An exempt VPC that is gone is retired; one already retired is not posted again every run."""
    gone_annotation = "The resource no longer exists: it was not found in this periodic evaluation."
    query = {
        "ConfigRuleName": "smguard-test-rule",
        "ComplianceTypes": ["COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE"],
        "Limit": 100,
    }
    recorded = [
        compliance_result("AWS::EC2::VPC", "vpc-exempt", "NOT_APPLICABLE", "EXEMPT until 2027-03-31 (ticket T-1): lab."),
        compliance_result("AWS::EC2::VPC", "vpc-retired", "NOT_APPLICABLE", gone_annotation),
        compliance_result("AWS::EC2::VPC", "vpc-00000", "NOT_APPLICABLE", "VPC vpc-00000 is pending; it is evaluated once available."),
    ]
    with Stubber(config_client()) as stub:
        stub.add_response("get_compliance_details_by_config_rule", {"EvaluationResults": recorded}, query)
        stub.add_response(
            "put_evaluations",
            {"FailedEvaluations": []},
            put_request(
                evaluation("COMPLIANT", "Fine.", "vpc-00000", "AWS::EC2::VPC", NOTIFICATION_TIME),
                evaluation("NOT_APPLICABLE", gone_annotation, "vpc-exempt", "AWS::EC2::VPC", NOTIFICATION_TIME),
            ),
        )
        RuleHandler(Vpcs(1))(scheduled_event(), None)
        stub.assert_no_pending_responses()


# --- credentials and endpoints --------------------------------------------------------------


def test_without_execution_role_the_function_role_is_used(posted):
    calls = []
    SHARED_CLIENTS._session().events.register("before-call.sts.AssumeRole", lambda **kw: calls.append(kw))
    root_access(change_event(notebook()), None)
    assert calls == []
    assert len(posted.calls) == 1


def test_the_execution_role_is_assumed_once_and_cached_across_invocations(aws):
    assumed = []
    SHARED_CLIENTS._session().events.register(
        "provide-client-params.sts.AssumeRole", lambda params, **kw: assumed.append(params["RoleArn"])
    )
    event = change_event(notebook(), parameters={"ExecutionRoleName": "smguard-member"})
    event["configRuleArn"] = "arn:aws-us-gov:config:us-gov-west-1:123456789012:config-rule/config-rule-abc123"
    root_access(event, None)
    root_access(event, None)
    assert assumed == ["arn:aws-us-gov:iam::123456789012:role/smguard-member"]


def test_expired_assumed_credentials_are_dropped_so_the_retry_assumes_again(aws):
    assumed = []
    SHARED_CLIENTS._session().events.register(
        "provide-client-params.sts.AssumeRole", lambda params, **kw: assumed.append(params["RoleArn"])
    )
    event = change_event(notebook(), parameters={"ExecutionRoleName": "smguard-member"})
    role = "arn:aws:iam::123456789012:role/smguard-member"
    with Stubber(SHARED_CLIENTS.client("config", role_arn=role)) as stub:
        stub.add_client_error("put_evaluations", service_error_code="ExpiredToken", service_message="expired")
        with pytest.raises(AwsCallError, match="The assumed-role session expired"):
            root_access(event, None)
    root_access(event, None)
    assert assumed == [role, role]


def test_sts_and_config_honour_aws_endpoint_url(monkeypatch):
    """rdklib calls a hard-coded sts.<region>.amazonaws.com; here every call goes to the endpoint given.

    The requests are counted at the server, so the Config call made with the assumed role's own
    session is seen as well as the AssumeRole made with the function's.
    """
    server = CountingMotoServer().start()
    try:
        monkeypatch.setenv("AWS_ENDPOINT_URL", server.url)
        SHARED_CLIENTS.clear()
        event = change_event(notebook(), parameters={"ExecutionRoleName": "smguard-member"})
        assert root_access(event, None)[0]["ComplianceType"] == "NON_COMPLIANT"
        assert dict(server.requests.counts) == {("sts", "AssumeRole"): 1, ("config", "PutEvaluations"): 1}
    finally:
        SHARED_CLIENTS.clear()
        server.stop()


def test_the_exemption_register_is_read_with_the_function_role_not_the_member_role(monkeypatch):
    """Only the security account can grant exemptions: GetParameter is signed with the function's own
    credentials, PutEvaluations with the assumed member role's."""
    server = CountingMotoServer().start()
    try:
        monkeypatch.setenv("AWS_ENDPOINT_URL", server.url)
        SHARED_CLIENTS.clear()
        SHARED_EXEMPTION_REGISTERS.clear()
        boto3.client("ssm", region_name="us-east-1").put_parameter(
            Name="/smguard/exemptions", Value=json.dumps({"version": 1, "exemptions": []}), Type="String"
        )
        member = SHARED_CLIENTS.client("config", role_arn="arn:aws:iam::123456789012:role/smguard-member")
        signed_with = {}

        def record(request, operation, **_):
            signed_with[operation] = request.headers["Authorization"].split(b"Credential=")[1].split(b"/")[0].decode()

        SHARED_CLIENTS.client("ssm").meta.events.register(
            "before-send.ssm.GetParameter", lambda request, **kw: record(request, "GetParameter")
        )
        member.meta.events.register("before-send.config.PutEvaluations", lambda request, **kw: record(request, "PutEvaluations"))
        event = change_event(
            notebook(), parameters={"ExecutionRoleName": "smguard-member", "ExemptionsParameterName": "/smguard/exemptions"}
        )
        root_access(event, None)
        member_key = member._request_signer._credentials.get_frozen_credentials().access_key
        assert member_key != "testing"
        assert signed_with == {"GetParameter": "testing", "PutEvaluations": member_key}
        assert server.requests.counts[("ssm", "GetParameter")] == 1
    finally:
        SHARED_CLIENTS.clear()
        SHARED_EXEMPTION_REGISTERS.clear()
        server.stop()


def test_the_put_request_echoes_the_items_type_and_id_with_a_real_token(aws):
    with Stubber(config_client()) as stub:
        stub.add_response(
            "put_evaluations",
            {"FailedEvaluations": []},
            put_request(evaluation("NON_COMPLIANT", ROOT_ENABLED), token="token-123", test_mode=False),
        )
        root_access(change_event(notebook(), result_token="token-123"), None)
        stub.assert_no_pending_responses()
