"""notebook_root_access through its real Lambda handler, with items built from moto's notebooks."""

import boto3
import pytest

from smguard.rules.notebook_root_access.app import lambda_handler
from smguard.engine import InvalidRuleParameterError
from tests.support.events import change_event, configuration_item

NOTEBOOK = "AWS::SageMaker::NotebookInstance"
ROLE = "arn:aws:iam::123456789012:role/sagemaker-execution"


def recorded_notebook(name, **create):
    """Create a notebook in moto and shape it as AWS Config records it (CloudFormation property names)."""
    sagemaker = boto3.client("sagemaker")
    sagemaker.create_notebook_instance(NotebookInstanceName=name, InstanceType="ml.t3.medium", RoleArn=ROLE, **create)
    described = sagemaker.describe_notebook_instance(NotebookInstanceName=name)
    configuration = {
        key: described[key]
        for key in ("NotebookInstanceName", "InstanceType", "RoleArn", "RootAccess", "DirectInternetAccess", "KmsKeyId", "SubnetId")
        if key in described
    }
    if "NotebookInstanceLifecycleConfigName" in described:
        configuration["LifecycleConfigName"] = described["NotebookInstanceLifecycleConfigName"]
    return configuration_item(NOTEBOOK, name, configuration)


def test_a_notebook_with_root_disabled_is_compliant(posted):
    lambda_handler(change_event(recorded_notebook("locked", RootAccess="Disabled")), None)
    assert posted.results() == [(NOTEBOOK, "locked", "COMPLIANT", "RootAccess is Disabled.")]


def test_a_notebook_with_root_enabled_is_non_compliant(posted):
    lambda_handler(change_event(recorded_notebook("open", RootAccess="Enabled")), None)
    assert posted.results() == [
        (NOTEBOOK, "open", "NON_COMPLIANT",
         "RootAccess is Enabled; set RootAccess to Disabled (stop the notebook, then UpdateNotebookInstance).")
    ]


def test_a_notebook_created_without_root_access_setting_is_non_compliant(posted):
    lambda_handler(change_event(recorded_notebook("default")), None)
    assert posted.results() == [
        (NOTEBOOK, "default", "NON_COMPLIANT",
         "RootAccess is absent (defaults to Enabled); set RootAccess to Disabled (stop the notebook, then UpdateNotebookInstance).")
    ]


def test_the_lifecycle_allow_list_is_applied(posted):
    item = recorded_notebook("with-lifecycle", RootAccess="Disabled", LifecycleConfigName="unapproved")
    lambda_handler(change_event(item, parameters={"AllowedLifecycleConfigs": "approved"}), None)
    assert posted.results() == [
        (NOTEBOOK, "with-lifecycle", "NON_COMPLIANT",
         "LifecycleConfigName unapproved is not in AllowedLifecycleConfigs (approved); it runs as root: "
         "attach an approved one.")
    ]


def test_a_malformed_allow_list_is_an_error(posted):
    with pytest.raises(InvalidRuleParameterError, match="'AllowedLifecycleConfigs': 'bad_name' is not a notebook lifecycle configuration name"):
        lambda_handler(change_event(recorded_notebook("nb"), parameters={"AllowedLifecycleConfigs": "bad_name"}), None)
    assert posted.calls == []
