"""`smguard evaluate --rules sagemaker_jobs`: every job of every kind, whatever its age (evaluate has no window)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import boto3
from click.testing import CliRunner

from smguard import embedded
from smguard.cli.main import cli
from smguard.rules.sagemaker_jobs.check import FIX
from smguard.rules.sagemaker_jobs.tests.test_handler import BASE, KINDS
from tests.support.events import REGION


def test_evaluate_reads_every_job_of_every_kind_and_records_no_window(aws):
    embedded.install()
    session = boto3.Session(region_name=REGION)
    for module in KINDS:
        module.TYPE.example(session, BASE, "ok", compliant=True)
    labeling = KINDS[-1].TYPE
    labeling.example(session, BASE, "old-manual", compliant=False, LabelingJobAlgorithmsConfig=None)

    result = CliRunner().invoke(cli, ["evaluate", "--rules", "sagemaker_jobs", "--format", "json"], catch_exceptions=False)

    assert result.exit_code == 0, result.output
    rows = sorted((row["resource_type"], row["resource_id"], row["compliance"], row["annotation"]) for row in json.loads(result.stdout))
    full = "has a volume KMS key, an output KMS key, inter-container traffic encryption, network isolation and VPC subnets."
    assert rows == sorted([
        ("AWS::SageMaker::TrainingJob", "ok", "COMPLIANT", f"Training job ok {full}"),
        ("AWS::SageMaker::ProcessingJob", "ok", "COMPLIANT", f"Processing job ok {full}"),
        ("AWS::SageMaker::TransformJob", "ok", "COMPLIANT", "Transform job ok has a volume KMS key and an output KMS key."),
        ("AWS::SageMaker::HyperParameterTuningJob", "ok", "COMPLIANT", f"Tuning job ok {full}"),
        ("AWS::SageMaker::AutoMLJob", "ok", "COMPLIANT", "AutoML job ok has a volume KMS key, an output KMS key, inter-container traffic encryption and VPC subnets."),
        ("AWS::SageMaker::LabelingJob", "ok", "COMPLIANT", "Labeling job ok has a volume KMS key and an output KMS key."),
        ("AWS::SageMaker::LabelingJob", "old-manual", "NON_COMPLIANT", f"Labeling job old-manual must set OutputConfig.KmsKeyId (absent). {FIX}"),
    ])
