"""The optional Service Catalog portfolio of template.yaml: the products of products/, self-service
with compliance built in (docs/products.md).

Behind the ``DeployProductPortfolio`` condition (parameter ``DeployProductPortfolio=true``) the
template gets a portfolio, one ``AWS::ServiceCatalog::CloudFormationProduct`` per template in
products/ (its name is the file's stem, its description the template's own), a launch role per
product that may create only that product's resource types, a launch constraint naming that role by
``LocalRoleName`` (so the same constraint works in every account the portfolio is shared with, where
a role of that name must exist), the principals (an IAM role name pattern) that may launch the
products, and the portfolio's shares.

Sharing: ``AWS::ServiceCatalog::PortfolioShare`` shares with accounts only; a share with the
organization or an OU (CreatePortfolioShare's ``OrganizationNode``) has no CloudFormation resource,
so a custom resource makes it (``PortfolioOrganizationShare``). Service Catalog's access to AWS
Organizations must be enabled first, from the management account (EnableAWSOrganizationsAccess).

Packaging: neither ``sam package`` nor ``aws cloudformation package`` rewrites
``ProvisioningArtifactParameters[].Info.LoadTemplateFromURL`` (SAM CLI's packageable resources list
no Service Catalog type; tests/template/test_portfolio.py runs the SAM CLI to show it), so the
product templates are uploaded by ``make publish-products`` to ``ProductTemplatesBucket`` under
``ProductTemplatesPrefix``, where the products read them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from smguard.deploy.iam import policy_document
from smguard.deploy.rule_stack import checkov_skips

PRODUCTS_DIR = Path(__file__).resolve().parents[2] / "products"
CONDITION = "DeployProductPortfolio"
ORGANIZATION_SHARE_CONDITION = "SharePortfolioWithOrganizationNodes"
ACCOUNT_SHARE_CONDITION = "SharePortfolioWithAccounts"
OWNER = "central-it-team"
DESCRIPTION_PREFIX = "smguard product "
STACK_PREFIX = "SC-"
"""Service Catalog names a provisioned product's stack SC-<account>-pp-<id>; CloudFormation names the
roles and functions a stack creates after the stack: what a launch role may touch starts so."""

PARAMETERS: dict[str, Any] = {
    CONDITION: {
        "Type": "String",
        "AllowedValues": ["true", "false"],
        "Default": "false",
        "Description": (
            "true: deploy the Service Catalog portfolio of the products in products/ (data-science environment, "
            "notebook, Studio domain, Studio user) with their launch roles; needs ProductTemplatesBucket."
        ),
    },
    "ProductTemplatesBucket": {
        "Type": "String",
        "Default": "",
        "AllowedPattern": "^(|[a-z0-9][a-z0-9.-]{1,61}[a-z0-9])$",
        "Description": "The S3 bucket `make publish-products` uploaded the product templates to.",
    },
    "ProductTemplatesPrefix": {
        "Type": "String",
        "Default": "smguard-products/v1",
        "AllowedPattern": "^[A-Za-z0-9._/-]{1,200}$",
        "Description": "The key prefix of the product templates in ProductTemplatesBucket (a new prefix per published version).",
    },
    "ProductLaunchPrincipalRoleName": {
        "Type": "String",
        "Default": "DataScientist",
        "AllowedPattern": "^[A-Za-z0-9+=,.@_/-]{1,64}$",
        "Description": "Name of the IAM role (in this account and in every account the portfolio is shared with) that may launch the products.",
    },
    "PortfolioShareOrganizationNodes": {
        "Type": "CommaDelimitedList",
        "Default": "",
        "AllowedPattern": "^(|o-[a-z0-9]{10,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$",
        "ConstraintDescription": "each value must be an organization ID (o-...) or an OU ID (ou-...-...)",
        "Description": "Share the portfolio with these organization nodes: the organization (o-...) or OUs (ou-...). Empty: no such share.",
    },
    "PortfolioShareAccountId": {
        "Type": "String",
        "Default": "",
        "AllowedPattern": "^(|[0-9]{12})$",
        "Description": "Share the portfolio with this one account (outside an organization share). Empty: no account share.",
    },
}


@dataclass(frozen=True)
class LaunchPermissions:
    """What CloudFormation, acting as a product's launch role, must be allowed to create its resources."""

    actions: tuple[str, ...]
    """Actions on resources whose ARN CloudFormation cannot know beforehand (ids are generated)."""
    stack_named: tuple[str, ...] = ()
    """Actions on the IAM roles and Lambda functions the product's stack creates (named after it)."""


