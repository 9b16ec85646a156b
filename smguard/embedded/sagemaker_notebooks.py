"""Notebook instances in the embedded AWS: UpdateNotebookInstance, which moto 5.2.5 lacks, and the
runtime settings its CreateNotebookInstance drops.

AWS's notebook remediation runbook (AWS-DisableSageMakerNotebookRootAccess) stops a notebook,
updates it and starts it again, so the embedded AWS needs the update. Only what the runbook sends is
implemented, as the SageMaker API Reference (UpdateNotebookInstance) documents it: ``RootAccess``
Enabled or Disabled (ValidationException otherwise), on a notebook that exists (ValidationException
"RecordNotFound", as for moto's other notebook actions) and is not running: SageMaker updates a
notebook instance only when it is Stopped or Failed (the request is refused with ValidationException
while it is InService, Pending or Stopping). Any other member of the request is refused by name
instead of being accepted and ignored.

moto's CreateNotebookInstance also drops ``PlatformIdentifier`` and
``InstanceMetadataServiceConfiguration``, and DescribeNotebookInstance returns neither. AWS documents
both (SageMaker API Reference, CreateNotebookInstance and DescribeNotebookInstance), and
InstanceMetadataServiceConfiguration: "When passed as part of CreateNotebookInstance, if no value is
selected, then it defaults to IMDSv1"
(https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_InstanceMetadataServiceConfiguration.html).
CreateNotebookInstance keeps both and DescribeNotebookInstance returns them, IMDS version 1 when
none was given. The platform SageMaker picks when none is given is not documented, so none is
returned then: a check can never pass on a platform the model made up.
"""

from __future__ import annotations

import json
from typing import Any

from moto.core.responses import ActionResult
from moto.sagemaker.exceptions import ValidationError
from moto.sagemaker.models import SageMakerModelBackend
from moto.sagemaker.responses import SageMakerResponse

UPDATABLE_STATES = ("Stopped", "Failed")
IMDS_DEFAULT = {"MinimumInstanceMetadataServiceVersion": "1"}
RUNTIME = "smguard_runtime"
"""The attribute of moto's notebook that holds the settings (moto describes its own attributes as they are)."""
_create = SageMakerResponse.create_notebook_instance
ROOT_ACCESS = ("Enabled", "Disabled")


def update_notebook_instance(self: SageMakerModelBackend, name: str, root_access: str | None) -> None:
    notebook = self.get_notebook_instance(name)
    if notebook.status not in UPDATABLE_STATES:
        raise ValidationError(message=f"Status ({notebook.status}) not in ([{', '.join(UPDATABLE_STATES)}]). Unable to transition to (Updating) for Notebook Instance ({notebook.arn}).")
    if root_access is not None:
        if root_access not in ROOT_ACCESS:
            raise ValidationError(message=f"Value '{root_access}' at 'rootAccess' failed to satisfy constraint: Member must satisfy enum value set: [{', '.join(ROOT_ACCESS)}]")
        notebook.root_access = root_access


def _update_response(self: SageMakerResponse) -> str:
    request: dict[str, Any] = json.loads(self.body or "{}")
    unsupported = sorted(set(request) - {"NotebookInstanceName", "RootAccess"})
    if unsupported:
        raise ValidationError(message=f"the embedded AWS updates only RootAccess, not {', '.join(unsupported)}")
    backend: Any = self.sagemaker_backend  # with the method install() adds
    backend.update_notebook_instance(request["NotebookInstanceName"], request.get("RootAccess"))
    return "{}"


def _create_notebook_instance(self: SageMakerResponse) -> ActionResult:
    result = _create(self)
    notebook = self.sagemaker_backend.get_notebook_instance(self._get_param("NotebookInstanceName"))
    runtime = {
        "PlatformIdentifier": self._get_param("PlatformIdentifier"),
        "InstanceMetadataServiceConfiguration": self._get_param("InstanceMetadataServiceConfiguration") or dict(IMDS_DEFAULT),
    }
    setattr(notebook, RUNTIME, runtime)
    return result


def _describe_notebook_instance(self: SageMakerResponse) -> ActionResult:
    notebook = self.sagemaker_backend.get_notebook_instance(self._get_param("NotebookInstanceName"))
    runtime: dict[str, Any] = getattr(notebook, RUNTIME, {})
    return ActionResult(notebook.to_dict() | {key: value for key, value in runtime.items() if value is not None})


def install() -> None:
    """Give moto's SageMaker UpdateNotebookInstance and the notebook settings. Idempotent; process-wide."""
    # setattr: the classes' types do not declare the added methods.
    setattr(SageMakerModelBackend, "update_notebook_instance", update_notebook_instance)  # noqa: B010
    setattr(SageMakerResponse, "update_notebook_instance", _update_response)  # noqa: B010
    setattr(SageMakerResponse, "create_notebook_instance", _create_notebook_instance)  # noqa: B010
    setattr(SageMakerResponse, "describe_notebook_instance", _describe_notebook_instance)  # noqa: B010
