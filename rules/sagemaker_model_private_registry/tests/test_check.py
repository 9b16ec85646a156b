"""The pure check against models in the shape AWS Config records them (CloudFormation names)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from smguard.engine import Compliance, InvalidRuleParameterError, Resource
from smguard.rules.sagemaker_model_private_registry.check import SagemakerModelPrivateRegistryParameters, check

MODEL = "AWS::SageMaker::Model"
OWN = "111122223333"
ECR_IMAGE = f"{OWN}.dkr.ecr.us-east-1.amazonaws.com/churn:7"
AWS_IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
PRIVATE_IMAGE = "registry.ds.internal:5000/churn:7"
FIX = "Models are immutable: recreate it with RepositoryAccessMode=Vpc on every container (CreateModel, UpdateEndpoint)."
VPC_MODE = {"RepositoryAccessMode": "Vpc"}

RECORDED: dict[str, Any] = {
    "ModelName": "churn-v7",
    "ExecutionRoleArn": "arn:aws:iam::123456789012:role/sagemaker-model",
    "PrimaryContainer": {"Image": PRIVATE_IMAGE, "ImageConfig": VPC_MODE, "ModelDataUrl": "s3://risk-models/churn/v7/model.tar.gz"},
    "EnableNetworkIsolation": True,
}


def model(**changes: object) -> dict[str, Any]:
    return {**copy.deepcopy(RECORDED), **changes}


def evaluate(configuration: dict, **raw_parameters: str) -> tuple[Compliance, str]:
    parameters = SagemakerModelPrivateRegistryParameters.parse(raw_parameters)
    verdict = check(Resource(MODEL, "churn-v7", configuration), parameters)
    return verdict.compliance, verdict.annotation


def test_a_primary_container_from_a_private_registry_in_the_vpc_is_compliant():
    assert evaluate(model()) == (Compliance.COMPLIANT, "PrimaryContainer pulls from a private registry in the VPC (RepositoryAccessMode Vpc).")


@pytest.mark.parametrize(
    ("container", "finding"),
    [
        ({"Image": AWS_IMAGE}, "PrimaryContainer.ImageConfig is absent (the image comes from Amazon ECR)"),
        ({"Image": AWS_IMAGE, "ImageConfig": None}, "PrimaryContainer.ImageConfig is absent (the image comes from Amazon ECR)"),
        ({"Image": AWS_IMAGE, "ImageConfig": {"RepositoryAccessMode": "Platform"}}, "PrimaryContainer.ImageConfig.RepositoryAccessMode is Platform (Amazon ECR)"),
        ({"Image": AWS_IMAGE, "ImageConfig": {}}, "PrimaryContainer.ImageConfig.RepositoryAccessMode is absent (the image comes from Amazon ECR)"),
    ],
)
def test_images_from_amazon_ecr_are_non_compliant_by_default(container: dict, finding: str) -> None:
    assert evaluate(model(PrimaryContainer=container)) == (Compliance.NON_COMPLIANT, f"{finding}. {FIX}")


@pytest.mark.parametrize(
    ("image_config", "finding"),
    [
        ({"RepositoryAccessMode": "vpc"}, 'PrimaryContainer.ImageConfig.RepositoryAccessMode is "vpc", not Vpc or Platform (values are case-sensitive)'),
        ({"RepositoryAccessMode": None}, "PrimaryContainer.ImageConfig.RepositoryAccessMode is null, not Vpc or Platform (values are case-sensitive)"),
        ({"RepositoryAccessMode": ["Vpc"]}, "PrimaryContainer.ImageConfig.RepositoryAccessMode is ['Vpc'] (a list), not Vpc or Platform (values are case-sensitive)"),
        ("Vpc", 'PrimaryContainer.ImageConfig is "Vpc", not an object'),
    ],
)
def test_mistyped_or_miscased_image_configs_are_never_passed(image_config: object, finding: str) -> None:
    assert evaluate(model(PrimaryContainer={"Image": PRIVATE_IMAGE, "ImageConfig": image_config})) == (Compliance.NON_COMPLIANT, f"{finding}. {FIX}")


def test_every_container_of_an_inference_pipeline_is_checked_and_named():
    pipeline = [
        {"ContainerHostname": "preprocess", "Image": PRIVATE_IMAGE, "ImageConfig": VPC_MODE},
        {"ContainerHostname": "predict", "Image": AWS_IMAGE},
        {"Image": AWS_IMAGE, "ImageConfig": {"RepositoryAccessMode": "Platform"}},
    ]
    configuration = {key: value for key, value in model(Containers=pipeline).items() if key != "PrimaryContainer"}
    assert evaluate(configuration) == (
        Compliance.NON_COMPLIANT,
        "Containers[predict].ImageConfig is absent (the image comes from Amazon ECR); Containers[2].ImageConfig."
        "RepositoryAccessMode is Platform (Amazon ECR). Recreate the model (CreateModel).",
    )


def test_a_pipeline_entirely_from_the_private_registry_is_compliant():
    pipeline = [{"ContainerHostname": name, "Image": PRIVATE_IMAGE, "ImageConfig": VPC_MODE} for name in ("a", "b", "c")]
    assert evaluate(model(Containers=pipeline)) == (
        Compliance.COMPLIANT,
        "PrimaryContainer, Containers[a] (+2 more) pull from a private registry in the VPC (RepositoryAccessMode Vpc).",
    )


@pytest.mark.parametrize(
    ("changes", "finding"),
    [
        ({"Containers": "predict"}, 'Containers is "predict", not a list'),
        ({"Containers": [None]}, "Containers[0] is null, not an object"),
        ({"PrimaryContainer": 7}, "PrimaryContainer is 7 (a number), not an object"),
    ],
)
def test_unreadable_containers_are_never_passed(changes: dict, finding: str) -> None:
    assert evaluate(model(**changes)) == (Compliance.NON_COMPLIANT, f"{finding}. {FIX}")


def test_a_model_without_containers_is_non_compliant():
    configuration = {key: value for key, value in RECORDED.items() if key != "PrimaryContainer"}
    assert evaluate(configuration) == (
        Compliance.NON_COMPLIANT,
        "Neither PrimaryContainer nor Containers is recorded, so where the model's images come from cannot be shown; "
        "recreate the model with its containers (CreateModel).",
    )


def test_approved_ecr_accounts_pass_ecr_images_of_theirs_only_and_say_it_is_looser():
    ecr = model(PrimaryContainer={"Image": ECR_IMAGE})
    assert evaluate(ecr, EcrAccountIds=OWN) == (
        Compliance.COMPLIANT,
        "PrimaryContainer pulls from Amazon ECR of an approved account (EcrAccountIds, looser than SageMaker.16/.19).",
    )
    assert evaluate(model(PrimaryContainer={"Image": AWS_IMAGE}), EcrAccountIds=OWN) == (
        Compliance.NON_COMPLIANT,
        f'PrimaryContainer.ImageConfig is absent (the image comes from Amazon ECR) and Image "{AWS_IMAGE}" is in no '
        "approved account's ECR. Recreate the model (CreateModel).",
    )
    assert evaluate(model(PrimaryContainer={"Image": f"docker.io/{OWN}/churn:7"}), EcrAccountIds=OWN)[0] is Compliance.NON_COMPLIANT
    assert evaluate(model(PrimaryContainer={"ModelDataUrl": "s3://m/x"}), EcrAccountIds=OWN) == (
        Compliance.NON_COMPLIANT,
        f"PrimaryContainer.ImageConfig is absent (the image comes from Amazon ECR) and Image absent is in no approved account's ECR. {FIX}",
    )


def test_private_and_approved_ecr_containers_are_both_named():
    pipeline = [{"ContainerHostname": "pre", "Image": ECR_IMAGE}]
    assert evaluate(model(Containers=pipeline), EcrAccountIds=OWN) == (
        Compliance.COMPLIANT,
        "PrimaryContainer pulls from a private registry in the VPC (RepositoryAccessMode Vpc); Containers[pre] pulls from "
        "Amazon ECR of an approved account (EcrAccountIds, looser than SageMaker.16/.19).",
    )


def test_account_ids_are_validated():
    with pytest.raises(InvalidRuleParameterError, match="EcrAccountIds"):
        SagemakerModelPrivateRegistryParameters.parse({"EcrAccountIds": "1111-2222-3333"})
