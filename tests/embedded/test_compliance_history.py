"""The embedded AWS's compliance history: AWS::Config::ResourceCompliance items through real boto3 clients."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from botocore.exceptions import ClientError

from smguard.deploy.naming import names
from tests.embedded.conftest import ACCOUNT, REGION, T0, Account

RULE = names("notebook_root_access").config_rule
OTHER = names("notebook_direct_internet").config_rule
COMPLIANCE = "AWS::Config::ResourceCompliance"
NB1 = "AWS::SageMaker::NotebookInstance/nb-1"
DAY = timedelta(days=1)


def start_recorder(account: Account, recording_group: dict | None = None) -> None:
    account.config.put_configuration_recorder(
        ConfigurationRecorder={
            "name": "default",
            "roleARN": f"arn:aws:iam::{ACCOUNT}:role/config",
            **({"recordingGroup": recording_group} if recording_group else {}),
        }
    )
    account.config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": "config-bucket"})
    account.config.start_configuration_recorder(ConfigurationRecorderName="default")


def history(account: Account, resource_id: str = NB1, **kwargs) -> list[dict]:
    pages = account.config.get_paginator("get_resource_config_history").paginate(
        resourceType=COMPLIANCE, resourceId=resource_id, **kwargs
    )
    return [item for page in pages for item in page["configurationItems"]]


def states(items: list[dict]) -> list[tuple[str, dict[str, str]]]:
    result = []
    for item in items:
        configuration = json.loads(item["configuration"])
        result.append(
            (configuration["complianceType"], {rule["configRuleName"]: rule["complianceType"] for rule in configuration["configRuleList"]})
        )
    return result


@pytest.fixture
def recording(account: Account) -> Account:
    start_recorder(account)
    account.create_rule(RULE)
    account.create_rule(OTHER)
    return account


def test_every_change_of_a_resources_results_is_an_item_and_repeats_are_not(recording: Account) -> None:
    recording.post(RULE, ("nb-1", "NON_COMPLIANT", "RootAccess is Enabled."), at=T0)
    recording.post(OTHER, ("nb-1", "COMPLIANT", None), at=T0 + DAY)
    recording.post(RULE, ("nb-1", "NON_COMPLIANT", "still"), at=T0 + 2 * DAY)  # same result: no new item
    recording.post(RULE, ("nb-1", "COMPLIANT", None), at=T0 + 3 * DAY)
    items = history(recording, chronologicalOrder="Forward", earlierTime=T0 - DAY, laterTime=T0 + 4 * DAY)
    assert [item["configurationItemCaptureTime"] for item in items] == [T0, T0 + DAY, T0 + 3 * DAY]
    assert states(items) == [
        ("NON_COMPLIANT", {RULE: "NON_COMPLIANT"}),
        ("NON_COMPLIANT", {OTHER: "COMPLIANT", RULE: "NON_COMPLIANT"}),
        ("COMPLIANT", {OTHER: "COMPLIANT", RULE: "COMPLIANT"}),
    ]
    first = items[0]
    assert (first["resourceType"], first["resourceId"], first["awsRegion"], first["accountId"]) == (COMPLIANCE, NB1, REGION, ACCOUNT)
    assert json.loads(first["configuration"])["targetResourceId"] == "nb-1"
    assert first["relationships"] == [
        {"resourceType": "AWS::SageMaker::NotebookInstance", "resourceId": "nb-1", "relationshipName": "Is associated with "}
    ]


def test_newest_first_by_default(recording: Account) -> None:
    for day, compliance in enumerate(("NON_COMPLIANT", "COMPLIANT", "NOT_APPLICABLE")):
        recording.post(RULE, ("nb-1", compliance, None), at=T0 + day * DAY)
    items = history(recording, laterTime=T0 + 5 * DAY)
    assert [rules[RULE] for _, rules in states(items)] == ["NOT_APPLICABLE", "COMPLIANT", "NON_COMPLIANT"]
    assert states(items)[0][0] == "NOT_APPLICABLE"


def test_one_call_spans_seven_days_at_most(recording: Account) -> None:
    """A year apart: the paginator walks one empty page per week in between (AWS: "Each call to the API
    is limited to span a duration of seven days")."""
    recording.post(RULE, ("nb-1", "NON_COMPLIANT", None), at=T0)
    recording.post(RULE, ("nb-1", "COMPLIANT", None), at=T0 + 364 * DAY)
    pages = list(
        recording.config.get_paginator("get_resource_config_history").paginate(
            resourceType=COMPLIANCE, resourceId=NB1, laterTime=T0 + 365 * DAY, PaginationConfig={"PageSize": 100}
        )
    )
    assert len(pages) == 53
    assert [len(page["configurationItems"]) for page in pages].count(0) == 51
    assert [item["configurationItemCaptureTime"] for page in pages for item in page["configurationItems"]] == [T0 + 364 * DAY, T0]


def test_pages_of_limit_within_a_window(recording: Account) -> None:
    for hour in range(25):
        recording.post(RULE, ("nb-1", "NON_COMPLIANT" if hour % 2 else "COMPLIANT", None), at=T0 + timedelta(hours=hour))
    first = recording.config.get_resource_config_history(resourceType=COMPLIANCE, resourceId=NB1, laterTime=T0 + DAY * 2)
    assert len(first["configurationItems"]) == 10  # the default limit
    assert len(history(recording, laterTime=T0 + DAY * 2, limit=7)) == 25
    assert len(history(recording, laterTime=T0 + DAY * 2, earlierTime=T0 + timedelta(hours=20))) == 5


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"limit": 101}, "InvalidLimitException"),
        ({"earlierTime": T0 + DAY, "laterTime": T0}, "InvalidTimeRangeException"),
        ({"nextToken": "made-up.token"}, "InvalidNextTokenException"),
        ({"resourceId": "AWS::SageMaker::NotebookInstance/never"}, "ResourceNotDiscoveredException"),
    ],
)
def test_refusals(recording: Account, kwargs: dict, code: str) -> None:
    recording.post(RULE, ("nb-1", "NON_COMPLIANT", None), at=T0)
    with pytest.raises(ClientError) as raised:
        recording.config.get_resource_config_history(**{"resourceType": COMPLIANCE, "resourceId": NB1, **kwargs})
    assert raised.value.response["Error"]["Code"] == code


