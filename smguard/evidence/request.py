"""What an evidence export is asked to cover; recorded verbatim in the bundle's manifest."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from smguard.catalogue import rule_names
from smguard.deploy.naming import NAME_PREFIX, ORGANIZATION_MEMBER_PREFIX, UnknownRuleError, resolve, rule_of
from smguard.evidence.errors import InvalidExportRequestError

EXPORTABLE_COMPLIANCE_TYPES = ("COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE")
"""What a rule can post; INSUFFICIENT_DATA is a rule-level state, never a resource's result."""
AGGREGATED_COMPLIANCE_TYPES = ("COMPLIANT", "NON_COMPLIANT")
"""What an aggregator carries: AWS documents AggregateEvaluationResult as COMPLIANT or NON_COMPLIANT only."""
AGGREGATOR_LIMIT = (
    "Through a Config aggregator, AWS Config returns only COMPLIANT and NON_COMPLIANT results: NOT_APPLICABLE "
    "results, exemptions included, are not in this bundle. Export an account with --account to include them."
)

UNRECOGNISED_NAMED = 5
"""How many left-out Config rules a bundle's limits name (rules.json lists them all)."""
ACCOUNT_ID = re.compile(r"\d{12}")
REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d")
RULE_NAME = re.compile(r"[A-Za-z0-9_-]{1,128}")
HISTORY_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/\S*)?")
HISTORY_EXEMPTIONS_LIMIT = (
    "Through a Config aggregator, the exemption a non-compliance episode ended with is not known (NOT_APPLICABLE results "
    "and their annotations are not aggregated): such episodes show NOT_APPLICABLE in episodes.csv. Export an account "
    "with --account to name them."
)


