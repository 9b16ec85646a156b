"""Each fixture template scanned with the real rules: every result, annotation and line asserted.

A fixture's expected results are those of the rules it was written for (``rules_in``); a rule added
later is held to its own cases in its folder, so adding one edits nothing here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from smguard.scan.errors import TemplateError
from tests.scan.support import rules_in, scan


def test_private_vpc_without_region() -> None:
    """Endpoints named with ${AWS::Region} serve the stack's own region; a REJECT-only flow log and an SSH rule on the default group are findings."""
    expected = [
        (10, 'DataVpc.DefaultSecurityGroup', 'vpc_default_sg', 'NOT_APPLICABLE', 'The default security group of DataVpc is created by AWS with the VPC and the template adds no rule to it; the deployed rule evaluates it (AWS creates it with an all-traffic self rule and all egress: revoke them after deployment).'),
        (10, 'DataVpc', 'vpc_endpoints', 'COMPLIANT', 'VPC DataVpc has an available endpoint (Interface with private DNS, or Gateway) for sagemaker.api, sagemaker.runtime, sts, logs, s3.'),
        (10, 'DataVpc', 'vpc_flow_logs', 'COMPLIANT', 'Flow log DataVpcFlowLog of DataVpc captures ALL traffic to arn:aws:s3:::central-flow-logs-111122223333, aggregated over at most 60s; it is ACTIVE; delivery is not checked (no DeliverLogsStatus).'),
        (23, 'EndpointSecurityGroup', 'vpc_default_sg', 'NOT_APPLICABLE', "Security group EndpointSecurityGroup is named ds-endpoints, not a VPC's default security group."),
        (90, 'LegacyVpc', 'vpc_endpoints', 'NON_COMPLIANT', 'VPC LegacyVpc lacks usable endpoints: sagemaker.api (none), sagemaker.runtime (none), sts (none), logs (none), s3 (none). Use CreateVpcEndpoint (Interface with PrivateDnsEnabled true; S3 may be a Gateway) or ModifyVpcEndpoint.'),
        (90, 'LegacyVpc', 'vpc_flow_logs', 'NON_COMPLIANT', 'Flow log LegacyRejectFlowLog captures REJECT traffic (TrafficType ALL required). Fix one or call CreateFlowLogs (ResourceType VPC, TrafficType ALL).'),
        (104, 'LegacyVpc.DefaultSecurityGroup', 'vpc_default_sg', 'NON_COMPLIANT', 'The default security group !GetAtt LegacyVpc.DefaultSecurityGroup has 1 inbound and 0 outbound rule(s) (in: tcp 22 from 0.0.0.0/0); remove them all and use dedicated security groups.'),
    ]
    assert scan('private_vpc.yaml', rules=rules_in(expected)) == expected


def test_private_vpc_in_a_region_with_a_central_log_bucket() -> None:
    """With --region the service names resolve; LogDestinations holds flow logs to the central bucket."""
    expected = [
        (10, 'DataVpc.DefaultSecurityGroup', 'vpc_default_sg', 'NOT_APPLICABLE', 'The default security group of DataVpc is created by AWS with the VPC and the template adds no rule to it; the deployed rule evaluates it (AWS creates it with an all-traffic self rule and all egress: revoke them after deployment).'),
        (10, 'DataVpc', 'vpc_endpoints', 'COMPLIANT', 'VPC DataVpc has an available endpoint (Interface with private DNS, or Gateway) for sagemaker.api, sagemaker.runtime, sts, logs, s3.'),
        (10, 'DataVpc', 'vpc_flow_logs', 'COMPLIANT', 'Flow log DataVpcFlowLog of DataVpc captures ALL traffic to arn:aws:s3:::central-flow-logs-111122223333, aggregated over at most 60s; it is ACTIVE; delivery is not checked (no DeliverLogsStatus).'),
        (23, 'EndpointSecurityGroup', 'vpc_default_sg', 'NOT_APPLICABLE', "Security group EndpointSecurityGroup is named ds-endpoints, not a VPC's default security group."),
        (90, 'LegacyVpc', 'vpc_endpoints', 'NON_COMPLIANT', 'VPC LegacyVpc lacks usable endpoints: sagemaker.api (none), sagemaker.runtime (none), sts (none), logs (none), s3 (none). Use CreateVpcEndpoint (Interface with PrivateDnsEnabled true; S3 may be a Gateway) or ModifyVpcEndpoint.'),
        (90, 'LegacyVpc', 'vpc_flow_logs', 'NON_COMPLIANT', 'Flow log LegacyRejectFlowLog captures REJECT traffic (TrafficType ALL required), delivers to arn:aws:s3:::legacy-team-bucket (not in LogDestinations). Fix one or call CreateFlowLogs (ResourceType VPC, TrafficType ALL, an allowed LogDestination).'),
        (104, 'LegacyVpc.DefaultSecurityGroup', 'vpc_default_sg', 'NON_COMPLIANT', 'The default security group !GetAtt LegacyVpc.DefaultSecurityGroup has 1 inbound and 0 outbound rule(s) (in: tcp 22 from 0.0.0.0/0); remove them all and use dedicated security groups.'),
    ]
    assert scan('private_vpc.yaml', region='us-east-1', params={'vpc_flow_logs': {'LogDestinations': 'arn:aws:s3:::central-flow-logs-111122223333'}}, rules=rules_in(expected)) == expected


