"""AWS Config remediation for the embedded AWS: what moto 5.2.5 leaves out.

``install()`` adds PutRemediationConfigurations, DescribeRemediationConfigurations,
DeleteRemediationConfiguration, StartRemediationExecution and DescribeRemediationExecutionStatus to
moto's Config, and runs the runbooks smguard's rules declare against the embedded resources.

How this follows AWS (AWS Config API Reference, the pages of those actions and of
RemediationConfiguration, RemediationExecutionStatus, RemediationExecutionStep; Systems Manager
Automation Runbook Reference for AWS's runbooks):

- A configuration belongs to one Config rule of the caller's account and region (a missing rule:
  NoSuchConfigRuleException). A rule another service created (an organization rule's member copy,
  ``CreatedBy`` set) is refused: AWS Config does not accept remediation configurations for
  organization rules (InsufficientPermissionsException, decision: the same error moto gives a
  service-linked rule), and so is deleting one of such a rule's configurations (a conformance pack's
  rule: the pack owns its remediations). The bounds (configurations a call, resource keys,
  MaximumAutomaticAttempts, RetryAttemptSeconds) are read from botocore's copy of the API model, as
  ``request_model`` does; a request beyond them gets ValidationException.
- TargetType must be SSM_DOCUMENT; the target is one of AWS's runbooks this module implements, or an
  Automation document of the account (SSM CreateDocument), else InvalidParameterValueException.
- StartRemediationExecution: decision: the embedded AWS runs the runbook at once, in the caller's
  request, where AWS queues it; DescribeRemediationExecutionStatus then shows SUCCEEDED or FAILED
  with the steps run, the one that failed last and why. The runbook runs as the role its
  AutomationAssumeRole names, which must exist in the account (the runbook fails otherwise).
- Automatic remediation (AWS Config Developer Guide, "Remediating noncompliant resources with AWS
  Config rules"; API Reference, RemediationConfiguration): with ``Automatic`` true, Config runs the
  remediation when a resource of the rule is NON_COMPLIANT, and MaximumAutomaticAttempts (default 5)
  failed attempts within RetryAttemptSeconds (default 60) end the automatic runs for that resource.
  The embedded AWS runs it when PutEvaluations stores a NON_COMPLIANT result (``config_compliance``
  calls :func:`remediate_automatically`), and for the rule's current NON_COMPLIANT results when
  PutRemediationConfigurations makes it automatic (API Reference, PutRemediationConfigurations),
  synchronously like StartRemediationExecution, and skips a
  resource whose failed automatic attempts within the trailing window reached the maximum. Decision:
  only failed attempts count (AWS: "the maximum number of failed attempts"); AWS then places a
  RemediationException, which the embedded AWS does not model: a later window allows attempts again.
- Runbooks: ``AWSConfigRemediation-RemoveVPCDefaultSecurityGroupRules`` fails on a group not named
  default, then revokes every inbound and outbound rule; ``AWS-DisableSageMakerNotebookRootAccess``
  stops an InService notebook, sets RootAccess Disabled and starts it again when
  StartInstanceAfterUpdate is true. AWS's runbook pages list what their steps do and the step
  actions, not step names: the step names the execution status shows for these two
  (``CheckDefaultSecurityGroup``, ``RemoveRulesFromDefaultSecurityGroup``,
  ``CheckNotebookInstanceStatus``, ``StopNotebookInstance``, ``UpdateNotebookInstance``,
  ``StartNotebookInstance``) are smguard's decision.
- An account's own Automation document runs its steps in order with ``{{ Parameter }}`` references
  replaced, for the actions smguard's documents use (any other action fails the run, naming it):
  ``aws:executeAwsApi`` fails only when its API call fails (Systems Manager User Guide,
  "aws:executeAwsApi"), so a response's ``Unsuccessful`` items (CreateFlowLogs) do not fail it;
  ``aws:assertAwsResourceProperty`` calls its API and fails unless the response's PropertySelector
  (JSONPath) selects values that are all among DesiredValues (User Guide,
  "aws:assertAwsResourceProperty"; decision: selecting nothing fails, and the embedded AWS asserts
  once where AWS may wait up to the step's timeout).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import boto3
import botocore.session
import yaml
from botocore.exceptions import ClientError, ParamValidationError
from jsonpath_ng import parse as jsonpath
from moto.config.exceptions import InvalidParameterValueException
from moto.config.models import ConfigBackend, ConfigRule
from moto.config.responses import ConfigResponse
from moto.core.exceptions import JsonRESTError

from smguard.embedded.config_compliance import (
    StoredResult,
    _now,
    _request,
    _required,
    _rule,
    _validation_error,
    evaluation_store,
    on_stored_evaluations,
)
from smguard.embedded.request_model import check_request

_MODEL = botocore.session.get_session().get_service_model("config")
_CONFIGURATION = _MODEL.shape_for("RemediationConfiguration")

DEFAULT_ATTEMPTS = 5
DEFAULT_RETRY_SECONDS = 60
"""What AWS Config applies when a configuration gives no MaximumAutomaticAttempts or RetryAttemptSeconds
(API Reference, RemediationConfiguration)."""


def _bounds(shape: Any, member: str) -> tuple[int, int]:
    metadata = shape.members[member].metadata
    return int(metadata["min"]), int(metadata["max"])


class InsufficientPermissionsException(JsonRESTError):
    def __init__(self, message: str) -> None:
        super().__init__("InsufficientPermissionsException", message)


class NoSuchRemediationConfigurationException(JsonRESTError):
    def __init__(self, rule_name: str) -> None:
        super().__init__("NoSuchRemediationConfigurationException", f"No remediation configuration for the rule {rule_name}.")


class RunbookFailedError(Exception):
    """A step of a runbook failed; the message is what the execution status shows, ``completed`` the
    steps that succeeded before it."""

    def __init__(self, step: str, message: str, completed: tuple[str, ...] = ()) -> None:
        self.step = step
        self.completed = completed
        super().__init__(message)


@dataclass
class Execution:
    resource_key: dict[str, str]
    state: str
    steps: list[dict[str, Any]]
    invoked: datetime
    updated: datetime


@dataclass
class RemediationState:
    configurations: dict[str, dict[str, Any]] = field(default_factory=dict)
    executions: dict[tuple[str, str, str], Execution] = field(default_factory=dict)
    """(rule, resource type, resource id) -> the latest execution."""
    automatic_failures: dict[tuple[str, str, str], list[datetime]] = field(default_factory=dict)
    """(rule, resource type, resource id) -> when its failed automatic attempts started."""


def _state(backend: ConfigBackend) -> RemediationState:
    state = getattr(backend, "_smguard_remediation", None)
    if state is None:
        state = RemediationState()
        backend._smguard_remediation = state  # type: ignore[attr-defined]
    return state


# --- runbooks ------------------------------------------------------------------------------------


Runbook = Callable[[boto3.Session, Mapping[str, Any]], list[str]]
"""Runs with the AutomationAssumeRole's session and the parameters; returns the names of the steps run
(for AWS's runbooks, smguard's names: see the module's docstring)."""


def remove_default_security_group_rules(session: boto3.Session, parameters: Mapping[str, Any]) -> list[str]:
    ec2 = session.client("ec2")
    group_id = parameters["GroupId"]
    [group] = ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"]
    if group.get("GroupName") != "default":
        raise RunbookFailedError("CheckDefaultSecurityGroup", f"the security group {group_id} is not named default")
    if group.get("IpPermissions"):
        ec2.revoke_security_group_ingress(GroupId=group_id, IpPermissions=group["IpPermissions"])
    if group.get("IpPermissionsEgress"):
        ec2.revoke_security_group_egress(GroupId=group_id, IpPermissions=group["IpPermissionsEgress"])
    return ["CheckDefaultSecurityGroup", "RemoveRulesFromDefaultSecurityGroup"]


def disable_notebook_root_access(session: boto3.Session, parameters: Mapping[str, Any]) -> list[str]:
    sagemaker = session.client("sagemaker")
    name = parameters["NotebookInstanceName"]
    status = sagemaker.describe_notebook_instance(NotebookInstanceName=name)["NotebookInstanceStatus"]
    steps = ["CheckNotebookInstanceStatus"]
    if status == "InService":
        sagemaker.stop_notebook_instance(NotebookInstanceName=name)
        steps.append("StopNotebookInstance")
    sagemaker.update_notebook_instance(NotebookInstanceName=name, RootAccess="Disabled")
    steps.append("UpdateNotebookInstance")
    if str(parameters.get("StartInstanceAfterUpdate", "true")).lower() == "true":
        sagemaker.start_notebook_instance(NotebookInstanceName=name)
        steps.append("StartNotebookInstance")
    return steps


AWS_RUNBOOKS: dict[str, Runbook] = {
    "AWSConfigRemediation-RemoveVPCDefaultSecurityGroupRules": remove_default_security_group_rules,
    "AWS-DisableSageMakerNotebookRootAccess": disable_notebook_root_access,
}

PARAMETER_REFERENCE = re.compile(r"\{\{\s*([A-Za-z0-9_]+)\s*\}\}")


def _snake(api: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", api).lower()


def _call(session: boto3.Session, step: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
    """The step's API call: ``Service`` and ``Api`` name it, the other inputs are its parameters."""
    parameters = dict(inputs)
    client = session.client(parameters.pop("Service"))
    try:
        response: dict[str, Any] = getattr(client, _snake(parameters.pop("Api")))(**parameters)
    except (ClientError, ParamValidationError) as error:  # the call failed, so the step fails
        raise RunbookFailedError(step, str(error)) from None
    return response


def execute_aws_api(session: boto3.Session, step: str, inputs: Mapping[str, Any]) -> None:
    """aws:executeAwsApi: fails only when the call fails, whatever the response says."""
    _call(session, step, inputs)


def assert_aws_resource_property(session: boto3.Session, step: str, inputs: Mapping[str, Any]) -> None:
    """aws:assertAwsResourceProperty: the values PropertySelector selects must all be DesiredValues."""
    call = dict(inputs)
    selector, desired = call.pop("PropertySelector"), [str(value) for value in call.pop("DesiredValues")]
    response = _call(session, step, call)
    # DesiredValues are strings ("True"/"False" for Booleans, as the User Guide asks): compare as text.
    selected = [str(match.value) for match in jsonpath(selector).find(response)]
    if not selected or any(value not in desired for value in selected):
        found = ", ".join(selected) if selected else "nothing"
        raise RunbookFailedError(
            step, f"{selector} of the {inputs['Api']} response is {found}, not one of the desired values {', '.join(desired)}"
        )


STEP_ACTIONS: dict[str, Callable[[boto3.Session, str, Mapping[str, Any]], None]] = {
    "aws:executeAwsApi": execute_aws_api,
    "aws:assertAwsResourceProperty": assert_aws_resource_property,
}


def run_document(document: Mapping[str, Any], session: boto3.Session, parameters: Mapping[str, Any]) -> list[str]:
    """An account's Automation document: its steps, in order (:data:`STEP_ACTIONS`)."""
    declared = document.get("parameters", {})
    values: dict[str, Any] = {}
    for name, spec in declared.items():
        value = parameters.get(name, spec.get("default"))
        if value is None:
            raise RunbookFailedError("ValidateParameters", f"the parameter {name} has no value")
        values[name] = int(value) if spec.get("type") == "Integer" else value

    def substitute(value: Any) -> Any:
        if isinstance(value, str):
            whole = PARAMETER_REFERENCE.fullmatch(value.strip())
            if whole:
                return values[whole.group(1)]
            return PARAMETER_REFERENCE.sub(lambda match: str(values[match.group(1)]), value)
        if isinstance(value, list):
            return [substitute(item) for item in value]
        if isinstance(value, dict):
            return {key: substitute(item) for key, item in value.items()}
        return value

    steps: list[str] = []
    for step in document.get("mainSteps", []):
        name = step["name"]
        action = STEP_ACTIONS.get(step.get("action", ""))
        if action is None:
            raise RunbookFailedError(name, f"the step action {step.get('action')} is not run by the embedded AWS", tuple(steps))
        try:
            action(session, name, substitute(dict(step["inputs"])))
        except RunbookFailedError as failure:
            raise RunbookFailedError(failure.step, str(failure), tuple(steps)) from None
        steps.append(name)
    return steps


# --- the API -------------------------------------------------------------------------------------


def put_remediation_configurations(self: ConfigBackend, configurations: list[dict[str, Any]]) -> dict[str, Any]:
    check_request("PutRemediationConfigurations", {"RemediationConfigurations": configurations})
    state = _state(self)
    rules = []
    for configuration in configurations:
        rule = _rule(self, configuration["ConfigRuleName"])
        _refuse_if_service_linked(rule, "put")
        state.configurations[str(rule.config_rule_name)] = checked_configuration(self, rule, configuration)
        rules.append(rule)
    for rule in rules:
        # Enabling automatic remediation starts it for the rule's NON_COMPLIANT resources (API
        # Reference, PutRemediationConfigurations: "Auto remediation can be initiated even for compliant resources").
        remediate_automatically(self, rule, evaluation_store(self).results(rule.config_rule_id))
    return {"FailedBatches": []}


def _refuse_if_service_linked(rule: ConfigRule, action: str) -> None:
    if getattr(rule, "created_by", None):
        raise InsufficientPermissionsException(
            f"The rule {rule.config_rule_name} was created by {rule.created_by}; remediation configurations cannot be {action} on it."
        )


def checked_configuration(backend: ConfigBackend, rule: ConfigRule, configuration: Mapping[str, Any]) -> dict[str, Any]:
    """``configuration`` as stored for ``rule``, once checked as PutRemediationConfigurations checks
    it (the service that created a rule, a conformance pack, attaches its configurations this way)."""
    if configuration.get("TargetType") != "SSM_DOCUMENT":
        raise InvalidParameterValueException(f"TargetType {configuration.get('TargetType')} is not SSM_DOCUMENT.")
    target = str(configuration.get("TargetId", ""))
    if target not in AWS_RUNBOOKS and _document(backend.account_id, backend.region_name, target) is None:
        raise InvalidParameterValueException(f"The SSM document {target} does not exist in this account.")
    for key in ("MaximumAutomaticAttempts", "RetryAttemptSeconds"):
        low, high = _bounds(_CONFIGURATION, key)
        value = configuration.get(key)
        if value is not None and not low <= int(value) <= high:
            raise InvalidParameterValueException(f"{key} {value} is not between {low} and {high}.")
    stored = {**configuration, "ConfigRuleName": rule.config_rule_name}
    stored["Arn"] = f"arn:aws:config:{backend.region_name}:{backend.account_id}:remediation-configuration/{rule.config_rule_name}/{rule.config_rule_id}"
    return stored


def remediation_configurations(backend: ConfigBackend) -> dict[str, dict[str, Any]]:
    """The account and region's remediation configurations by rule name (what a conformance pack
    changes for the rules it creates and deletes)."""
    return _state(backend).configurations


def describe_remediation_configurations(self: ConfigBackend, rule_names: list[str]) -> dict[str, Any]:
    check_request("DescribeRemediationConfigurations", {"ConfigRuleNames": rule_names})
    configurations = _state(self).configurations
    return {"RemediationConfigurations": [configurations[name] for name in rule_names if name in configurations]}


def delete_remediation_configuration(self: ConfigBackend, rule_name: str) -> dict[str, Any]:
    rule = self.config_rules.get(rule_name)
    if rule is not None:
        _refuse_if_service_linked(rule, "deleted")
    if _state(self).configurations.pop(rule_name, None) is None:
        raise NoSuchRemediationConfigurationException(rule_name)
    return {}


def start_remediation_execution(self: ConfigBackend, rule_name: str, resource_keys: list[dict[str, str]]) -> dict[str, Any]:
    # Not check_request: the model's ResourceType enum lacks types Config records (AWS::SageMaker::*).
    low, high = _bounds(_MODEL.operation_model("StartRemediationExecution").input_shape, "ResourceKeys")
    if not low <= len(resource_keys) <= high:
        raise _validation_error([f"Value at 'resourceKeys' failed to satisfy constraint: Member must have length between {low} and {high}"])
    configuration = _state(self).configurations.get(rule_name)
    if configuration is None:
        raise NoSuchRemediationConfigurationException(rule_name)
    for key in resource_keys:
        _execute(self, rule_name, configuration, key)
    return {"FailedItems": []}


def _execute(backend: ConfigBackend, rule_name: str, configuration: Mapping[str, Any], key: Mapping[str, str]) -> Execution:
    """Run the configuration's runbook on one resource and record the execution as its latest."""
    invoked = _now()
    steps: list[dict[str, Any]] = []
    try:
        for step in _run(backend, configuration, key["resourceId"]):
            steps.append({"Name": step, "State": "SUCCEEDED", "StartTime": invoked, "StopTime": _now()})
        outcome = "SUCCEEDED"
    except RunbookFailedError as failure:
        steps += [{"Name": step, "State": "SUCCEEDED", "StartTime": invoked, "StopTime": _now()} for step in failure.completed]
        steps.append({"Name": failure.step, "State": "FAILED", "ErrorMessage": str(failure), "StartTime": invoked, "StopTime": _now()})
        outcome = "FAILED"
    execution = Execution(dict(key), outcome, steps, invoked, _now())
    _state(backend).executions[(rule_name, key["resourceType"], key["resourceId"])] = execution
    return execution


def remediate_automatically(backend: ConfigBackend, rule: ConfigRule, results: list[StoredResult]) -> None:
    """With ``results`` of ``rule`` (those PutEvaluations just stored, or all its current ones when
    PutRemediationConfigurations made it automatic): run its automatic remediation on each
    NON_COMPLIANT resource, unless that resource's failed automatic attempts within the last
    RetryAttemptSeconds reached MaximumAutomaticAttempts (see the module's docstring)."""
    state = _state(backend)
    rule_name = str(rule.config_rule_name)
    configuration = state.configurations.get(rule_name)
    if configuration is None or configuration.get("Automatic") is not True:
        return
    maximum = int(configuration.get("MaximumAutomaticAttempts") or DEFAULT_ATTEMPTS)
    window = int(configuration.get("RetryAttemptSeconds") or DEFAULT_RETRY_SECONDS)
    for result in results:
        if result.compliance_type != "NON_COMPLIANT":
            continue
        attempts = (rule_name, result.resource_type, result.resource_id)
        now = _now()
        failures = [at for at in state.automatic_failures.get(attempts, []) if (now - at).total_seconds() < window]
        state.automatic_failures[attempts] = failures
        if len(failures) >= maximum:
            continue
        execution = _execute(backend, rule_name, configuration, {"resourceType": result.resource_type, "resourceId": result.resource_id})
        if execution.state == "FAILED":
            failures.append(execution.invoked)


def describe_remediation_execution_status(self: ConfigBackend, rule_name: str, resource_keys: list[dict[str, str]] | None) -> dict[str, Any]:
    _rule(self, rule_name)
    wanted = None if resource_keys is None else {(k["resourceType"], k["resourceId"]) for k in resource_keys}
    statuses = [
        {
            "ResourceKey": execution.resource_key,
            "State": execution.state,
            "StepDetails": [{**step, "StartTime": step["StartTime"].timestamp(), "StopTime": step["StopTime"].timestamp()} for step in execution.steps],
            "InvocationTime": execution.invoked.timestamp(),
            "LastUpdatedTime": execution.updated.timestamp(),
        }
        for (rule, resource_type, resource_id), execution in sorted(_state(self).executions.items())
        if rule == rule_name and (wanted is None or (resource_type, resource_id) in wanted)
    ]
    return {"RemediationExecutionStatuses": statuses}


def _run(backend: ConfigBackend, configuration: Mapping[str, Any], resource_id: str) -> list[str]:
    parameters: dict[str, Any] = {}
    for name, value in (configuration.get("Parameters") or {}).items():
        if "ResourceValue" in value:
            parameters[name] = resource_id
        else:
            values = value["StaticValue"]["Values"]
            parameters[name] = values[0] if len(values) == 1 else values
    role_arn = parameters.get("AutomationAssumeRole")
    if not isinstance(role_arn, str):
        raise RunbookFailedError("AssumeRole", "the configuration gives no AutomationAssumeRole")
    session = _assumed(role_arn, backend.region_name)
    target = configuration["TargetId"]
    if target in AWS_RUNBOOKS:
        try:
            return AWS_RUNBOOKS[target](session, parameters)
        except ClientError as error:
            raise RunbookFailedError(target, str(error)) from None
    document = _document(backend.account_id, backend.region_name, target)
    if document is None:
        raise RunbookFailedError("LoadDocument", f"the SSM document {target} no longer exists")
    return run_document(document, session, parameters)


def _assumed(role_arn: str, region: str) -> boto3.Session:
    """The runbook's session: the AutomationAssumeRole, which must exist."""
    account_id, role_name = role_arn.split(":")[4], role_arn.rsplit("/", 1)[-1]
    from moto.iam.models import iam_backends

    if role_name not in {role.name for role in iam_backends[account_id]["global"].roles.values()}:
        raise RunbookFailedError("AssumeRole", f"the role {role_arn} does not exist")
    credentials = boto3.client("sts", region_name=region).assume_role(RoleArn=role_arn, RoleSessionName="smguard-remediation")[
        "Credentials"
    ]
    return boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name=region,
    )


def _document(account_id: str, region: str, name: str) -> dict[str, Any] | None:
    from moto.ssm.models import ssm_backends

    documents = ssm_backends[account_id][region]._documents.get(name)
    if documents is None:
        return None
    document = documents.get_default_version()
    if document.document_type != "Automation":
        return None
    content = document.content
    loaded = yaml.safe_load(content) if isinstance(content, str) else content
    return dict(loaded)


# --- the HTTP side -------------------------------------------------------------------------------


def _backend(response: ConfigResponse) -> Any:
    """moto's backend, with the methods ``install()`` added (which its type does not declare)."""
    return response.config_backend


def _put_response(self: ConfigResponse) -> str:
    [configurations] = _required(_request(self), "RemediationConfigurations")
    return json.dumps(_backend(self).put_remediation_configurations(configurations))


def _describe_response(self: ConfigResponse) -> str:
    [names] = _required(_request(self), "ConfigRuleNames")
    return json.dumps(_backend(self).describe_remediation_configurations(names))


def _delete_response(self: ConfigResponse) -> str:
    [name] = _required(_request(self), "ConfigRuleName")
    return json.dumps(_backend(self).delete_remediation_configuration(name))


def _start_response(self: ConfigResponse) -> str:
    name, keys = _required(_request(self), "ConfigRuleName", "ResourceKeys")
    return json.dumps(_backend(self).start_remediation_execution(name, keys))


def _status_response(self: ConfigResponse) -> str:
    request = _request(self)
    [name] = _required(request, "ConfigRuleName")
    return json.dumps(_backend(self).describe_remediation_execution_status(name, request.get("ResourceKeys")))


_BACKEND_METHODS: dict[str, Callable[..., Any]] = {
    "put_remediation_configurations": put_remediation_configurations,
    "describe_remediation_configurations": describe_remediation_configurations,
    "delete_remediation_configuration": delete_remediation_configuration,
    "start_remediation_execution": start_remediation_execution,
    "describe_remediation_execution_status": describe_remediation_execution_status,
}
_RESPONSE_METHODS: dict[str, Callable[[ConfigResponse], str]] = {
    "put_remediation_configurations": _put_response,
    "describe_remediation_configurations": _describe_response,
    "delete_remediation_configuration": _delete_response,
    "start_remediation_execution": _start_response,
    "describe_remediation_execution_status": _status_response,
}


def install() -> None:
    """Give moto's Config the remediation APIs and automatic remediation. Idempotent; affects every
    moto backend in the process."""
    for name, function in _BACKEND_METHODS.items():
        setattr(ConfigBackend, name, function)
    for name, function in _RESPONSE_METHODS.items():
        setattr(ConfigResponse, name, function)
    on_stored_evaluations(remediate_automatically)
