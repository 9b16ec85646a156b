"""The pure check of sagemaker_jobs over Describe answers, the window arithmetic, and the SCPs it twins."""

from __future__ import annotations

import copy
import fnmatch
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from smguard.engine import Compliance, InvalidRuleParameterError, Resource, Verdict
from smguard.resources.types import auto_ml_job, hyper_parameter_tuning_job, labeling_job, processing_job, training_job, transform_job
from smguard.rules.sagemaker_jobs.check import (
    ENCRYPTION,
    FIX,
    ISOLATION,
    OUTPUT,
    REQUIREMENTS,
    VOLUME,
    VPC,
    SagemakerJobsParameters,
    check,
)
from smguard.rules.sagemaker_jobs.window import (
    UnreadableWindowError,
    Window,
    next_window,
    parse_time,
    recorded_window,
)
from tests.support.events import evaluation_result

POLICIES = Path(__file__).resolve().parents[3] / "policies"
DEFAULTS = SagemakerJobsParameters.parse({})
TRAINING, PROCESSING, TRANSFORM = training_job.TYPE, processing_job.TYPE, transform_job.TYPE
TUNING, AUTOML, LABELING = hyper_parameter_tuning_job.TYPE, auto_ml_job.TYPE, labeling_job.TYPE
FULL = "has a volume KMS key, an output KMS key, inter-container traffic encryption, network isolation and VPC subnets."


def job(job_type: Any, **changes: Any) -> Resource:
    """The type's sample Describe answer, with top-level fields replaced (None removes one)."""
    configuration = copy.deepcopy(dict(job_type.sample))
    for name, value in changes.items():
        if value is None:
            configuration.pop(name, None)
        else:
            configuration[name] = value
    return Resource(job_type.name, job_type.sample_id, configuration)


def decide(resource: Resource) -> Verdict:
    return check(resource, DEFAULTS, None)


@pytest.mark.parametrize(
    ("job_type", "annotation"),
    [
        (TRAINING, f"Training job risk-model-train-0412 {FULL}"),
        (PROCESSING, f"Processing job risk-features-0412 {FULL}"),
        (TRANSFORM, "Transform job risk-scoring-batch-0412 has a volume KMS key and an output KMS key."),
        (TUNING, f"Tuning job risk-model-tune-0412 {FULL}"),
        (AUTOML, "AutoML job churn-automl-0412 has a volume KMS key, an output KMS key, inter-container traffic encryption and VPC subnets."),
        (LABELING, "Labeling job claims-photos-0412 has a volume KMS key and an output KMS key."),
    ],
)
def test_a_job_with_everything_its_kind_takes_is_compliant(job_type, annotation):
    assert decide(job(job_type)) == Verdict(Compliance.COMPLIANT, annotation)


def test_a_training_job_with_nothing_set_names_the_first_gaps_and_counts_the_rest():
    bare = job(TRAINING, OutputDataConfig={"S3OutputPath": "s3://b/o"}, ResourceConfig={"InstanceType": "ml.m5.xlarge"},
               VpcConfig=None, EnableNetworkIsolation=None, EnableInterContainerTrafficEncryption=None)
    assert decide(bare) == Verdict(
        Compliance.NON_COMPLIANT,
        "Training job risk-model-train-0412 must set ResourceConfig.VolumeKmsKeyId (absent), OutputDataConfig.KmsKeyId (absent), "
        f"EnableInterContainerTrafficEncryption true (absent) (+2 more). {FIX}",
    )


