"""smguard scan vs checkov on the same generated 500-resource CloudFormation template, in one run.

The template repeats a data-science unit (VPC, flow log, three VPC endpoints, security group and
an ingress rule on the VPC's default group, notebook, model, endpoint configuration, Studio
domain), with parameters, conditions and intrinsic functions, half of the units compliant. Both
tools run as whole processes (start-up included) on the same file, alternately, ``--repeat``
times; the median of each is reported with the ratio. checkov runs from its own virtualenv with
BC_SKIP_MAPPING=TRUE (offline), ``--framework cloudformation --quiet``.

    python benchmarks/scan_vs_checkov.py --checkov .tools/checkov/bin/checkov

Results go to stdout and to the "smguard scan vs checkov" section of docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
SECTION = "## smguard scan vs checkov"
UNIT_SIZE = 11
ARN = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


class Tag(str):
    """A scalar written with a CloudFormation short-form tag (``!Ref X``)."""

    def __new__(cls, tag: str, value: str) -> Tag:
        text = super().__new__(cls, value)
        text.tag = tag
        return text


class TemplateDumper(yaml.SafeDumper):
    pass


TemplateDumper.add_representer(Tag, lambda dumper, value: dumper.represent_scalar(f"!{value.tag}", str(value)))


def unit(index: int) -> dict[str, Any]:
    """Eleven resources of one data-science environment; odd units break the guardrails."""
    good = index % 2 == 0
    vpc, group = f"Vpc{index}", f"NotebookGroup{index}"
    resources: dict[str, Any] = {
        vpc: {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": f"10.{index % 250}.0.0/16"}},
        f"FlowLog{index}": {
            "Type": "AWS::EC2::FlowLog",
            "Properties": {
                "ResourceId": Tag("Ref", vpc),
                "ResourceType": "VPC",
                "TrafficType": "ALL" if good else "REJECT",
                "LogDestinationType": "s3",
                "LogDestination": Tag("Ref", "CentralLogBucketArn"),
            },
        },
        group: {
            "Type": "AWS::EC2::SecurityGroup",
            "Properties": {"GroupDescription": "notebooks", "VpcId": Tag("Ref", vpc)},
        },
        f"DefaultGroupRule{index}": {
            "Type": "AWS::EC2::SecurityGroupIngress",
            "Properties": {
                "GroupId": Tag("GetAtt", f"{vpc}.DefaultSecurityGroup"),
                "IpProtocol": "tcp",
                "FromPort": 443,
                "ToPort": 443,
                "CidrIp": "10.0.0.0/8",
            },
        },
        f"Notebook{index}": {
            "Type": "AWS::SageMaker::NotebookInstance",
            "Properties": {
                "InstanceType": "ml.t3.medium",
                "RoleArn": Tag("Sub", "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/ds"),
                "KmsKeyId": ARN if good else Tag("Ref", "AWS::NoValue"),
                "SubnetId": Tag("Ref", "NotebookSubnet"),
                "SecurityGroupIds": [Tag("Ref", group)],
                "DirectInternetAccess": "Disabled" if good else "Enabled",
                "RootAccess": Tag("If", "[IsProd, Disabled, Enabled]") if good else "Enabled",
            },
        },
        f"Model{index}": {
            "Type": "AWS::SageMaker::Model",
            "Properties": {
                "ExecutionRoleArn": "arn:aws:iam::123456789012:role/ds",
                "PrimaryContainer": {"Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/model:1"},
                "EnableNetworkIsolation": good,
                **({"VpcConfig": {"Subnets": [Tag("Ref", "NotebookSubnet")], "SecurityGroupIds": [Tag("Ref", group)]}} if good else {}),
            },
        },
        f"EndpointConfig{index}": {
            "Type": "AWS::SageMaker::EndpointConfig",
            "Properties": {
                **({"KmsKeyId": ARN} if good else {}),
                "ProductionVariants": [
                    {"VariantName": "a", "ModelName": Tag("GetAtt", f"Model{index}.ModelName"), "InitialInstanceCount": 1, "InstanceType": "ml.m5.large"}
                ],
            },
        },
        f"Domain{index}": {
            "Type": "AWS::SageMaker::Domain",
            "Properties": {
                "DomainName": f"studio-{index}",
                "AuthMode": "IAM",
                "AppNetworkAccessType": "VpcOnly" if good else "PublicInternetOnly",
                "VpcId": Tag("Ref", vpc),
                "SubnetIds": [Tag("Ref", "NotebookSubnet")],
                "DefaultUserSettings": {"ExecutionRole": "arn:aws:iam::123456789012:role/ds", "SecurityGroups": [Tag("Ref", group)]},
                **({"KmsKeyId": ARN} if good else {}),
            },
        },
    }
    for service in ("sagemaker.api", "sts", "logs"):
        resources[f"Endpoint{index}{service.replace('.', '').title()}"] = {
            "Type": "AWS::EC2::VPCEndpoint",
            "Properties": {
                "VpcId": Tag("Ref", vpc),
                "ServiceName": Tag("Sub", f"com.amazonaws.${{AWS::Region}}.{service}"),
                "VpcEndpointType": "Interface",
                "PrivateDnsEnabled": good,
            },
        }
    assert len(resources) == UNIT_SIZE
    return resources


def template(size: int) -> str:
    resources: dict[str, Any] = {}
    index = 0
    while len(resources) + UNIT_SIZE <= size:
        resources.update(unit(index))
        index += 1
    for extra in range(size - len(resources)):
        resources[f"Key{extra}"] = {"Type": "AWS::KMS::Key", "Properties": {"Description": "padding to the size", "EnableKeyRotation": True}}
    document = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Parameters": {
            "Environment": {"Type": "String", "Default": "prod", "AllowedValues": ["dev", "prod"]},
            "CentralLogBucketArn": {"Type": "String", "Default": "arn:aws:s3:::central-flow-logs"},
            "NotebookSubnet": {"Type": "AWS::EC2::Subnet::Id", "Default": "subnet-0a1b2c3d4e5f60718"},
        },
        "Conditions": {"IsProd": {"Fn::Equals": [{"Ref": "Environment"}, "prod"]}},
        "Resources": resources,
    }
    text = yaml.dump(document, Dumper=TemplateDumper, sort_keys=False, width=200)
    # The If tag was written as a scalar; CloudFormation's short form takes a sequence.
    return text.replace("!If '[IsProd, Disabled, Enabled]'", "!If [IsProd, Disabled, Enabled]")


def timed(command: list[str], env: dict[str, str], accept: tuple[int, ...]) -> tuple[float, str]:
    started = time.perf_counter()
    completed = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    elapsed = time.perf_counter() - started
    if completed.returncode not in accept:
        raise SystemExit(f"{' '.join(command)} failed ({completed.returncode}): {completed.stderr[-2000:]}")
    return elapsed, completed.stdout


def smguard_counts(output: str) -> Counter[str]:
    return Counter(finding["compliance"] for finding in json.loads(output))


def checkov_counts(output: str) -> tuple[Counter[str], Counter[str]]:
    """checkov's summary counts, and its failed checks by id (--compact lists failures only)."""
    reports = json.loads(output)
    report = reports[0] if isinstance(reports, list) else reports
    summary = report["summary"]
    failed = Counter(check["check_id"] for check in report["results"].get("failed_checks", []))
    return Counter(passed=summary["passed"], failed=summary["failed"], skipped=summary["skipped"]), failed


