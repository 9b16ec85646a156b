"""The SageMaker controls of AWS Security Hub's AI Security Best Practices standard, declared once.

A fact about AWS, not about smguard: each control's id, title, resource type and the AWS Config
managed rule behind it, as the Security Hub user guide lists them ("Security Hub CSPM controls for
SageMaker AI", https://docs.aws.amazon.com/securityhub/latest/userguide/sagemaker-controls.html).
Which smguard rule covers a control is each rule's own metadata (``mappings.security_hub_controls``);
docs/rules.md's coverage table and the test that no control is left unmapped both derive from
this list and the rules' metadata, so neither holds a second copy.

A control smguard deliberately does not cover says why in ``not_covered``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

STANDARD = "AWS Security Hub AI Security Best Practices"
STANDARD_DATE = "2026-06-30"


@dataclass(frozen=True)
class Control:
    id: str
    title: str
    resource_type: str
    managed_rule: str
    not_covered: str | None = None
    """Why no smguard rule covers the control, when that is a decision."""


CONTROLS: tuple[Control, ...] = (
    Control("SageMaker.1", "Amazon SageMaker notebook instances should not have direct internet access",
            "AWS::SageMaker::NotebookInstance", "sagemaker-notebook-no-direct-internet-access"),
    Control("SageMaker.2", "SageMaker notebook instances should be launched in a custom VPC",
            "AWS::SageMaker::NotebookInstance", "sagemaker-notebook-instance-inside-vpc"),
    Control("SageMaker.3", "Users should not have root access to SageMaker notebook instances",
            "AWS::SageMaker::NotebookInstance", "sagemaker-notebook-instance-root-access-check"),
    Control("SageMaker.4", "SageMaker endpoint production variants should have an initial instance count greater than 1",
            "AWS::SageMaker::EndpointConfig", "sagemaker-endpoint-config-prod-instance-count",
            not_covered=(
                "Availability, not the protection of sensitive data: one instance exposes no data and opens no path "
                "to it, a development or batch-fed endpoint rightly runs one, and an alarm on it would drown the "
                "confidentiality findings smguard exists for. Enable the control in Security Hub where availability "
                "is required."
            )),
    Control("SageMaker.5", "SageMaker models should have network isolation enabled",
            "AWS::SageMaker::Model", "sagemaker-model-isolation-enabled"),
    Control("SageMaker.8", "SageMaker notebook instances should run on supported platforms",
            "AWS::SageMaker::NotebookInstance", "sagemaker-notebook-instance-platform-version"),
    Control("SageMaker.9", "SageMaker data quality job definitions should have inter-container traffic encryption enabled",
            "AWS::SageMaker::DataQualityJobDefinition", "sagemaker-data-quality-job-encrypt-in-transit"),
    Control("SageMaker.10", "SageMaker model explainability job definitions should have inter-container traffic encryption enabled",
            "AWS::SageMaker::ModelExplainabilityJobDefinition", "sagemaker-model-explainability-job-encrypt-in-transit"),
    Control("SageMaker.11", "SageMaker data quality job definitions should have network isolation enabled",
            "AWS::SageMaker::DataQualityJobDefinition", "sagemaker-data-quality-job-isolation"),
    Control("SageMaker.12", "SageMaker model bias job definitions should have network isolation enabled",
            "AWS::SageMaker::ModelBiasJobDefinition", "sagemaker-model-bias-job-isolation"),
    Control("SageMaker.13", "SageMaker model quality job definitions should have inter-container traffic encryption enabled",
            "AWS::SageMaker::ModelQualityJobDefinition", "sagemaker-model-quality-job-encrypt-in-transit"),
    Control("SageMaker.14", "SageMaker monitoring schedules should have network isolation enabled",
            "AWS::SageMaker::MonitoringSchedule", "sagemaker-monitoring-schedule-isolation"),
    Control("SageMaker.15", "SageMaker model bias job definitions should have inter-container traffic encryption enabled",
            "AWS::SageMaker::ModelBiasJobDefinition", "sagemaker-model-bias-job-encrypt-in-transit"),
    Control("SageMaker.16", "SageMaker models should use private registry in VPC for primary containers",
            "AWS::SageMaker::Model", "sagemaker-model-private-registry-required"),
    Control("SageMaker.17", "SageMaker feature group offline stores should be encrypted with AWS KMS keys",
            "AWS::SageMaker::FeatureGroup", "sagemaker-featuregroup-encryption-at-rest"),
    Control("SageMaker.18", "SageMaker feature group online stores with standard storage should be encrypted with AWS KMS keys",
            "AWS::SageMaker::FeatureGroup", "sagemaker-featuregroup-online-store-encryption"),
    Control("SageMaker.19", "SageMaker models should use private registry in VPC for multi-container inference pipelines",
            "AWS::SageMaker::Model", "sagemaker-model-multicontainer-private-registry"),
    Control("SageMaker.20", "SageMaker model explainability job definitions should have network isolation enabled",
            "AWS::SageMaker::ModelExplainabilityJobDefinition", "sagemaker-model-explainability-job-network-isolation"),
    Control("SageMaker.21", "SageMaker notebook instances should be encrypted with customer managed AWS KMS keys",
            "AWS::SageMaker::NotebookInstance", "sagemaker-notebook-instance-storage-vol-kms-encrypted"),
    Control("SageMaker.22", "SageMaker monitoring schedules should have inter-container traffic encryption enabled",
            "AWS::SageMaker::MonitoringSchedule", "sagemaker-monitoring-schedule-traffic-encryption"),
    Control("SageMaker.23", "SageMaker inference experiments should have instance storage volume encrypted with customer managed AWS KMS keys",
            "AWS::SageMaker::InferenceExperiment", "sagemaker-inf-experiment-instance-storage-kms-encrypted"),
    Control("SageMaker.24", "SageMaker inference experiments should have data storage encrypted with customer managed AWS KMS keys",
            "AWS::SageMaker::InferenceExperiment", "sagemaker-inf-experiment-data-storage-kms-encrypted"),
    Control("SageMaker.25", "SageMaker model quality job definitions should have network isolation enabled",
            "AWS::SageMaker::ModelQualityJobDefinition", "sagemaker-model-quality-job-definition-isolation"),
)  # fmt: skip


def covering(control: Control, mapped: Iterable[tuple[str, Sequence[str]]]) -> list[str]:
    """The rules (name, mapped control ids) whose metadata maps the control, in the given order."""
    return [name for name, controls in mapped if control.id in controls]


def uncovered(mapped: Iterable[tuple[str, Sequence[str]]]) -> list[Control]:
    """The controls no rule maps and that are not declared out of scope: what the gate refuses."""
    mapped = list(mapped)
    return [control for control in CONTROLS if control.not_covered is None and not covering(control, mapped)]
