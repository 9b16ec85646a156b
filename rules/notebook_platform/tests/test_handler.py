"""notebook_platform through its real Lambda handler, notebooks in the embedded AWS (moto with the
notebook settings it drops, smguard/embedded/sagemaker_notebooks.py)."""

from __future__ import annotations

import boto3
import pytest

from smguard import embedded
from smguard.engine import InvalidRuleParameterError
from smguard.resources.types import notebook_instance
from smguard.rules.notebook_platform.app import lambda_handler
from tests.support.events import change_event, configuration_item

NOTEBOOK = "AWS::SageMaker::NotebookInstance"
ROLE = "arn:aws:iam::123456789012:role/sagemaker-execution"
IMDSV2 = {"MinimumInstanceMetadataServiceVersion": "2"}

embedded.install()


def recorded_notebook(name: str, *, lacking: tuple[str, ...] = (), **create: object) -> dict:
    """Create a notebook and shape it as AWS Config records it; ``lacking``: properties the item
    leaves out, as Config's resource schema for the type does for the platform and IMDS settings."""
    sagemaker = boto3.client("sagemaker")
    sagemaker.create_notebook_instance(NotebookInstanceName=name, InstanceType="ml.t3.medium", RoleArn=ROLE, **create)
    resource, _ = notebook_instance.TYPE.recorded(sagemaker.describe_notebook_instance(NotebookInstanceName=name))
    return configuration_item(NOTEBOOK, name, {k: v for k, v in resource.configuration.items() if k not in lacking})


def test_a_supported_platform_with_imdsv2_is_compliant(posted):
    item = recorded_notebook("current", PlatformIdentifier="notebook-al2023-v1", InstanceMetadataServiceConfiguration=IMDSV2)
    lambda_handler(change_event(item), None)
    assert posted.results() == [
        (NOTEBOOK, "current", "COMPLIANT", "PlatformIdentifier is notebook-al2023-v1 (supported) and the instance metadata service requires IMDSv2.")
    ]


def test_settings_the_item_lacks_are_read_with_describe_notebook_instance(posted):
    item = recorded_notebook(
        "unrecorded", lacking=("PlatformIdentifier", "InstanceMetadataServiceConfiguration"),
        PlatformIdentifier="notebook-al2023-v1", InstanceMetadataServiceConfiguration=IMDSV2,
    )
    lambda_handler(change_event(item), None)
    assert posted.results() == [
        (NOTEBOOK, "unrecorded", "COMPLIANT", "PlatformIdentifier is notebook-al2023-v1 (supported) and the instance metadata service "
         "requires IMDSv2 (read with DescribeNotebookInstance).")
    ]


def test_a_notebook_created_with_defaults_on_an_old_platform_is_non_compliant(posted):
    item = recorded_notebook("legacy", lacking=("InstanceMetadataServiceConfiguration",), PlatformIdentifier="notebook-al2-v2")
    lambda_handler(change_event(item), None)
    assert posted.results() == [
        (NOTEBOOK, "legacy", "NON_COMPLIANT", 'PlatformIdentifier is "notebook-al2-v2", not a supported platform (notebook-al2023-v1); '
         'MinimumInstanceMetadataServiceVersion is "1" (read with DescribeNotebookInstance), so IMDSv1 is served. '
         "Recreate or update the notebook.")
    ]


def test_a_notebook_deleted_since_it_was_recorded_is_not_passed(posted):
    item = configuration_item(NOTEBOOK, "gone", {"NotebookInstanceName": "gone", "InstanceMetadataServiceConfiguration": IMDSV2})
    lambda_handler(change_event(item), None)
    assert posted.results() == [
        (NOTEBOOK, "gone", "NON_COMPLIANT", "PlatformIdentifier is unknown (DescribeNotebookInstance found no notebook gone), not a "
         "supported platform (notebook-al2023-v1). The platform cannot be changed: recreate the notebook on a supported one "
         "(CreateNotebookInstance).")
    ]


def test_an_invalid_parameter_fails_the_invocation(aws):
    item = configuration_item(NOTEBOOK, "x", {"NotebookInstanceName": "x"})
    with pytest.raises(InvalidRuleParameterError, match="SupportedPlatforms"):
        lambda_handler(change_event(item, parameters={"SupportedPlatforms": "al2023"}), None)
