"""The embedded AWS: moto, completed where smguard needs APIs that moto 5.2.5 lacks.

Call ``install()`` once before starting ``mock_aws()`` or a ``ThreadedMotoServer``; then issue
result tokens with ``result_token()`` as AWS Config would when it invokes a rule.
"""

from smguard.embedded.config_compliance import ResultTokenClaims, install, result_token

__all__ = ["ResultTokenClaims", "install", "result_token"]