def test_notebook_with_and_without_guardrails() -> None:
    """Parameters with defaults resolve; a notebook left to SageMaker's defaults fails every notebook rule."""
    expected = [
        (13, 'ResearchNotebook', 'notebook_direct_internet', 'COMPLIANT', "DirectInternetAccess is Disabled: the notebook has no SageMaker-provided internet route and reaches networks only through subnet subnet-0a1b2c3d4e5f60718 of the organization's VPC."),
        (13, 'ResearchNotebook', 'notebook_in_vpc', 'COMPLIANT', "The notebook runs in the organization's VPC: SubnetId is subnet-0a1b2c3d4e5f60718."),
        (13, 'ResearchNotebook', 'notebook_root_access', 'COMPLIANT', 'RootAccess is Disabled.'),
        (13, 'ResearchNotebook', 'sagemaker_kms', 'COMPLIANT', 'KmsKeyId is arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab.'),
        (24, 'ScratchNotebook', 'notebook_direct_internet', 'NON_COMPLIANT', 'DirectInternetAccess is absent (defaults to Enabled). It cannot be changed after creation: recreate the notebook with a SubnetId and DirectInternetAccess=Disabled (CreateNotebookInstance).'),
        (24, 'ScratchNotebook', 'notebook_in_vpc', 'NON_COMPLIANT', "SubnetId is absent: the notebook runs in SageMaker's own VPC, outside the organization's network. SubnetId cannot be changed: recreate the notebook with a SubnetId (CreateNotebookInstance)."),
        (24, 'ScratchNotebook', 'notebook_root_access', 'NON_COMPLIANT', 'RootAccess is absent (defaults to Enabled); set RootAccess to Disabled (stop the notebook, then UpdateNotebookInstance).'),
        (24, 'ScratchNotebook', 'sagemaker_kms', 'NON_COMPLIANT', 'KmsKeyId is absent (volumes use an AWS managed key); KmsKeyId cannot be changed: create a new notebook instance with KmsKeyId and move the work to it.'),
    ]
    assert scan('notebooks.yaml', rules=rules_in(expected)) == expected


def test_studio_domain_vpc_only_and_public() -> None:
    """A VpcOnly domain with encrypted sharing passes; a public one with unencrypted sharing fails."""
    expected = [
        (5, 'PrivateStudio', 'sagemaker_kms', 'COMPLIANT', 'KmsKeyId is arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab.'),
        (5, 'PrivateStudio', 'studio_domain_vpc_only', 'COMPLIANT', 'AppNetworkAccessType is VpcOnly: Studio traffic goes through vpc-0a1b2c3d4e5f60718; shared notebooks are encrypted with arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab.'),
        (22, 'PublicStudio', 'sagemaker_kms', 'NON_COMPLIANT', 'KmsKeyId is absent (volumes use an AWS managed key); KmsKeyId cannot be changed: create a new domain with KmsKeyId and migrate the user profiles.'),
        (22, 'PublicStudio', 'studio_domain_vpc_only', 'NON_COMPLIANT', 'AppNetworkAccessType is absent (defaults to PublicInternetOnly); set VpcOnly with UpdateDomain while no apps run. SharingSettings.S3KmsKeyId is absent while NotebookOutputOption is Allowed; set S3KmsKeyId or NotebookOutputOption Disabled with UpdateDomain.'),
    ]
    assert scan('studio.yaml', rules=rules_in(expected)) == expected


