"""Launch a product template of products/ in the embedded AWS, as CloudFormation creates its resources.

The demo provisions the Service Catalog products a data scientist launches (docs/products.md) so the
rules can judge what the products really create. Each resource is created, in dependency order, by
the API call CloudFormation's handler for its type makes, with the properties resolved by scan's
resolver knowing what a deployment knows: the account, the region, the stack's name, the physical
ids and attributes of the resources created before, the Availability Zones, ``Fn::Cidr`` and the
exports of the stacks launched before (``Fn::ImportValue``; a missing export is refused, as
CloudFormation refuses it).

What CloudFormation does beyond the API call is done too, each with its documentation page:
- a VPC's default security group is given the rules AWS gives it (moto gives none), so that the
  product's custom resource has something to close (:func:`smguard.resources.types.vpc.as_aws_creates_it`);
- a security group with ``SecurityGroupEgress`` loses the default allow-all egress rule;
- a custom resource runs its function's inline code (``Code.ZipFile``) in this process against the
  embedded AWS, with ``cfnresponse`` (which Lambda provides to inline code) reporting to this
  provisioner instead of an S3 URL; a FAILED response fails the launch.

Types moto does not implement (CodeArtifact, SageMaker user profiles) are not created: they are listed
in :attr:`ProvisionedStack.skipped`; a resource that needs one of them is refused, and an export of
one is not made, so importing it is refused.
IAM roles are created with their trust policy only (moto does not enforce IAM).
"""

from __future__ import annotations

import contextlib
import io
import ipaddress
import json
import os
import re
import sys
import types
import uuid
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from smguard.resources.types.vpc import as_aws_creates_it, default_group
from smguard.scan.intrinsics import SUB_VARIABLE, Resolver
from smguard.scan.loader import load_template
from smguard.scan.values import Opaque, Unresolved

CUSTOM_PREFIX = "Custom::"


class ProvisioningError(RuntimeError):
    """The product cannot be launched: a value that is not known, a missing export, a failed custom resource."""


@dataclass
class ProvisionedStack:
    """What a launch created: physical ids by logical id, the stack's exports, what was not created."""

    name: str
    physical_ids: dict[str, str] = field(default_factory=dict)
    exports: dict[str, str] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    """Logical id -> type of the resources the embedded AWS cannot create."""


class _LaunchResolver(Resolver):
    """scan's resolver, knowing what a deployment of this stack knows so far."""

    def __init__(self, launch: _Launch, parameters: Mapping[str, str]) -> None:
        super().__init__(launch.template, parameters, launch.session.region_name)
        self.launch = launch

    def _pseudo(self, name: str) -> Any:
        known = {
            "AWS::AccountId": self.launch.account_id,
            "AWS::StackName": self.launch.stack.name,
            "AWS::StackId": f"arn:aws:cloudformation:{self.region}:{self.launch.account_id}:stack/{self.launch.stack.name}/{self.launch.stack_uuid}",
            "AWS::URLSuffix": "amazonaws.com",
        }
        return known[name] if name in known else super()._pseudo(name)

    def _ref(self, node: Any, name: Any, path: str) -> Any:
        if isinstance(name, str) and name in self.resources:
            return self.launch.physical_id(name, path)
        return super()._ref(node, name, path)

    def _function(self, node: Any, name: str, argument: Any, path: str) -> Any:
        if name == "Fn::GetAtt":
            logical_id, attribute = argument.split(".", 1) if isinstance(argument, str) else argument
            return self.launch.attribute(logical_id, attribute, path)
        if name == "Fn::Sub":
            return super()._function(node, name, self._attributes_substituted(argument, path), path)
        if name == "Fn::ImportValue":
            export = self.resolve(argument, path)
            if export not in self.launch.imports:
                raise ProvisioningError(f"{path}: No export named {export} found (launch the product that exports it first)")
            return self.launch.imports[export]
        if name == "Fn::GetAZs":
            zones = self.launch.session.client("ec2").describe_availability_zones()["AvailabilityZones"]
            return [zone["ZoneName"] for zone in zones if zone.get("State", "available") == "available"]
        if name == "Fn::Cidr":
            block, count, bits = self.resolve(argument, path)
            network = ipaddress.ip_network(block)
            # Fn::Cidr: `count` blocks of `bits` host bits (CloudFormation User Guide, "Fn::Cidr").
            return [str(subnet) for _, subnet in zip(range(int(count)), network.subnets(new_prefix=network.max_prefixlen - int(bits)))]
        return super()._function(node, name, argument, path)

    def _attributes_substituted(self, argument: Any, path: str) -> Any:
        """``${Logical.Attribute}`` of a resource written out, which scan's Fn::Sub leaves open."""
        text, variables = (argument[0], argument[1]) if isinstance(argument, list) else (argument, {})

        def value(match: re.Match[str]) -> str:
            name = match.group(1)
            logical_id, _, attribute = name.partition(".")
            if attribute and logical_id in self.resources and name not in variables:
                return str(self.launch.attribute(logical_id, attribute, path))
            return match.group(0)

        substituted = SUB_VARIABLE.sub(value, text) if isinstance(text, str) else text
        return [substituted, variables] if isinstance(argument, list) else substituted


