"""The exemption-expiry re-evaluation's function: start the change-triggered rules of the smguard pack.

The rules a conformance pack creates are named ``smguard-<rule>-conformance-pack-<suffix>``, the
suffix chosen by AWS Config at creation (smguard/deploy/naming.py), so the schedule cannot name them
in advance (smguard/deploy/reevaluation.py). Each run lists the pack's rules
(DescribeConformancePackCompliance), keeps those of the rules the schedule's input names (the
change-triggered ones, chosen from the catalogue when the template is generated), and starts them
with StartConfigRulesEvaluation, at most 25 names a call (AWS Config API Reference).

Packaged with the one naming module and nothing else of smguard (smguard/deploy/package.py); boto3
comes from the layer. Standard library and boto3 only.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import boto3
from botocore.config import Config

from smguard.deploy.naming import rule_of

START_EVALUATION_MAX_RULES = 25
"""StartConfigRulesEvaluation takes at most 25 rule names per call."""
RETRIES = Config(retries={"mode": "standard", "max_attempts": 5})


class InvalidScheduleInputError(ValueError):
    """The schedule's input is not what smguard/deploy/reevaluation.py writes."""


class MissingPackRulesError(LookupError):
    """The pack holds none (or not all) of the rules the schedule names: it was not deployed, or changed."""


def pack_rule_names(config: Any, pack: str) -> Iterator[str]:
    """Every Config rule name of the conformance pack ``pack``."""
    for page in config.get_paginator("describe_conformance_pack_compliance").paginate(ConformancePackName=pack):
        for rule in page["ConformancePackRuleComplianceList"]:
            yield rule["ConfigRuleName"]


def rules_to_start(pack_rules: Sequence[str], rules: Sequence[str]) -> list[str]:
    """The pack's rule names that belong to ``rules`` (rule folder names); every one of ``rules`` must be there."""
    found = {name: rule for name in pack_rules if (rule := rule_of(name, rules)) is not None}
    missing = sorted(set(rules) - set(found.values()))
    if missing:
        raise MissingPackRulesError(
            f"the conformance pack has no rule for {', '.join(missing)}: is the smguard pack deployed and complete?"
        )
    return sorted(found)


def batches(names: Sequence[str], size: int = START_EVALUATION_MAX_RULES) -> list[list[str]]:
    return [list(names[start:start + size]) for start in range(0, len(names), size)]


def reevaluate(config: Any, pack: str, rules: Sequence[str]) -> list[str]:
    """Start every rule of ``rules`` in ``pack``; the started AWS rule names."""
    names = rules_to_start(list(pack_rule_names(config, pack)), rules)
    for batch in batches(names):
        config.start_config_rules_evaluation(ConfigRuleNames=batch)
    return names


def parse_event(event: Any) -> tuple[str, list[str]]:
    """(pack name, rule folder names) from the schedule's input."""
    if not isinstance(event, dict):
        raise InvalidScheduleInputError(f"the schedule's input must be an object, not {type(event).__name__}")
    pack, rules = event.get("ConformancePackName"), event.get("Rules")
    if not isinstance(pack, str) or not pack:
        raise InvalidScheduleInputError("the schedule's input needs ConformancePackName, a non-empty string")
    if not isinstance(rules, list) or not rules or not all(isinstance(rule, str) and rule for rule in rules):
        raise InvalidScheduleInputError("the schedule's input needs Rules, a non-empty list of rule names")
    return pack, rules


def lambda_handler(event: Any, context: Any) -> dict[str, Any]:
    pack, rules = parse_event(event)
    started = reevaluate(boto3.client("config", config=RETRIES), pack, rules)
    print(f"started the evaluation of {len(started)} rules of the {pack} conformance pack: {', '.join(started)}")
    return {"Started": started}