@pytest.mark.parametrize(
    ("changes", "gap"),
    [
        ({"EnableNetworkIsolation": False}, "EnableNetworkIsolation true (false)"),
        ({"EnableNetworkIsolation": "true"}, 'EnableNetworkIsolation true ("true")'),
        ({"EnableInterContainerTrafficEncryption": 1}, "EnableInterContainerTrafficEncryption true (1 (a number))"),
        ({"VpcConfig": {"SecurityGroupIds": ["sg-1"], "Subnets": []}}, "VpcConfig.Subnets ([] (a list))"),
        ({"VpcConfig": {"Subnets": ["subnet-1", ""]}}, "VpcConfig.Subnets (['subnet-1', ''] (a list))"),
        ({"VpcConfig": "vpc-1"}, 'VpcConfig.Subnets (unreadable, in "vpc-1")'),
        ({"ResourceConfig": {"VolumeKmsKeyId": ""}}, "ResourceConfig.VolumeKmsKeyId (empty)"),
        ({"OutputDataConfig": {"KmsKeyId": None}}, "OutputDataConfig.KmsKeyId (absent)"),
    ],
)
def test_each_training_setting_that_is_not_exactly_right_is_named_with_its_value(changes, gap):
    assert decide(job(TRAINING, **changes)) == Verdict(
        Compliance.NON_COMPLIANT, f"Training job risk-model-train-0412 must set {gap}. {FIX}"
    )


def test_processing_settings_are_read_under_network_config():
    verdict = decide(job(PROCESSING, NetworkConfig={"EnableNetworkIsolation": True}))
    assert verdict == Verdict(
        Compliance.NON_COMPLIANT,
        "Processing job risk-features-0412 must set NetworkConfig.EnableInterContainerTrafficEncryption true (absent), "
        f"NetworkConfig.VpcConfig.Subnets (absent). {FIX}",
    )


def test_a_processing_job_without_outputs_lacks_the_output_key_as_the_scp_denies_it():
    verdict = decide(job(PROCESSING, ProcessingOutputConfig=None))
    assert verdict == Verdict(
        Compliance.NON_COMPLIANT, f"Processing job risk-features-0412 must set ProcessingOutputConfig.KmsKeyId (absent). {FIX}"
    )


def test_a_transform_job_is_asked_only_for_its_keys():
    verdict = decide(job(TRANSFORM, TransformResources={"InstanceType": "ml.m5.xlarge", "InstanceCount": 1}))
    assert verdict == Verdict(
        Compliance.NON_COMPLIANT, f"Transform job risk-scoring-batch-0412 must set TransformResources.VolumeKmsKeyId (absent). {FIX}"
    )


def test_an_automl_job_has_no_isolation_setting_and_reads_security_config():
    verdict = decide(job(AUTOML, SecurityConfig={"VolumeKmsKeyId": "alias/ml", "EnableInterContainerTrafficEncryption": False}))
    assert verdict == Verdict(
        Compliance.NON_COMPLIANT,
        "AutoML job churn-automl-0412 must set SecurityConfig.EnableInterContainerTrafficEncryption true (false), "
        f"SecurityConfig.VpcConfig.Subnets (absent). {FIX}",
    )


def test_a_labeling_job_without_automated_labeling_takes_no_volume_key():
    verdict = decide(job(LABELING, LabelingJobAlgorithmsConfig=None))
    assert verdict == Verdict(
        Compliance.COMPLIANT,
        "Labeling job claims-photos-0412 has an output KMS key; it takes no volume key without automated data labeling.",
    )


def test_a_labeling_job_with_automated_labeling_needs_the_volume_key():
    algorithms = {"LabelingJobAlgorithmSpecificationArn": "arn:aws:sagemaker:us-east-1:027400017018:labeling-job-algorithm-specification/image-classification"}
    verdict = decide(job(LABELING, LabelingJobAlgorithmsConfig=algorithms, OutputConfig={"S3OutputPath": "s3://b/l"}))
    assert verdict == Verdict(
        Compliance.NON_COMPLIANT,
        "Labeling job claims-photos-0412 must set LabelingJobAlgorithmsConfig.LabelingJobResourceConfig.VolumeKmsKeyId (absent), "
        f"OutputConfig.KmsKeyId (absent). {FIX}",
    )


