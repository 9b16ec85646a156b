"""SageMaker resources smguard's rules evaluate that moto 5.2 lacks or keeps incompletely.

``install()`` gives moto's SageMaker:

- CreateMonitoringSchedule, DescribeMonitoringSchedule, ListMonitoringSchedules (moto has none);
- CreateInferenceExperiment, DescribeInferenceExperiment, ListInferenceExperiments (moto has none);
- CreateFeatureGroup, DescribeFeatureGroup and ListFeatureGroups in place of moto's, which drops
  OnlineStoreConfig, fails without an offline store and cannot list.

How this follows AWS (SageMaker API Reference, the pages of those actions and of
MonitoringScheduleConfig, MonitoringScheduleSummary, ModelVariantConfigSummary,
InferenceExperimentSummary, OnlineStoreConfig, OfflineStoreConfig, FeatureGroupSummary):

- A name is unique per account and region: a second create is refused with ResourceInUse;
  describing an unknown name is ResourceNotFound, as the Describe pages list.
- Enumerations of the model are checked (MonitoringType; an inference experiment's Type, only
  ShadowMode; an online store's StorageType, Standard or InMemory), as AWS's model validation
  refuses others with ValidationException. CreateFeatureGroup refuses a feature group with neither
  store ("You must include at least one of OnlineStoreConfig and OfflineStoreConfig").
- Creation is synchronous here: a schedule is Scheduled, a feature group Created (its offline store
  Active), an experiment Running when it has no Schedule ("If you don't specify this field, the
  experiment automatically starts immediately upon creation") and Created otherwise. Describe
  returns what was asked, the ARN, the times and these states; an offline store gains the
  ResolvedOutputS3Uri AWS reports (and its Glue table unless DisableGlueTableCreation).
- Decision: a job definition a schedule names and an endpoint a schedule or experiment uses are
  not looked up. The API Reference documents no error for a missing one; refusing would need
  AWS's exact behaviour, accepting it lets a rule see the item AWS Config would record.
- The List calls return every resource in name order, MaxResults 1 to 100 (default 10, as in the
  API Reference), with an opaque NextToken; their filter and sort parameters are refused with a
  ValidationException naming them rather than accepted and ignored (which would list more than
  asked).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any

from moto.core.responses import ActionResult
from moto.sagemaker.exceptions import ResourceInUseException, ResourceNotFound, ValidationError
from moto.sagemaker.models import SageMakerModelBackend
from moto.sagemaker.responses import SageMakerResponse
from moto.sagemaker.utils import arn_formatter

MONITORING_TYPES = ("DataQuality", "ModelQuality", "ModelBias", "ModelExplainability")
EXPERIMENT_TYPES = ("ShadowMode",)
STORAGE_TYPES = ("Standard", "InMemory")
LIST_DEFAULT, LIST_MAX = 10, 100
_STORE_ATTRIBUTE = "smguard_sagemaker_resources"

KINDS = ("monitoring-schedule", "inference-experiment", "feature-group")


def _store(backend: SageMakerModelBackend, kind: str) -> dict[str, dict[str, Any]]:
    """This account and region's resources of ``kind`` by name (moto's reset drops the backend with them)."""
    stores: dict[str, dict[str, dict[str, Any]]] = backend.__dict__.setdefault(_STORE_ATTRIBUTE, {k: {} for k in KINDS})
    return stores[kind]


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _enum(value: Any, field: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ValidationError(
            f"1 validation error detected: Value '{value}' at '{field}' failed to satisfy constraint: "
            f"Member must satisfy enum value set: [{', '.join(allowed)}]"
        )


def _created(backend: SageMakerModelBackend, kind: str, name: str, label: str, resource: dict[str, Any]) -> None:
    store = _store(backend, kind)
    if name in store:
        raise ResourceInUseException(f"{label} {name} already exists in this account and region.")
    store[name] = resource


def _described(backend: SageMakerModelBackend, kind: str, name: str, label: str) -> dict[str, Any]:
    found = _store(backend, kind).get(name)
    if found is None:
        raise ResourceNotFound(f"{label} {name} does not exist.")
    return found


def _listed(response: SageMakerResponse, kind: str, summary: Callable[[dict[str, Any]], dict[str, Any]], key: str) -> ActionResult:
    """One page of ``kind`` in name order; any parameter but MaxResults and NextToken is refused."""
    given = json.loads(response.body or "{}")
    unsupported = sorted(set(given) - {"MaxResults", "NextToken"})
    if unsupported:
        raise ValidationError(
            f"The embedded AWS does not implement {', '.join(unsupported)} of this List call; "
            "call it without them (every resource is listed, in name order)."
        )
    limit = given.get("MaxResults", LIST_DEFAULT)
    if not isinstance(limit, int) or not 1 <= limit <= LIST_MAX:
        raise ValidationError(
            f"1 validation error detected: Value '{limit}' at 'maxResults' failed to satisfy constraint: "
            f"Member must have value less than or equal to {LIST_MAX}"
        )
    names = sorted(_store(response.sagemaker_backend, kind))
    start = 0
    token = given.get("NextToken")
    if token:
        try:
            last = base64.urlsafe_b64decode(token.encode()).decode()
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raise ValidationError(f"Invalid pagination token {token!r}.") from None
        start = sum(1 for name in names if name <= last)
    page = names[start : start + limit]
    result: dict[str, Any] = {key: [summary(_store(response.sagemaker_backend, kind)[name]) for name in page]}
    if start + limit < len(names):
        result["NextToken"] = base64.urlsafe_b64encode(page[-1].encode()).decode()
    return ActionResult(result)


def _pick(source: Mapping[str, Any], *fields: str) -> dict[str, Any]:
    return {field: source[field] for field in fields if source.get(field) is not None}


# --- monitoring schedules ------------------------------------------------------------------------


def create_monitoring_schedule(self: SageMakerResponse) -> ActionResult:
    name = self._get_param("MonitoringScheduleName")
    config = self._get_param("MonitoringScheduleConfig")
    if config.get("MonitoringType") is not None:
        _enum(config["MonitoringType"], "monitoringScheduleConfig.monitoringType", MONITORING_TYPES)
    backend = self.sagemaker_backend
    now = _now()
    schedule = {
        "MonitoringScheduleArn": arn_formatter("monitoring-schedule", name, backend.account_id, backend.region_name),
        "MonitoringScheduleName": name,
        "MonitoringScheduleStatus": "Scheduled",
        "MonitoringType": config.get("MonitoringType"),
        "CreationTime": now,
        "LastModifiedTime": now,
        "MonitoringScheduleConfig": config,
        "EndpointName": _monitored_endpoint(config),
    }
    _created(backend, "monitoring-schedule", name, "Monitoring schedule", _pick(schedule, *schedule))
    return ActionResult({"MonitoringScheduleArn": schedule["MonitoringScheduleArn"]})


def _monitored_endpoint(config: Mapping[str, Any]) -> str | None:
    """The endpoint an inline job reads (DescribeMonitoringSchedule's EndpointName)."""
    inputs = (config.get("MonitoringJobDefinition") or {}).get("MonitoringInputs") or []
    for entry in inputs:
        endpoint = (entry.get("EndpointInput") or {}).get("EndpointName")
        if endpoint:
            return str(endpoint)
    return None


def describe_monitoring_schedule(self: SageMakerResponse) -> ActionResult:
    name = self._get_param("MonitoringScheduleName")
    return ActionResult(_described(self.sagemaker_backend, "monitoring-schedule", name, "Monitoring schedule"))


def list_monitoring_schedules(self: SageMakerResponse) -> ActionResult:
    def summary(schedule: dict[str, Any]) -> dict[str, Any]:
        config = schedule["MonitoringScheduleConfig"]
        return _pick(
            {**schedule, "MonitoringJobDefinitionName": config.get("MonitoringJobDefinitionName")},
            "MonitoringScheduleName",
            "MonitoringScheduleArn",
            "CreationTime",
            "LastModifiedTime",
            "MonitoringScheduleStatus",
            "EndpointName",
            "MonitoringJobDefinitionName",
            "MonitoringType",
        )

    return _listed(self, "monitoring-schedule", summary, "MonitoringScheduleSummaries")


# --- inference experiments -----------------------------------------------------------------------


def create_inference_experiment(self: SageMakerResponse) -> ActionResult:
    name = self._get_param("Name")
    _enum(self._get_param("Type"), "type", EXPERIMENT_TYPES)
    backend = self.sagemaker_backend
    now = _now()
    schedule = self._get_param("Schedule")
    experiment = {
        "Arn": arn_formatter("inference-experiment", name, backend.account_id, backend.region_name),
        "Name": name,
        "Type": self._get_param("Type"),
        "Schedule": schedule,
        "Status": "Created" if schedule else "Running",
        "Description": self._get_param("Description"),
        "CreationTime": now,
        "LastModifiedTime": now,
        "RoleArn": self._get_param("RoleArn"),
        "EndpointMetadata": {"EndpointName": self._get_param("EndpointName")},
        "ModelVariants": [{**variant, "Status": "InService"} for variant in self._get_param("ModelVariants")],
        "DataStorageConfig": self._get_param("DataStorageConfig"),
        "ShadowModeConfig": self._get_param("ShadowModeConfig"),
        "KmsKey": self._get_param("KmsKey"),
    }
    _created(backend, "inference-experiment", name, "Inference experiment", _pick(experiment, *experiment))
    return ActionResult({"InferenceExperimentArn": experiment["Arn"]})


def describe_inference_experiment(self: SageMakerResponse) -> ActionResult:
    return ActionResult(_described(self.sagemaker_backend, "inference-experiment", self._get_param("Name"), "Inference experiment"))


def list_inference_experiments(self: SageMakerResponse) -> ActionResult:
    def summary(experiment: dict[str, Any]) -> dict[str, Any]:
        return _pick(experiment, "Name", "Type", "Schedule", "Status", "Description", "CreationTime", "LastModifiedTime", "RoleArn")

    return _listed(self, "inference-experiment", summary, "InferenceExperiments")


# --- feature groups ------------------------------------------------------------------------------


def create_feature_group(self: SageMakerResponse) -> ActionResult:
    name = self._get_param("FeatureGroupName")
    online, offline = self._get_param("OnlineStoreConfig"), self._get_param("OfflineStoreConfig")
    if not online and not offline:
        raise ValidationError("You must include at least one of OnlineStoreConfig and OfflineStoreConfig to create a FeatureGroup.")
    if online and online.get("StorageType") is not None:
        _enum(online["StorageType"], "onlineStoreConfig.storageType", STORAGE_TYPES)
    backend = self.sagemaker_backend
    arn = arn_formatter("feature-group", name.lower(), backend.account_id, backend.region_name)
    now = _now()
    group = {
        "FeatureGroupArn": arn,
        "FeatureGroupName": name,
        "RecordIdentifierFeatureName": self._get_param("RecordIdentifierFeatureName"),
        "EventTimeFeatureName": self._get_param("EventTimeFeatureName"),
        "FeatureDefinitions": self._get_param("FeatureDefinitions"),
        "CreationTime": now,
        "LastModifiedTime": now,
        "OnlineStoreConfig": online,
        "OfflineStoreConfig": _resolved_offline_store(offline, name, backend, now) if offline else None,
        "ThroughputConfig": self._get_param("ThroughputConfig") or {"ThroughputMode": "OnDemand"},
        "RoleArn": self._get_param("RoleArn"),
        "FeatureGroupStatus": "Created",
        "OfflineStoreStatus": {"Status": "Active"} if offline else None,
        "Description": self._get_param("Description"),
        "NextToken": "",  # required in DescribeFeatureGroup's output (it pages the feature definitions); all fit here
    }
    _created(backend, "feature-group", name, "Feature group", _pick(group, *group))
    return ActionResult({"FeatureGroupArn": arn})


def _resolved_offline_store(offline: dict[str, Any], name: str, backend: SageMakerModelBackend, now: datetime) -> dict[str, Any]:
    """What AWS adds to an offline store: where records land, and the Glue table unless disabled."""
    stamp = int(now.timestamp())
    storage = offline["S3StorageConfig"]
    resolved = {
        **offline,
        "S3StorageConfig": {
            **storage,
            "ResolvedOutputS3Uri": f"{storage['S3Uri'].rstrip('/')}/{backend.account_id}/sagemaker/{backend.region_name}"
            f"/offline-store/{name}-{stamp}/data",
        },
    }
    if not offline.get("DisableGlueTableCreation"):
        resolved.setdefault(
            "DataCatalogConfig",
            {"TableName": f"{name.replace('-', '_')}_{stamp}", "Catalog": "AwsDataCatalog", "Database": "sagemaker_featurestore"},
        )
    return resolved


def describe_feature_group(self: SageMakerResponse) -> ActionResult:
    return ActionResult(_described(self.sagemaker_backend, "feature-group", self._get_param("FeatureGroupName"), "Feature group"))


def list_feature_groups(self: SageMakerResponse) -> ActionResult:
    def summary(group: dict[str, Any]) -> dict[str, Any]:
        return _pick(group, "FeatureGroupName", "FeatureGroupArn", "CreationTime", "FeatureGroupStatus", "OfflineStoreStatus")

    return _listed(self, "feature-group", summary, "FeatureGroupSummaries")


_RESPONSE_METHODS = {
    function.__name__: function
    for function in (
        create_monitoring_schedule,
        describe_monitoring_schedule,
        list_monitoring_schedules,
        create_inference_experiment,
        describe_inference_experiment,
        list_inference_experiments,
        create_feature_group,
        describe_feature_group,
        list_feature_groups,
    )
}


def install() -> None:
    """Give moto's SageMaker these APIs. Idempotent; affects every moto backend in the process."""
    for name, function in _RESPONSE_METHODS.items():
        setattr(SageMakerResponse, name, function)