Creator = Callable[["_Launch", str, dict[str, Any]], tuple[str, dict[str, str]]]
"""Creates one resource from its resolved properties: its physical id and its attributes."""


class _Launch:
    def __init__(self, session: Any, path: Path, stack_name: str, parameters: Mapping[str, str], imports: Mapping[str, str], account_id: str) -> None:
        self.session = session
        self.template = load_template(path)
        self.account_id = account_id
        self.stack = ProvisionedStack(stack_name)
        self.stack_uuid = uuid.uuid4()
        self.imports = dict(imports)
        self.attributes: dict[tuple[str, str], str] = {}
        self.functions: dict[str, tuple[str, str]] = {}
        """Function ARN -> (Handler, inline code) of the stack's functions, for its custom resources."""
        self.resolver = _LaunchResolver(self, parameters)
        self.resources: Mapping[str, Any] = self.resolver.resources

    def physical_id(self, logical_id: str, where: str) -> str:
        if logical_id in self.stack.skipped:
            raise ProvisioningError(f"{where}: {logical_id} ({self.stack.skipped[logical_id]}) is not created by the embedded AWS")
        return self.stack.physical_ids[logical_id]

    def attribute(self, logical_id: str, attribute: str, where: str) -> str:
        self.physical_id(logical_id, where)
        if (logical_id, attribute) not in self.attributes:
            raise ProvisioningError(f"{where}: Fn::GetAtt {logical_id}.{attribute} is not an attribute the embedded AWS knows")
        return self.attributes[(logical_id, attribute)]

    def properties(self, logical_id: str) -> dict[str, Any]:
        """The resolved properties; of a type in RESOLVED_ONLY, only the properties its creator uses."""
        declared = self.resources[logical_id].get("Properties", {})
        only = RESOLVED_ONLY.get(self.resources[logical_id]["Type"])
        if only is not None:
            declared = {key: value for key, value in declared.items() if key in only}
        resolved = _known(self.resolver.resolve(declared, logical_id), logical_id)
        if not isinstance(resolved, dict):
            raise ProvisioningError(f"{logical_id}: its Properties are not a mapping")
        return resolved

    def run(self) -> ProvisionedStack:
        for logical_id in _dependency_order(self.resources):
            kind = self.resources[logical_id]["Type"]
            creator = CREATORS.get(kind) or (_custom_resource if kind.startswith(CUSTOM_PREFIX) else None)
            needs_skipped = sorted(_references(self.resources[logical_id]) & set(self.stack.skipped))
            if creator is None:
                self.stack.skipped[logical_id] = kind
                continue
            if needs_skipped:
                raise ProvisioningError(f"{logical_id} needs {', '.join(needs_skipped)}, which the embedded AWS does not create")
            physical_id, attributes = creator(self, logical_id, self.properties(logical_id))
            self.stack.physical_ids[logical_id] = physical_id
            self.attributes.update({(logical_id, name): value for name, value in attributes.items()})
        for name, output in (self.template.document.get("Outputs") or {}).items():
            if "Export" not in output:
                continue
            if _references(output) & set(self.stack.skipped):
                continue  # an export of a resource not created: importing it is refused
            export = _known(self.resolver.resolve(output["Export"]["Name"], f"Outputs.{name}.Export.Name"), name)
            self.stack.exports[str(export)] = str(_known(self.resolver.resolve(output["Value"], f"Outputs.{name}.Value"), name))
        return self.stack


