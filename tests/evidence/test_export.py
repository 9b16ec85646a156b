"""smguard export end to end: real rule handlers -> embedded Config -> bundle -> verify."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import stat
import json
from datetime import datetime, timezone
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError
from click.testing import CliRunner
from rich.console import Console
from rich.progress import Progress, TextColumn

from smguard import __version__
from smguard.cli.evidence import ExportProgress
from smguard.cli.main import cli
from smguard.catalogue import rule_names
from smguard.deploy.naming import CONFORMANCE_PACK_NAME, names, resource_name
from smguard.embedded.stack import pack_rule_names, smguard_template
from smguard.evidence import ExportRequest, export_bundle
from smguard.evidence.errors import AccessDeniedError, RuleNotFoundError
from smguard.evidence.request import AGGREGATOR_LIMIT
from smguard.evidence.rows import COLUMNS
from smguard.results import EXPORT
from tests.support.schemas import assert_valid
from tests.evidence.conftest import ACCOUNT, INVOKED_AT, MEMBER, NOTEBOOK, ORGANIZATION_AGGREGATOR, REGION, put_standalone_rule, standalone_rules

EXPORTED_AT = datetime(2026, 11, 25, 6, 0, tzinfo=timezone.utc)
INVOKED = "2026-11-20 10:16:00"
"""INVOKED_AT as evaluations.csv writes it: a date and time a spreadsheet reads (UTC, the header says)."""
INVOKED_JSON = "2026-11-20T10:16:00.000Z"
ROOT = "notebook_root_access"
INTERNET = "notebook_direct_internet"
ROOT_ENABLED = "RootAccess is Enabled; set RootAccess to Disabled (stop the notebook, then UpdateNotebookInstance)."
INTERNET_DISABLED = "DirectInternetAccess is Disabled: the notebook has no SageMaker-provided internet route."
INTERNET_ENABLED = (
    "DirectInternetAccess is Enabled (the notebook reaches the internet through SageMaker's VPC). It cannot be changed "
    "after creation: recreate the notebook with a SubnetId and DirectInternetAccess=Disabled (CreateNotebookInstance)."
)
EXEMPT = (
    "EXEMPT until 2099-03-31 (ticket SEC-1234, approved by jane.doe@bank.example): "
    "Vendor agent install needs root until the hardened image ships."
)
CALLER_ARN = "arn:aws:sts::123456789012:user/moto"


RULE_FACTS = {
    # severity, Security Hub controls, NIST SP 800-53 controls, AWS Config managed rules (metadata.json), as CSV cells
    INTERNET: [
        "high",
        "SageMaker.1",
        "AC-3 AC-3(7) AC-4 AC-4(21) AC-6 AC-21 SC-7 SC-7(3) SC-7(4) SC-7(9) SC-7(11) SC-7(16) SC-7(20) SC-7(21)",
        "sagemaker-notebook-no-direct-internet-access",
    ],
    ROOT: ["high", "SageMaker.3", "AC-3 AC-6 AC-6(10)", "sagemaker-notebook-instance-root-access-check"],
}


def row(account, rule, resource, compliance, annotation, ticket="", expires="", approver="", *, config_rule_name):
    """A CSV row without result_recorded_time_utc (the embedded Config's clock), which is checked apart."""
    return [
        "smguard-export/1", account, REGION, rule, config_rule_name, NOTEBOOK, resource, compliance, annotation,
        *RULE_FACTS[rule], ticket, expires, approver, INVOKED,
    ]


ACCOUNT_RESULTS = [
    (INTERNET, "nb-locked", "COMPLIANT", INTERNET_DISABLED),
    (INTERNET, "nb-open", "NON_COMPLIANT", INTERNET_ENABLED),
    (INTERNET, "nb-vendor", "COMPLIANT", INTERNET_DISABLED),
    (ROOT, "nb-gone", "NOT_APPLICABLE", "The resource is ResourceDeleted."),
    (ROOT, "nb-locked", "COMPLIANT", "RootAccess is Disabled."),
    (ROOT, "nb-open", "NON_COMPLIANT", ROOT_ENABLED),
    (ROOT, "nb-vendor", "NOT_APPLICABLE", EXEMPT, "SEC-1234", "2099-03-31", "jane.doe@bank.example"),
]
AGGREGATED = (0, 1, 2, 4, 5)
"""The account's rows an aggregator carries: not the NOT_APPLICABLE ones (3 and 6)."""


def account_rows(world) -> list[list[str]]:
    """The rows of ``world``'s account, in export order, each under the name its pack gave the rule."""
    return [row(ACCOUNT, *result, config_rule_name=world.rule_name(result[0])) for result in ACCOUNT_RESULTS]


RECORDED = COLUMNS.index("result_recorded_time_utc")
BOM = "\ufeff"


def read_csv(bundle: Path) -> tuple[list[str], list[list[str]]]:
    text = (bundle / "evaluations.csv").read_bytes().decode("utf-8")
    assert text.startswith(BOM)
    header, *rows = list(csv.reader(io.StringIO(text[len(BOM):], newline="")))
    return header, rows


def without_recorded_time(rows: list[list[str]]) -> list[list[str]]:
    return [r[:RECORDED] + r[RECORDED + 1 :] for r in rows]


def export(world, tmp_path, **request) -> Path:
    return export_bundle(world.session, ExportRequest(**request), tmp_path / "bundle", clock=lambda: EXPORTED_AT)


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


class TestAccountExport:
    def test_rows_are_exact_in_csv_and_jsonl(self, world, tmp_path):
        bundle = export(world, tmp_path, account_id=ACCOUNT)

        header, rows = read_csv(bundle)
        assert tuple(header) == COLUMNS
        assert without_recorded_time(rows) == account_rows(world)

        lines = (bundle / "evaluations.jsonl").read_text(encoding="utf-8").splitlines()
        documents = [json.loads(line) for line in lines]
        for document in documents:
            assert_valid(EXPORT, document)  # docs/schemas/smguard-export.schema.json, one record per line
        assert [list(d) for d in documents] == [list(COLUMNS)] * 7
        for document, csv_row in zip(documents, rows, strict=True):
            recorded = datetime.fromisoformat(document["result_recorded_time_utc"].replace("Z", "+00:00"))
            assert world.created_at <= recorded <= datetime.now(timezone.utc)
            # The CSV's time is the JSON's to the second, in the form a spreadsheet reads as a date.
            assert csv_row[RECORDED] == recorded.strftime("%Y-%m-%d %H:%M:%S")
            assert document["rule_invoked_time_utc"] == INVOKED_JSON
            as_csv = {
                name: (" ".join(v) if isinstance(v, list) else "" if v is None else v)
                for name, v in document.items()
                if name not in ("result_recorded_time_utc", "rule_invoked_time_utc")
            }
            assert list(as_csv.values()) == [c for n, c in zip(COLUMNS, csv_row) if n in as_csv]
        assert documents[0]["security_hub_controls"] == ["SageMaker.1"] and documents[3]["nist_800_53_controls"] == ["AC-3", "AC-6", "AC-6(10)"]
        assert documents[3]["exemption_ticket"] is None and documents[6]["exemption_ticket"] == "SEC-1234"

    def test_the_csv_opens_as_utf8_in_excel_and_its_times_as_dates(self, world, tmp_path):
        """A byte-order mark is what makes Excel on Windows read UTF-8; non-ASCII text survives the round trip."""
        world.evaluate(ROOT, "nb-müller-Ω", {"RootAccess": "Enabled"})
        bundle = export(world, tmp_path, account_id=ACCOUNT, rules=(ROOT,))
        data = (bundle / "evaluations.csv").read_bytes()
        assert data.startswith(b"\xef\xbb\xbf" + b"schema,account_id,")
        assert "nb-müller-Ω".encode() in data
        header, rows = read_csv(bundle)
        assert header[RECORDED] == "result_recorded_time_utc" and header[-1] == "rule_invoked_time_utc"
        for value in (r[c] for r in rows for c in (RECORDED, len(header) - 1)):
            assert datetime.strptime(value, "%Y-%m-%d %H:%M:%S") <= datetime.now()  # raises unless YYYY-MM-DD HH:MM:SS

    def test_rules_json_holds_the_deployed_definitions(self, world, tmp_path):
        bundle = export(world, tmp_path, account_id=ACCOUNT)
        rules = json.loads((bundle / "rules.json").read_text())
        assert rules["described_in"] == {"account_id": ACCOUNT, "region": REGION}
        assert rules["not_described"] == []
        # The pack holds every rule of the catalogue; each is exported under the name the pack gave it.
        pack = pack_rule_names(world.session.client("config"))
        assert sorted(pack) == sorted(rule_names())
        assert [r["ConfigRuleName"] for r in rules["ConfigRules"]] == sorted(pack.values())
        assert rules["smguard_rules"] == {rule: [name] for rule, name in sorted(pack.items())}
        [root] = [r for r in rules["ConfigRules"] if r["ConfigRuleName"] == world.rule_name(ROOT)]
        assert root["CreatedBy"] == "config-conforms.amazonaws.com"  # the pack's service-linked role created it
        assert root["Description"] == "SageMaker notebook instances do not give users root access"
        assert root["Scope"] == {"ComplianceResourceTypes": [NOTEBOOK]}
        assert root["Source"]["Owner"] == "CUSTOM_LAMBDA"
        assert root["Source"]["SourceIdentifier"] == f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:smguard-notebook-root-access"
        assert [d["MessageType"] for d in root["Source"]["SourceDetails"]] == [
            "ConfigurationItemChangeNotification",
            "OversizedConfigurationItemChangeNotification",
        ]
        assert root["ConfigRuleArn"].startswith(f"arn:aws:config:{REGION}:{ACCOUNT}:config-rule/")

    def test_manifest_says_what_when_who_and_hashes_every_file(self, world, tmp_path):
        bundle = export(world, tmp_path, account_id=ACCOUNT, rules=("notebook_root_access",))
        manifest = json.loads((bundle / "manifest.json").read_text())
        files = sorted(p.name for p in bundle.iterdir())
        assert files == [
            "compliance_scores.csv", "compliance_scores.jsonl", "evaluations.csv", "evaluations.jsonl", "manifest.json", "rules.json", "summary.html"
        ]  # fmt: skip
        assert manifest["files"] == {
            name: {"sha256": hashlib.sha256((bundle / name).read_bytes()).hexdigest(), "bytes": (bundle / name).stat().st_size}
            for name in files
            if name != "manifest.json"
        }
        assert {k: v for k, v in manifest.items() if k != "files"} == {
            "format": "smguard-evidence-bundle/1",
            "created_at": "2026-11-25T06:00:00Z",
            "requested_by": {"account_id": ACCOUNT, "arn": CALLER_ARN, "user_id": "AKIAIOSFODNN7EXAMPLE"},
            "tool": {"name": "smguard", "version": __version__},
            "region": REGION,
            "request": {
                "scope": "account",
                "account_id": ACCOUNT,
                "filters": {
                    "rules": [ROOT],
                    "compliance_types": ["COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE"],
                    "accounts": None,
                    "regions": None,
                },
            },
            "limits": [],
            "counts": {
                "rows": 4,
                "per_compliance_type": {"COMPLIANT": 1, "NON_COMPLIANT": 1, "NOT_APPLICABLE": 2},
                "per_rule": {ROOT: {"COMPLIANT": 1, "NON_COMPLIANT": 1, "NOT_APPLICABLE": 2}},
            },
        }

    def test_filters_by_rule_and_compliance_type(self, world, tmp_path):
        bundle = export(world, tmp_path, account_id=ACCOUNT, rules=("notebook_root_access",), compliance_types=("NON_COMPLIANT", "NOT_APPLICABLE"))
        assert without_recorded_time(read_csv(bundle)[1]) == [account_rows(world)[i] for i in (3, 5, 6)]

    def test_the_command_writes_a_bundle_that_verifies(self, world, tmp_path):
        out = tmp_path / "evidence" / "2026-11-25"
        result = run("export", "--account", ACCOUNT, "--region", REGION, "--out", str(out))
        assert result.exit_code == 0, result.output
        manifest_hash = hashlib.sha256((out / "manifest.json").read_bytes()).hexdigest()
        assert f"manifest.json SHA-256: {manifest_hash}" in result.output
        assert without_recorded_time(read_csv(out)[1]) == account_rows(world)
        assert leftovers(out.parent) == ["2026-11-25"]
        verified = run("verify", str(out), "--manifest-sha256", manifest_hash)
        assert verified.exit_code == 0
        assert verified.output == (
            f"{out}: intact. manifest.json has the SHA-256 kept at export ({manifest_hash}) and the 6 files it lists match it.\n"
        )


class TestAggregatorExport:
    def test_exports_every_source_account(self, organization, tmp_path):
        bundle = export(organization, tmp_path, aggregator="organization")
        member_rule = organization.rule_name(ROOT, MEMBER)
        member_rows = [
            row(MEMBER, ROOT, "nb-member-locked", "COMPLIANT", "RootAccess is Disabled.", config_rule_name=member_rule),
            row(MEMBER, ROOT, "nb-member-open", "NON_COMPLIANT", ROOT_ENABLED, config_rule_name=member_rule),
        ]
        aggregated_rows = [account_rows(organization)[i] for i in AGGREGATED]
        assert without_recorded_time(read_csv(bundle)[1]) == aggregated_rows + member_rows
        manifest = json.loads((bundle / "manifest.json").read_text())
        assert manifest["request"] == {
            "scope": "aggregator",
            "aggregator": "organization",
            "filters": {"rules": None, "compliance_types": ["COMPLIANT", "NON_COMPLIANT"], "accounts": None, "regions": None},
        }
        assert manifest["limits"] == [AGGREGATOR_LIMIT]
        assert manifest["counts"]["per_rule"] == {
            INTERNET: {"COMPLIANT": 2, "NON_COMPLIANT": 1, "NOT_APPLICABLE": 0},
            ROOT: {"COMPLIANT": 2, "NON_COMPLIANT": 2, "NOT_APPLICABLE": 0},
        }
        rules = json.loads((bundle / "rules.json").read_text())
        # Described in the aggregator's account: its own pack's rules, of the rules with results.
        assert [r["ConfigRuleName"] for r in rules["ConfigRules"]] == [organization.rule_name(INTERNET), organization.rule_name(ROOT)]
        assert (
            '<p class="limit" id="limit-0"><strong>Not in this bundle:</strong> Through a Config aggregator, AWS Config '
            "returns only COMPLIANT and NON_COMPLIANT results: NOT_APPLICABLE results, exemptions included, are not in "
            "this bundle. Export an account with --account to include them.</p>"
        ) in (bundle / "summary.html").read_text()

    def test_not_applicable_is_refused_with_an_aggregator(self, organization, tmp_path):
        result = run(
            "export", "--aggregator", "organization", "--compliance-types", "NON_COMPLIANT,NOT_APPLICABLE",
            "--region", REGION, "--out", str(tmp_path / "bundle"),
        )
        assert result.exit_code == 2
        assert result.stderr.splitlines() == [
            "Error: --compliance-types NOT_APPLICABLE cannot be exported through an aggregator: AWS Config aggregates "
            "only COMPLIANT and NON_COMPLIANT results; export each account with --account to include them"
        ]
        assert leftovers(tmp_path) == []

    @pytest.mark.parametrize(
        ("args", "named"),
        [
            (["--rules", "notebook_root_access,sagemaker_kms"], "sagemaker_kms"),
            (["--rules", "smguard-notebook-direct-internet", "--accounts", MEMBER], INTERNET),
        ],
        ids=["not-deployed", "no-results-in-the-filtered-accounts"],
    )
    def test_a_rule_no_source_has_results_for_is_named(self, organization, tmp_path, args, named):
        result = run("export", "--aggregator", "organization", *args, "--region", REGION, "--out", str(tmp_path / "bundle"))
        assert result.exit_code == 3
        within = f" within --accounts {MEMBER}" if "--accounts" in args else ""
        assert result.stderr.splitlines() == [
            f"Error: no source of the aggregator 'organization'{within} has results for {named}: the rule is not "
            "deployed there, or all its results are NOT_APPLICABLE (which an aggregator does not carry; export such "
            "an account with --account). No bundle was written."
        ]
        assert leftovers(tmp_path) == []

    def test_an_account_bundle_states_no_limit(self, world, tmp_path):
        bundle = export(world, tmp_path, account_id=ACCOUNT)
        assert 'class="limit"' not in (bundle / "summary.html").read_text()

    def test_filters_by_account_region_and_compliance(self, organization, tmp_path):
        bundle = export(organization, tmp_path, aggregator="organization", accounts=(MEMBER,), compliance_types=("NON_COMPLIANT",))
        assert without_recorded_time(read_csv(bundle)[1]) == [
            row(MEMBER, ROOT, "nb-member-open", "NON_COMPLIANT", ROOT_ENABLED, config_rule_name=organization.rule_name(ROOT, MEMBER))
        ]
        empty = export_bundle(
            organization.session, ExportRequest(aggregator="organization", regions=("eu-west-1",)), tmp_path / "empty"
        )
        assert read_csv(empty)[1] == []

    def test_a_missing_aggregator_fails_without_a_bundle(self, world, tmp_path):
        result = run("export", "--aggregator", "nowhere", "--region", REGION, "--out", str(tmp_path / "bundle"))
        assert result.exit_code == 3
        assert (
            "Error: the Config aggregator 'nowhere' does not exist in account 123456789012, region us-east-1; "
            "check its name and region (DescribeConfigurationAggregators lists them). No bundle was written."
        ) in result.output
        assert leftovers(tmp_path) == []


class TestOrganizationRules:
    """Rules deployed by the organization conformance pack: each member account holds a copy of the pack,
    OrgConformsPack-smguard-<suffix>, whose rules are smguard-<rule>-conformance-pack-<suffix>."""

    def member_rows(self, organization, rules=(INTERNET, ROOT)) -> list[list[str]]:
        first, second = organization.members
        copy = organization.copies
        expected = [
            (first, INTERNET, "nb-first-locked", "COMPLIANT", INTERNET_DISABLED),
            (first, INTERNET, "nb-first-open", "COMPLIANT", INTERNET_DISABLED),
            (first, ROOT, "nb-first-locked", "COMPLIANT", "RootAccess is Disabled."),
            (first, ROOT, "nb-first-open", "NON_COMPLIANT", ROOT_ENABLED),
            (second, INTERNET, "nb-second-open", "NON_COMPLIANT", INTERNET_ENABLED),
            (second, ROOT, "nb-second-open", "NON_COMPLIANT", ROOT_ENABLED),
        ]
        return [
            row(account, rule, resource, compliance, annotation, config_rule_name=copy[(account, rule)])
            for account, rule, resource, compliance, annotation in expected
            if rule in rules
        ]

    def test_every_member_account_is_exported_through_the_organization_aggregator(self, shared_organization_rules, tmp_path):
        bundle = export_bundle(
            shared_organization_rules.security, ExportRequest(aggregator=ORGANIZATION_AGGREGATOR), tmp_path / "bundle", clock=lambda: EXPORTED_AT
        )
        # The management account's own pack's rules come through too; its copy of the organization pack
        # and the security account's have no results. Rows come by account, Config rule and resource.
        management = [account_rows(shared_organization_rules.world)[i] for i in AGGREGATED]
        expected = sorted(management + self.member_rows(shared_organization_rules), key=lambda r: (r[1], r[4], r[6]))
        assert without_recorded_time(read_csv(bundle)[1]) == expected
        for line in (bundle / "evaluations.jsonl").read_text(encoding="utf-8").splitlines():
            assert_valid(EXPORT, json.loads(line))
        manifest = json.loads((bundle / "manifest.json").read_text())
        assert manifest["counts"]["per_rule"] == {
            INTERNET: {"COMPLIANT": 4, "NON_COMPLIANT": 2, "NOT_APPLICABLE": 0},
            ROOT: {"COMPLIANT": 2, "NON_COMPLIANT": 3, "NOT_APPLICABLE": 0},
        }
        rules = json.loads((bundle / "rules.json").read_text())
        security = shared_organization_rules.security_id
        assert rules["described_in"] == {"account_id": security, "region": REGION}
        own_copies = [shared_organization_rules.copies[(security, rule)] for rule in (INTERNET, ROOT)]
        assert [r["ConfigRuleName"] for r in rules["ConfigRules"]] == own_copies
        assert rules["ConfigRules"][1]["CreatedBy"] == "config-conforms.amazonaws.com"  # the pack's service-linked role
        assert rules["not_described"] == []
        assert rules["smguard_rules"] == {
            rule: sorted(
                [shared_organization_rules.world.rule_name(rule), shared_organization_rules.copies[(security, rule)]]
                + [shared_organization_rules.copies[(member, rule)] for member in shared_organization_rules.members]
            )
            for rule in (INTERNET, ROOT)
        }

    @pytest.mark.parametrize("given", ["folder", "declared", "a member's copy"])
    def test_rules_selects_a_rule_by_any_name_through_the_aggregator(self, shared_organization_rules, tmp_path, given):
        first = next(iter(shared_organization_rules.members))
        given = {
            "folder": ROOT,
            "declared": "smguard-notebook-root-access",  # as the pack template declares it
            "a member's copy": shared_organization_rules.copies[(first, ROOT)],
        }[given]
        bundle = export_bundle(
            shared_organization_rules.security,
            ExportRequest(aggregator=ORGANIZATION_AGGREGATOR, rules=(given,), accounts=(first,)),
            tmp_path / "bundle",
        )
        assert without_recorded_time(read_csv(bundle)[1]) == [r for r in self.member_rows(shared_organization_rules, (ROOT,)) if r[1] == first]
        assert json.loads((bundle / "manifest.json").read_text())["request"]["filters"]["rules"] == [ROOT]

    def test_a_member_account_exports_its_copies_with_account(self, shared_organization_rules, tmp_path):
        first, session = next(iter(shared_organization_rules.members.items()))
        credentials = session.get_credentials()
        env = {"AWS_ACCESS_KEY_ID": credentials.access_key, "AWS_SECRET_ACCESS_KEY": credentials.secret_key, "AWS_SESSION_TOKEN": credentials.token}
        out = tmp_path / "member"
        result = CliRunner(env=env).invoke(cli, ["export", "--account", first, "--region", REGION, "--out", str(out)], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        assert without_recorded_time(read_csv(out)[1]) == [r for r in self.member_rows(shared_organization_rules) if r[1] == first]
        rules = json.loads((out / "rules.json").read_text())
        # Every rule of the member's copy of the pack, those without results too.
        copies = pack_rule_names(session.client("config"))
        assert {rule: copies[rule] for rule in (INTERNET, ROOT)} == {rule: shared_organization_rules.copies[(first, rule)] for rule in (INTERNET, ROOT)}
        assert rules["smguard_rules"] == {rule: [name] for rule, name in sorted(copies.items())}
        copy = shared_organization_rules.copies[(first, ROOT)]
        by_copy_name = CliRunner(env=env).invoke(
            cli, ["export", "--account", first, "--rules", copy, "--region", REGION, "--out", str(tmp_path / "by-name")], catch_exceptions=False
        )
        assert by_copy_name.exit_code == 0, by_copy_name.output
        assert without_recorded_time(read_csv(tmp_path / "by-name")[1]) == [
            r for r in self.member_rows(shared_organization_rules, (ROOT,)) if r[1] == first
        ]


class TestRulesOfAnotherVersion:
    """Config rules named like smguard's that this smguard's catalogue does not hold are left out, and the bundle says so."""

    RETIRED = names("retired_check")
    UNKNOWN = (RETIRED.config_rule, RETIRED.member_rule("a1b2c3d4"), RETIRED.pack_rule("a1b2c3d4"))
    """As a standalone rule, an organization rule's copy and a conformance pack's rule."""

    @pytest.fixture
    def retired(self, world):
        from smguard.embedded import result_token

        config = world.session.client("config")
        for name in self.UNKNOWN:
            put_standalone_rule(world.session, name, resource_name("retired_check"))
            config.put_evaluations(
                ResultToken=result_token(name, account_id=ACCOUNT, region=REGION, invoked_at=INVOKED_AT),
                Evaluations=[{"ComplianceResourceType": NOTEBOOK, "ComplianceResourceId": "nb-old", "ComplianceType": "NON_COMPLIANT", "Annotation": "old", "OrderingTimestamp": INVOKED_AT}],
            )
        return world

    def sentence(self, names_shown: str) -> str:
        return (
            f"Config rules named like smguard's that this smguard's catalogue does not hold are not in this bundle ({names_shown}; "
            "rules.json lists them under not_recognised): they may come from another smguard version; export them with that version."
        )

    def test_an_account_bundle_names_them(self, retired, tmp_path):
        bundle = export(retired, tmp_path, account_id=ACCOUNT)
        assert without_recorded_time(read_csv(bundle)[1]) == account_rows(retired)
        assert json.loads((bundle / "rules.json").read_text())["not_recognised"] == sorted(self.UNKNOWN)
        limits = json.loads((bundle / "manifest.json").read_text())["limits"]
        assert limits == [self.sentence(", ".join(sorted(self.UNKNOWN)))]
        assert 'id="limit-0"' in (bundle / "summary.html").read_text()

    def test_an_aggregator_bundle_names_them_with_their_account(self, retired, tmp_path):
        retired.session.client("config").put_configuration_aggregator(
            ConfigurationAggregatorName="own", AccountAggregationSources=[{"AccountIds": [ACCOUNT], "AwsRegions": [REGION]}]
        )
        bundle = export(retired, tmp_path, aggregator="own")
        assert without_recorded_time(read_csv(bundle)[1]) == [account_rows(retired)[i] for i in AGGREGATED]
        shown = sorted(f"{name} in {ACCOUNT} {REGION}" for name in self.UNKNOWN)
        assert json.loads((bundle / "rules.json").read_text())["not_recognised"] == shown
        assert json.loads((bundle / "manifest.json").read_text())["limits"] == [AGGREGATOR_LIMIT, self.sentence(", ".join(shown))]

    def test_the_limit_names_five_and_counts_the_rest(self):
        request = ExportRequest(account_id=ACCOUNT)
        names_left_out = [names(f"old_{i}").config_rule for i in range(7)]
        assert request.limits(names_left_out) == [self.sentence(", ".join(names_left_out[:5]) + " and 2 more")]

    def test_a_rules_filter_leaves_them_out_without_a_word(self, retired, tmp_path):
        bundle = export(retired, tmp_path, account_id=ACCOUNT, rules=(ROOT,))
        assert json.loads((bundle / "rules.json").read_text())["not_recognised"] == []
        assert json.loads((bundle / "manifest.json").read_text())["limits"] == []


class TestOrganizationRuleChanges:
    def test_an_excluded_member_account_has_no_rule_to_export(self, organization_rules, tmp_path):
        first, session = next(iter(organization_rules.members.items()))
        assert pack_rule_names(session.client("config"))[ROOT] == organization_rules.copies[(first, ROOT)]
        # The security team excludes the account: the stack's update puts the organization pack again,
        # with the same template and input parameters, and ExcludedAccounts.
        config = organization_rules.security.client("config")
        [pack] = config.describe_organization_conformance_packs(OrganizationConformancePackNames=[CONFORMANCE_PACK_NAME])[
            "OrganizationConformancePacks"
        ]
        config.put_organization_conformance_pack(
            OrganizationConformancePackName=pack["OrganizationConformancePackName"],
            TemplateBody=smguard_template().document["Resources"]["OrganizationConformancePack"]["Properties"]["TemplateBody"],
            ConformancePackInputParameters=pack["ConformancePackInputParameters"],
            ExcludedAccounts=[first],
        )
        assert pack_rule_names(session.client("config")) == {}  # the account's copy of the pack went, with its rules
        with pytest.raises(RuleNotFoundError) as raised:
            export_bundle(session, ExportRequest(account_id=first, rules=(ROOT,)), tmp_path / "bundle")
        assert str(raised.value) == (
            f"--rules {ROOT}: not deployed in account {first}, region {REGION} (no Config rule smguard-notebook-root-access-conformance-pack-<suffix> "
            "of smguard's conformance pack, nor, from a deployment before the pack, smguard-notebook-root-access or an "
            "organization rule's copy OrgConfigRule-smguard-notebook-root-access-<suffix>). No bundle was written."
        )
        assert leftovers(tmp_path) == []


class TestFailures:
    def test_access_denied_names_the_call_the_principal_and_the_permissions(self, world, tmp_path, monkeypatch):
        def deny(**_):
            raise ClientError(
                {"Error": {"Code": "AccessDeniedException", "Message": "not authorized to perform config:GetComplianceDetailsByConfigRule"}},
                "GetComplianceDetailsByConfigRule",
            )

        real_session = boto3.Session

        def session_with_denial(**kwargs):
            session = real_session(**kwargs)
            session.events.register("before-call.config.GetComplianceDetailsByConfigRule", deny)
            return session

        monkeypatch.setattr("smguard.cli.options.boto3.Session", session_with_denial)
        result = run("export", "--account", ACCOUNT, "--region", REGION, "--out", str(tmp_path / "bundle"))
        assert result.exit_code == 3
        assert (
            f"Error: AWS denied GetComplianceDetailsByConfigRule to {CALLER_ARN} in account {ACCOUNT}, region {REGION} "
            "(AccessDeniedException: not authorized to perform config:GetComplianceDetailsByConfigRule). The export needs "
            "config:DescribeConfigRules, config:GetComplianceDetailsByConfigRule, config:DescribeConformancePacks and "
            "sts:GetCallerIdentity. No bundle was written."
        ) in result.output
        assert leftovers(tmp_path) == []

    def test_access_denied_after_rows_were_written_leaves_nothing(self, world, tmp_path):
        calls = []
        denied = world.rule_name(ROOT)

        def deny_root_access(params, **_):
            calls.append(params["ConfigRuleName"])
            if params["ConfigRuleName"] == denied:
                raise ClientError({"Error": {"Code": "AccessDenied", "Message": "denied"}}, "GetComplianceDetailsByConfigRule")

        world.session.events.register("provide-client-params.config.GetComplianceDetailsByConfigRule", deny_root_access)
        with pytest.raises(AccessDeniedError):
            export(world, tmp_path, account_id=ACCOUNT)
        # The pack's rules are read in name order; notebook_direct_internet's rows were written before the denial.
        read = sorted(pack_rule_names(world.session.client("config")).values())
        assert calls == read[: read.index(denied) + 1]
        assert world.rule_name(INTERNET) in calls
        assert leftovers(tmp_path) == []

    @pytest.mark.parametrize(
        ("args", "code", "message"),
        [
            (["--account", "999999999999"], 3, "--account 999999999999 was asked, but the credentials (arn:aws:sts::123456789012:user/moto) are for account 123456789012"),
            (["--account", ACCOUNT, "--rules", "notebook_root_access,notebook_root_acess"], 2, "--rules: 'notebook_root_acess' names no smguard rule; give a rule's name ("),
            (["--aggregator", "organization", "--rules", "smguard-notebook_root_access"], 2, "--rules: 'smguard-notebook_root_access' names no smguard rule"),
            (["--account", ACCOUNT, "--compliance-types", "INSUFFICIENT_DATA"], 2, "--compliance-types INSUFFICIENT_DATA is not a resource result"),
            (["--account", ACCOUNT, "--aggregator", "organization"], 2, "give exactly one of --account ACCOUNT_ID or --aggregator NAME"),
            (["--account", ACCOUNT, "--accounts", MEMBER], 2, "--accounts and --regions filter an aggregator export"),
            (["--aggregator", "organization", "--accounts", "12345"], 2, "--accounts '12345' is not a 12-digit AWS account id"),
        ],
    )
    def test_bad_requests_are_named_and_write_nothing(self, world, tmp_path, args, code, message):
        result = run("export", *args, "--region", REGION, "--out", str(tmp_path / "bundle"))
        assert result.exit_code == code
        assert message in result.output
        assert leftovers(tmp_path) == []

    def test_a_rule_an_older_deployment_lacks_is_named(self, aws, tmp_path):
        """A conformance pack holds every rule; an account whose smguard rules are still the standalone
        rules of a deployment from before the pack may lack one."""
        from smguard.embedded import install

        install()
        standalone_rules(boto3.Session(region_name=REGION), (ROOT,))
        result = run("export", "--account", ACCOUNT, "--rules", "notebook_root_access,sagemaker_kms", "--region", REGION, "--out", str(tmp_path / "bundle"))
        assert result.exit_code == 3
        assert result.stderr.splitlines() == [
            "Error: --rules sagemaker_kms: not deployed in account 123456789012, region us-east-1 (no Config rule "
            "smguard-sagemaker-kms-conformance-pack-<suffix> of smguard's conformance pack, nor, from a deployment before "
            "the pack, smguard-sagemaker-kms or an organization rule's copy OrgConfigRule-smguard-sagemaker-kms-<suffix>). "
            "No bundle was written."
        ]
        assert leftovers(tmp_path) == []

    def test_no_smguard_rule_deployed(self, aws, tmp_path):
        from smguard.embedded import install

        install()
        result = run("export", "--account", ACCOUNT, "--region", REGION, "--out", str(tmp_path / "bundle"))
        assert result.exit_code == 3
        assert result.stderr.splitlines() == [
            "Error: no smguard rule is deployed in account 123456789012, region us-east-1 (no Config rule "
            "smguard-<rule>-conformance-pack-<suffix> of smguard's conformance pack, nor, from a deployment before the "
            "pack, smguard-<rule> or an organization rule's copy OrgConfigRule-smguard-<rule>-<suffix>); deploy "
            "template.yaml there, or choose the region with --region. No bundle was written."
        ]
        assert leftovers(tmp_path) == []

    def test_a_malformed_endpoint_url_is_named_and_writes_nothing(self, tmp_path, monkeypatch):
        monkeypatch.setenv("AWS_ENDPOINT_URL", "not a url")
        result = run("export", "--account", ACCOUNT, "--region", REGION, "--out", str(tmp_path / "bundle"))
        assert result.exit_code == 3
        assert result.stderr.splitlines() == [
            "Error: the AWS clients could not be created: Invalid endpoint: not a url; check AWS_ENDPOINT_URL, "
            "the region and the profile. No bundle was written."
        ]
        assert leftovers(tmp_path) == []

    def test_a_destination_under_a_regular_file_is_refused_before_reading(self, world, tmp_path):
        (tmp_path / "notes.txt").write_text("mine")
        out = tmp_path / "notes.txt" / "bundle"
        result = run("export", "--account", ACCOUNT, "--region", REGION, "--out", str(out))
        assert result.exit_code == 2
        assert result.stderr.splitlines() == [f"Error: {out} cannot be created: {tmp_path / 'notes.txt'} is a file, not a folder"]
        assert leftovers(tmp_path) == ["notes.txt"]

    def test_a_staging_folder_that_cannot_be_created_is_named(self, world, tmp_path, monkeypatch):
        monkeypatch.setattr("smguard.evidence.bundle.secrets.token_hex", lambda _: "taken")
        (tmp_path / ".bundle.taken.partial").mkdir()  # e.g. another export's
        result = run("export", "--account", ACCOUNT, "--region", REGION, "--out", str(tmp_path / "bundle"))
        assert result.exit_code == 2
        assert result.stderr == (
            f"Error: {tmp_path / 'bundle'} cannot be created: [Errno 17] File exists: '{tmp_path / '.bundle.taken.partial'}'\n"
        )
        assert leftovers(tmp_path) == [".bundle.taken.partial"]

    def test_a_full_disk_while_writing_removes_the_staging_folder(self, world, tmp_path, monkeypatch):
        def disk_full(*_):
            raise OSError(28, "No space left on device")

        monkeypatch.setattr("smguard.evidence.bundle.render_html", disk_full)
        result = run("export", "--account", ACCOUNT, "--region", REGION, "--out", str(tmp_path / "bundle"))
        assert result.exit_code == 3
        assert result.stderr.splitlines() == [
            f"Error: writing the bundle next to {tmp_path / 'bundle'} failed: [Errno 28] No space left on device; "
            "no bundle was written"
        ]
        assert leftovers(tmp_path) == []

    @pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o755), (0o027, 0o750)])
    def test_the_bundle_folder_gets_the_mode_of_a_new_folder(self, world, tmp_path, umask, mode):
        previous = os.umask(umask)
        try:
            bundle = export(world, tmp_path, account_id=ACCOUNT)
        finally:
            os.umask(previous)
        assert stat.S_IMODE(bundle.stat().st_mode) == mode
        assert {stat.S_IMODE((bundle / name).stat().st_mode) for name in leftovers(bundle)} == {mode & 0o666}

    def test_an_existing_folder_is_never_overwritten(self, world, tmp_path):
        (tmp_path / "bundle").mkdir()
        (tmp_path / "bundle" / "keep.txt").write_text("mine")
        result = run("export", "--account", ACCOUNT, "--region", REGION, "--out", str(tmp_path / "bundle"))
        assert result.exit_code == 2
        assert "exists; give a new folder" in result.output
        assert leftovers(tmp_path / "bundle") == ["keep.txt"]


