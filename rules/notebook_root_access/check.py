"""Notebook instances must not give their users root access.

Root on a notebook lets a user disable its guardrails (install agents, change networking, read
other users' credentials). Lifecycle configurations always run as root, so when an allow-list is
given, only approved lifecycle configurations may be attached.
"""

from __future__ import annotations

from dataclasses import dataclass

from smguard.engine import CsvList, Resource, RuleParameters, Verdict, describe_value, parameter

NOTEBOOK_LIFECYCLE_CONFIG_NAME = r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}"


@dataclass(frozen=True)
class NotebookRootAccessParameters(RuleParameters):
    allowed_lifecycle_configs: tuple[str, ...] | None = parameter(
        "AllowedLifecycleConfigs",
        CsvList(NOTEBOOK_LIFECYCLE_CONFIG_NAME, "a notebook lifecycle configuration name"),
        None,
        "Comma-separated names of approved notebook lifecycle configurations. Not set: any lifecycle configuration is accepted.",
    )


def check(resource: Resource, parameters: NotebookRootAccessParameters, facts: object = None) -> Verdict:
    configuration = resource.configuration
    findings = []
    root_access = configuration.get("RootAccess")
    if root_access != "Disabled":
        shown = "absent (defaults to Enabled)" if root_access is None else describe_value(root_access)
        findings.append(
            f"RootAccess is {shown}; set RootAccess to Disabled (stop the notebook, then UpdateNotebookInstance)."
        )
    lifecycle = configuration.get("LifecycleConfigName")
    if lifecycle == "":
        lifecycle = None  # AWS records no name when no lifecycle configuration is attached; "" says the same
    allowed = parameters.allowed_lifecycle_configs
    if allowed is not None and lifecycle is not None and lifecycle not in allowed:
        findings.append(
            f"LifecycleConfigName {describe_value(lifecycle)} is not in AllowedLifecycleConfigs "
            f"({', '.join(allowed)}); it runs as root: attach an approved one."
        )
    if findings:
        return Verdict.non_compliant(*findings)
    if lifecycle is None:
        return Verdict.compliant("RootAccess is Disabled.")
    if allowed is None:
        return Verdict.compliant(
            f"RootAccess is Disabled; lifecycle configuration {describe_value(lifecycle)} is not checked "
            "(AllowedLifecycleConfigs is not set)."
        )
    return Verdict.compliant(f"RootAccess is Disabled; lifecycle configuration {lifecycle} is approved.")