def provision(
    session: Any, path: Path, *, stack_name: str, account_id: str, parameters: Mapping[str, str] | None = None, imports: Mapping[str, str] | None = None
) -> ProvisionedStack:
    """Create the resources of the product template at ``path`` in ``session``'s account and region.

    ``imports`` are the exports of the stacks launched before, by name."""
    return _Launch(session, path, stack_name, parameters or {}, imports or {}, account_id).run()


def _known(value: Any, where: str) -> Any:
    if isinstance(value, (Unresolved, Opaque)):
        raise ProvisioningError(f"{where}: {value.reason}")
    if isinstance(value, dict):
        return {key: _known(item, f"{where}.{key}") for key, item in dict.items(value)}
    if isinstance(value, list):
        return [_known(item, f"{where}[{index}]") for index, item in enumerate(value)]
    return value


def _references(node: Any) -> set[str]:
    """The logical ids a node names (Ref, Fn::GetAtt, ${...} of Fn::Sub, DependsOn)."""
    found: set[str] = set()
    pending = [node]
    while pending:
        item = pending.pop()
        if isinstance(item, Mapping):
            for key, value in item.items():
                if key == "Ref" and isinstance(value, str):
                    found.add(value)
                elif key == "Fn::GetAtt":
                    found.add((value.split(".", 1) if isinstance(value, str) else value)[0])
                elif key == "Fn::Sub":
                    text = value[0] if isinstance(value, list) else value
                    found |= {name.split(".", 1)[0] for name in SUB_VARIABLE.findall(text if isinstance(text, str) else "")}
                elif key == "DependsOn":
                    found |= {value} if isinstance(value, str) else set(value)
                pending.append(value)
        elif isinstance(item, list):
            pending.extend(item)
    return found


def _dependency_order(resources: Mapping[str, Any]) -> Iterator[str]:
    """Template order, each resource after the resources it references."""
    done: set[str] = set()
    order: list[str] = []

    def visit(logical_id: str, path: tuple[str, ...]) -> None:
        if logical_id in done:
            return
        if logical_id in path:
            raise ProvisioningError(f"circular dependency: {' -> '.join((*path, logical_id))}")
        for needed in sorted(_references(resources[logical_id]) & set(resources)):
            visit(needed, (*path, logical_id))
        done.add(logical_id)
        order.append(logical_id)

    for logical_id in resources:
        visit(logical_id, ())
    return iter(order)


# --- the resource types the embedded AWS creates ---------------------------------------------------


def _tags(properties: Mapping[str, Any], resource_type: str) -> list[dict[str, Any]]:
    tags = properties.get("Tags") or []
    return [{"ResourceType": resource_type, "Tags": tags}] if tags else []


def _vpc(launch: _Launch, logical_id: str, p: dict[str, Any]) -> tuple[str, dict[str, str]]:
    ec2 = launch.session.client("ec2")
    vpc_id = ec2.create_vpc(CidrBlock=p["CidrBlock"], TagSpecifications=_tags(p, "vpc"))["Vpc"]["VpcId"]
    for attribute in ("EnableDnsSupport", "EnableDnsHostnames"):
        if attribute in p:
            ec2.modify_vpc_attribute(VpcId=vpc_id, **{attribute: {"Value": str(p[attribute]).lower() == "true"}})
    group = default_group(ec2, vpc_id)
    as_aws_creates_it(ec2, group)
    return vpc_id, {"VpcId": vpc_id, "DefaultSecurityGroup": group, "CidrBlock": p["CidrBlock"]}


