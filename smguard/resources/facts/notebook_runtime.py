"""The runtime settings of a notebook instance, as DescribeNotebookInstance returns them.

``PlatformIdentifier`` and ``InstanceMetadataServiceConfiguration`` are properties of
AWS::SageMaker::NotebookInstance, but AWS Config's resource-schema file for the type
(awslabs/aws-config-resource-schema) lists neither, so a recorded item may lack them. A rule that
needs them reads them with DescribeNotebookInstance for the notebooks whose item lacks them, and
says so in its annotation.

From a template: a notebook that does not set InstanceMetadataServiceConfiguration gets IMDS
version 1 ("When passed as part of CreateNotebookInstance, if no value is selected, then it
defaults to IMDSv1", SageMaker API Reference, InstanceMetadataServiceConfiguration); the platform
SageMaker picks when PlatformIdentifier is not set is not documented, so it is left open.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from smguard.resources.base import FactKind, FactSlice, TemplateFacts
from smguard.resources.sagemaker import GONE_ERROR_CODES

if TYPE_CHECKING:
    from smguard.scan.template import ScannedTemplate

NOTEBOOK = "AWS::SageMaker::NotebookInstance"
SETTINGS = ("PlatformIdentifier", "InstanceMetadataServiceConfiguration")
"""DescribeNotebookInstance and AWS::SageMaker::NotebookInstance name them alike."""
IMDS_AT_CREATION = {"MinimumInstanceMetadataServiceVersion": "1"}
CHOSEN = "(chosen by SageMaker)"


class NotebookRuntime(FactKind):
    name = "the platform and instance metadata settings of a notebook instance (DescribeNotebookInstance)"
    missing_from_template = "a template scan reads the notebook's own properties only."

    def from_aws(self, names: Iterable[str], clients: Any) -> dict[str, dict[str, Any] | None]:
        """One DescribeNotebookInstance per distinct name: the settings it returns, None for a
        notebook that no longer exists."""
        sagemaker = clients.build_client("sagemaker")
        return {name: _described(sagemaker, name) for name in sorted(set(names))}

    def from_template(self, template: ScannedTemplate) -> TemplateFacts:
        """What DescribeNotebookInstance would return once each template notebook is created."""
        from smguard.scan.values import Configuration, Opaque, Why  # the scanner is not in a rule's Lambda artifact

        settings: dict[str, Any] = {}
        for notebook in template.of_types(NOTEBOOK):
            properties = notebook.properties
            described = Configuration(
                PlatformIdentifier=Opaque(
                    CHOSEN,
                    Why(CHOSEN, "not set in the template: SageMaker chooses the platform at creation", "set PlatformIdentifier"),
                    "PlatformIdentifier",
                ),
                InstanceMetadataServiceConfiguration=dict(IMDS_AT_CREATION),
            )
            if isinstance(properties, Mapping):
                for key in SETTINGS:
                    if dict.__contains__(properties, key):
                        dict.__setitem__(described, key, dict.__getitem__(properties, key))
            settings[notebook.logical_id] = described
        return lambda resource: FactSlice(settings)


def _described(sagemaker: Any, name: str) -> dict[str, Any] | None:
    try:
        response = sagemaker.describe_notebook_instance(NotebookInstanceName=name)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in GONE_ERROR_CODES:
            return None
        raise
    return {key: response[key] for key in SETTINGS if key in response}


NOTEBOOK_RUNTIME = NotebookRuntime()
