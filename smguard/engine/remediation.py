"""How AWS Config fixes what a rule finds: the SSM Automation runbook a rule declares.

A rule with a safe fix declares a :class:`Remediation` in its app.py, next to its scope and
triggers; the template derives from it the remediation configuration inside the conformance pack,
the least-privilege role the runbook runs as, and the docs. A rule without one says why in its
metadata.json (``no_remediation``), so that no rule is silently left without a fix.

AWS Config passes a runbook the non-compliant resource's ID (``RESOURCE_ID``) and static values
(AWS Config API Reference, RemediationConfiguration and RemediationParameterValue); the runbook runs
as the role its ``AutomationAssumeRole`` parameter names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from smguard.engine.errors import RuleDefinitionError

RUNBOOK_NAME = re.compile(r"[a-zA-Z0-9_.-]{3,128}")
IAM_ACTION = re.compile(r"[a-z0-9-]+:[A-Za-z0-9]+")
SMGUARD_RUNBOOK_PREFIX = "smguard-"
"""smguard's own Automation documents (template.yaml creates them); the others are AWS's."""


@dataclass(frozen=True)
class Remediation:
    """The runbook that fixes a NON_COMPLIANT resource of the rule, and what it needs."""

    runbook: str
    """The SSM Automation document: AWS's (``AWSConfigRemediation-...``, ``AWS-...``) or smguard's
    own (``smguard-...``, created by template.yaml)."""
    resource_id_parameter: str
    """The runbook parameter that receives the non-compliant resource's ID."""
    actions: tuple[str, ...]
    """The IAM actions the runbook's steps call, and all its role may do."""
    reference: str
    """The page documenting the runbook: its parameters, steps and required permissions."""
    static_parameters: Mapping[str, str] = field(default_factory=dict)
    """Runbook parameter -> fixed value."""
    rule_parameters: Mapping[str, str] = field(default_factory=dict)
    """Runbook parameter -> the rule's Config parameter whose deployed value it takes, so the fix
    produces what the check requires (e.g. the flow log's traffic type)."""
    stack_parameters: Mapping[str, str] = field(default_factory=dict)
    """Runbook parameter -> template parameter (a value the rule does not hold, e.g. the flow logs'
    destination)."""
    interrupts: str | None = None
    """What running the fix does to a user (stopping their notebook), or None. A fix that interrupts
    is never automatic without its own explicit opt-in, and the annotation says so."""

    def __post_init__(self) -> None:
        if not RUNBOOK_NAME.fullmatch(self.runbook):
            raise RuleDefinitionError(f"remediation runbook {self.runbook!r} is not an SSM document name")
        if not (self.actions and all(IAM_ACTION.fullmatch(action) for action in self.actions)):
            raise RuleDefinitionError(f"remediation {self.runbook}: actions {self.actions!r} must be IAM actions like ec2:DescribeVpcs")
        given = [self.resource_id_parameter, *self.static_parameters, *self.rule_parameters, *self.stack_parameters]
        if "AutomationAssumeRole" in given or len(set(given)) != len(given):
            raise RuleDefinitionError(
                f"remediation {self.runbook}: each runbook parameter is given once, and AutomationAssumeRole is the template's"
            )

    @property
    def is_smguard_runbook(self) -> bool:
        return self.runbook.startswith(SMGUARD_RUNBOOK_PREFIX)
