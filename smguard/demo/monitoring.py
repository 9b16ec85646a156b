"""The demo account's Model Monitor jobs, feature store and shadow test, around the fraud-scoring model.

Part of the narrative of :mod:`smguard.demo.environment`, kept in its own module: each resource is
asked of its type, compliant or not. The team monitors the fraud-scoring endpoint with a job
definition of each kind and a schedule that inlines its job, keeps customer features in a feature
group and shadow-tests a new model version; a second team did the same with SageMaker's defaults.
A third schedule names a job definition instead of inlining one, so the rules on schedules leave
it to the definition.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from smguard.resources.types import (
    data_quality_job_definition,
    feature_group,
    inference_experiment,
    model_bias_job_definition,
    model_explainability_job_definition,
    model_quality_job_definition,
    monitoring_schedule,
)

if TYPE_CHECKING:
    from smguard.demo.environment import DemoBase

JOB_DEFINITIONS = (
    (data_quality_job_definition, "data-quality"),
    (model_bias_job_definition, "bias"),
    (model_explainability_job_definition, "explainability"),
    (model_quality_job_definition, "quality"),
)
ENDPOINT = "fraud-scoring"
MODEL = "fraud-scoring"


def build(session: Any, base: DemoBase) -> None:
    """Compliant resources for the fraud-scoring team, the defaults for the churn team."""
    for team, compliant in (("fraud-scoring", True), ("churn", False)):
        for module, kind in JOB_DEFINITIONS:
            module.TYPE.example(session, base, f"{team}-{kind}", compliant=compliant, EndpointName=ENDPOINT)
        monitoring_schedule.TYPE.example(session, base, f"{team}-daily", compliant=compliant, EndpointName=ENDPOINT)
        inference_experiment.TYPE.example(
            session, base, f"{team}-shadow", compliant=compliant, EndpointName=ENDPOINT, ModelName=MODEL, ShadowModelName=MODEL
        )
    feature_group.TYPE.example(session, base, "customer-features", compliant=True)
    feature_group.TYPE.example(session, base, "marketing-features", compliant=False)
    monitoring_schedule.TYPE.example(
        session, base, "fraud-scoring-weekly-quality", compliant=True,
        MonitoringJobDefinitionName="fraud-scoring-quality", MonitoringType="ModelQuality",
    )  # fmt: skip