EC2_NETWORK = (
    "ec2:AssociateRouteTable", "ec2:AuthorizeSecurityGroupEgress", "ec2:AuthorizeSecurityGroupIngress",
    "ec2:CreateFlowLogs", "ec2:CreateRouteTable", "ec2:CreateSecurityGroup", "ec2:CreateSubnet", "ec2:CreateTags",
    "ec2:CreateVpc", "ec2:CreateVpcEndpoint", "ec2:DeleteFlowLogs", "ec2:DeleteRouteTable", "ec2:DeleteSecurityGroup",
    "ec2:DeleteSubnet", "ec2:DeleteTags", "ec2:DeleteVpc", "ec2:DeleteVpcEndpoints", "ec2:DescribeAvailabilityZones",
    "ec2:DescribeFlowLogs", "ec2:DescribeRouteTables", "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets",
    "ec2:DescribeVpcAttribute", "ec2:DescribeVpcEndpoints", "ec2:DescribeVpcs", "ec2:DisassociateRouteTable",
    "ec2:ModifySubnetAttribute", "ec2:ModifyVpcAttribute", "ec2:ModifyVpcEndpoint", "ec2:RevokeSecurityGroupEgress",
    "ec2:RevokeSecurityGroupIngress",
    # CreateVpcEndpoint with private DNS associates the VPC with the service's private hosted zone
    # (Service Authorization Reference, Amazon EC2: dependent actions of CreateVpcEndpoint).
    "route53:AssociateVPCWithHostedZone",
    # Flow logs to S3 (Amazon VPC User Guide, "IAM policies for flow logs to Amazon S3").
    "logs:CreateLogDelivery", "logs:DeleteLogDelivery",
    "codeartifact:AssociateExternalConnection", "codeartifact:CreateDomain", "codeartifact:CreateRepository",
    "codeartifact:DeleteDomain", "codeartifact:DeleteRepository", "codeartifact:DescribeDomain",
    "codeartifact:DescribeRepository", "codeartifact:DisassociateExternalConnection", "codeartifact:ListTagsForResource",
    "codeartifact:TagResource", "codeartifact:UntagResource", "codeartifact:UpdateRepository",
)  # fmt: skip
ROLES = (
    "iam:AttachRolePolicy", "iam:CreateRole", "iam:DeleteRole", "iam:DeleteRolePolicy", "iam:DetachRolePolicy",
    "iam:GetRole", "iam:GetRolePolicy", "iam:PassRole", "iam:PutRolePolicy", "iam:TagRole", "iam:UntagRole",
)  # fmt: skip
KMS_KEYS = (
    "kms:CreateKey", "kms:DescribeKey", "kms:EnableKeyRotation", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus",
    "kms:ListResourceTags", "kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:TagResource", "kms:UntagResource",
    # SageMaker creates the notebook's or domain's encrypted volumes with the caller's grants.
    "kms:CreateGrant", "kms:Decrypt", "kms:GenerateDataKeyWithoutPlaintext",
)  # fmt: skip

PERMISSIONS: dict[str, LaunchPermissions] = {
    "data-science-environment": LaunchPermissions(
        EC2_NETWORK,
        (*ROLES, "lambda:CreateFunction", "lambda:DeleteFunction", "lambda:GetFunction", "lambda:InvokeFunction", "lambda:TagResource"),
    ),
    "sagemaker-notebook": LaunchPermissions(
        (
            *KMS_KEYS, "kms:CreateAlias", "kms:DeleteAlias", "sagemaker:AddTags", "sagemaker:CreateNotebookInstance",
            "sagemaker:DeleteNotebookInstance", "sagemaker:DescribeNotebookInstance", "sagemaker:StopNotebookInstance",
            "sagemaker:UpdateNotebookInstance", "ec2:CreateNetworkInterface", "ec2:CreateNetworkInterfacePermission",
            "ec2:DescribeNetworkInterfaces", "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVpcs",
        ),
        ROLES,
    ),
    "sagemaker-studio": LaunchPermissions(
        (
            *KMS_KEYS, "sagemaker:AddTags", "sagemaker:CreateDomain", "sagemaker:DeleteDomain", "sagemaker:DescribeDomain",
            "sagemaker:UpdateDomain", "elasticfilesystem:CreateFileSystem", "elasticfilesystem:CreateMountTarget",
            "elasticfilesystem:DeleteFileSystem", "elasticfilesystem:DeleteMountTarget", "elasticfilesystem:DescribeFileSystems",
            "elasticfilesystem:DescribeMountTargets", "ec2:AuthorizeSecurityGroupEgress", "ec2:AuthorizeSecurityGroupIngress",
            "ec2:CreateNetworkInterface", "ec2:CreateNetworkInterfacePermission", "ec2:CreateSecurityGroup",
            "ec2:DeleteNetworkInterface", "ec2:DeleteSecurityGroup", "ec2:DescribeNetworkInterfaces",
            "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVpcs", "ec2:RevokeSecurityGroupEgress",
            "ec2:RevokeSecurityGroupIngress",
        ),
        ROLES,
    ),
    "sagemaker-studio-user": LaunchPermissions(
        (
            "sagemaker:AddTags", "sagemaker:CreateUserProfile", "sagemaker:DeleteUserProfile",
            "sagemaker:DescribeUserProfile", "sagemaker:UpdateUserProfile", "sagemaker:DescribeDomain",
        ),
        ("iam:PassRole",),
    ),
}  # fmt: skip
"""Per product (its file's stem), from the resource types it declares (CloudFormation User Guide:
each resource type's handler permissions)."""