@dataclass(frozen=True)
class ExportRequest:
    """Exactly one of ``account_id`` (one account, its own Config) or ``aggregator`` (an organization).

    ``compliance_types`` empty means every type the scope carries: all three for an account,
    COMPLIANT and NON_COMPLIANT for an aggregator (as empty ``rules``, ``accounts`` or ``regions``
    filter nothing out). ``rules`` may name a rule by its folder name or any of its AWS names; the
    request holds the folder names (``smguard.deploy.naming.resolve``), because one rule has another
    Config rule name in each member account of an organization.
    """

    account_id: str | None = None
    aggregator: str | None = None
    rules: tuple[str, ...] = ()
    compliance_types: tuple[str, ...] = ()
    accounts: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    period_from: date | None = None
    period_to: date | None = None
    """The audit period (UTC days, both included), for episodes.csv; both or neither."""
    history_bucket: str | None = None
    """With a period: ``bucket`` or ``bucket/prefix`` of the S3 bucket the delivery channels write
    configuration history files to (required with an aggregator, which keeps no history; with an
    account, read instead of GetResourceConfigHistory, in far fewer calls)."""
    _exported: tuple[str, ...] = field(default=(), init=False, repr=False, compare=False)
    """The rule folders the export covers: ``rules``, or the whole catalogue."""

    def __post_init__(self) -> None:
        if (self.account_id is None) == (self.aggregator is None):
            raise InvalidExportRequestError("give exactly one of --account ACCOUNT_ID or --aggregator NAME")
        if self.account_id is not None and not ACCOUNT_ID.fullmatch(self.account_id):
            raise InvalidExportRequestError(f"--account {self.account_id!r} is not a 12-digit AWS account id")
        if self.aggregator is not None and not re.fullmatch(r"[\w-]{1,256}", self.aggregator):
            raise InvalidExportRequestError(f"--aggregator {self.aggregator!r} is not a Config aggregator name ([A-Za-z0-9_-], 1 to 256)")
        if self.account_id is not None and (self.accounts or self.regions):
            raise InvalidExportRequestError(
                "--accounts and --regions filter an aggregator export; with --account the export covers that "
                "account in the session's region (choose it with --region)"
            )
        if (self.period_from is None) != (self.period_to is None):
            raise InvalidExportRequestError("give both --from and --to (the first and the last day of the audit period), or neither")
        if self.period_from is not None and self.period_to is not None and self.period_from > self.period_to:
            raise InvalidExportRequestError(
                f"--from {self.period_from.isoformat()} is after --to {self.period_to.isoformat()}; the period must start first"
            )
        if self.history_bucket is not None and self.period_from is None:
            raise InvalidExportRequestError("--history-bucket is read for the compliance history of a period: give --from and --to")
        if self.aggregator is not None and self.period_from is not None and self.history_bucket is None:
            raise InvalidExportRequestError(
                "--from/--to with --aggregator read the configuration history files the accounts' delivery channels write to a "
                "central S3 bucket (an aggregator keeps no history): give --history-bucket BUCKET or BUCKET/PREFIX"
            )
        if self.history_bucket is not None and not HISTORY_BUCKET.fullmatch(self.history_bucket):
            raise InvalidExportRequestError(
                f"--history-bucket {self.history_bucket!r} is not BUCKET or BUCKET/PREFIX (an S3 bucket name: 3 to 63 of a-z, 0-9, . and -)"
            )
        _check_all(self.accounts, ACCOUNT_ID, "--accounts", "a 12-digit AWS account id")
        _check_all(self.regions, REGION, "--regions", "an AWS region such as eu-west-1")
        _check_all(self.rules, RULE_NAME, "--rules", "a rule name (letters, digits, _ and -)")
        catalogue = tuple(rule_names())
        try:
            rules = tuple(sorted({resolve(rule, catalogue) for rule in self.rules}))
        except UnknownRuleError as error:
            raise InvalidExportRequestError(f"--rules: {error}") from None
        carried = AGGREGATED_COMPLIANCE_TYPES if self.aggregator is not None else EXPORTABLE_COMPLIANCE_TYPES
        compliance_types = self.compliance_types or carried
        unknown = [t for t in compliance_types if t not in EXPORTABLE_COMPLIANCE_TYPES]
        if unknown:
            raise InvalidExportRequestError(
                f"--compliance-types {', '.join(unknown)} is not a resource result; use {', '.join(EXPORTABLE_COMPLIANCE_TYPES)}"
            )
        if self.aggregator is not None and "NOT_APPLICABLE" in compliance_types:
            raise InvalidExportRequestError(
                "--compliance-types NOT_APPLICABLE cannot be exported through an aggregator: AWS Config aggregates "
                "only COMPLIANT and NON_COMPLIANT results; export each account with --account to include them"
            )
        object.__setattr__(self, "rules", rules)
        object.__setattr__(self, "_exported", rules or catalogue)
        object.__setattr__(self, "compliance_types", tuple(t for t in EXPORTABLE_COMPLIANCE_TYPES if t in compliance_types))
        object.__setattr__(self, "accounts", tuple(sorted(set(self.accounts))))
        object.__setattr__(self, "regions", tuple(sorted(set(self.regions))))

    def rule_of(self, config_rule_name: str) -> str | None:
        """The smguard rule a Config rule (a conformance pack's rule, or an older deployment's account,
        organization or member-account rule) is, when the export covers it: one of ``rules``, or any
        rule of the catalogue when none is named."""
        return rule_of(config_rule_name, self._exported)

    def unrecognised(self, config_rule_name: str) -> bool:
        """Whether an unfiltered export leaves out a Config rule named like smguard's that this
        smguard's catalogue does not know (e.g. a rule of another smguard version): the bundle says so."""
        return (
            not self.rules
            and config_rule_name.startswith((NAME_PREFIX, ORGANIZATION_MEMBER_PREFIX + NAME_PREFIX))
            and self.rule_of(config_rule_name) is None
        )

    def covers(self, *, account_id: str, region: str) -> bool:
        """Whether an aggregator's source account and region fall inside the filters."""
        return (not self.accounts or account_id in self.accounts) and (not self.regions or region in self.regions)

    def limits(self, unrecognised: Iterable[str] = ()) -> list[str]:
        """What the bundle does not contain, stated in it so that it describes itself: what the
        scope cannot carry, and the ``unrecognised`` Config rules left out."""
        limits = [AGGREGATOR_LIMIT] if self.aggregator is not None else []
        if self.aggregator is not None and self.period_from is not None:
            limits.append(HISTORY_EXEMPTIONS_LIMIT)
        left_out = sorted(set(unrecognised))
        if left_out:
            shown = ", ".join(left_out[:UNRECOGNISED_NAMED])
            more = f" and {len(left_out) - UNRECOGNISED_NAMED} more" if len(left_out) > UNRECOGNISED_NAMED else ""
            limits.append(
                f"Config rules named like smguard's that this smguard's catalogue does not hold are not in this bundle "
                f"({shown}{more}; rules.json lists them under not_recognised): they may come from another smguard "
                "version; export them with that version."
            )
        return limits

    def to_manifest(self) -> dict[str, Any]:
        scope = {"account_id": self.account_id} if self.account_id else {"aggregator": self.aggregator}
        return {
            "scope": "account" if self.account_id else "aggregator",
            **scope,
            "filters": {
                "rules": list(self.rules) or None,
                "compliance_types": list(self.compliance_types),
                "accounts": list(self.accounts) or None,
                "regions": list(self.regions) or None,
            },
        }


def _check_all(values: Iterable[str], pattern: re.Pattern[str], option: str, what: str) -> None:
    for value in values:
        if not pattern.fullmatch(value):
            raise InvalidExportRequestError(f"{option} {value!r} is not {what}")
