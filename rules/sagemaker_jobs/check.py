"""Every SageMaker job must carry what the SCPs require of its kind when it is created.

The preventive controls (policies/sagemaker-controls.json) deny a
create request without a volume KMS key, an output KMS key, inter-container traffic encryption,
network isolation or VPC subnets, each on the create actions that carry the condition key. This
check asks the same of the job's Describe answer, so that jobs created where the SCPs did not
apply (before they were attached, in the management account, in an OU without them) are reported.
Each job kind is held to the statements that name its create action, through the fields its API
has (:data:`REQUIREMENTS`); ``tests/test_check.py`` derives the statement list from the policies. Beyond
the SCP, a labeling job with automated labeling must have a volume key (CreateLabelingJob carries
none otherwise, so the SCP cannot ask it); not twinned: remote debugging of training jobs.

- A key counts when it is a non-empty string (an id, ARN, alias or alias ARN, as the API accepts).
- A flag counts only when it is the boolean true; absent means false (the API default).
- VPC subnets count when they are a non-empty list of non-empty strings.
- A tuning job is held to each of its training job definitions; its volume key may be in
  ``HyperParameterTuningResourceConfig`` instead of ``ResourceConfig``.
- A labeling job takes a volume key only with automated data labeling
  (``LabelingJobAlgorithmsConfig``): without it, only the output key is asked.
- A transform job has no isolation, encryption or VPC setting of its own (its model has them):
  only its keys are asked. An AutoML job has no isolation setting.

Jobs cannot be changed: the fix is to run the job again with the settings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from smguard.engine import Finding, Integer, Resource, RuleParameters, Verdict, describe_typed_value, parameter
from smguard.resources.types import auto_ml_job, hyper_parameter_tuning_job, labeling_job, processing_job, training_job, transform_job
from smguard.resources.jobs import JobType

LOOKBACK_DAYS = (1, 7, 14, 30, 90)
FIX = "A job cannot be changed: run it again with these set."


@dataclass(frozen=True)
class SagemakerJobsParameters(RuleParameters):
    first_run_lookback_days: int = parameter(
        "FirstRunLookbackDays",
        Integer(LOOKBACK_DAYS),
        7,
        "How far back the first run reads jobs (days: 1, 7, 14, 30 or 90); every later run reads only the jobs created since the previous one. "
        "`smguard evaluate` reads every job regardless.",
    )


KEY, TRUE, SUBNETS = "key", "true", "subnets"


@dataclass(frozen=True)
class Requirement:
    """One condition an SCP statement puts on a job kind's create request, as the Describe answer shows it."""

    statement: str
    """The Sid of the SCP statement this twins."""
    setting: str
    """What is asked, in words (``a volume KMS key``)."""
    paths: tuple[str, ...]
    """Dotted paths where the job may hold it; the first is the one named when none holds it."""
    kind: str
    applies: Callable[[Mapping[str, Any]], bool] | None = None
    """When only some jobs of the kind take the setting (a labeling job's volume key)."""


VOLUME = "DenyWithoutVolumeKmsKey"
OUTPUT = "DenyJobsWithoutOutputKmsKey"
ENCRYPTION = "DenyJobsWithoutInterContainerEncryption"
ISOLATION = "DenyWithoutNetworkIsolation"
VPC = "DenyWithoutVpcSubnets"


def _automated_labeling(configuration: Mapping[str, Any]) -> bool:
    return configuration.get("LabelingJobAlgorithmsConfig") is not None


def _training_like(volume: tuple[str, ...]) -> tuple[Requirement, ...]:
    return (
        Requirement(VOLUME, "a volume KMS key", volume, KEY),
        Requirement(OUTPUT, "an output KMS key", ("OutputDataConfig.KmsKeyId",), KEY),
        Requirement(ENCRYPTION, "inter-container traffic encryption", ("EnableInterContainerTrafficEncryption",), TRUE),
        Requirement(ISOLATION, "network isolation", ("EnableNetworkIsolation",), TRUE),
        Requirement(VPC, "VPC subnets", ("VpcConfig.Subnets",), SUBNETS),
    )


REQUIREMENTS: Mapping[str, tuple[Requirement, ...]] = {
    training_job.TYPE.name: _training_like(("ResourceConfig.VolumeKmsKeyId",)),
    hyper_parameter_tuning_job.TYPE.name: _training_like(
        ("ResourceConfig.VolumeKmsKeyId", "HyperParameterTuningResourceConfig.VolumeKmsKeyId")
    ),
    processing_job.TYPE.name: (
        Requirement(VOLUME, "a volume KMS key", ("ProcessingResources.ClusterConfig.VolumeKmsKeyId",), KEY),
        Requirement(OUTPUT, "an output KMS key", ("ProcessingOutputConfig.KmsKeyId",), KEY),
        Requirement(ENCRYPTION, "inter-container traffic encryption", ("NetworkConfig.EnableInterContainerTrafficEncryption",), TRUE),
        Requirement(ISOLATION, "network isolation", ("NetworkConfig.EnableNetworkIsolation",), TRUE),
        Requirement(VPC, "VPC subnets", ("NetworkConfig.VpcConfig.Subnets",), SUBNETS),
    ),
    transform_job.TYPE.name: (
        Requirement(VOLUME, "a volume KMS key", ("TransformResources.VolumeKmsKeyId",), KEY),
        Requirement(OUTPUT, "an output KMS key", ("TransformOutput.KmsKeyId",), KEY),
    ),
    auto_ml_job.TYPE.name: (
        Requirement(VOLUME, "a volume KMS key", ("SecurityConfig.VolumeKmsKeyId",), KEY),
        Requirement(OUTPUT, "an output KMS key", ("OutputDataConfig.KmsKeyId",), KEY),
        Requirement(ENCRYPTION, "inter-container traffic encryption", ("SecurityConfig.EnableInterContainerTrafficEncryption",), TRUE),
        Requirement(VPC, "VPC subnets", ("SecurityConfig.VpcConfig.Subnets",), SUBNETS),
    ),
    labeling_job.TYPE.name: (
        Requirement(
            VOLUME, "a volume KMS key", ("LabelingJobAlgorithmsConfig.LabelingJobResourceConfig.VolumeKmsKeyId",), KEY,
            applies=_automated_labeling,
        ),
        Requirement(OUTPUT, "an output KMS key", ("OutputConfig.KmsKeyId",), KEY),
    ),
}
"""Job type -> what the SCPs ask of its create request, in the fields of its Describe answer."""