def _subnet(launch: _Launch, logical_id: str, p: dict[str, Any]) -> tuple[str, dict[str, str]]:
    ec2 = launch.session.client("ec2")
    request = {key: p[key] for key in ("VpcId", "CidrBlock", "AvailabilityZone") if key in p}
    subnet_id = ec2.create_subnet(**request, TagSpecifications=_tags(p, "subnet"))["Subnet"]["SubnetId"]
    if "MapPublicIpOnLaunch" in p:
        ec2.modify_subnet_attribute(SubnetId=subnet_id, MapPublicIpOnLaunch={"Value": str(p["MapPublicIpOnLaunch"]).lower() == "true"})
    return subnet_id, {"SubnetId": subnet_id}


def _route_table(launch: _Launch, logical_id: str, p: dict[str, Any]) -> tuple[str, dict[str, str]]:
    table = launch.session.client("ec2").create_route_table(VpcId=p["VpcId"], TagSpecifications=_tags(p, "route-table"))
    return table["RouteTable"]["RouteTableId"], {}


def _route_table_association(launch: _Launch, logical_id: str, p: dict[str, Any]) -> tuple[str, dict[str, str]]:
    association = launch.session.client("ec2").associate_route_table(SubnetId=p["SubnetId"], RouteTableId=p["RouteTableId"])
    return association["AssociationId"], {}


def _permission(rule: Mapping[str, Any], peer_key: str) -> dict[str, Any]:
    """A CloudFormation ingress/egress rule as an IpPermissions entry."""
    permission: dict[str, Any] = {"IpProtocol": str(rule["IpProtocol"])}
    for key in ("FromPort", "ToPort"):
        if key in rule:
            permission[key] = int(rule[key])
    description = {"Description": rule["Description"]} if "Description" in rule else {}
    if "CidrIp" in rule:
        permission["IpRanges"] = [{"CidrIp": rule["CidrIp"], **description}]
    if peer_key in rule:
        permission["UserIdGroupPairs"] = [{"GroupId": rule[peer_key], **description}]
    return permission