def test_without_a_recorder_nothing_is_recorded_and_the_history_is_refused(account: Account) -> None:
    account.create_rule(RULE)
    account.post(RULE, ("nb-1", "NON_COMPLIANT", None), at=T0)
    with pytest.raises(ClientError) as raised:
        account.config.get_resource_config_history(resourceType=COMPLIANCE, resourceId=NB1)
    assert raised.value.response["Error"]["Code"] == "NoAvailableConfigurationRecorderException"


@pytest.mark.parametrize(
    "group",
    [
        {"allSupported": False, "resourceTypes": ["AWS::SageMaker::Model"]},
        {"allSupported": False, "exclusionByResourceTypes": {"resourceTypes": [COMPLIANCE]},
         "recordingStrategy": {"useOnly": "EXCLUSION_BY_RESOURCE_TYPES"}},
    ],
    ids=["not-selected", "excluded"],
)  # fmt: skip
def test_a_recorder_that_does_not_record_the_type_records_no_history(account: Account, group: dict) -> None:
    start_recorder(account, group)
    account.create_rule(RULE)
    account.post(RULE, ("nb-1", "NON_COMPLIANT", None), at=T0)
    with pytest.raises(ClientError) as raised:
        account.config.get_resource_config_history(resourceType=COMPLIANCE, resourceId=NB1)
    assert raised.value.response["Error"]["Code"] == "ResourceNotDiscoveredException"


def test_a_stopped_recorder_records_nothing(recording: Account) -> None:
    recording.post(RULE, ("nb-1", "NON_COMPLIANT", None), at=T0)
    recording.config.stop_configuration_recorder(ConfigurationRecorderName="default")
    recording.post(RULE, ("nb-1", "COMPLIANT", None), at=T0 + DAY)
    assert [rules[RULE] for _, rules in states(history(recording))] == ["NON_COMPLIANT"]


def test_discovered_resources_list_the_history(recording: Account) -> None:
    recording.post(RULE, *[(f"nb-{n:03}", "COMPLIANT", None) for n in range(100)], at=T0)
    recording.post(RULE, ("nb-100", "COMPLIANT", None), at=T0)
    pages = list(
        recording.config.get_paginator("list_discovered_resources").paginate(resourceType=COMPLIANCE, includeDeletedResources=True)
    )
    listed = [r["resourceId"] for page in pages for r in page["resourceIdentifiers"]]
    assert len(pages) == 2
    assert listed == sorted(f"AWS::SageMaker::NotebookInstance/nb-{n:03}" for n in range(101))


def test_other_resource_types_are_answered_as_before(recording: Account) -> None:
    recording.session.client("s3").create_bucket(Bucket="still-moto")
    listed = recording.config.list_discovered_resources(resourceType="AWS::S3::Bucket")["resourceIdentifiers"]
    assert [r["resourceId"] for r in listed] == ["still-moto"]