@dataclass(frozen=True)
class Product:
    """One template of products/."""

    name: str
    description: str

    @property
    def logical_id(self) -> str:
        return "".join(part.capitalize() for part in self.name.split("-"))

    @property
    def file_name(self) -> str:
        return f"{self.name}.yaml"


class ProductTemplateError(ValueError):
    """A template of products/ cannot be published (no description of the expected form, no launch permissions)."""


def load_products(directory: Path = PRODUCTS_DIR) -> list[Product]:
    """The products, in file-name order; each template's Description starts ``smguard product <name>: ``."""
    products = []
    for path in sorted(directory.glob("*.yaml")):
        description = yaml.load(path.read_text(), Loader=_TagIgnoringLoader).get("Description", "")
        lead = f"{DESCRIPTION_PREFIX}{path.stem}: "
        if not isinstance(description, str) or not description.startswith(lead):
            raise ProductTemplateError(f"{path}: its Description must start with {lead!r}")
        if path.stem not in PERMISSIONS:
            raise ProductTemplateError(f"{path}: no launch permissions for {path.stem} in smguard/deploy/portfolio.py")
        products.append(Product(path.stem, description.removeprefix(lead).strip()))
    return products


class _TagIgnoringLoader(yaml.SafeLoader):
    """Reads a template's top level (its Description) without resolving !Ref, !Sub..."""


_TagIgnoringLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


def template_fragment(directory: Path = PRODUCTS_DIR) -> dict[str, dict[str, Any]]:
    """Parameters, Conditions, Rules and Resources of the portfolio, for the template generator to merge;
    empty without products/ (an installed package)."""
    if not directory.is_dir():
        return {}
    products = load_products(directory)
    resources: dict[str, Any] = {
        "ProductPortfolio": _conditional(
            "AWS::ServiceCatalog::Portfolio",
            {
                "DisplayName": "data-science",
                "ProviderName": OWNER,
                "Description": "Self-service SageMaker environments, compliant with the smguard rules by construction.",
            },
        ),
        "ProductPortfolioLaunchers": _conditional(
            "AWS::ServiceCatalog::PortfolioPrincipalAssociation",
            {
                "PortfolioId": {"Ref": "ProductPortfolio"},
                # IAM_PATTERN: the role of this name in every account the portfolio is shared with.
                "PrincipalType": "IAM_PATTERN",
                "PrincipalARN": {"Fn::Sub": "arn:${AWS::Partition}:iam:::role/${ProductLaunchPrincipalRoleName}"},
            },
        ),
        "ProductPortfolioAccountShare": {
            "Type": "AWS::ServiceCatalog::PortfolioShare",
            "Condition": ACCOUNT_SHARE_CONDITION,
            "Properties": {"PortfolioId": {"Ref": "ProductPortfolio"}, "AccountId": {"Ref": "PortfolioShareAccountId"}},
        },
        **_organization_share(),
    }
    for product in products:
        resources.update(_product_resources(product))
    return {
        "Parameters": dict(PARAMETERS),
        "Conditions": {
            CONDITION: {"Fn::Equals": [{"Ref": CONDITION}, "true"]},
            ORGANIZATION_SHARE_CONDITION: {
                "Fn::And": [
                    {"Condition": CONDITION},
                    {"Fn::Not": [{"Fn::Equals": [{"Fn::Join": ["", {"Ref": "PortfolioShareOrganizationNodes"}]}, ""]}]},
                ]
            },
            ACCOUNT_SHARE_CONDITION: {
                "Fn::And": [{"Condition": CONDITION}, {"Fn::Not": [{"Fn::Equals": [{"Ref": "PortfolioShareAccountId"}, ""]}]}]
            },
        },
        "Rules": {
            "ProductPortfolioNeedsTemplatesBucket": {
                "RuleCondition": {"Fn::Equals": [{"Ref": CONDITION}, "true"]},
                "Assertions": [
                    {
                        "Assert": {"Fn::Not": [{"Fn::Equals": [{"Ref": "ProductTemplatesBucket"}, ""]}]},
                        "AssertDescription": "DeployProductPortfolio=true needs ProductTemplatesBucket (make publish-products).",
                    }
                ],
            }
        },
        "Resources": resources,
    }