def _security_group(launch: _Launch, logical_id: str, p: dict[str, Any]) -> tuple[str, dict[str, str]]:
    ec2 = launch.session.client("ec2")
    name = p.get("GroupName") or f"{launch.stack.name}-{logical_id}-{uuid.uuid4().hex[:12].upper()}"
    group_id = ec2.create_security_group(GroupName=name, Description=p["GroupDescription"], VpcId=p["VpcId"])["GroupId"]
    if p.get("SecurityGroupIngress"):
        ec2.authorize_security_group_ingress(GroupId=group_id, IpPermissions=[_permission(r, "SourceSecurityGroupId") for r in p["SecurityGroupIngress"]])
    if "SecurityGroupEgress" in p:
        # "When you specify egress rules, CloudFormation removes the default rule that allows all
        # outbound traffic" (CloudFormation User Guide, AWS::EC2::SecurityGroup SecurityGroupEgress).
        ec2.revoke_security_group_egress(GroupId=group_id, IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
        if p["SecurityGroupEgress"]:
            ec2.authorize_security_group_egress(GroupId=group_id, IpPermissions=[_permission(r, "DestinationSecurityGroupId") for r in p["SecurityGroupEgress"]])
    return group_id, {"GroupId": group_id, "VpcId": p["VpcId"]}


def _ingress(launch: _Launch, logical_id: str, p: dict[str, Any]) -> tuple[str, dict[str, str]]:
    launch.session.client("ec2").authorize_security_group_ingress(GroupId=p["GroupId"], IpPermissions=[_permission(p, "SourceSecurityGroupId")])
    return f"{p['GroupId']}-ingress-{logical_id}", {}


def _egress(launch: _Launch, logical_id: str, p: dict[str, Any]) -> tuple[str, dict[str, str]]:
    launch.session.client("ec2").authorize_security_group_egress(GroupId=p["GroupId"], IpPermissions=[_permission(p, "DestinationSecurityGroupId")])
    return f"{p['GroupId']}-egress-{logical_id}", {}


def _role(launch: _Launch, logical_id: str, p: dict[str, Any]) -> tuple[str, dict[str, str]]:
    name = p.get("RoleName") or f"{launch.stack.name}-{logical_id}-{uuid.uuid4().hex[:12].upper()}"[:64]
    role = launch.session.client("iam").create_role(
        RoleName=name, AssumeRolePolicyDocument=json.dumps(p["AssumeRolePolicyDocument"]), Description=p.get("Description", "")
    )["Role"]
    return name, {"Arn": role["Arn"], "RoleId": role["RoleId"]}


RESOLVED_ONLY = {"AWS::IAM::Role": ("RoleName", "AssumeRolePolicyDocument", "Description")}
"""A role is created with its trust policy only: moto does not enforce IAM, and the inline policies may
name resources the embedded AWS does not create (the CodeArtifact mirror)."""

INLINE_MODULE = "index"
"""Lambda's file name for ``Code.ZipFile`` (Python runtimes): its Handler is ``index.<function>``."""


def _function(launch: _Launch, logical_id: str, p: dict[str, Any]) -> tuple[str, dict[str, str]]:
    code = p.get("Code", {})
    if "ZipFile" not in code:
        raise ProvisioningError(f"{logical_id}: only functions with inline code (Code.ZipFile) are created by the embedded AWS")
    package = io.BytesIO()
    with zipfile.ZipFile(package, "w") as archive:
        archive.writestr(f"{INLINE_MODULE}.py", code["ZipFile"])
    name = p.get("FunctionName") or f"{launch.stack.name}-{logical_id}-{uuid.uuid4().hex[:12].upper()}"[:64]
    created = launch.session.client("lambda").create_function(
        FunctionName=name, Runtime=p["Runtime"], Handler=p["Handler"], Role=p["Role"], Code={"ZipFile": package.getvalue()},
        Timeout=int(p.get("Timeout", 3)),
    )
    launch.functions[created["FunctionArn"]] = (p["Handler"], code["ZipFile"])
    return name, {"Arn": created["FunctionArn"]}


def _custom_resource(launch: _Launch, logical_id: str, p: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """CloudFormation sends the function a Create request and waits for its response
    (CloudFormation User Guide, "Custom resources": request and response objects)."""
    token = p["ServiceToken"]
    if token not in launch.functions:
        raise ProvisioningError(f"{logical_id}: its ServiceToken {token} is no function of this stack")
    handler_name, source = launch.functions[token]
    responses: list[dict[str, Any]] = []
    module = types.ModuleType(INLINE_MODULE)
    with _cfnresponse(responses), _credentials_of(launch.session):
        exec(compile(source, f"{logical_id} ServiceToken ({INLINE_MODULE}.py)", "exec"), module.__dict__)  # noqa: S102 - the template's own inline code
        event = {
            "RequestType": "Create",
            "ResponseURL": "https://embedded-cloudformation.invalid/response",
            "StackId": f"arn:aws:cloudformation:{launch.session.region_name}:{launch.account_id}:stack/{launch.stack.name}/{launch.stack_uuid}",
            "RequestId": str(uuid.uuid4()),
            "ResourceType": launch.resources[logical_id]["Type"],
            "LogicalResourceId": logical_id,
            "ResourceProperties": p,
        }
        getattr(module, handler_name.rpartition(".")[2])(event, None)
    if len(responses) != 1:
        raise ProvisioningError(f"{logical_id}: its function sent {len(responses)} responses, CloudFormation takes exactly one")
    (response,) = responses
    if response["Status"] != "SUCCESS":
        raise ProvisioningError(f"{logical_id}: the custom resource failed ({response.get('Reason', 'no reason given')})")
    return str(response["PhysicalResourceId"]), {key: str(value) for key, value in response.get("Data", {}).items()}


@contextlib.contextmanager
def _credentials_of(session: Any) -> Iterator[None]:
    """The function runs as its execution role, in the stack's account: this process's environment
    credentials are the launching session's while it runs (boto3 inside the code reads them)."""
    import boto3  # the module whose default session the inline code's boto3.client() uses

    credentials = session.get_credentials().get_frozen_credentials()
    names = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")
    saved = {name: os.environ.get(name) for name in names}
    # A fresh default session, as in a new Lambda execution environment: one created earlier in this
    # process keeps the credentials it resolved then.
    saved_session, boto3.DEFAULT_SESSION = boto3.DEFAULT_SESSION, None
    os.environ.update(AWS_ACCESS_KEY_ID=credentials.access_key, AWS_SECRET_ACCESS_KEY=credentials.secret_key)
    os.environ.pop("AWS_SESSION_TOKEN", None)
    if credentials.token:
        os.environ["AWS_SESSION_TOKEN"] = credentials.token
    try:
        yield
    finally:
        boto3.DEFAULT_SESSION = saved_session
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


class _cfnresponse:  # noqa: N801 - stands for the module of that name
    """The ``cfnresponse`` module Lambda gives inline code, its ``send`` delivering to the provisioner
    (CloudFormation User Guide, "cfn-response module")."""

    SUCCESS, FAILED = "SUCCESS", "FAILED"

    def __init__(self, responses: list[dict[str, Any]]) -> None:
        self.responses = responses
        self.module = types.ModuleType("cfnresponse")
        vars(self.module).update(SUCCESS=self.SUCCESS, FAILED=self.FAILED, send=self.send)

    def send(
        self, event: Any, context: Any, responseStatus: str, responseData: Any,  # noqa: N803 - the module's own names
        physicalResourceId: Any = None, noEcho: bool = False, reason: Any = None,  # noqa: N803
    ) -> None:
        self.responses.append(
            {
                "Status": responseStatus,
                "Data": responseData or {},
                "PhysicalResourceId": physicalResourceId or event["LogicalResourceId"],
                "Reason": reason,
            }
        )

    def __enter__(self) -> _cfnresponse:
        self.saved = sys.modules.get("cfnresponse")
        sys.modules["cfnresponse"] = self.module
        return self

    def __exit__(self, *exc: object) -> None:
        if self.saved is None:
            sys.modules.pop("cfnresponse", None)
        else:
            sys.modules["cfnresponse"] = self.saved


def _flow_log(launch: _Launch, logical_id: str, p: dict[str, Any]) -> tuple[str, dict[str, str]]:
    request: dict[str, Any] = {
        "ResourceIds": [p["ResourceId"]],
        "ResourceType": p["ResourceType"],
        "TrafficType": p["TrafficType"],
        **{key: p[key] for key in ("LogDestinationType", "LogDestination", "LogGroupName", "DeliverLogsPermissionArn") if key in p},
    }
    if "MaxAggregationInterval" in p:
        request["MaxAggregationInterval"] = int(p["MaxAggregationInterval"])
    created = launch.session.client("ec2").create_flow_logs(**request)
    if created.get("Unsuccessful"):
        raise ProvisioningError(f"{logical_id}: CreateFlowLogs failed: {created['Unsuccessful']}")
    return created["FlowLogIds"][0], {}


def _vpc_endpoint(launch: _Launch, logical_id: str, p: dict[str, Any]) -> tuple[str, dict[str, str]]:
    keys = ("VpcId", "ServiceName", "VpcEndpointType", "SubnetIds", "SecurityGroupIds", "RouteTableIds", "PrivateDnsEnabled")
    request = {key: p[key] for key in keys if key in p}
    if "PrivateDnsEnabled" in request:
        request["PrivateDnsEnabled"] = str(request["PrivateDnsEnabled"]).lower() == "true"
    endpoint = launch.session.client("ec2").create_vpc_endpoint(**request)["VpcEndpoint"]
    return endpoint["VpcEndpointId"], {"Id": endpoint["VpcEndpointId"]}


def _key(launch: _Launch, logical_id: str, p: dict[str, Any]) -> tuple[str, dict[str, str]]:
    kms = launch.session.client("kms")
    metadata = kms.create_key(Description=p.get("Description", ""), Policy=json.dumps(p["KeyPolicy"]))["KeyMetadata"]
    if str(p.get("EnableKeyRotation", "false")).lower() == "true":
        kms.enable_key_rotation(KeyId=metadata["KeyId"])
    return metadata["KeyId"], {"Arn": metadata["Arn"], "KeyId": metadata["KeyId"]}


def _alias(launch: _Launch, logical_id: str, p: dict[str, Any]) -> tuple[str, dict[str, str]]:
    launch.session.client("kms").create_alias(AliasName=p["AliasName"], TargetKeyId=p["TargetKeyId"])
    return p["AliasName"], {}


NOTEBOOK_REQUEST = (
    "NotebookInstanceName", "InstanceType", "SubnetId", "SecurityGroupIds", "RoleArn", "KmsKeyId", "DirectInternetAccess",
    "VolumeSizeInGB", "RootAccess", "PlatformIdentifier", "InstanceMetadataServiceConfiguration", "LifecycleConfigName",
)  # fmt: skip
"""CreateNotebookInstance takes the properties of AWS::SageMaker::NotebookInstance by the same names."""


def _notebook(launch: _Launch, logical_id: str, p: dict[str, Any]) -> tuple[str, dict[str, str]]:
    request = {key: p[key] for key in NOTEBOOK_REQUEST if key in p}
    if "VolumeSizeInGB" in request:
        request["VolumeSizeInGB"] = int(request["VolumeSizeInGB"])
    arn = launch.session.client("sagemaker").create_notebook_instance(**request)["NotebookInstanceArn"]
    return arn, {"NotebookInstanceName": p["NotebookInstanceName"], "Id": arn}


DOMAIN_REQUEST = ("DomainName", "AuthMode", "AppNetworkAccessType", "KmsKeyId", "VpcId", "SubnetIds", "DefaultUserSettings", "DomainSettings")
"""CreateDomain takes the properties of AWS::SageMaker::Domain by the same names."""


def _domain(launch: _Launch, logical_id: str, p: dict[str, Any]) -> tuple[str, dict[str, str]]:
    arn = launch.session.client("sagemaker").create_domain(**{key: p[key] for key in DOMAIN_REQUEST if key in p})["DomainArn"]
    domain_id = arn.rsplit("/", 1)[-1]
    return domain_id, {"DomainArn": arn, "DomainId": domain_id}


CREATORS: dict[str, Creator] = {
    "AWS::EC2::VPC": _vpc,
    "AWS::EC2::Subnet": _subnet,
    "AWS::EC2::RouteTable": _route_table,
    "AWS::EC2::SubnetRouteTableAssociation": _route_table_association,
    "AWS::EC2::SecurityGroup": _security_group,
    "AWS::EC2::SecurityGroupIngress": _ingress,
    "AWS::EC2::SecurityGroupEgress": _egress,
    "AWS::EC2::FlowLog": _flow_log,
    "AWS::EC2::VPCEndpoint": _vpc_endpoint,
    "AWS::IAM::Role": _role,
    "AWS::Lambda::Function": _function,
    "AWS::KMS::Key": _key,
    "AWS::KMS::Alias": _alias,
    "AWS::SageMaker::NotebookInstance": _notebook,
    "AWS::SageMaker::Domain": _domain,
}
"""What CloudFormation's handler calls for each type (a Ref gives the physical id returned)."""