def test_a_malformed_algorithms_config_is_not_taken_for_manual_labeling():
    verdict = decide(job(LABELING, LabelingJobAlgorithmsConfig="automated"))
    assert verdict == Verdict(
        Compliance.NON_COMPLIANT,
        "Labeling job claims-photos-0412 must set LabelingJobAlgorithmsConfig.LabelingJobResourceConfig.VolumeKmsKeyId "
        f'(unreadable, in "automated"). {FIX}',
    )


def test_a_tuning_job_may_hold_its_volume_key_in_the_tuning_resource_config():
    definition = copy.deepcopy(TUNING.sample["TrainingJobDefinition"])
    definition.pop("ResourceConfig")
    definition["HyperParameterTuningResourceConfig"] = {"InstanceType": "ml.m5.xlarge", "VolumeKmsKeyId": "alias/ml"}
    assert decide(job(TUNING, TrainingJobDefinition=definition)) == Verdict(Compliance.COMPLIANT, f"Tuning job risk-model-tune-0412 {FULL}")


def test_a_tuning_job_is_held_to_every_training_job_definition():
    good = copy.deepcopy(TUNING.sample["TrainingJobDefinition"])
    open_ = copy.deepcopy(good) | {"EnableNetworkIsolation": False, "DefinitionName": "open"}
    verdict = decide(job(TUNING, TrainingJobDefinition=None, TrainingJobDefinitions=[good, open_]))
    assert verdict == Verdict(
        Compliance.NON_COMPLIANT,
        f"Tuning job risk-model-tune-0412 must set TrainingJobDefinitions[1].EnableNetworkIsolation true (false). {FIX}",
    )


@pytest.mark.parametrize(
    ("changes", "gap"),
    [
        ({"TrainingJobDefinition": None}, "TrainingJobDefinition or TrainingJobDefinitions (both absent)"),
        ({"TrainingJobDefinition": None, "TrainingJobDefinitions": {"a": 1}}, "TrainingJobDefinitions as a list ({'a': 1} (an object))"),
        ({"TrainingJobDefinition": "definition"}, 'TrainingJobDefinition as an object ("definition")'),
    ],
)
def test_a_tuning_job_without_a_readable_definition_is_not_compliant(changes, gap):
    assert decide(job(TUNING, **changes)) == Verdict(Compliance.NON_COMPLIANT, f"Tuning job risk-model-tune-0412 must set {gap}. {FIX}")


def test_a_type_outside_the_jobs_is_not_applicable():
    verdict = decide(Resource("AWS::SageMaker::CompilationJob", "c1", {}))
    assert verdict == Verdict(Compliance.NOT_APPLICABLE, "AWS::SageMaker::CompilationJob is not a SageMaker job type this rule knows.")


TWINNED = frozenset({VOLUME, OUTPUT, ENCRYPTION, ISOLATION, VPC})
"""The statements this rule twins: keys, inter-container encryption, isolation, VPC (issue 13). Not
twinned: DenyTrainingRemoteDebug (issue 14's, after this rule was written)."""
BEYOND_THE_SCP = {LABELING.name: {VOLUME}}
"""A labeling job with automated data labeling must have a volume key; the SCP cannot ask it of
CreateLabelingJob, which carries no volume key without automated labeling."""


def _statements() -> dict[str, set[str]]:
    """SCP statement Sid -> the action patterns it denies, from every SCP in policies/manifest.json."""
    found: dict[str, set[str]] = {}
    for policy in json.loads((POLICIES / "manifest.json").read_text())["policies"]:
        if policy["type"] != "SERVICE_CONTROL_POLICY":
            continue
        for statement in json.loads((POLICIES / policy["file"]).read_text())["Statement"]:
            actions = statement.get("Action", [])
            found[statement["Sid"]] = {actions} if isinstance(actions, str) else set(actions)
    return found


def _naming(action: str) -> set[str]:
    return {sid for sid, patterns in _statements().items() if any(fnmatch.fnmatchcase(action, p) for p in patterns)}


