"""The embedded AWS: moto, completed where smguard needs APIs that moto 5.2.5 lacks.

Call ``install()`` once before starting ``mock_aws()`` or a ``ThreadedMotoServer``; then issue
result tokens with ``result_token()`` as AWS Config would when it invokes a rule.
"""

from smguard.embedded import config_compliance, organization_rules
from smguard.embedded.config_compliance import ResultTokenClaims, result_token


def install() -> None:
    """Give moto's Config the compliance and organization-rule APIs (idempotent, process-wide)."""
    config_compliance.install()
    organization_rules.install()


__all__ = ["ResultTokenClaims", "install", "result_token"]
