"""``smguard scan``: the rules' own checks on CloudFormation and SAM templates, before anything is deployed."""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from collections.abc import Sequence
from importlib.metadata import version
from pathlib import Path

import click
from rich.console import Console

from smguard.cli.evaluate import load_parameters, rule_settings, select_rules
from smguard.cli.options import rule_options
from smguard.cli.tables import ResultRow, results_table, short_type, stdout_console
from smguard.results import SCAN, rule_facts
from smguard.scan import UNKNOWN, ScanFinding, TemplateError, UnknownTemplateParameterError, scan_templates
from smguard.scan.sarif import sarif_log

EXIT_FAILED = 1
REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d+")
EXIT_BAD_INPUT = 2
SCAN_ROLE_REFUSAL = "applies to deployed rules only; a template scan reads no account, so there is no role to assume"


class TemplateRejectedError(click.ClickException):
    """A template cannot be read or is not valid CloudFormation; nothing was scanned."""

    exit_code = EXIT_BAD_INPUT


@click.command("scan")
@click.argument("templates", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@rule_options
@click.option(
    "--parameter-overrides",
    "overrides",
    multiple=True,
    metavar="KEY=VALUE",
    help="A template parameter's value, as at deployment (repeatable); wins over the parameter's Default.",
)
@click.option(
    "--region",
    help="The region the stack will be deployed to: AWS::Region and AWS::Partition resolve to it and endpoints "
    "must serve it. Without it, ${AWS::Region} in an endpoint's ServiceName matches the stack's region and other "
    "uses of AWS::Region stay open (UNKNOWN where a check needs them).",
)
@click.option("--format", "output_format", type=click.Choice(["table", "json", "sarif"]), default="table", show_default=True)
@click.option("--fail-on-noncompliant", is_flag=True, help=f"Exit with code {EXIT_FAILED} when any resource is NON_COMPLIANT.")
@click.option(
    "--fail-on-unknown",
    is_flag=True,
    help=f"Exit with code {EXIT_FAILED} when any result is UNKNOWN (the template does not decide it).",
)
def scan_command(
    templates: tuple[Path, ...],
    rule_names: str | None,
    params: tuple[str, ...],
    params_file: Path | None,
    overrides: tuple[str, ...],
    region: str | None,
    output_format: str,
    fail_on_noncompliant: bool,
    fail_on_unknown: bool,
) -> None:
    """Check CloudFormation and SAM TEMPLATES with the same code as the deployed rules.

    Each SageMaker, VPC and security-group resource is mapped to the configuration AWS Config
    would record for it; VPCs are checked against the template's flow logs and VPC endpoints.
    Values the template does not determine (a parameter without default, an attribute known only
    once deployed) make a result UNKNOWN with the reason, never COMPLIANT.

    Exit codes: 0 scanned, 1 a --fail-on-... condition was met, 2 bad usage, rule parameter or template.
    """
    if region is not None and REGION.fullmatch(region) is None:
        raise click.BadParameter(f"{region!r} is not a region name such as eu-west-1", param_hint="--region")
    entries = select_rules(rule_names)
    settings = rule_settings(entries, load_parameters(params, params_file), SCAN_ROLE_REFUSAL)
    for name, setting in settings.items():
        if setting.engine.exemptions_parameter_name is not None:
            raise click.BadParameter(
                f"rule {name}: ExemptionsParameterName applies to deployed rules; a template scan does not read "
                "the exemption register",
                param_hint="--param",
            )
    parameters = {name: setting.rule for name, setting in settings.items()}
    try:
        findings = scan_templates(list(templates), entries, parameters, parse_overrides(overrides), region)
    except TemplateError as error:
        raise TemplateRejectedError(str(error)) from error
    except UnknownTemplateParameterError as error:
        raise click.BadParameter(str(error), param_hint="--parameter-overrides") from error
    write_findings(findings, output_format, entries)
    counts = Counter(finding.result for finding in findings)
    Console(stderr=True).print(
        f"{len(findings)} result(s) in {len(templates)} template(s): {counts['COMPLIANT']} compliant, "
        f"{counts['NON_COMPLIANT']} non-compliant, {counts[UNKNOWN]} unknown, {counts['NOT_APPLICABLE']} not applicable.",
        highlight=False,
        soft_wrap=True,  # one line for whoever parses it, however narrow stderr is
    )
    if (fail_on_noncompliant and counts["NON_COMPLIANT"]) or (fail_on_unknown and counts[UNKNOWN]):
        sys.exit(EXIT_FAILED)


def parse_overrides(overrides: Sequence[str]) -> dict[str, str]:
    parsed: dict[str, str] = {}
    for text in overrides:
        name, separator, value = text.partition("=")
        if not separator or not name.strip():
            raise click.BadParameter(f"{text!r} is not KEY=VALUE", param_hint="--parameter-overrides")
        parsed[name.strip()] = value
    return parsed


def finding_record(finding: ScanFinding) -> dict[str, object]:
    """A finding in the result vocabulary (smguard.results.SCAN): a template resource's id is its logical id."""
    return SCAN.record(
        {
            "rule": finding.rule,
            "resource_type": finding.resource_type,
            "resource_id": finding.logical_id,
            "compliance": finding.result,
            "annotation": finding.annotation,
            **rule_facts(finding.rule),
            "file": finding.file,
            "line": finding.line,
        }
    )


def write_findings(findings: Sequence[ScanFinding], output_format: str, entries: Sequence) -> None:
    if output_format == "json":
        click.echo(json.dumps([finding_record(finding) for finding in findings], indent=2, ensure_ascii=False))
    elif output_format == "sarif":
        click.echo(json.dumps(sarif_log(findings, entries, Path.cwd(), version("smguard")), indent=2))
    else:
        console = stdout_console()
        for file in dict.fromkeys(finding.file for finding in findings):
            rows = (
                ResultRow(
                    finding.rule,
                    (short_type(finding.resource_type), f"{finding.logical_id} (line {finding.line})"),
                    finding.result,
                    finding.annotation,
                )
                for finding in findings
                if finding.file == file
            )
            console.print(results_table(f"smguard scan: {file}", rows))