class TestStreaming:
    def test_rows_reach_the_disk_page_by_page(self, world, tmp_path):
        """1,000 results come in pages of 100, and each page is on disk before the next one is read."""
        config = world.session.client("config")
        token = __import__("smguard.embedded", fromlist=["result_token"]).result_token(
            world.rule_name(ROOT), account_id=ACCOUNT, region=REGION, invoked_at=INVOKED_AT
        )
        for batch in range(10):
            config.put_evaluations(
                ResultToken=token,
                Evaluations=[
                    {
                        "ComplianceResourceType": NOTEBOOK,
                        "ComplianceResourceId": f"bulk-{batch * 100 + i:04}",
                        "ComplianceType": "NON_COMPLIANT",
                        "Annotation": "RootAccess is Enabled; " + "x" * 200,
                        "OrderingTimestamp": INVOKED_AT,
                    }
                    for i in range(100)
                ],
            )
        on_disk: list[tuple[int, int]] = []

        def progress(label: str, rows: int) -> None:
            [staging] = tmp_path.glob(".bundle.*.partial")
            on_disk.append((rows, (staging / "evaluations.csv").stat().st_size))

        bundle = export_bundle(world.session, ExportRequest(account_id=ACCOUNT, rules=("notebook_root_access",)), tmp_path / "bundle", progress=progress)
        final_size = (bundle / "evaluations.csv").stat().st_size
        assert [rows for rows, _ in on_disk] == [100] * 10 + [4]
        sizes = [size for _, size in on_disk]
        assert sizes == sorted(sizes)
        assert sizes[5] > final_size * 0.4, "rows of the first pages must be on disk before the last pages are read"


