"""What can go wrong when scanning a template, named after what went wrong."""

from __future__ import annotations

from pathlib import Path

from smguard.engine.errors import SmguardError


class TemplateError(SmguardError):
    """The template cannot be read or is not a valid CloudFormation template; nothing is scanned."""

    def __init__(self, path: Path | str, problem: str, line: int | None = None) -> None:
        self.path = str(path)
        self.line = line
        self.problem = problem
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {problem}")


class UnresolvedValueError(Exception):
    """A check needed a value that the template does not determine (a parameter without default,
    an attribute known only once deployed...). The scan reports the resource UNKNOWN with ``reason``.

    Not a SmguardError: it is raised inside a rule's check and never leaves the scanner.
    """

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class UnknownTemplateParameterError(SmguardError):
    """A --parameter-overrides name that no scanned template declares (a typo would go unnoticed)."""