def test_model_and_endpoint_configuration_from_json() -> None:
    """JSON templates with lines; "true" and "1" are converted as CloudFormation converts them."""
    expected = [
        (5, 'FraudModel', 'sagemaker_model_isolation', 'COMPLIANT', 'EnableNetworkIsolation is true and VpcConfig places the container in subnets subnet-0a1b2c3d4e5f60718 with security groups sg-0a1b2c3d4e5f60718.'),
        (17, 'ChurnModel', 'sagemaker_model_isolation', 'NON_COMPLIANT', 'EnableNetworkIsolation is absent (defaults to false); VpcConfig is absent. Models are immutable: create a new one with EnableNetworkIsolation=true and a VpcConfig (CreateModel), then redeploy it (CreateEndpointConfig, UpdateEndpoint).'),
        (24, 'FraudEndpointConfig', 'sagemaker_kms', 'NON_COMPLIANT', 'DataCaptureConfig.KmsKeyId is absent with data capture enabled; set it in a new endpoint configuration.'),
    ]
    assert scan('inference.json', rules=rules_in(expected)) == expected


def test_intrinsic_functions() -> None:
    """FindInMap and If on conditions decided by defaults, a key of the template, parameters without default (UNKNOWN), a resource whose condition is false (not created, not reported)."""
    expected = [
        (42, 'ProdNotebook', 'notebook_direct_internet', 'COMPLIANT', "DirectInternetAccess is Disabled: the notebook has no SageMaker-provided internet route and reaches networks only through subnet !Ref NotebookSubnet of the organization's VPC."),
        (42, 'ProdNotebook', 'notebook_in_vpc', 'COMPLIANT', "The notebook runs in the organization's VPC: SubnetId is !Ref NotebookSubnet."),
        (42, 'ProdNotebook', 'notebook_root_access', 'COMPLIANT', 'RootAccess is Disabled.'),
        (42, 'ProdNotebook', 'sagemaker_kms', 'COMPLIANT', 'KmsKeyId is !GetAtt DataKey.Arn.'),
        (52, 'OpenNotebook', 'notebook_direct_internet', 'NON_COMPLIANT', 'DirectInternetAccess is absent (defaults to Enabled). It cannot be changed after creation: recreate the notebook with a SubnetId and DirectInternetAccess=Disabled (CreateNotebookInstance).'),
        (52, 'OpenNotebook', 'notebook_in_vpc', 'NON_COMPLIANT', "SubnetId is absent: the notebook runs in SageMaker's own VPC, outside the organization's network. SubnetId cannot be changed: recreate the notebook with a SubnetId (CreateNotebookInstance)."),
        (52, 'OpenNotebook', 'notebook_root_access', 'UNKNOWN', 'RootAccess is !Ref RootAccessSetting, a parameter without default; pass --parameter-overrides RootAccessSetting=VALUE to evaluate it.'),
        (52, 'OpenNotebook', 'sagemaker_kms', 'UNKNOWN', 'KmsKeyId is !Ref KeyArn, a parameter without default; pass --parameter-overrides KeyArn=VALUE to evaluate it.'),
        (62, 'AliasKeyEndpointConfig', 'sagemaker_kms', 'COMPLIANT', 'KmsKeyId is alias/data-science.'),
    ]
    assert scan('intrinsics.yaml', rules=rules_in(expected)) == expected


def test_customer_managed_keys_known_from_the_template() -> None:
    """RequireCustomerManagedKey: the template's key (and its alias) is customer managed; alias/aws/ is AWS managed."""
    assert scan('intrinsics.yaml', rules=('sagemaker_kms',), params={'sagemaker_kms': {'RequireCustomerManagedKey': 'true'}}, overrides={'KeyArn': 'alias/aws/sagemaker'}) == [
        (42, 'ProdNotebook', 'sagemaker_kms', 'COMPLIANT', 'KmsKeyId is !GetAtt DataKey.Arn, an enabled customer managed key.'),
        (52, 'OpenNotebook', 'sagemaker_kms', 'NON_COMPLIANT', 'KmsKeyId alias/aws/sagemaker is an AWS managed key; use a customer managed key.'),
        (62, 'AliasKeyEndpointConfig', 'sagemaker_kms', 'COMPLIANT', 'KmsKeyId is alias/data-science, an enabled customer managed key.'),
    ]