class TestProgress:
    def test_the_display_is_one_line_whatever_the_number_of_sources(self):
        progress = Progress(TextColumn("{task.description} {task.completed}"), console=Console(file=io.StringIO()))
        advance = ExportProgress(progress)
        for account in ("111111111111", "222222222222", "333333333333"):
            for rule in (ROOT, INTERNET):
                advance(f"{rule} in {account} {REGION}", 100)
        [task] = progress.tasks
        assert (task.description, task.completed) == (f"{INTERNET} in 333333333333 {REGION}", 600)

    def test_a_terminal_sees_it_on_stderr(self, world, tmp_path, monkeypatch):
        monkeypatch.setenv("TTY_COMPATIBLE", "1")  # rich's switch: stderr is a terminal
        result = run("export", "--account", ACCOUNT, "--region", REGION, "--out", str(tmp_path / "bundle"))
        assert result.exit_code == 0, result.output
        last_read = max(pack_rule_names(world.session.client("config")).values())  # the pack's rules are read in name order
        assert f"Exporting {last_read} 7 rows written" in result.stderr  # its last frame, before it is erased
        assert "Evidence bundle written to" in result.stdout

    def test_a_redirected_stderr_carries_none(self, world, tmp_path):
        result = run("export", "--account", ACCOUNT, "--region", REGION, "--out", str(tmp_path / "bundle"))
        assert result.exit_code == 0, result.output
        assert result.stderr == ""


