"""The rule engine: what every smguard rule shares (events, parameters, clients, delivery)."""

from smguard.engine.errors import (
    AwsCallError,
    ConfigurationItemUnavailableError,
    EvaluationsRefusedError,
    ExemptionRegisterError,
    InvalidEventError,
    InvalidRuleParameterError,
    MissingFactError,
    RuleDefinitionError,
    SmguardError,
)
from smguard.engine.handler import RuleHandler
from smguard.engine.parameters import Boolean, Choice, CsvList, Integer, NoParameters, Pattern, RuleParameters, parameter
from smguard.engine.remediation import Remediation
from smguard.engine.rule import CHANGE_TRIGGER, PERIODIC_TRIGGER, Resource, SmguardRule, to_evaluation
from smguard.engine.verdict import Compliance, Finding, Verdict, describe_ids, describe_typed_value, describe_value

__all__ = [
    "AwsCallError",
    "Boolean",
    "CHANGE_TRIGGER",
    "Choice",
    "Compliance",
    "ConfigurationItemUnavailableError",
    "CsvList",
    "EvaluationsRefusedError",
    "ExemptionRegisterError",
    "Finding",
    "Integer",
    "InvalidEventError",
    "InvalidRuleParameterError",
    "MissingFactError",
    "NoParameters",
    "PERIODIC_TRIGGER",
    "Pattern",
    "Resource",
    "Remediation",
    "RuleDefinitionError",
    "RuleHandler",
    "RuleParameters",
    "SmguardError",
    "SmguardRule",
    "Verdict",
    "describe_ids",
    "describe_typed_value",
    "describe_value",
    "parameter",
    "to_evaluation",
]
