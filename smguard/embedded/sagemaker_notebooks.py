"""UpdateNotebookInstance for the embedded AWS: moto 5.2.5 has no such action.

AWS's notebook remediation runbook (AWS-DisableSageMakerNotebookRootAccess) stops a notebook,
updates it and starts it again, so the embedded AWS needs the update. Only what the runbook sends is
implemented, as the SageMaker API Reference (UpdateNotebookInstance) documents it: ``RootAccess``
Enabled or Disabled (ValidationException otherwise), on a notebook that exists (ValidationException
"RecordNotFound", as for moto's other notebook actions) and is not running: SageMaker updates a
notebook instance only when it is Stopped or Failed (the request is refused with ValidationException
while it is InService, Pending or Stopping). Any other member of the request is refused by name
instead of being accepted and ignored.
"""

from __future__ import annotations

import json
from typing import Any

from moto.sagemaker.exceptions import ValidationError
from moto.sagemaker.models import SageMakerModelBackend
from moto.sagemaker.responses import SageMakerResponse

UPDATABLE_STATES = ("Stopped", "Failed")
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


def install() -> None:
    """Give moto's SageMaker UpdateNotebookInstance. Idempotent; process-wide."""
    # setattr: the classes' types do not declare the added methods.
    setattr(SageMakerModelBackend, "update_notebook_instance", update_notebook_instance)  # noqa: B010
    setattr(SageMakerResponse, "update_notebook_instance", _update_response)  # noqa: B010