def test_parameter_overrides_decide_what_defaults_do_not() -> None:
    """Overrides decide the UNKNOWN results and change the conditions that defaults decided."""
    assert scan('intrinsics.yaml', rules=('notebook_root_access', 'sagemaker_kms'), overrides={'KeyArn': 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab', 'RootAccessSetting': 'Enabled', 'Environment': 'dev'}) == [
        (42, 'ProdNotebook', 'notebook_root_access', 'NON_COMPLIANT', 'RootAccess is Enabled; set RootAccess to Disabled (stop the notebook, then UpdateNotebookInstance).'),
        (42, 'ProdNotebook', 'sagemaker_kms', 'COMPLIANT', 'KmsKeyId is !GetAtt DataKey.Arn.'),
        (52, 'OpenNotebook', 'notebook_root_access', 'NON_COMPLIANT', 'RootAccess is Enabled; set RootAccess to Disabled (stop the notebook, then UpdateNotebookInstance).'),
        (52, 'OpenNotebook', 'sagemaker_kms', 'COMPLIANT', 'KmsKeyId is arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab.'),
        (62, 'AliasKeyEndpointConfig', 'sagemaker_kms', 'COMPLIANT', 'KmsKeyId is alias/data-science.'),
    ]


def test_sam_template_with_an_open_condition() -> None:
    """SAM: serverless resources are ignored; a flow log that exists only under an open condition makes the VPC UNKNOWN."""
    expected = [
        (25, 'ScoringVpc.DefaultSecurityGroup', 'vpc_default_sg', 'NOT_APPLICABLE', 'The default security group of ScoringVpc is created by AWS with the VPC and the template adds no rule to it; the deployed rule evaluates it (AWS creates it with an all-traffic self rule and all egress: revoke them after deployment).'),
        (25, 'ScoringVpc', 'vpc_endpoints', 'NON_COMPLIANT', 'VPC ScoringVpc lacks usable endpoints: sagemaker.api (none), sagemaker.runtime (none), sts (none), logs (none), s3 (none). Use CreateVpcEndpoint (Interface with PrivateDnsEnabled true; S3 may be a Gateway) or ModifyVpcEndpoint.'),
        (25, 'ScoringVpc', 'vpc_flow_logs', 'UNKNOWN', 'Depends on resources that may not be created or may not count (ScoringFlowLog is created only if condition WantFlowLogs holds, which is open (EnableFlowLogs is a parameter without default)): NON_COMPLIANT without them, COMPLIANT with them.'),
        (41, 'BatchNotebook', 'notebook_direct_internet', 'NON_COMPLIANT', 'DirectInternetAccess is absent (defaults to Enabled). It cannot be changed after creation: recreate the notebook with a SubnetId and DirectInternetAccess=Disabled (CreateNotebookInstance).'),
        (41, 'BatchNotebook', 'notebook_in_vpc', 'NON_COMPLIANT', "SubnetId is absent: the notebook runs in SageMaker's own VPC, outside the organization's network. SubnetId cannot be changed: recreate the notebook with a SubnetId (CreateNotebookInstance)."),
        (41, 'BatchNotebook', 'notebook_root_access', 'COMPLIANT', 'RootAccess is Disabled.'),
        (41, 'BatchNotebook', 'sagemaker_kms', 'NON_COMPLIANT', 'KmsKeyId is absent (volumes use an AWS managed key); KmsKeyId cannot be changed: create a new notebook instance with KmsKeyId and move the work to it.'),
    ]
    assert scan('sam_pipeline.yaml', rules=rules_in(expected)) == expected


def test_sam_template_condition_decided_by_an_override() -> None:
    """The same VPC once the override decides the condition."""
    assert scan('sam_pipeline.yaml', rules=('vpc_flow_logs',), overrides={'EnableFlowLogs': 'true'}) == [
        (25, 'ScoringVpc', 'vpc_flow_logs', 'COMPLIANT', 'Flow log ScoringFlowLog of ScoringVpc captures ALL traffic to log group scoring-vpc-flow-logs, aggregated over at most 600s; it is ACTIVE; delivery is not checked (no DeliverLogsStatus).'),
    ]

ENDPOINT = (
    "  {name}:\n"
    "    Type: AWS::EC2::VPCEndpoint\n"
    "    Properties:\n"
    "      VpcId: !Ref Vpc\n"
    "      ServiceName: {service}\n"
    "      VpcEndpointType: Interface\n"
    "      PrivateDnsEnabled: {dns}\n"
)
FIX = "Use CreateVpcEndpoint (Interface with PrivateDnsEnabled true; S3 may be a Gateway) or ModifyVpcEndpoint."


def endpoints_template(tmp_path: Path, *endpoints: tuple[str, ...], parameters: str = "") -> Path:
    """A VPC (line 2, or after the Parameters) with Interface endpoints (name, ServiceName[,
    PrivateDnsEnabled], private DNS on unless said)."""
    template = tmp_path / "endpoints.yaml"
    template.write_text(
        parameters
        + "Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties: {CidrBlock: 10.0.0.0/16}\n"
        + "".join(ENDPOINT.format(name=name, service=service, dns=dns[0] if dns else "true") for name, service, *dns in endpoints)
    )
    return template


def endpoints_result(template: Path, services: str, region: str | None = None) -> list[tuple[str, str]]:
    return [(result, note) for _, _, _, result, note in scan(template, rules=("vpc_endpoints",), params={"vpc_endpoints": {"RequiredServices": services}}, region=region)]


def test_region_makes_endpoints_of_another_region_not_count(tmp_path: Path) -> None:
    """With --region, a service name hard-coded for another region does not serve the VPC."""
    template = endpoints_template(tmp_path, ("Sts", "com.amazonaws.us-west-2.sts"))
    assert scan(template, rules=("vpc_endpoints",), params={"vpc_endpoints": {"RequiredServices": "sts"}}, region="eu-west-1") == [
        (2, "Vpc", "vpc_endpoints", "NON_COMPLIANT", f"VPC Vpc lacks usable endpoints: sts (Sts is for region us-west-2). {FIX}"),
    ]


def test_a_region_written_in_a_service_name_is_open_without_region(tmp_path: Path) -> None:
    """Without --region the stack's region is not known: an endpoint for eu-west-1 may serve it or
    not, so a VPC that needs it is UNKNOWN, never COMPLIANT."""
    template = endpoints_template(tmp_path, ("Sts", "com.amazonaws.eu-west-1.sts"))
    assert endpoints_result(template, "sts") == [
        ("UNKNOWN", "Depends on resources that may not be created or may not count (Sts counts only if the stack is deployed in eu-west-1, the region its ServiceName com.amazonaws.eu-west-1.sts names, and the stack's region is not known: pass --region): NON_COMPLIANT without them, COMPLIANT with them."),
    ]
    assert endpoints_result(template, "sts", region="eu-west-1") == [
        ("COMPLIANT", "VPC Vpc has an available endpoint (Interface with private DNS, or Gateway) for sts."),
    ]


def test_a_region_written_out_does_not_matter_when_the_vpc_is_decided_without_it(tmp_path: Path) -> None:
    """Served anyway by an endpoint of the stack's own region: COMPLIANT. Missing another service
    whatever the region: NON_COMPLIANT, naming only the gap left in every region."""
    own_region = endpoints_template(tmp_path, ("Sts", "com.amazonaws.eu-west-1.sts"), ("OwnSts", "!Sub com.amazonaws.${AWS::Region}.sts"))
    assert endpoints_result(own_region, "sts") == [
        ("COMPLIANT", "VPC Vpc has an available endpoint (Interface with private DNS, or Gateway) for sts."),
    ]
    missing_logs = endpoints_template(tmp_path, ("Sts", "com.amazonaws.eu-west-1.sts"))
    assert endpoints_result(missing_logs, "sts,logs") == [
        ("NON_COMPLIANT", f"VPC Vpc lacks usable endpoints: logs (none). {FIX}"),
    ]


OPEN_SERVICES = "Parameters:\n  Svc: {Type: String}\n  Other: {Type: String}\n"
OPEN_REASON = "ServiceName is !Sub com.amazonaws.${AWS::Region}.${Svc}, and Svc is a parameter without default; pass --parameter-overrides Svc=VALUE to evaluate it."


def test_an_open_service_name_fills_at_most_one_gap(tmp_path: Path) -> None:
    """With the sts endpoint in another region, a VPC lacking sts alone may be served by the
    endpoint whose ServiceName is open (UNKNOWN); one lacking sts and logs cannot (NON_COMPLIANT)."""
    template = endpoints_template(
        tmp_path, ("Sts", "com.amazonaws.eu-west-1.sts"), ("Open", "!Sub com.amazonaws.${AWS::Region}.${Svc}"), parameters=OPEN_SERVICES
    )
    assert endpoints_result(template, "sts", region="us-east-1") == [("UNKNOWN", OPEN_REASON)]
    assert endpoints_result(template, "sts,logs", region="us-east-1") == [
        ("NON_COMPLIANT", f"VPC Vpc lacks usable endpoints: sts (Sts is for region eu-west-1), logs (none). {FIX}"),
    ]
    assert endpoints_result(template, "sts", region="eu-west-1") == [
        ("COMPLIANT", "VPC Vpc has an available endpoint (Interface with private DNS, or Gateway) for sts."),
    ]


def test_an_open_service_name_that_no_value_makes_usable_fills_no_gap(tmp_path: Path) -> None:
    """An Interface endpoint with private DNS off serves no service, whatever its name."""
    template = endpoints_template(tmp_path, ("Open", "!Ref Svc", "false"), parameters=OPEN_SERVICES)
    assert endpoints_result(template, "sts", region="us-east-1") == [
        ("NON_COMPLIANT", f"VPC Vpc lacks usable endpoints: sts (none). {FIX}"),
    ]


def test_several_open_service_names_fill_as_many_gaps(tmp_path: Path) -> None:
    """Two open endpoints may serve two lacking services, not three; without --region they are
    tried in the stack's own region."""
    template = endpoints_template(tmp_path, ("Open", "!Ref Svc"), ("Other", "!Ref Other"), parameters=OPEN_SERVICES)
    assert endpoints_result(template, "sts,logs") == [
        ("UNKNOWN", "ServiceName is !Ref Svc, a parameter without default; pass --parameter-overrides Svc=VALUE to evaluate it. ServiceName is !Ref Other, a parameter without default; pass --parameter-overrides Other=VALUE to evaluate it."),
    ]
    assert endpoints_result(template, "sts,logs,s3") == [
        ("NON_COMPLIANT", f"VPC Vpc lacks usable endpoints: sts (none), logs (none), s3 (none). {FIX}"),
    ]


FLOW_LOG_OF_TYPE = (
    "Parameters:\n"
    "  Kind: {{Type: String}}\n"
    "  NotVpc: {{Type: String, AllowedValues: [Subnet, NetworkInterface]}}\n"
    "Resources:\n"
    "  Vpc:\n"
    "    Type: AWS::EC2::VPC\n"
    "    Properties: {{CidrBlock: 10.0.0.0/16}}\n"
    "  FlowLog:\n"
    "    Type: AWS::EC2::FlowLog\n"
    "    Properties:\n"
    "      ResourceId: !Ref Vpc\n"
    "      ResourceType: {kind}\n"
    "      TrafficType: ALL\n"
    "      LogDestinationType: s3\n"
    "      LogDestination: arn:aws:s3:::central-logs\n"
)
NO_FLOW_LOG = "VPC Vpc has no VPC-level flow log. Call CreateFlowLogs (ResourceType VPC, TrafficType ALL)."


@pytest.mark.parametrize(
    ("kind", "result", "annotation"),
    [
        ("Subnet", "NON_COMPLIANT", NO_FLOW_LOG),
        ("NetworkInterface", "NON_COMPLIANT", NO_FLOW_LOG),
        ("!Ref NotVpc", "NON_COMPLIANT", NO_FLOW_LOG),
        ("!Ref Kind", "UNKNOWN", "Depends on resources that may not be created or may not count (FlowLog monitors the VPC only if its ResourceType is VPC: ResourceType is !Ref Kind, a parameter without default; pass --parameter-overrides Kind=VALUE to evaluate it.): NON_COMPLIANT without them, COMPLIANT with them."),
    ],
)
def test_only_a_flow_log_of_resource_type_vpc_counts_for_the_vpc(tmp_path: Path, kind: str, result: str, annotation: str) -> None:
    """A ResourceId naming the VPC is not enough: a subnet or interface flow log covers part of it."""
    template = tmp_path / "flow_log.yaml"
    template.write_text(FLOW_LOG_OF_TYPE.format(kind=kind))
    assert scan(template, rules=("vpc_flow_logs",)) == [(5, "Vpc", "vpc_flow_logs", result, annotation)]


SUBNET_REFERENCES = (
    "Resources:\n"
    "  Vpc:\n"
    "    Type: AWS::EC2::VPC\n"
    "    Properties: {{CidrBlock: 10.0.0.0/16}}\n"
    "  Subnet:\n"
    "    Type: AWS::EC2::Subnet\n"
    "    Properties: {{VpcId: !Ref Vpc, CidrBlock: 10.0.0.0/24}}\n"
    "  Lookup:\n"
    "    Type: Custom::SubnetLookup\n"
    "    Properties: {{ServiceToken: arn:aws:lambda:us-east-1:123456789012:function:lookup}}\n"
    "  Notebook:\n"
    "    Type: AWS::SageMaker::NotebookInstance\n"
    "    Properties:\n"
    "      InstanceType: ml.t3.medium\n"
    "      RoleArn: arn:aws:iam::123456789012:role/notebook\n"
    "      SubnetId: {subnet}\n"
    "  Model:\n"
    "    Type: AWS::SageMaker::Model\n"
    "    Properties:\n"
    "      EnableNetworkIsolation: true\n"
    "      VpcConfig: {{Subnets: [subnet-0a1b2c3d4e5f60718, {subnet}], SecurityGroupIds: [sg-0a1b2c3d4e5f60718]}}\n"
    "  Domain:\n"
    "    Type: AWS::SageMaker::Domain\n"
    "    Properties:\n"
    "      AuthMode: IAM\n"
    "      AppNetworkAccessType: VpcOnly\n"
    "      VpcId: !Ref Vpc\n"
    "      SubnetIds: [{subnet}]\n"
    "      DefaultUserSettings: {{SecurityGroups: [sg-0a1b2c3d4e5f60718]}}\n"
)
NOT_A_SUBNET = "reference an AWS::EC2::Subnet (!Ref, or !GetAtt <Subnet>.SubnetId)."


@pytest.mark.parametrize(
    ("subnet", "what"),
    [
        ("!GetAtt Vpc.DefaultSecurityGroup", "the DefaultSecurityGroup of AWS::EC2::VPC Vpc"),
        ("!Ref Vpc", "the id of AWS::EC2::VPC Vpc"),
        ("!GetAtt Subnet.VpcId", "the VpcId of AWS::EC2::Subnet Subnet"),
    ],
)
def test_a_reference_to_a_resource_that_is_not_a_subnet_is_no_subnet_id(tmp_path: Path, subnet: str, what: str) -> None:
    """Only a subnet's id (or a value the template defines, such as a custom resource's) is taken
    where a subnet id goes; anything else is UNKNOWN saying so, never a subnet."""
    template = tmp_path / "subnets.yaml"
    template.write_text(SUBNET_REFERENCES.format(subnet=subnet))
    params = {rule: {"SubnetIds": "subnet-0a1b2c3d4e5f60718"} for rule in ("studio_domain_vpc_only", "sagemaker_model_isolation")}
    assert scan(template, rules=("notebook_in_vpc", "sagemaker_model_isolation", "studio_domain_vpc_only"), params=params) == [
        (11, "Notebook", "notebook_in_vpc", "UNKNOWN", f"SubnetId is {subnet}, {what}, not a subnet id; {NOT_A_SUBNET}"),
        (17, "Model", "sagemaker_model_isolation", "UNKNOWN", f"VpcConfig.Subnets[1] is {subnet}, {what}, not a subnet id; {NOT_A_SUBNET}"),
        (22, "Domain", "studio_domain_vpc_only", "UNKNOWN", f"SubnetIds[0] is {subnet}, {what}, not a subnet id; {NOT_A_SUBNET}"),
    ]


@pytest.mark.parametrize("subnet", ["!Ref Subnet", "!GetAtt Subnet.SubnetId", "!GetAtt Lookup.SubnetId"])
def test_a_subnet_or_a_value_the_template_defines_is_a_subnet_id(tmp_path: Path, subnet: str) -> None:
    template = tmp_path / "subnets.yaml"
    template.write_text(SUBNET_REFERENCES.format(subnet=subnet))
    assert scan(template, rules=("notebook_in_vpc",)) == [
        (11, "Notebook", "notebook_in_vpc", "COMPLIANT", f"The notebook runs in the organization's VPC: SubnetId is {subnet}."),
    ]


def test_open_values_in_security_group_rules_and_whole_properties(tmp_path) -> None:
    """Rules added to a default group with an open CIDR are still rules; Properties that are an !If
    on an open condition leave every rule UNKNOWN."""
    template = tmp_path / "open.yaml"
    template.write_text(
        "Parameters:\n"
        "  Cidr: {Type: String}\n"
        "  Mode: {Type: String}\n"
        "Conditions:\n"
        "  Hardened: !Equals [!Ref Mode, hardened]\n"
        "Resources:\n"
        "  Vpc:\n"
        "    Type: AWS::EC2::VPC\n"
        "    Properties: {CidrBlock: 10.0.0.0/16}\n"
        "  OpenDefault:\n"
        "    Type: AWS::EC2::SecurityGroupEgress\n"
        "    Properties:\n"
        "      GroupId: !GetAtt Vpc.DefaultSecurityGroup\n"
        "      IpProtocol: '-1'\n"
        "      CidrIp: !Ref Cidr\n"
        "  Notebook:\n"
        "    Type: AWS::SageMaker::NotebookInstance\n"
        "    Properties: !If [Hardened, {RootAccess: Disabled}, {RootAccess: Enabled}]\n"
    )
    assert scan(template, rules=("vpc_default_sg", "notebook_root_access")) == [
        (10, "Vpc.DefaultSecurityGroup", "vpc_default_sg", "NON_COMPLIANT", "The default security group !GetAtt Vpc.DefaultSecurityGroup has 0 inbound and 1 outbound rule(s) (out: all traffic to !Ref Cidr); remove them all and use dedicated security groups."),
        (16, "Notebook", "notebook_root_access", "UNKNOWN", "Properties is !If [Hardened, {RootAccess: Disabled}, {RootAccess: Enabled}], and condition Hardened is open (Mode is a parameter without default); pass --parameter-overrides Mode=VALUE to evaluate it."),
    ]


NOTEBOOK_WITH = (
    "Resources:\n"
    "  Notebook:\n"
    "    Type: AWS::SageMaker::NotebookInstance\n"
    "    Properties:\n"
    "      RootAccess: Disabled\n"
    "{extra}"
)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            "      Fn::Transform: {Name: AWS::Include, Parameters: {Location: s3://snippets/notebook.yaml}}\n",
            "6: Fn::Transform AWS::Include changes the template before deployment in ways smguard scan cannot follow; "
            "scan the processed template (aws cloudformation get-template --template-stage Processed)",
        ),
        (
            "      Tags:\n        - Key: team\n          Value: {'Fn::Transform': {Name: TeamMacro}, Extra: x}\n",
            "8: Fn::Transform TeamMacro changes the template before deployment in ways smguard scan cannot follow; "
            "scan the processed template (aws cloudformation get-template --template-stage Processed)",
        ),
        (
            "      PlatformIdentifier: !Transform {Name: AWS::Include, Parameters: {Location: s3://snippets/p.yaml}}\n",
            "6: Fn::Transform AWS::Include changes the template before deployment in ways smguard scan cannot follow; "
            "scan the processed template (aws cloudformation get-template --template-stage Processed)",
        ),
        (
            "  Fn::Transform:\n    Name: AWS::Include\n    Parameters: {Location: s3://snippets/more-resources.yaml}\n",
            "6: Fn::Transform AWS::Include changes the template before deployment in ways smguard scan cannot follow; "
            "scan the processed template (aws cloudformation get-template --template-stage Processed)",
        ),
        (
            "      Fn::ForEach::Tag: [Name, [a, b], {Tags: []}]\n",
            "6: Fn::ForEach::Tag: Fn::ForEach is not expanded by smguard scan; "
            "scan the processed template (aws cloudformation get-template --template-stage Processed)",
        ),
    ],
    ids=["next-to-properties", "inside-a-property", "short-form-as-a-property", "section-level", "foreach-in-properties"],
)
def test_a_transform_or_foreach_anywhere_is_refused(tmp_path: Path, extra: str, message: str) -> None:
    """What Fn::Transform or Fn::ForEach produces is not in the file: the template is refused
    (as a template-level Transform is), never scanned as if the snippet were not there."""
    template = tmp_path / "include.yaml"
    template.write_text(NOTEBOOK_WITH.format(extra=extra))
    with pytest.raises(TemplateError) as raised:
        scan(template, rules=("notebook_root_access",))
    assert str(raised.value) == f"{template}:{message}"