@pytest.mark.parametrize("job_type", [TRAINING, PROCESSING, TRANSFORM, TUNING, AUTOML, LABELING], ids=lambda t: t.name)
def test_each_kind_twins_exactly_the_scp_statements_that_name_its_create_action(job_type):
    naming = _naming(job_type.create_action) & TWINNED
    assert {requirement.statement for requirement in REQUIREMENTS[job_type.name]} == naming | BEYOND_THE_SCP.get(job_type.name, set())


def test_automl_v1_and_v2_are_denied_by_the_same_statements():
    assert _naming("sagemaker:CreateAutoMLJob") == _naming("sagemaker:CreateAutoMLJobV2")


def test_the_first_run_looks_back_7_days_by_default_and_other_values_are_refused_by_name():
    assert DEFAULTS == SagemakerJobsParameters(7)
    assert SagemakerJobsParameters.parse({"FirstRunLookbackDays": "90"}) == SagemakerJobsParameters(90)
    with pytest.raises(InvalidRuleParameterError, match="'FirstRunLookbackDays': 8 is not one of 1, 7, 14, 30, 90"):
        SagemakerJobsParameters.parse({"FirstRunLookbackDays": "8"})
    with pytest.raises(InvalidRuleParameterError, match="'FirstRunLookbackDays': 'week' is not a whole number"):
        SagemakerJobsParameters.parse({"FirstRunLookbackDays": "week"})


# --- the window ------------------------------------------------------------------------------------

T0 = datetime(2026, 12, 6, 8, 0, 0, 123000, tzinfo=timezone.utc)
WEEK = timedelta(days=7)


def test_the_first_window_looks_back_from_the_notification():
    assert next_window(None, T0, WEEK) == Window(T0 - WEEK, T0)


def test_a_later_window_starts_where_the_recorded_one_ended():
    previous = Window(T0 - timedelta(hours=1), T0)
    assert next_window(previous, T0 + timedelta(hours=3), WEEK) == Window(T0, T0 + timedelta(hours=3))


def test_a_retry_of_the_same_notification_reads_the_recorded_window_again():
    previous = Window(T0 - timedelta(hours=1), T0)
    assert next_window(previous, T0, WEEK) == previous


def test_a_notification_older_than_the_recorded_end_reads_nothing():
    assert next_window(Window(T0 - timedelta(hours=1), T0), T0 - timedelta(minutes=1), WEEK) is None


def test_the_window_survives_its_annotation_to_the_microsecond():
    window = Window(T0 - timedelta(microseconds=7), T0)
    assert window.annotation() == (
        "SageMaker jobs created after 2026-12-06T08:00:00.122993Z and up to 2026-12-06T08:00:00.123000Z were evaluated; "
        "the next run starts at 2026-12-06T08:00:00.123000Z."
    )
    assert Window.from_annotation(window.annotation()) == window


def test_the_notification_time_is_read_as_utc():
    assert parse_time("2026-12-06T08:00:00.123Z") == T0


def test_only_this_rules_result_is_the_recorded_window():
    other = evaluation_result("AWS::::Account", "123456789012", "NOT_APPLICABLE", rule_name="other") | {"Annotation": "x"}
    mine = evaluation_result("AWS::::Account", "123456789012", "NOT_APPLICABLE", rule_name="mine")
    window = Window(T0 - WEEK, T0)
    assert recorded_window([other, mine | {"Annotation": window.annotation()}], "mine") == window
    assert recorded_window([other], "mine") is None


def test_a_recorded_result_that_is_not_a_window_is_an_error_naming_it():
    mine = evaluation_result("AWS::::Account", "123456789012", "NOT_APPLICABLE", rule_name="mine")
    with pytest.raises(UnreadableWindowError, match="does not record a window: 'Recorded by an earlier evaluation.'"):
        recorded_window([mine], "mine")