def _conditional(kind: str, properties: dict[str, Any]) -> dict[str, Any]:
    return {"Type": kind, "Condition": CONDITION, "Properties": properties}


def launch_role_name(product: Product) -> str:
    return f"smguard-launch-{product.name}"


def _product_resources(product: Product) -> dict[str, Any]:
    logical_id = product.logical_id
    return {
        f"{logical_id}Product": _conditional(
            "AWS::ServiceCatalog::CloudFormationProduct",
            {
                "Name": product.name,
                "Owner": OWNER,
                "Distributor": OWNER,
                "Description": product.description,
                "ProvisioningArtifactParameters": [
                    {
                        "Name": {"Ref": "ProductTemplatesPrefix"},
                        "Description": f"products/{product.file_name} as published under ProductTemplatesPrefix",
                        "Info": {
                            "LoadTemplateFromURL": {
                                "Fn::Sub": f"https://${{ProductTemplatesBucket}}.s3.${{AWS::Region}}.${{AWS::URLSuffix}}/${{ProductTemplatesPrefix}}/{product.file_name}"
                            }
                        },
                    }
                ],
            },
        ),
        f"{logical_id}ProductInPortfolio": _conditional(
            "AWS::ServiceCatalog::PortfolioProductAssociation",
            {"PortfolioId": {"Ref": "ProductPortfolio"}, "ProductId": {"Ref": f"{logical_id}Product"}},
        ),
        f"{logical_id}LaunchRole": _launch_role(product),
        f"{logical_id}LaunchConstraint": {
            **_conditional(
                "AWS::ServiceCatalog::LaunchRoleConstraint",
                {
                    "PortfolioId": {"Ref": "ProductPortfolio"},
                    "ProductId": {"Ref": f"{logical_id}Product"},
                    "LocalRoleName": launch_role_name(product),
                    "Description": f"{product.name} is launched with {launch_role_name(product)}, never the user's own permissions",
                },
            ),
            "DependsOn": [f"{logical_id}ProductInPortfolio", f"{logical_id}LaunchRole"],
        },
    }


NO_RESOURCE_LEVEL = frozenset(
    {
        "codeartifact:CreateDomain", "codeartifact:CreateRepository", "codeartifact:ListTagsForResource",
        "codeartifact:TagResource", "codeartifact:UntagResource", "ec2:CreateTags", "ec2:DeleteTags",
        "ec2:DescribeAvailabilityZones", "ec2:DescribeFlowLogs", "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeRouteTables", "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVpcEndpoints",
        "ec2:DescribeVpcs", "ec2:DisassociateRouteTable", "elasticfilesystem:CreateFileSystem",
        "elasticfilesystem:DescribeFileSystems", "kms:CreateKey", "logs:CreateLogDelivery", "logs:DeleteLogDelivery",
        "route53:AssociateVPCWithHostedZone", "sagemaker:AddTags",
    }
)  # fmt: skip
"""Actions granted on "*" (the IAM policy database parliament reads lists no resource type for them; a
"*" grants them whatever AWS evaluates). Every other action is held to ARNs of its service in this
region (tests/template/test_parliament.py finds any action left on "*" that could be narrower)."""
OWN_ACCOUNT_SERVICES = frozenset({"kms", "sagemaker", "codeartifact", "elasticfilesystem"})
"""Services whose resources a product creates in its own account only. EC2 actions also name resources
of other owners (the AWS services' endpoint services), so theirs are held to the region alone."""


