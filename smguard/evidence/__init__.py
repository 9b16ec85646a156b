"""Evidence for auditors: export AWS Config results of the smguard rules into a verifiable bundle.

``export_bundle(session, ExportRequest(account_id=...) or ExportRequest(aggregator=...), out_dir)``
writes the bundle (see docs/evidence.md); ``verify_bundle(path)`` checks it.
"""

from smguard.evidence.bundle import export_bundle
from smguard.evidence.errors import EvidenceError
from smguard.evidence.exemptions import RecordedExemption, parse_exempt_annotation
from smguard.evidence.manifest import Verification, verify_bundle
from smguard.evidence.request import EXPORTABLE_COMPLIANCE_TYPES, ExportRequest

__all__ = [
    "EXPORTABLE_COMPLIANCE_TYPES",
    "EvidenceError",
    "ExportRequest",
    "RecordedExemption",
    "Verification",
    "export_bundle",
    "parse_exempt_annotation",
    "verify_bundle",
]
