"""Templates scanned together: an ``!ImportValue`` in one is the export of another; rules added to a
VPC's default security group by name or through an import get a verdict."""

from __future__ import annotations

from pathlib import Path

from tests.scan.support import scan

NETWORK = """\
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.0.0.0/16}
Outputs:
  VpcId:
    Value: !Ref Vpc
    Export: {Name: network-VpcId}
  DefaultGroup:
    Value: !GetAtt Vpc.DefaultSecurityGroup
    Export: {Name: network-DefaultSg}
  PrivateSubnet:
    Value: subnet-0a1b2c3d4e5f60718
    Export: {Name: network-PrivateSubnet}
"""
FLOW_LOG = """\
Resources:
  VpcFlowLog:
    Type: AWS::EC2::FlowLog
    Properties:
      ResourceId: !ImportValue network-VpcId
      ResourceType: VPC
      TrafficType: ALL
      LogDestinationType: s3
      LogDestination: arn:aws:s3:::central-flow-logs
"""
NO_FLOW_LOG = "VPC Vpc has no VPC-level flow log. Call CreateFlowLogs (ResourceType VPC, TrafficType ALL)."
LOGGED = (
    "Flow log VpcFlowLog of Vpc captures ALL traffic to arn:aws:s3:::central-flow-logs, aggregated over at most 600s; "
    "it is ACTIVE; delivery is not checked (no DeliverLogsStatus)."
)


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text)
    return path


def test_a_flow_log_importing_a_vpc_of_another_template_counts_for_it(tmp_path: Path) -> None:
    network, logging = write(tmp_path, "network.yaml", NETWORK), write(tmp_path, "logging.yaml", FLOW_LOG)
    assert scan(network, logging, rules=("vpc_flow_logs",)) == [(2, "Vpc", "vpc_flow_logs", "COMPLIANT", LOGGED)]
    assert scan(network, rules=("vpc_flow_logs",)) == [(2, "Vpc", "vpc_flow_logs", "NON_COMPLIANT", NO_FLOW_LOG)]


def test_an_export_two_templates_declare_links_to_neither(tmp_path: Path) -> None:
    """Export names are unique in an account and region: two scanned templates exporting one name
    are for different places, so an import of it is left open."""
    first, second = write(tmp_path, "a.yaml", NETWORK), write(tmp_path, "b.yaml", NETWORK)
    logging = write(tmp_path, "logging.yaml", FLOW_LOG)
    assert scan(first, second, logging, rules=("vpc_flow_logs",)) == [
        (2, "Vpc", "vpc_flow_logs", "NON_COMPLIANT", NO_FLOW_LOG),
        (2, "Vpc", "vpc_flow_logs", "NON_COMPLIANT", NO_FLOW_LOG),
    ]


def test_a_template_does_not_link_its_own_resources_to_another_templates_of_the_same_name(tmp_path: Path) -> None:
    """The importing template's own Vpc is not the exported one, though both are called Vpc."""
    importer = FLOW_LOG + "  Vpc:\n    Type: AWS::EC2::VPC\n    Properties: {CidrBlock: 10.9.0.0/16}\n"
    network, logging = write(tmp_path, "network.yaml", NETWORK), write(tmp_path, "logging.yaml", importer)
    assert scan(network, logging, rules=("vpc_flow_logs",)) == [
        (2, "Vpc", "vpc_flow_logs", "COMPLIANT", LOGGED),
        (10, "Vpc", "vpc_flow_logs", "NON_COMPLIANT", NO_FLOW_LOG),
    ]


def test_a_rule_added_to_an_imported_default_group_is_judged_with_its_vpc(tmp_path: Path) -> None:
    rule = (
        "Resources:\n  OpenDefault:\n    Type: AWS::EC2::SecurityGroupIngress\n    Properties:\n"
        "      GroupId: !ImportValue network-DefaultSg\n      IpProtocol: tcp\n      FromPort: 22\n      ToPort: 22\n"
        "      CidrIp: 0.0.0.0/0\n"
    )
    network, rules = write(tmp_path, "network.yaml", NETWORK), write(tmp_path, "rules.yaml", rule)
    assert scan(network, rules, rules=("vpc_default_sg",)) == [
        (2, "Vpc.DefaultSecurityGroup", "vpc_default_sg", "NON_COMPLIANT", "The default security group !GetAtt "
         "Vpc.DefaultSecurityGroup has 1 inbound and 0 outbound rule(s) (in: tcp 22 from 0.0.0.0/0); remove them all "
         "and use dedicated security groups."),
    ]


def test_a_literal_export_is_the_imported_value(tmp_path: Path) -> None:
    notebook = (
        "Resources:\n  Notebook:\n    Type: AWS::SageMaker::NotebookInstance\n    Properties:\n"
        "      InstanceType: ml.t3.medium\n      RoleArn: arn:aws:iam::123456789012:role/n\n"
        "      SubnetId: !ImportValue network-PrivateSubnet\n"
    )
    network, notebooks = write(tmp_path, "network.yaml", NETWORK), write(tmp_path, "notebooks.yaml", notebook)
    assert scan(network, notebooks, rules=("notebook_in_vpc",)) == [
        (2, "Notebook", "notebook_in_vpc", "COMPLIANT", "The notebook runs in the organization's VPC: SubnetId is "
         "subnet-0a1b2c3d4e5f60718."),
    ]
    assert scan(notebooks, rules=("notebook_in_vpc",)) == [
        (2, "Notebook", "notebook_in_vpc", "COMPLIANT", "The notebook runs in the organization's VPC: SubnetId is "
         "!ImportValue network-PrivateSubnet."),
    ]


DEFAULT_BY_NAME = """\
Conditions:
  OpenSsh: !Equals [!Ref AllowSsh, "yes"]
Parameters:
  AllowSsh: {Type: String}
Resources:
  Https:
    Type: AWS::EC2::SecurityGroupIngress
    Properties:
      GroupName: default
      IpProtocol: tcp
      FromPort: 443
      ToPort: 443
      CidrIp: 10.0.0.0/8
  Ssh:
    Type: AWS::EC2::SecurityGroupIngress
    Condition: OpenSsh
    Properties:
      GroupName: default
      IpProtocol: tcp
      FromPort: 22
      ToPort: 22
      CidrIp: 0.0.0.0/0
"""


def test_a_rule_added_to_the_default_vpcs_default_group_by_name_is_judged(tmp_path: Path) -> None:
    """AuthorizeSecurityGroupIngress takes a group name for the default VPC only: GroupName default
    is the default VPC's default group, which the template neither creates nor can close."""
    template = write(tmp_path, "default.yaml", DEFAULT_BY_NAME)
    assert scan(template, rules=("vpc_default_sg",)) == [
        (6, "default", "vpc_default_sg", "NON_COMPLIANT", "The default security group named default in the default VPC "
         "has 1 inbound and 0 outbound rule(s) (in: tcp 443 from 10.0.0.0/8); remove them all and use dedicated "
         "security groups."),
    ]
    only_open = write(tmp_path, "ssh.yaml", DEFAULT_BY_NAME.replace("      GroupName: default\n      IpProtocol: tcp\n      FromPort: 443", "      GroupId: sg-0123456789abcdef0\n      IpProtocol: tcp\n      FromPort: 443"))
    assert scan(only_open, rules=("vpc_default_sg",)) == [
        (14, "default", "vpc_default_sg", "UNKNOWN", "Depends on resources that may not be created or may not count (Ssh "
         "is created only if condition OpenSsh holds, which is open (AllowSsh is a parameter without default)): "
         "COMPLIANT without them, NON_COMPLIANT with them."),
    ]