def _resource_statements(actions: tuple[str, ...]) -> list[dict[str, Any]]:
    """The product's actions: on ARNs of their service in this region where IAM allows it, else on "*"
    held to this region; resource ids are generated, so no narrower ARN is known beforehand."""
    region = {"StringEquals": {"aws:RequestedRegion": {"Ref": "AWS::Region"}}}
    unscoped = sorted(action for action in set(actions) if action in NO_RESOURCE_LEVEL)
    statements: list[dict[str, Any]] = [
        {"Sid": "ActionsWithoutResourceLevelPermissions", "Effect": "Allow", "Action": unscoped, "Resource": "*", "Condition": region}
    ] if unscoped else []
    services = sorted({action.split(":")[0] for action in actions if action not in NO_RESOURCE_LEVEL})
    for service in services:
        account = "${AWS::AccountId}" if service in OWN_ACCOUNT_SERVICES else "*"
        statements.append(
            {
                "Sid": f"{service.replace('elasticfilesystem', 'efs').capitalize()}InThisRegion",
                "Effect": "Allow",
                "Action": sorted({action for action in actions if action.startswith(f"{service}:") and action not in NO_RESOURCE_LEVEL}),
                "Resource": {"Fn::Sub": f"arn:${{AWS::Partition}}:{service}:${{AWS::Region}}:{account}:*"},
            }
        )
    return statements


def _launch_role(product: Product) -> dict[str, Any]:
    """The role CloudFormation uses to launch ``product``: its stack, its template, its resources only."""
    permissions = PERMISSIONS[product.name]
    stack = {"Fn::Sub": f"arn:${{AWS::Partition}}:cloudformation:${{AWS::Region}}:${{AWS::AccountId}}:stack/{STACK_PREFIX}*"}
    statements: list[dict[str, Any]] = [
        {
            "Sid": "TheProductsStack",
            "Effect": "Allow",
            "Action": [
                "cloudformation:CreateStack", "cloudformation:DeleteStack", "cloudformation:DescribeStackEvents",
                "cloudformation:DescribeStacks", "cloudformation:SetStackPolicy", "cloudformation:UpdateStack",
            ],
            "Resource": stack,
        },
        {
            "Sid": "ReadTheTemplate",
            "Effect": "Allow",
            "Action": ["cloudformation:GetTemplateSummary", "cloudformation:ValidateTemplate"],
            "Resource": "*",  # neither action supports resource-level permissions
        },
        {
            "Sid": "ThePublishedTemplate",
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": {"Fn::Sub": f"arn:${{AWS::Partition}}:s3:::${{ProductTemplatesBucket}}/${{ProductTemplatesPrefix}}/{product.file_name}"},
        },
        *_resource_statements(permissions.actions),
    ]
    if permissions.stack_named:
        statements.append(
            {
                "Sid": "TheRolesAndFunctionsTheStackNames",
                "Effect": "Allow",
                "Action": sorted(set(permissions.stack_named)),
                "Resource": [
                    {"Fn::Sub": f"arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:role/{STACK_PREFIX}*"},
                    {"Fn::Sub": f"arn:${{AWS::Partition}}:lambda:${{AWS::Region}}:${{AWS::AccountId}}:function:{STACK_PREFIX}*"},
                ],
            }
        )
    return {
        "Type": "AWS::IAM::Role",
        "Condition": CONDITION,
        "Metadata": checkov_skips(**_launch_role_skips(permissions)),
        "Properties": {
            "RoleName": launch_role_name(product),
            "Description": f"Service Catalog launch role of {product.name}: creates that product's resources only.",
            "AssumeRolePolicyDocument": policy_document(
                [{"Effect": "Allow", "Principal": {"Service": "servicecatalog.amazonaws.com"}, "Action": "sts:AssumeRole"}]
            ),
            "Policies": [{"PolicyName": "launch", "PolicyDocument": policy_document(statements)}],
        },
    }


def _launch_role_skips(permissions: LaunchPermissions) -> dict[str, str]:
    reasons = {
        "CKV_AWS_111": (
            "CloudFormation creates this product's resources with this role; their ids (vpc-, sg-, key ids) are "
            "generated, so no ARN is known beforehand: the actions are the product's only, held to this region."
        )
    }
    if "kms:PutKeyPolicy" in permissions.actions:
        reasons["CKV_AWS_109"] = (
            "kms:PutKeyPolicy sets the policy of the key this product creates, whose id is generated; only this "
            "product's actions, held to this region."
        )
    return reasons


