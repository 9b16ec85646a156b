"""The embedded AWS: moto, completed where smguard needs APIs that moto 5.2.5 lacks.

Call ``install()`` once before starting ``mock_aws()`` or a ``ThreadedMotoServer``; then issue
result tokens with ``result_token()`` as AWS Config would when it invokes a rule.
"""

from smguard.embedded import (
    aggregate_conformance_packs,
    compliance_by_resource,
    compliance_history,
    config_compliance,
    conformance_packs,
    organization_conformance_packs,
    organization_rules,
    recorded_config,
    remediation,
    sagemaker_endpoint_configs,
    sagemaker_jobs,
    sagemaker_notebooks,
    sagemaker_resources,
)
from smguard.embedded.config_compliance import ResultTokenClaims, result_token


def install() -> None:
    """Give moto's Config the compliance, compliance-history, organization-rule, conformance-pack,
    remediation and recorded-state APIs, and SageMaker the notebook update and settings, the endpoint
    configuration fields moto drops and the resources smguard evaluates that moto lacks (Model Monitor, feature
    groups, inference experiments, labeling jobs, processing-job resources) (idempotent, process-wide)."""
    config_compliance.install()
    compliance_history.install()
    organization_rules.install()
    conformance_packs.install()
    organization_conformance_packs.install()  # after organization_rules: extends its account membership handling
    aggregate_conformance_packs.install()
    remediation.install()
    sagemaker_notebooks.install()
    sagemaker_resources.install()
    recorded_config.install()  # after compliance_history: other types' listings fall through to it
    sagemaker_endpoint_configs.install()
    compliance_by_resource.install()
    sagemaker_jobs.install()


__all__ = ["ResultTokenClaims", "install", "result_token"]
