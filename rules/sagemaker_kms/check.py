"""SageMaker data at rest must be encrypted with a KMS key the organization controls.

Without a key SageMaker encrypts volumes, captured data, monitoring results and feature stores
with a key that AWS owns or manages, which the organization can neither audit nor revoke. With
``KmsKeyArns`` every key must be one of the approved keys; since a resource may name its key by
id, ARN, alias or alias ARN, the key is resolved (kms:DescribeKey) before comparing, so equal keys
match. ``RequireCustomerManagedKey`` holds every key to be customer managed and enabled.

Where each type keeps its keys, and when each applies, is declared once in :data:`TYPE_KEYS`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from smguard.engine import Boolean, CsvList, Finding, MissingFactError, Resource, RuleParameters, Verdict, describe_value, parameter
from smguard.engine.recorded import ABSENT
from smguard.resources.facts.kms_keys import KeyFacts
from smguard.resources.monitoring import JobDefinitionType
from smguard.resources.types import (
    data_quality_job_definition,
    domain,
    endpoint_config,
    feature_group,
    inference_experiment,
    model_bias_job_definition,
    model_explainability_job_definition,
    model_quality_job_definition,
    monitoring_schedule,
    notebook_instance,
)

NOTEBOOK = notebook_instance.TYPE.name
ENDPOINT_CONFIG = endpoint_config.TYPE.name
DOMAIN = domain.TYPE.name
MONITORING_SCHEDULE = monitoring_schedule.TYPE.name
FEATURE_GROUP = feature_group.TYPE.name
INFERENCE_EXPERIMENT = inference_experiment.TYPE.name
JOB_DEFINITIONS: tuple[JobDefinitionType, ...] = (
    data_quality_job_definition.TYPE,
    model_bias_job_definition.TYPE,
    model_explainability_job_definition.TYPE,
    model_quality_job_definition.TYPE,
)

KMS_KEY_ARN = r"arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/[a-zA-Z0-9-]+"


@dataclass(frozen=True)
class SagemakerKmsParameters(RuleParameters):
    kms_key_arns: tuple[str, ...] | None = parameter(
        "KmsKeyArns",
        CsvList(KMS_KEY_ARN, "a KMS key ARN"),
        None,
        "Comma-separated ARNs of the approved KMS keys, for every key the rule checks. Not set: any key is accepted.",
    )
    require_customer_managed_key: bool = parameter(
        "RequireCustomerManagedKey",
        Boolean(),
        False,
        "true: every key must exist, be customer managed and be Enabled (checked with kms:DescribeKey).",
    )

    @property
    def needs_key_lookup(self) -> bool:
        return self.kms_key_arns is not None or self.require_customer_managed_key


KeyLookup = Mapping[str, "KeyFacts | None"]
"""Key reference as written on the resource -> its facts, or None when KMS does not know it."""

Configuration = Mapping[str, Any]


def _always(configuration: Configuration) -> bool:
    return True


def _never_waived(configuration: Configuration) -> str | None:
    return None


@dataclass(frozen=True)
class KeyLocation:
    """Where one key of a type is recorded, when it applies, and what to say when it is missing."""

    path: tuple[str, ...]
    unset: str
    """What an absent key means, after "<property> is absent"."""
    fix: str
    """How to set it, ending the finding."""
    applies: Callable[[Configuration], bool] = _always
    """False when the configuration has nothing this key would encrypt (no data capture)."""
    waived: Callable[[Configuration], str | None] = _never_waived
    """Why the key cannot be set here (the NOT_APPLICABLE annotation when nothing else is wrong)."""
    label: str = ""
    """How annotations name the property when the full path would crowd out the rest (default: the path)."""

    @property
    def name(self) -> str:
        return self.label or ".".join(self.path)


@dataclass(frozen=True)
class TypeKeys:
    """Every key location of one resource type."""

    locations: tuple[KeyLocation, ...]
    recreate: str
    """What to do when a property that holds a key is not an object."""
    none_applies: str = ""
    """The NOT_APPLICABLE annotation when no location applies (a store without a KMS key setting)."""
    evaluated_elsewhere: Callable[[Configuration], str | None] = _never_waived
    """Why this item holds no key of its own (a schedule that names its job definition)."""


@cache
def local_storage_families() -> frozenset[str]:
    data = json.loads((Path(__file__).with_name("local_storage_instance_families.json")).read_text())
    return frozenset(data["families"])


def _local_storage_variants(configuration: Configuration) -> str | None:
    """SageMaker refuses a KmsKeyId when a variant has local NVMe storage: the hardware encrypts it."""
    variants = configuration.get("ProductionVariants")
    if not isinstance(variants, list):
        return None
    found = []
    for variant in variants:
        instance_type = variant.get("InstanceType") if isinstance(variant, Mapping) else None
        if isinstance(instance_type, str) and instance_type.rsplit(".", 1)[0] in local_storage_families():
            found.append(instance_type)
    if not found:
        return None
    return (
        f"ProductionVariants use instance types with local NVMe storage ({', '.join(found)}), encrypted by the "
        "instance hardware; SageMaker refuses a KmsKeyId for them."
    )


def _configured(name: str) -> Callable[[Configuration], bool]:
    """The property is there and not an empty object (moto and some APIs return {} for "none")."""

    def configured(configuration: Configuration) -> bool:
        value = configuration.get(name)
        return value is not None and value != {}

    return configured


def _capture_enabled(configuration: Configuration) -> bool:
    capture = configuration.get("DataCaptureConfig")
    if capture is None or capture == {}:
        return False
    return not (isinstance(capture, Mapping) and capture.get("EnableCapture") is False)


def _online_store_with_standard_storage(configuration: Configuration) -> bool:
    """An online store is off unless EnableOnlineStore says otherwise; its storage is Standard unless
    InMemory (CreateFeatureGroup, OnlineStoreConfig). A value that is not the boolean false counts as on."""
    online = configuration.get("OnlineStoreConfig")
    if online is None or online == {}:
        return False
    if not isinstance(online, Mapping):
        return True
    return online.get("EnableOnlineStore", ABSENT) not in (ABSENT, None, False) and online.get("StorageType") != "InMemory"


def _named_job_definition(configuration: Configuration) -> str | None:
    named = monitoring_schedule.named_job_definition(configuration)
    if named is None:
        return None
    return (
        f"MonitoringScheduleConfig names the job definition {named} (MonitoringJobDefinitionName) instead of inlining "
        "one: the definition is evaluated on its own, and its keys are where they must be set."
    )


DEFAULT_VOLUME_KEY = "(volumes use an AWS managed key)"
S3_DEFAULT = "(S3's default encryption)"
SAGEMAKER_DEFAULT = "(an AWS key)"
RECREATE_JOB_DEFINITION = "recreate the definition with it."


def _job_definition_keys(job: JobDefinitionType) -> TypeKeys:
    return TypeKeys(
        (
            KeyLocation(("JobResources", "ClusterConfig", "VolumeKmsKeyId"), SAGEMAKER_DEFAULT, RECREATE_JOB_DEFINITION),
            KeyLocation((job.output_config_name, "KmsKeyId"), S3_DEFAULT, RECREATE_JOB_DEFINITION),
        ),
        recreate=f"recreate the job definition (Create{job.kind}JobDefinition)",
    )


INLINE_JOB = ("MonitoringScheduleConfig", "MonitoringJobDefinition")
UPDATE_SCHEDULE = "update the schedule with it."

TYPE_KEYS: Mapping[str, TypeKeys] = {
    NOTEBOOK: TypeKeys(
        (
            KeyLocation(
                ("KmsKeyId",),
                DEFAULT_VOLUME_KEY,
                "KmsKeyId cannot be changed: create a new notebook instance with KmsKeyId and move the work to it.",
            ),
        ),
        recreate="recreate the notebook instance",
    ),
    ENDPOINT_CONFIG: TypeKeys(
        (
            KeyLocation(
                ("KmsKeyId",),
                DEFAULT_VOLUME_KEY,
                "create a new endpoint configuration with KmsKeyId and update the endpoint.",
                waived=_local_storage_variants,
            ),
            KeyLocation(
                ("DataCaptureConfig", "KmsKeyId"),
                "with data capture enabled",
                "set it in a new endpoint configuration.",
                applies=_capture_enabled,
            ),
        ),
        recreate="recreate the endpoint configuration",
    ),
    DOMAIN: TypeKeys(
        (
            KeyLocation(
                ("KmsKeyId",),
                DEFAULT_VOLUME_KEY,
                "KmsKeyId cannot be changed: create a new domain with KmsKeyId and migrate the user profiles.",
            ),
        ),
        recreate="recreate the domain",
    ),
    **{job.name: _job_definition_keys(job) for job in JOB_DEFINITIONS},
    MONITORING_SCHEDULE: TypeKeys(
        (
            KeyLocation(
                (*INLINE_JOB, "MonitoringResources", "ClusterConfig", "VolumeKmsKeyId"),
                SAGEMAKER_DEFAULT,
                UPDATE_SCHEDULE,
                label="MonitoringJobDefinition.MonitoringResources.ClusterConfig.VolumeKmsKeyId",
            ),
            KeyLocation(
                (*INLINE_JOB, "MonitoringOutputConfig", "KmsKeyId"),
                S3_DEFAULT,
                UPDATE_SCHEDULE,
                label="MonitoringJobDefinition.MonitoringOutputConfig.KmsKeyId",
            ),
        ),
        recreate="set MonitoringScheduleConfig with UpdateMonitoringSchedule",
        evaluated_elsewhere=_named_job_definition,
    ),
    FEATURE_GROUP: TypeKeys(
        (
            KeyLocation(
                ("OfflineStoreConfig", "S3StorageConfig", "KmsKeyId"),
                "with an offline store",
                "recreate the feature group with it.",
                applies=_configured("OfflineStoreConfig"),
            ),
            KeyLocation(
                ("OnlineStoreConfig", "SecurityConfig", "KmsKeyId"),
                "with a Standard online store",
                "recreate the feature group with it.",
                applies=_online_store_with_standard_storage,
            ),
        ),
        recreate="recreate the feature group",
        none_applies=(
            "The feature group has no offline store and no online store with Standard storage, the stores whose "
            "keys this rule checks."
        ),
    ),
    INFERENCE_EXPERIMENT: TypeKeys(
        (
            KeyLocation(("KmsKey",), SAGEMAKER_DEFAULT, "recreate the experiment with it (KmsKey cannot be updated)."),
            KeyLocation(
                ("DataStorageConfig", "KmsKey"),
                "with data capture configured",
                "set it with UpdateInferenceExperiment.",
                applies=_configured("DataStorageConfig"),
            ),
        ),
        recreate="recreate the inference experiment",
    ),
}
"""Each type's key locations. A location that applies must hold a key; KmsKeyArns and
RequireCustomerManagedKey hold every key found."""


class UnknownResourceTypeError(ValueError):
    """The check was given a type whose key locations it does not know."""


def _type_keys(resource: Resource) -> TypeKeys:
    try:
        return TYPE_KEYS[resource.resource_type]
    except KeyError:
        raise UnknownResourceTypeError(
            f"sagemaker_kms knows no key locations of {resource.resource_type}; it evaluates {', '.join(TYPE_KEYS)}"
        ) from None


def key_references(resource: Resource) -> list[str]:
    """Every KMS key reference the resource uses that the check looks at (to describe them in one go)."""
    spec = _type_keys(resource)
    references = []
    for location in spec.locations:
        if location.applies(resource.configuration):
            _, value = _lookup(resource.configuration, location.path)
            if isinstance(value, str) and value:
                references.append(value)
    return references


def check(resource: Resource, parameters: SagemakerKmsParameters, keys: KeyLookup | None) -> Verdict:
    configuration = resource.configuration
    spec = _type_keys(resource)
    elsewhere = spec.evaluated_elsewhere(configuration)
    if elsewhere:
        return Verdict.not_applicable(elsewhere)
    findings: list[str] = []
    found_keys: list[tuple[str, str]] = []
    waivers: list[str] = []
    for location in spec.locations:
        if not location.applies(configuration):
            continue
        waiver = location.waived(configuration)
        if waiver:
            waivers.append(waiver)
            continue
        not_an_object, key = _lookup(configuration, location.path)
        if not_an_object is not None:
            malformed = f"{not_an_object} is {describe_value(key)}, not an object; {spec.recreate}."
            if malformed not in findings:  # the keys under one malformed property share the finding
                findings.append(malformed)
        elif key is None or key == "":
            findings.append(f"{location.name} is {describe_value(key)} {location.unset}; {location.fix}")
        else:
            problems = _key_findings(location.name, key, parameters, keys)
            findings += problems
            if not problems:
                found_keys.append((location.name, key))
    if findings:
        return Verdict.non_compliant(*findings)
    if waivers:
        return Verdict.not_applicable(" ".join(waivers))
    if not found_keys:
        return Verdict.not_applicable(spec.none_applies)
    by_key: dict[str, list[str]] = {}  # keyed by the text: a scanned template's references are not hashable values
    for name, key in found_keys:
        by_key.setdefault(f"{key}", []).append(name)
    parts = tuple(f"{' and '.join(names)} {'is' if len(names) == 1 else 'are'} {key}" for key, names in by_key.items())
    return Verdict.compliant(
        Finding(parts, fixes=(_approval(parameters, several=len(found_keys) > 1) + ".",), more=" (+{n} more key(s) set)").fit()
    )


def _lookup(configuration: Configuration, path: tuple[str, ...]) -> tuple[str | None, Any]:
    """(None, the value at ``path`` or None when absent), or (the dotted path of a step that is
    present but not an object, its value)."""
    value: Any = configuration
    for depth, step in enumerate(path):
        if not isinstance(value, Mapping):
            return ".".join(path[:depth]), value
        value = value.get(step)
        if value is None:
            return None, None
    return None, value


def _key_findings(prop: str, key: Any, parameters: SagemakerKmsParameters, keys: KeyLookup | None) -> list[str]:
    if not isinstance(key, str):
        return [f"{prop} is {describe_value(key)}, not a KMS key identifier; set it to a key ARN."]
    if not parameters.needs_key_lookup:
        return []
    if keys is None or key not in keys:
        raise MissingFactError(f"the KMS key {key} named by {prop} was not described")
    facts = keys[key]
    if facts is None:
        return [f"{prop} {key} does not exist or cannot be described; use an existing customer managed key."]
    findings = []
    if parameters.kms_key_arns is not None and facts.arn not in parameters.kms_key_arns:
        findings.append(f"{prop} {key} is key {facts.arn}, not in KmsKeyArns; use an approved key.")
    if parameters.require_customer_managed_key:
        if facts.manager != "CUSTOMER":
            findings.append(f"{prop} {key} is an AWS managed key; use a customer managed key.")
        if facts.state != "Enabled":
            findings.append(f"{prop} {key} is in state {facts.state}; use an Enabled customer managed key.")
    return findings


def _approval(parameters: SagemakerKmsParameters, *, several: bool) -> str:
    if parameters.kms_key_arns is not None:
        return "; all approved keys" if several else ", an approved key"
    if parameters.require_customer_managed_key:
        return "; all enabled customer managed keys" if several else ", an enabled customer managed key"
    return ""
