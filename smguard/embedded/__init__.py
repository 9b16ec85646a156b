"""The embedded AWS: moto, completed where smguard needs APIs that moto 5.2.5 lacks.

Call ``install()`` once before starting ``mock_aws()`` or a ``ThreadedMotoServer``; then issue
result tokens with ``result_token()`` as AWS Config would when it invokes a rule.
"""

from smguard.embedded import (
    compliance_by_resource,
    compliance_history,
    config_compliance,
    organization_rules,
    remediation,
    sagemaker_jobs,
    sagemaker_notebooks,
)
from smguard.embedded.config_compliance import ResultTokenClaims, result_token


def install() -> None:
    """Give moto's Config the compliance, compliance-history, organization-rule and remediation APIs, and
    SageMaker the notebook update the remediation runbook needs and the labeling jobs and processing-job
    resources sagemaker_jobs reads (idempotent, process-wide)."""
    config_compliance.install()
    compliance_history.install()
    organization_rules.install()
    remediation.install()
    sagemaker_notebooks.install()
    compliance_by_resource.install()
    sagemaker_jobs.install()


__all__ = ["ResultTokenClaims", "install", "result_token"]
