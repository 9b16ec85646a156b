"""Offline SCP evaluation on top of principalmapper's local policy simulation.

principalmapper 1.1.5 evaluates one policy statement against an action, a resource and a request
context, which is what the semantic tests need. Two things are added here:

* The import shim: principalmapper does ``from collections import Mapping, MutableMapping``, which
  Python 3.10 removed. The aliases exist only while principalmapper is imported and are removed
  right after, so no other test sees a patched ``collections``.
* The SCP decision. An SCP never grants anything; a request passes a level of the organization only
  if some SCP attached there allows it and none denies it. Every target keeps AWS's FullAWSAccess
  SCP (Allow * on *) attached, so the model is "FullAWSAccess plus the policy under test": an
  explicit Deny wins, otherwise FullAWSAccess allows.
"""

from __future__ import annotations

import collections
import collections.abc
import enum
import re
from collections.abc import Iterable, Mapping
from typing import Any

_REMOVED_ALIASES = ("Mapping", "MutableMapping")


def _import_principalmapper() -> tuple[Any, Any]:
    added = [name for name in _REMOVED_ALIASES if not hasattr(collections, name)]
    for name in added:
        setattr(collections, name, getattr(collections.abc, name))
    try:
        from principalmapper.querying.local_policy_simulation import policy_has_matching_statement
        from principalmapper.util.case_insensitive_dict import CaseInsensitiveDict
    finally:
        for name in added:
            delattr(collections, name)
    return policy_has_matching_statement, CaseInsensitiveDict


_policy_has_matching_statement, _CaseInsensitiveDict = _import_principalmapper()

FULL_AWS_ACCESS: dict[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
}

# A request context: condition key -> value; multivalued keys (ArrayOfString) take a list.
Context = Mapping[str, str | list[str]]


class Decision(enum.Enum):
    """What the SCPs at one level make of a request."""

    ALLOWED = "allowed"
    EXPLICIT_DENY = "explicit deny"
    IMPLICIT_DENY = "implicit deny"


_POLICY_VARIABLE = re.compile(r"\$\{(aws:[A-Za-z]+)\}")


class MissingPolicyVariableError(KeyError):
    """A statement uses a policy variable whose key the test request does not carry."""


def _resolve(value: Any, context: Context) -> Any:
    """``value`` with every ``${aws:...}`` replaced by the request's value, as AWS does per request.

    principalmapper does not resolve policy variables, so they are filled in here first.
    """
    if isinstance(value, str):

        def substitute(match: re.Match[str]) -> str:
            key = match.group(1)
            if key not in context or not isinstance(context[key], str):
                raise MissingPolicyVariableError(f"the request carries no single value for {key}")
            return str(context[key])

        return _POLICY_VARIABLE.sub(substitute, value)
    if isinstance(value, list):
        return [_resolve(item, context) for item in value]
    if isinstance(value, dict):
        return {key: _resolve(item, context) for key, item in value.items()}
    return value


def statement_matches(statement: Mapping[str, Any], action: str, resource: str, context: Context) -> bool:
    """Whether the statement applies to the request: action, resource and condition all match."""
    policy = {"Version": "2012-10-17", "Statement": [_resolve(dict(statement), context)]}
    return _policy_has_matching_statement(
        policy, statement["Effect"], action, resource, _CaseInsensitiveDict(dict(context))
    )


def denying_sids(policy: Mapping[str, Any], action: str, resource: str, context: Context) -> set[str]:
    """The Sids of the policy's Deny statements that match the request."""
    return {
        statement.get("Sid", "")
        for statement in policy["Statement"]
        if statement["Effect"] == "Deny" and statement_matches(statement, action, resource, context)
    }


def scp_decision(
    scps: Iterable[Mapping[str, Any]],
    action: str,
    resource: str,
    context: Context,
    with_full_aws_access: bool = True,
) -> Decision:
    """The decision of ``scps`` attached to one target, by default next to FullAWSAccess."""
    policies = [FULL_AWS_ACCESS, *scps] if with_full_aws_access else list(scps)
    statements = [statement for policy in policies for statement in policy["Statement"]]

    def any_match(effect: str) -> bool:
        return any(
            statement["Effect"] == effect and statement_matches(statement, action, resource, context)
            for statement in statements
        )

    if any_match("Deny"):
        return Decision.EXPLICIT_DENY
    return Decision.ALLOWED if any_match("Allow") else Decision.IMPLICIT_DENY