class TestCsvSafety:
    def test_a_formula_in_a_resource_id_is_neutralised_in_csv_and_kept_exact_in_jsonl(self, world, tmp_path):
        from smguard.embedded import result_token

        world.session.client("config").put_evaluations(
            ResultToken=result_token(world.rule_name(ROOT), account_id=ACCOUNT, region=REGION, invoked_at=INVOKED_AT),
            Evaluations=[
                {
                    "ComplianceResourceType": NOTEBOOK,
                    "ComplianceResourceId": "=HYPERLINK(\"http://x.invalid\")",
                    "ComplianceType": "NON_COMPLIANT",
                    "Annotation": "@SUM(1,2)",
                    "OrderingTimestamp": INVOKED_AT,
                }
            ],
        )
        bundle = export(world, tmp_path, account_id=ACCOUNT, rules=("notebook_root_access",), compliance_types=("NON_COMPLIANT",))
        rows = read_csv(bundle)[1]
        resource, annotation = COLUMNS.index("resource_id"), COLUMNS.index("annotation")
        assert [(r[resource], r[annotation]) for r in rows] == [("'=HYPERLINK(\"http://x.invalid\")", "'@SUM(1,2)"), ("nb-open", ROOT_ENABLED)]
        first = json.loads((bundle / "evaluations.jsonl").read_text().splitlines()[0])
        assert (first["resource_id"], first["annotation"]) == ("=HYPERLINK(\"http://x.invalid\")", "@SUM(1,2)")


