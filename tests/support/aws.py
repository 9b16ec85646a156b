"""Test doubles at the AWS edge: moto for the APIs it has, a recorder for PutEvaluations."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from smguard.engine.handler import SHARED_CLIENTS


@dataclass
class PutEvaluationsRecorder:
    """Records every PutEvaluations request the rules make (moto only accepts them in TestMode)."""

    calls: list[dict[str, Any]] = field(default_factory=list)

    def __call__(self, params: dict[str, Any], **_: Any) -> None:
        self.calls.append(params)

    @property
    def evaluations(self) -> list[dict[str, Any]]:
        return [evaluation for call in self.calls for evaluation in call["Evaluations"]]

    def results(self) -> list[tuple[str, str, str, str]]:
        """(type, id, compliance, annotation) of every delivered evaluation, in order."""
        return [
            (e["ComplianceResourceType"], e["ComplianceResourceId"], e["ComplianceType"], e["Annotation"])
            for e in self.evaluations
        ]


def config_client() -> Any:
    """The config client the handlers will use (the shared cache hands out the same object)."""
    return SHARED_CLIENTS.client("config")


def record_put_evaluations() -> PutEvaluationsRecorder:
    recorder = PutEvaluationsRecorder()
    config_client().meta.events.register("provide-client-params.config.PutEvaluations", recorder)
    return recorder
