"""The Service Catalog portfolio of template.yaml (smguard/deploy/portfolio.py): off by default, one
product per products/ template with a launch constraint naming a launch role of the template, the
launch roles allowed only the services of their product's resource types, the shares; and what
packages the product templates: not sam package (shown with the real SAM CLI), but
``make publish-products`` (smguard/deploy/publish.py)."""

from __future__ import annotations

import os
import subprocess

import boto3
import pytest
import yaml
from moto import mock_aws
from moto.server import ThreadedMotoServer

from smguard.deploy.portfolio import PRODUCTS_DIR, load_products
from smguard.deploy.publish import PublishedVersionChangedError, publish
from tests.template.conftest import TOOLS, require_tool
from tests.template.intrinsics import Resolver

CATALOG = "AWS::ServiceCatalog::"
ON = {"DeployProductPortfolio": "true", "ProductTemplatesBucket": "central-it-product-templates"}


def created(template: dict, values: dict[str, str]) -> dict[str, dict]:
    """The resources a stack with these parameter values creates, by logical id."""
    decide = Resolver(template, {"DeploymentScope": "Account", **values})
    return {key: r for key, r in template["Resources"].items() if "Condition" not in r or decide.condition(r["Condition"])}


def test_the_portfolio_is_not_deployed_by_default(template):
    assert not [key for key, r in created(template, {}).items() if r["Type"].startswith(CATALOG) or "Portfolio" in key or "LaunchRole" in key]


def test_the_portfolio_holds_one_product_per_product_template_each_with_a_launch_constraint(template):
    resources = created(template, ON)
    decide = Resolver(template, {"DeploymentScope": "Account", **ON})
    products = {r["Properties"]["Name"]: key for key, r in resources.items() if r["Type"] == f"{CATALOG}CloudFormationProduct"}
    assert sorted(products) == sorted(path.stem for path in PRODUCTS_DIR.glob("*.yaml"))
    associations = {r["Properties"]["ProductId"]["Ref"] for r in resources.values() if r["Type"] == f"{CATALOG}PortfolioProductAssociation"}
    assert associations == set(products.values())
    constraints = {r["Properties"]["ProductId"]["Ref"]: r["Properties"]["LocalRoleName"] for r in resources.values() if r["Type"] == f"{CATALOG}LaunchRoleConstraint"}
    roles = {
        r["Properties"]["RoleName"]: r
        for r in resources.values()
        if r["Type"] == "AWS::IAM::Role" and isinstance(r["Properties"].get("RoleName"), str)
    }
    for name, logical_id in products.items():
        assert constraints[logical_id] == f"smguard-launch-{name}"
        trust = roles[constraints[logical_id]]["Properties"]["AssumeRolePolicyDocument"]["Statement"]
        assert trust == [{"Effect": "Allow", "Principal": {"Service": "servicecatalog.amazonaws.com"}, "Action": "sts:AssumeRole"}]
        (artifact,) = decide.resolve(resources[logical_id]["Properties"]["ProvisioningArtifactParameters"])
        assert artifact["Info"]["LoadTemplateFromURL"].startswith("https://central-it-product-templates.s3.")
        assert artifact["Info"]["LoadTemplateFromURL"].endswith(f"/smguard-products/v1/{name}.yaml")


def _product_services(name: str) -> set[str]:
    """The IAM service prefixes of the resource types a product declares (AWS::EC2::VPC -> ec2)."""
    document = yaml.load((PRODUCTS_DIR / f"{name}.yaml").read_text(), Loader=_Quiet)
    prefixes = {"Lambda": "lambda", "EC2": "ec2", "IAM": "iam", "KMS": "kms", "SageMaker": "sagemaker", "CodeArtifact": "codeartifact"}
    return {prefixes[r["Type"].split("::")[1]] for r in document["Resources"].values() if not r["Type"].startswith("Custom::")}


class _Quiet(yaml.SafeLoader):
    pass


_Quiet.add_multi_constructor("!", lambda loader, suffix, node: None)