def write_section(path: Path, section: str) -> None:
    """Replace (or add) this benchmark's section of docs/performance.md, leaving the others alone."""
    text = path.read_text() if path.exists() else "# Performance\n\n"
    start = text.find(SECTION)
    if start < 0:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        following = text.find("\n## ", start + len(SECTION))
        text = text[:start] + section + (text[following + 1 :] if following >= 0 else "")
    path.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checkov", type=Path, default=ROOT / ".tools/checkov/bin/checkov")
    parser.add_argument("--smguard", type=Path, default=Path(sys.executable).with_name("smguard"))
    parser.add_argument("--resources", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3, help="runs per tool; the median time is reported")
    parser.add_argument("--output", type=Path, default=ROOT / "docs/performance.md")
    arguments = parser.parse_args()

    env = {**os.environ, "BC_SKIP_MAPPING": "TRUE", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false", "PYTHONDONTWRITEBYTECODE": "1"}
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "datascience.yaml"
        path.write_text(template(arguments.resources))
        smguard_command = [str(arguments.smguard), "scan", "--format", "json", "--region", "us-east-1", str(path)]
        checkov_command = [str(arguments.checkov), "-f", str(path), "--framework", "cloudformation", "--quiet", "--compact", "-o", "json"]
        smguard_times, checkov_times = [], []
        for _ in range(arguments.repeat):
            elapsed, smguard_output = timed(smguard_command, env, (0,))
            smguard_times.append(elapsed)
            elapsed, checkov_output = timed(checkov_command, env, (0, 1))
            checkov_times.append(elapsed)
    smguard_time, checkov_time = statistics.median(smguard_times), statistics.median(checkov_times)
    ours, (theirs, failed_checks) = smguard_counts(smguard_output), checkov_counts(checkov_output)
    ratio = smguard_time / checkov_time
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    results = ", ".join(f"{count} {result}" for result, count in sorted(ours.items()))
    section = "\n".join(
        [
            SECTION,
            "",
            f"Measured {now} on {platform.machine()} Linux, {os.cpu_count()} cores shared with other work, Python "
            f"{platform.python_version()}; checkov {_checkov_version(arguments.checkov)} in its own virtualenv "
            "(BC_SKIP_MAPPING=TRUE, --framework cloudformation --quiet --compact -o json). Run: `make bench-scan`.",
            "",
            f"One generated CloudFormation template of {arguments.resources} resources "
            "(benchmarks/scan_vs_checkov.py: VPCs with flow logs and endpoints, security groups, default-group rules, "
            "notebooks, models, endpoint configurations, Studio domains; parameters, a condition, !Ref/!GetAtt/!Sub/!If). "
            f"Both tools run as whole processes, start-up included, alternately; median of {arguments.repeat} runs each.",
            "",
            "| tool | median time | runs | results |",
            "|---|---|---|---|",
            f"| smguard scan (9 rules) | {smguard_time:.2f} s | {', '.join(f'{t:.2f}' for t in smguard_times)} s | {results} |",
            f"| checkov (all CloudFormation checks) | {checkov_time:.2f} s | {', '.join(f'{t:.2f}' for t in checkov_times)} s "
            f"| {theirs['passed']} passed, {theirs['failed']} failed, {theirs['skipped']} skipped |",
            "",
            f"Time ratio smguard / checkov: **{ratio:.2f}**.",
            "",
            "checkov's failed checks: " + ", ".join(f"{check} ({count})" for check, count in sorted(failed_checks.items())) + ". "
            "The check sets overlap only in part (e.g. customer managed KMS keys and model network isolation are held by "
            "both), and smguard's results include passes and not-applicable ones, so this compares the cost of running "
            "each in a pipeline, not their findings.",
            "",
        ]
    )
    print(section)
    write_section(arguments.output, section)


def _checkov_version(checkov: Path) -> str:
    completed = subprocess.run([str(checkov), "--version"], capture_output=True, text=True, check=False)
    return completed.stdout.strip() or "unknown"


if __name__ == "__main__":
    main()