JOB_TYPES: Mapping[str, JobType] = {
    module.TYPE.name: module.TYPE
    for module in (training_job, processing_job, transform_job, hyper_parameter_tuning_job, auto_ml_job, labeling_job)
}
TUNING = hyper_parameter_tuning_job.TYPE.name
LABELING = labeling_job.TYPE.name


def check(resource: Resource, parameters: SagemakerJobsParameters, facts: None) -> Verdict:
    """Decide one job from its Describe answer (``resource.configuration``)."""
    job_type = JOB_TYPES.get(resource.resource_type)
    if job_type is None:
        return Verdict.not_applicable(f"{resource.resource_type} is not a SageMaker job type this rule knows.")
    subject = f"{job_type.kind[0].upper()}{job_type.kind[1:]} {resource.resource_id}"
    requirements = REQUIREMENTS[resource.resource_type]
    configuration = resource.configuration
    if resource.resource_type == TUNING:
        parts = _tuning_gaps(configuration, requirements)
    else:
        parts = _gaps(configuration, requirements, "")
    if parts:
        return Verdict.non_compliant(Finding(tuple(parts), (f". {FIX}",), lead=f"{subject} must set ", separator=", "))
    asked = [r for r in requirements if r.applies is None or r.applies(configuration)]
    reason = f"{subject} has {_and(r.setting for r in asked)}"
    if len(asked) < len(requirements):
        reason += "; it takes no volume key without automated data labeling"
    return Verdict.compliant(reason + ".")


def _tuning_gaps(configuration: Mapping[str, Any], requirements: tuple[Requirement, ...]) -> list[str]:
    """A tuning job is held to every training job definition it starts training jobs from."""
    definitions: list[tuple[str, Any]] = []
    if configuration.get("TrainingJobDefinition") is not None:
        definitions.append(("TrainingJobDefinition.", configuration["TrainingJobDefinition"]))
    listed = configuration.get("TrainingJobDefinitions")
    if listed is not None:
        if not isinstance(listed, list):
            return [f"TrainingJobDefinitions as a list ({describe_typed_value(listed)})"]
        definitions += [(f"TrainingJobDefinitions[{n}].", definition) for n, definition in enumerate(listed)]
    if not definitions:
        return ["TrainingJobDefinition or TrainingJobDefinitions (both absent)"]
    gaps = []
    for prefix, definition in definitions:
        if not isinstance(definition, Mapping):
            gaps.append(f"{prefix.rstrip('.')} as an object ({describe_typed_value(definition)})")
        else:
            gaps += _gaps(definition, requirements, prefix)
    return gaps


def _gaps(configuration: Mapping[str, Any], requirements: tuple[Requirement, ...], prefix: str) -> list[str]:
    gaps = []
    for requirement in requirements:
        if requirement.applies is not None and not requirement.applies(configuration):
            continue
        values = [_lookup(configuration, path) for path in requirement.paths]
        if any(_holds(requirement.kind, value) for value in values):
            continue
        found = next(((path, value) for path, value in zip(requirement.paths, values) if value is not None), None)
        path, value = found or (requirement.paths[0], None)
        wanted = " true" if requirement.kind == TRUE else ""
        gaps.append(f"{prefix}{path}{wanted} ({_shown(value)})")
    return gaps


def _holds(kind: str, value: Any) -> bool:
    if kind == KEY:
        return isinstance(value, str) and value != ""
    if kind == TRUE:
        return value is True
    return isinstance(value, list) and bool(value) and all(isinstance(item, str) and item for item in value)


def _shown(value: Any) -> str:
    """The value found, as short as the annotation's room needs: flags as true/false, others typed."""
    if value is None:
        return "absent"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, _Unreadable):
        return f"unreadable, in {describe_typed_value(value.value)}"
    return describe_typed_value(value)


def _lookup(configuration: Mapping[str, Any], path: str) -> Any:
    value: Any = configuration
    for name in path.split("."):
        if not isinstance(value, Mapping):
            return None if value is None else _Unreadable(value)
        value = value.get(name)
    return value


class _Unreadable:
    """A value on the way to a property that is not an object, so the property cannot be read."""

    def __init__(self, value: Any) -> None:
        self.value = value


def _and(settings: Iterable[str]) -> str:
    items = list(settings)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