def test_studio_sharing_without_cell_output_needs_no_key_and_an_open_option_is_unknown(tmp_path: Path) -> None:
    """SharingSettings.S3KmsKeyId applies only when NotebookOutputOption is Allowed (API reference)."""
    template = tmp_path / "sharing.yaml"
    template.write_text(
        "Parameters:\n"
        "  OutputOption: {Type: String}\n"
        "Resources:\n"
        "  NoOutput:\n"
        "    Type: AWS::SageMaker::Domain\n"
        "    Properties:\n"
        "      AppNetworkAccessType: VpcOnly\n"
        "      DefaultUserSettings:\n"
        "        SharingSettings: {NotebookOutputOption: Disabled, S3OutputPath: s3://shares/}\n"
        "  OpenOutput:\n"
        "    Type: AWS::SageMaker::Domain\n"
        "    Properties:\n"
        "      AppNetworkAccessType: VpcOnly\n"
        "      DefaultUserSettings:\n"
        "        SharingSettings: {NotebookOutputOption: !Ref OutputOption}\n"
    )
    assert scan(template, rules=("studio_domain_vpc_only",)) == [
        (4, "NoOutput", "studio_domain_vpc_only", "COMPLIANT", "AppNetworkAccessType is VpcOnly: Studio traffic goes "
         "through the domain VPC; shared notebooks carry no cell output (NotebookOutputOption Disabled)."),
        (10, "OpenOutput", "studio_domain_vpc_only", "UNKNOWN", "DefaultUserSettings.SharingSettings.NotebookOutputOption "
         "is !Ref OutputOption, a parameter without default; pass --parameter-overrides OutputOption=VALUE to evaluate it."),
    ]