@pytest.mark.parametrize("product", [p.name for p in load_products()])
def test_each_launch_role_may_act_on_its_products_services_only(template, product):
    (role,) = [r for r in created(template, ON).values() if r["Type"] == "AWS::IAM::Role" and r["Properties"].get("RoleName") == f"smguard-launch-{product}"]
    statements = role["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    actions = [action for s in statements for action in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])]
    assert not [action for action in actions if "*" in action], "a launch role names every action it needs"
    services = {action.split(":")[0] for action in actions}
    needed = _product_services(product)
    # CloudFormation runs the stack and reads the template from S3; SageMaker's network interfaces and
    # EFS, and the environment's endpoints' private DNS (route53) and flow log delivery (logs), are
    # created on the resource's behalf with the caller's permissions.
    supporting = {"cloudformation", "s3", "ec2", "elasticfilesystem", "route53", "logs", "iam", "kms"}
    assert needed <= services, f"{product}'s launch role cannot create {sorted(needed - services)}"
    assert services <= needed | supporting, f"{product}'s launch role reaches {sorted(services - needed - supporting)}"
    wildcard = [s for s in statements if s["Resource"] == "*"]
    for statement in wildcard:
        if statement["Sid"] != "ReadTheTemplate":
            assert statement["Condition"] == {"StringEquals": {"aws:RequestedRegion": {"Ref": "AWS::Region"}}}


def test_the_portfolio_is_shared_with_the_organization_nodes_and_the_account_given(template):
    values = {**ON, "PortfolioShareOrganizationNodes": "o-abcdefghij,ou-abcd-abcdefgh", "PortfolioShareAccountId": "444455556666"}
    resources = created(template, values)
    decide = Resolver(template, {"DeploymentScope": "Account", **values})
    assert decide.resolve(resources["PortfolioOrganizationShare"]["Properties"]["Nodes"]) == ["o-abcdefghij", "ou-abcd-abcdefgh"]
    assert decide.resolve(resources["ProductPortfolioAccountShare"]["Properties"]["AccountId"]) == "444455556666"
    none = created(template, ON)
    assert "PortfolioOrganizationShare" not in none and "ProductPortfolioAccountShare" not in none


def test_sam_package_does_not_upload_a_service_catalog_products_template(tmp_path):
    """The real SAM CLI against an embedded S3: a nested stack's local TemplateURL is uploaded and
    rewritten, a product's local LoadTemplateFromURL is left as it is."""
    sam = require_tool(TOOLS / "sam" / "bin" / "sam")
    (tmp_path / "product.yaml").write_text((PRODUCTS_DIR / "sagemaker-studio-user.yaml").read_text())
    (tmp_path / "template.yaml").write_text(
        yaml.safe_dump(
            {
                "AWSTemplateFormatVersion": "2010-09-09",
                "Resources": {
                    "Product": {
                        "Type": f"{CATALOG}CloudFormationProduct",
                        "Properties": {"Name": "p", "Owner": "o", "ProvisioningArtifactParameters": [{"Info": {"LoadTemplateFromURL": "product.yaml"}}]},
                    },
                    "Nested": {"Type": "AWS::CloudFormation::Stack", "Properties": {"TemplateURL": "product.yaml"}},
                },
            }
        )
    )
    server = ThreadedMotoServer(port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        credentials = {"AWS_ACCESS_KEY_ID": "packaging", "AWS_SECRET_ACCESS_KEY": "packaging", "AWS_DEFAULT_REGION": "us-east-1"}
        boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="packaging", aws_secret_access_key="packaging").create_bucket(Bucket="smguard-artifacts")
        result = subprocess.run(
            [str(sam), "package", "--template-file", "template.yaml", "--s3-bucket", "smguard-artifacts", "--output-template-file", "packaged.yaml"],
            cwd=tmp_path,
            env={**os.environ, **credentials, "AWS_ENDPOINT_URL": endpoint, "SAM_CLI_TELEMETRY": "0"},
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        server.stop()
    assert result.returncode == 0, result.stderr[-2000:]
    packaged = yaml.safe_load((tmp_path / "packaged.yaml").read_text())["Resources"]
    assert packaged["Nested"]["Properties"]["TemplateURL"].startswith(f"{endpoint}/smguard-artifacts/")
    assert packaged["Product"]["Properties"]["ProvisioningArtifactParameters"] == [{"Info": {"LoadTemplateFromURL": "product.yaml"}}]


@mock_aws
def test_publish_uploads_each_product_template_once_and_refuses_to_change_a_published_version(tmp_path):
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="central-it-product-templates")
    assert publish(s3, "central-it-product-templates", "smguard-products/v1") == [
        f"smguard-products/v1/{product.name}.yaml" for product in load_products()
    ]
    body = s3.get_object(Bucket="central-it-product-templates", Key="smguard-products/v1/sagemaker-notebook.yaml")["Body"].read()
    assert body == (PRODUCTS_DIR / "sagemaker-notebook.yaml").read_bytes()
    assert publish(s3, "central-it-product-templates", "smguard-products/v1") == []

    changed = tmp_path / "products"
    changed.mkdir()
    for path in PRODUCTS_DIR.glob("*.yaml"):
        (changed / path.name).write_text(path.read_text())
    (changed / "sagemaker-notebook.yaml").write_text((PRODUCTS_DIR / "sagemaker-notebook.yaml").read_text() + "# v2\n")
    with pytest.raises(PublishedVersionChangedError, match="smguard-products/v1/sagemaker-notebook.yaml holds another version"):
        publish(s3, "central-it-product-templates", "smguard-products/v1", changed)
    assert publish(s3, "central-it-product-templates", "smguard-products/v2", changed)[1] == "smguard-products/v2/sagemaker-notebook.yaml"