SHARE_FUNCTION_CODE = '''\
import boto3
import cfnresponse


def handler(event, context):
    properties = event["ResourceProperties"]
    catalog = boto3.client("servicecatalog")
    wanted = [node for node in properties["Nodes"] if node]
    old = [node for node in event.get("OldResourceProperties", {}).get("Nodes", []) if node]
    status, reason = cfnresponse.SUCCESS, None
    try:
        removed = old if event["RequestType"] == "Delete" else [node for node in old if node not in wanted]
        added = [] if event["RequestType"] == "Delete" else [node for node in wanted if node not in old]
        for node in removed:
            catalog.delete_portfolio_share(PortfolioId=properties["PortfolioId"], OrganizationNode=organization_node(node))
        for node in added:
            catalog.create_portfolio_share(
                PortfolioId=properties["PortfolioId"], OrganizationNode=organization_node(node), SharePrincipals=True
            )
    except Exception as error:  # CloudFormation must hear of any failure, or it waits an hour
        reason = f"portfolio share failed: {error}"
        print(reason)
        status = cfnresponse.FAILED
    cfnresponse.send(event, context, status, {}, properties["PortfolioId"] + "-organization-share", reason=reason)


def organization_node(node):
    return {"Type": "ORGANIZATION" if node.startswith("o-") else "ORGANIZATIONAL_UNIT", "Value": node}
'''
"""Shares with an organization node (CreatePortfolioShare, OrganizationNode); SharePrincipals so the
IAM_PATTERN principal association holds in the recipients' accounts too."""


def _organization_share() -> dict[str, Any]:
    portfolio_arn = {"Fn::Sub": "arn:${AWS::Partition}:catalog:${AWS::Region}:${AWS::AccountId}:portfolio/${ProductPortfolio}"}
    return {
        "PortfolioShareFunctionRole": {
            "Type": "AWS::IAM::Role",
            "Condition": ORGANIZATION_SHARE_CONDITION,
            "Properties": {
                "Description": "Creates and deletes the portfolio's shares with organization nodes.",
                "AssumeRolePolicyDocument": policy_document(
                    [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]
                ),
                "Policies": [
                    {
                        "PolicyName": "portfolio-share",
                        "PolicyDocument": policy_document(
                            [
                                {
                                    "Effect": "Allow",
                                    "Action": ["servicecatalog:CreatePortfolioShare", "servicecatalog:DeletePortfolioShare"],
                                    "Resource": portfolio_arn,
                                },
                                {
                                    # Service Catalog checks the organization the share names (Service
                                    # Catalog Administrator Guide, "Sharing with AWS Organizations").
                                    "Effect": "Allow",
                                    "Action": "organizations:DescribeOrganization",
                                    "Resource": "*",
                                },
                                {
                                    "Effect": "Allow",
                                    "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                                    "Resource": {"Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/*"},
                                },
                            ]
                        ),
                    }
                ],
            },
        },
        "PortfolioShareFunction": {
            "Type": "AWS::Lambda::Function",
            "Condition": ORGANIZATION_SHARE_CONDITION,
            "Metadata": checkov_skips(
                CKV_AWS_117="Runs once per stack operation and calls only the Service Catalog API; needs no VPC.",
                CKV_AWS_116="Invoked synchronously by CloudFormation, which reports a failure as the stack's own; no queue to drain.",
                CKV_AWS_115="Invoked once per stack create or update by CloudFormation; a concurrency reservation protects nothing.",
                CKV_AWS_173="The function has no environment variables to encrypt.",
            ),
            "Properties": {
                "Description": "Shares the smguard product portfolio with organization nodes (CloudFormation custom resource)",
                "Runtime": "python3.12",
                "Handler": "index.handler",
                "Timeout": 60,
                "Role": {"Fn::GetAtt": ["PortfolioShareFunctionRole", "Arn"]},
                "Code": {"ZipFile": SHARE_FUNCTION_CODE},
            },
        },
        "PortfolioOrganizationShare": {
            "Type": "Custom::PortfolioOrganizationShare",
            "Condition": ORGANIZATION_SHARE_CONDITION,
            "Properties": {
                "ServiceToken": {"Fn::GetAtt": ["PortfolioShareFunction", "Arn"]},
                "PortfolioId": {"Ref": "ProductPortfolio"},
                "Nodes": {"Ref": "PortfolioShareOrganizationNodes"},
            },
        },
    }

