"""``smguard scan``: the rules' own checks on CloudFormation and SAM templates, before anything is deployed."""

from smguard.scan.errors import TemplateError, UnknownTemplateParameterError, UnresolvedValueError
from smguard.scan.scanner import UNKNOWN, ScanFinding, scan_template, scan_templates

__all__ = ["UNKNOWN", "ScanFinding", "TemplateError", "UnknownTemplateParameterError", "UnresolvedValueError", "scan_template", "scan_templates"]