class TestThrottling:
    def test_throttled_pages_are_retried_with_backoff(self, world, tmp_path):
        """AWS answers ThrottlingException twice; the adaptive retry mode waits and the export completes."""
        from botocore.awsrequest import AWSResponse

        throttled: list[str] = []

        def throttle(request, **_):
            if len(throttled) < 2:
                throttled.append(request.url)
                body = b'{"__type":"ThrottlingException","message":"Rate exceeded"}'
                return AWSResponse(request.url, 400, {"Content-Type": "application/x-amz-json-1.1"}, _RawBody(body))
            return None

        world.session.events.register_first("before-send.config.GetComplianceDetailsByConfigRule", throttle)
        bundle = export(world, tmp_path, account_id=ACCOUNT)
        assert len(throttled) == 2
        assert without_recorded_time(read_csv(bundle)[1]) == account_rows(world)


class _RawBody:
    """The raw stream botocore reads a response body from."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_):
        yield self._body

    def read(self, *_):
        body, self._body = self._body, b""
        return body


def test_the_command_reads_an_embedded_aws_over_http(monkeypatch, tmp_path):
    """`smguard export` against a ThreadedMotoServer: boto3 finds it through AWS_ENDPOINT_URL."""
    from smguard.embedded.server import embedded_server
    from smguard.engine.handler import SHARED_CLIENTS
    from smguard.engine.exemptions import SHARED_EXEMPTION_REGISTERS
    from tests.evidence.conftest import EXEMPTIONS_PARAMETER, NOTEBOOKS, REGISTER, World, deploy

    with embedded_server() as endpoint:
        monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
        SHARED_CLIENTS.clear()
        SHARED_EXEMPTION_REGISTERS.clear()
        try:
            session = boto3.Session(region_name=REGION)
            session.client("ssm").put_parameter(Name=EXEMPTIONS_PARAMETER, Value=json.dumps(REGISTER), Type="String")
            deploy(session)
            world = World(session)
            for name, configuration in NOTEBOOKS.items():
                world.evaluate("notebook_root_access", name, configuration)
            result = run("export", "--account", ACCOUNT, "--region", REGION, "--rules", "notebook_root_access", "--out", str(tmp_path / "b"))
            expected = account_rows(world)[4:]  # notebook_root_access's rows but for nb-gone (not evaluated here)
        finally:
            SHARED_CLIENTS.clear()
            SHARED_EXEMPTION_REGISTERS.clear()
    assert result.exit_code == 0, result.output
    assert without_recorded_time(read_csv(tmp_path / "b")[1]) == expected
    assert run("verify", str(tmp_path / "b")).exit_code == 0
