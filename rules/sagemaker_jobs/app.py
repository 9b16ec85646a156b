"""Lambda entry point of the sagemaker_jobs rule (periodic only).

Jobs are not recorded by AWS Config (training jobs aside) and never change, so the rule reads,
on a schedule, the jobs created since its previous run (window.py says how it knows that run) and
evaluates each once. API calls of a run, with N jobs created in the window (n_k of kind k), A
results on the account resource and J job results delivered:

    sum_k max(1, ceil(n_k/100)) List (one per kind and 100 new jobs of it)
    + N Describe (one per new job, 8 at a time)
    + max(1, ceil(A/100)) GetComplianceDetailsByResource (the previous window; 1 in practice)
    + ceil((N+1)/100) PutEvaluations (the jobs and the window)

Nothing grows with the jobs of earlier runs: they are neither listed (CreationTimeAfter) nor
described again, and their results are never retired: the engine's clean-up of results of
resources a periodic run no longer finds is switched off for this rule (a job outside the window
is not gone, only not re-read). Results are posted under one resource type per job kind, the job's
name as the id (docs/resource-types.md says what the Config console shows for each).
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from collections.abc import Mapping
from typing import Any

import rdklib

from .check import JOB_TYPES, SagemakerJobsParameters, check
from .window import ACCOUNT_TYPE, next_window, parse_time, read_window
from smguard.engine import PERIODIC_TRIGGER, Resource, RuleHandler, SmguardRule, Verdict, to_evaluation
from smguard.engine.errors import InvalidEventError
from smguard.engine.events import parse_event

ACCOUNT_ID = re.compile(r"[0-9]{12}")
DESCRIBE_THREADS = 8
"""Describe calls in flight at once: a thousand new jobs take seconds, not minutes."""


class SagemakerJobs(SmguardRule):
    resource_types = tuple(JOB_TYPES)
    triggers = frozenset({PERIODIC_TRIGGER})
    maximum_execution_frequency = "One_Hour"
    parameters = SagemakerJobsParameters
    aws_actions = (
        *(action for job_type in JOB_TYPES.values() for action in job_type.actions),
        "config:GetComplianceDetailsByResource",
    )
    delete_old_evaluations_on_scheduled_notification = False
    """rdklib's flag, read by the engine: a job outside this run's window still exists, so its result stays."""

    check = staticmethod(check)

    def evaluate_periodic(
        self, event: Mapping[str, Any], client_factory: Any, valid_rule_parameters: SagemakerJobsParameters
    ) -> list[rdklib.Evaluation]:
        rule_event = parse_event(event)
        if not rule_event.config_rule_name:
            raise InvalidEventError("configRuleName is missing; it is needed to read the rule's previous window")
        account_id = rule_event.account_id or ""
        if not ACCOUNT_ID.fullmatch(account_id):
            raise InvalidEventError(f"accountId {account_id[:64]!r} is not an AWS account id; the rule's window is recorded on the account")
        notified = parse_time(rule_event.notification_time)
        previous = read_window(client_factory.build_client("config"), account_id, rule_event.config_rule_name)
        window = next_window(previous, notified, timedelta(days=valid_rule_parameters.first_run_lookback_days))
        if window is None:
            return []
        sagemaker = client_factory.build_client("sagemaker")
        with ThreadPoolExecutor(DESCRIBE_THREADS) as pool:
            jobs = [
                resource
                for job_type in JOB_TYPES.values()
                for resource, _arn in job_type.describe_each(sagemaker, job_type.created_between(sagemaker, window.start, window.end), pool)
            ]
        evaluations = [
            to_evaluation(self.check(job, valid_rule_parameters, None), job.resource_type, job.resource_id) for job in jobs
        ]
        return [*evaluations, to_evaluation(Verdict.not_applicable(window.annotation()), ACCOUNT_TYPE, account_id)]

    def list_resources(self, clients: Any) -> list[Resource]:
        """Every job of every kind (``smguard evaluate``: no previous run, nothing left out)."""
        sagemaker = clients.build_client("sagemaker")
        with ThreadPoolExecutor(DESCRIBE_THREADS) as pool:
            return [
                resource
                for job_type in JOB_TYPES.values()
                for resource, _arn in job_type.describe_each(sagemaker, job_type.all_names(sagemaker), pool)
            ]


lambda_handler = RuleHandler(SagemakerJobs())
