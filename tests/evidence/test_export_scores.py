"""smguard export's conformance-pack compliance score: real rule handlers -> embedded Config -> compliance_scores.csv,
compliance_score_timeline.csv and summary.html.

The accounts hold template.yaml's conformance pack, deployed as AWS Config deploys it (its rules are
``smguard-<rule>-conformance-pack-<suffix>``), and the real handlers post their results as its rules. An account of a
deployment from before smguard deployed its rules in a pack holds standalone rules ``smguard-<rule>`` instead, which
the tests create themselves (template.yaml no longer deploys them).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError

from smguard.deploy.naming import CONFORMANCE_PACK_NAME, names
from smguard.embedded import install
from smguard.embedded.stack import pack_rule_names
from smguard.evidence import ExportRequest, export_bundle, verify_bundle
from smguard.evidence.errors import AccessDeniedError
from smguard.evidence.score_timeline import NO_PACK_YET
from smguard.evidence.scores import FORMULA, NO_PACK, NO_PACK_AGGREGATED
from smguard.embedded.history_delivery import deliver_compliance_history
from smguard.engine.exemptions import SHARED_EXEMPTION_REGISTERS
from smguard.results import COMPLIANCE_SCORES, SCORE_TIMELINE
from tests.evidence.conftest import (
    ACCOUNT,
    EXEMPTIONS_PARAMETER,
    ORGANIZATION_AGGREGATOR,
    MEMBER,
    NOTEBOOKS,
    REGION,
    REGISTER,
    RULES,
    Organization,
    World,
    deploy,
    member_session,
    standalone_rules,
)
from tests.evidence.test_period_export import (  # noqa: F401 - history: the fixture, the scripted history in the deployed pack
    CENTRAL_BUCKET,
    OCTOBER,
    ORGANIZATION_PREFIX,
    evaluate,
    history,
    start_recording,
)
from tests.support.schemas import assert_valid

EXPORTED_AT = datetime(2026, 11, 25, 6, 0, tzinfo=timezone.utc)
THIRD = "333333333333"
ROOT = "notebook_root_access"
BOM = "\ufeff"


def evaluate_notebooks(world: World, rule_names: dict[str, str], account_id: str = ACCOUNT) -> None:
    """Every notebook of ``NOTEBOOKS`` and a deleted one, evaluated by the Config rules ``rule_names`` (rule -> name)."""
    for rule in RULES:
        for name, configuration in NOTEBOOKS.items():
            world.evaluate(rule, name, configuration, account_id=account_id, config_rule_name=rule_names[rule])
    world.evaluate("notebook_root_access", "nb-gone", None, status="ResourceDeleted", account_id=account_id, config_rule_name=rule_names["notebook_root_access"])


@pytest.fixture
def standalone(aws) -> Iterator[World]:
    """An account whose smguard rules are the standalone rules of a deployment from before the pack,
    every notebook evaluated by them."""
    install()
    SHARED_EXEMPTION_REGISTERS.clear()
    session = boto3.Session(region_name=REGION)
    session.client("ssm").put_parameter(Name=EXEMPTIONS_PARAMETER, Value=json.dumps(REGISTER), Type="String")
    world = World(session)
    evaluate_notebooks(world, standalone_rules(session))
    yield world
    SHARED_EXEMPTION_REGISTERS.clear()


def read_csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(BOM.encode()) and b"\r\n" in raw  # as evaluations.csv: Excel reads UTF-8, RFC 4180 line ends
    return list(csv.reader(io.StringIO(raw.decode("utf-8")[1:], newline="")))


def jsonl(path: Path) -> list[dict]:
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    for record in records:
        assert_valid(COMPLIANCE_SCORES, record)  # docs/schemas/smguard-compliance-scores.schema.json
    return records


def export(session: boto3.Session, tmp_path: Path, **request) -> Path:
    return export_bundle(session, ExportRequest(**request), tmp_path / "bundle", clock=lambda: EXPORTED_AT)


def section(bundle: Path) -> str:
    page = (bundle / "summary.html").read_text(encoding="utf-8")
    start = page.index('<section id="compliance-score">')
    return page[start : page.index("</section>", start)]


def pack_rules(*sessions: boto3.Session) -> set[str]:
    """The names of the rules the smguard conformance pack of each of ``sessions``' accounts created."""
    return {name for session in sessions for name in pack_rule_names(session.client("config")).values()}


def recomputed(bundle: Path, pack: set[str]) -> dict[tuple[str, str], Counter[str]]:
    """What an auditor counts in evaluations.csv: the rows of the ``pack`` rules, by compliance type."""
    header, *rows = read_csv(bundle / "evaluations.csv")
    at = {name: header.index(name) for name in ("account_id", "region", "config_rule_name", "compliance")}
    counts: dict[tuple[str, str], Counter[str]] = {}
    for r in rows:
        if r[at["config_rule_name"]] in pack:
            counts.setdefault((r[at["account_id"]], r[at["region"]]), Counter())[r[at["compliance"]]] += 1
    return counts


class TestCurrentScore:
    def test_an_account_with_a_pack_has_its_score_counted_from_the_bundles_rows(self, world: World, tmp_path: Path) -> None:
        bundle = export(world.session, tmp_path, account_id=ACCOUNT)
        # notebook_direct_internet: nb-locked, nb-vendor compliant, nb-open not; notebook_root_access: nb-locked
        # compliant, nb-open not, nb-vendor exempted and nb-gone deleted (NOT_APPLICABLE, not counted): 3 of 5.
        assert read_csv(bundle / "compliance_scores.csv") == [
            list(COMPLIANCE_SCORES.names),
            ["smguard-compliance-scores/1", ACCOUNT, REGION, "smguard", "3", "2", "60.00", "", "2026-11-25 06:00:00"],
        ]
        assert jsonl(bundle / "compliance_scores.jsonl") == [
            {"schema": "smguard-compliance-scores/1", "account_id": ACCOUNT, "region": REGION, "conformance_pack": "smguard",
             "compliant_pairs": 3, "non_compliant_pairs": 2, "score": "60.00", "no_score_reason": None, "as_of_utc": "2026-11-25T06:00:00Z"}
        ]  # fmt: skip
        assert recomputed(bundle, pack_rules(world.session)) == {(ACCOUNT, REGION): Counter(COMPLIANT=3, NON_COMPLIANT=2, NOT_APPLICABLE=2)}
        manifest = json.loads((bundle / "manifest.json").read_text())
        assert {"compliance_scores.csv", "compliance_scores.jsonl"} <= set(manifest["files"])
        assert "compliance_score_timeline.csv" not in manifest["files"]  # no period asked
        assert verify_bundle(bundle).intact
        shown = section(bundle)
        assert f'<p id="score-formula">{FORMULA}</p>' in shown
        assert (
            f'<tr data-account="{ACCOUNT} {REGION}"><td><span class="name">{ACCOUNT}</span> <span class="name">{REGION}</span></td>'
            '<td class="count" data-score="60.00">60.00%</td><td>smguard</td>'
            '<td class="count" data-compliant-pairs="3">3</td><td class="count" data-non-compliant-pairs="2">2</td></tr>'
        ) in shown

    def test_standalone_rules_have_no_score_and_the_bundle_says_why(self, standalone: World, tmp_path: Path) -> None:
        bundle = export(standalone.session, tmp_path, account_id=ACCOUNT)
        header, *rows = read_csv(bundle / "evaluations.csv")
        rule_names = {r[header.index("config_rule_name")] for r in rows}
        assert (len(rows), rule_names) == (7, {names(rule).config_rule for rule in RULES})  # exported, but not scored
        assert read_csv(bundle / "compliance_scores.csv")[1] == [
            "smguard-compliance-scores/1", ACCOUNT, REGION, "", "", "", "", NO_PACK, "2026-11-25 06:00:00"
        ]
        assert jsonl(bundle / "compliance_scores.jsonl")[0]["score"] is None
        assert f'<td class="count" data-score="">no score</td><td colspan="3" class="prose">{NO_PACK}</td>' in section(bundle)
        assert pack_rules(standalone.session) == set()

    def test_an_export_of_some_rules_says_the_score_is_not_computed(self, world: World, tmp_path: Path) -> None:
        bundle = export(world.session, tmp_path, account_id=ACCOUNT, rules=("notebook_root_access",))
        [record] = jsonl(bundle / "compliance_scores.jsonl")
        assert (record["score"], record["compliant_pairs"]) == (None, None)
        assert record["no_score_reason"].startswith("not computed: --rules notebook_root_access leaves out results")

    def test_every_account_of_an_aggregator_has_its_own_score(self, world: World, tmp_path: Path) -> None:
        """The account (``world``) and a member with the pack, and a third account that still has the
        standalone rules of a deployment from before the pack."""
        member, third = member_session(world.session, MEMBER), member_session(world.session, THIRD)
        deploy(member, MEMBER)
        world.evaluate("notebook_root_access", "nb-member-open", {"RootAccess": "Enabled"}, account_id=MEMBER)
        world.evaluate("notebook_root_access", "nb-member-locked", {"RootAccess": "Disabled"}, account_id=MEMBER)
        world.evaluate("notebook_direct_internet", "nb-member-locked", {"DirectInternetAccess": "Disabled"}, account_id=MEMBER)
        evaluate_notebooks(world, standalone_rules(third), account_id=THIRD)
        for source in (member, third):
            source.client("config").put_aggregation_authorization(AuthorizedAccountId=ACCOUNT, AuthorizedAwsRegion=REGION)
        world.session.client("config").put_configuration_aggregator(
            ConfigurationAggregatorName="organization",
            AccountAggregationSources=[{"AccountIds": [ACCOUNT, MEMBER, THIRD], "AwsRegions": [REGION]}],
        )
        bundle = export(world.session, tmp_path, aggregator="organization")
        # NOT_APPLICABLE results are not aggregated: the account's pairs are those of its own export, 3 of 5.
        assert [row[1:8] for row in read_csv(bundle / "compliance_scores.csv")[1:]] == [
            [ACCOUNT, REGION, "smguard", "3", "2", "60.00", ""],
            [MEMBER, REGION, "smguard", "2", "1", "66.67", ""],
            [THIRD, REGION, "", "", "", "", NO_PACK_AGGREGATED],
        ]
        assert {key: (c["COMPLIANT"], c["NON_COMPLIANT"]) for key, c in recomputed(bundle, pack_rules(world.session, member, third)).items()} == {
            (ACCOUNT, REGION): (3, 2),
            (MEMBER, REGION): (2, 1),
        }

    def test_an_account_with_two_packs_has_no_score_made_of_both(self, organization_rules: Organization, tmp_path: Path) -> None:
        """The management account holds its own pack and, not excluded, its copy of the organization pack; AWS
        Config scores them apart, so once both have pairs no one number is the account's."""
        world = organization_rules.world
        config = world.session.client("config")
        [status] = organization_rules.security.client("config").get_organization_conformance_pack_detailed_status(
            OrganizationConformancePackName=CONFORMANCE_PACK_NAME, Filters={"AccountId": ACCOUNT}
        )["OrganizationConformancePackDetailedStatuses"]
        packs = {
            detail["ConformancePackName"]: detail["ConformancePackId"].rpartition("-")[2]
            for detail in config.describe_conformance_packs()["ConformancePackDetails"]
        }
        assert sorted(packs) == sorted([CONFORMANCE_PACK_NAME, status["ConformancePackName"]])
        world.evaluate(ROOT, "nb-open", {"RootAccess": "Enabled"}, config_rule_name=names(ROOT).pack_rule(packs[status["ConformancePackName"]]))
        scores = {pack["ConformancePackName"]: pack["Score"] for pack in config.list_conformance_pack_compliance_scores()["ConformancePackComplianceScores"]}
        assert scores == {CONFORMANCE_PACK_NAME: "60.00", status["ConformancePackName"]: "0.00"}  # what AWS Config shows
        bundle = export(world.session, tmp_path, account_id=ACCOUNT)
        reason = (
            f"not computed: the pairs here belong to 2 conformance packs (their rules' suffixes: {', '.join(sorted(packs.values()))}), "
            "such as the account's own pack and its copy of the organization pack; AWS Config scores each pack on its own, "
            "and one number over all of them would be none of theirs"
        )
        assert read_csv(bundle / "compliance_scores.csv")[1] == ["smguard-compliance-scores/1", ACCOUNT, REGION, "", "", "", "", reason, "2026-11-25 06:00:00"]
        both = {names(rule).pack_rule(suffix) for suffix in packs.values() for rule in RULES}
        assert recomputed(bundle, both) == {(ACCOUNT, REGION): Counter(COMPLIANT=3, NON_COMPLIANT=3, NOT_APPLICABLE=2)}


def smguard_packs(session: boto3.Session) -> list[str]:
    """The names of the account's conformance packs as DescribeConformancePacks (and the Config console) shows them."""
    pages = session.client("config").get_paginator("describe_conformance_packs").paginate()
    return sorted(pack["ConformancePackName"] for page in pages for pack in page["ConformancePackDetails"])


class TestPackName:
    """A score names its pack as the Config console of its account shows it, so an auditor finds it there."""

    def test_a_member_accounts_record_names_its_copy_of_the_organization_pack(self, shared_organization_rules: Organization, tmp_path: Path) -> None:
        for index, (member_id, member) in enumerate(shared_organization_rules.members.items()):
            [copy] = smguard_packs(member)
            assert re.fullmatch(r"OrgConformsPack-smguard-[a-z0-9]+", copy)
            bundle = export(member, tmp_path / str(index), account_id=member_id)
            [record] = jsonl(bundle / "compliance_scores.jsonl")
            assert (record["account_id"], record["conformance_pack"], record["no_score_reason"]) == (member_id, copy, None)
            assert read_csv(bundle / "compliance_scores.csv")[1][3] == copy
            assert f"<td>{copy}</td>" in section(bundle)
            scores = member.client("config").list_conformance_pack_compliance_scores()["ConformancePackComplianceScores"]
            assert [(s["ConformancePackName"], s["Score"]) for s in scores] == [(copy, record["score"])]  # what AWS Config shows

    def test_the_account_pack_is_smguard_next_to_the_accounts_copy_of_the_organization_pack(
        self, shared_organization_rules: Organization, tmp_path: Path
    ) -> None:
        """The management account holds its own pack (evaluated) and its copy of the organization pack (not)."""
        session = shared_organization_rules.world.session
        assert len(smguard_packs(session)) == 2 and CONFORMANCE_PACK_NAME in smguard_packs(session)
        [record] = jsonl(export(session, tmp_path, account_id=ACCOUNT) / "compliance_scores.jsonl")
        assert (record["conformance_pack"], record["score"]) == (CONFORMANCE_PACK_NAME, "60.00")

    def test_through_the_organization_aggregator_one_pack_is_named_and_two_are_not_told_apart(
        self, shared_organization_rules: Organization, tmp_path: Path
    ) -> None:
        organization = shared_organization_rules
        bundle = export(organization.security, tmp_path, aggregator=ORGANIZATION_AGGREGATOR)
        records = {record["account_id"]: record for record in jsonl(bundle / "compliance_scores.jsonl")}
        for member_id, member in organization.members.items():
            assert records[member_id]["conformance_pack"] == smguard_packs(member)[0]
        management = records[ACCOUNT]
        packs = smguard_packs(organization.world.session)
        assert (management["conformance_pack"], management["score"]) == (None, None)
        [own] = [
            pack["ConformancePackId"].removeprefix("conformance-pack-")
            for pack in organization.world.session.client("config").describe_conformance_packs(ConformancePackNames=[CONFORMANCE_PACK_NAME])["ConformancePackDetails"]
        ]  # only the account's own pack's rules have results
        assert management["no_score_reason"] == (
            f"not matched to a pack: the aggregator lists 2 smguard conformance packs ({', '.join(packs)}) in account {ACCOUNT}, "
            f"region {REGION} (DescribeAggregateComplianceByConformancePacks, which lists deleted packs too), and no aggregate "
            f"compliance API gives a pack's ID, so the name of the pack whose rules carry the suffix {own} could not be told apart; "
            "export the account with --account for its name"
        )


@pytest.mark.parametrize(
    ("operation", "request_"),
    [("DescribeConformancePacks", {"account_id": ACCOUNT}), ("DescribeAggregateComplianceByConformancePacks", {"aggregator": "organization"})],
)
def test_a_denied_pack_listing_names_the_action_and_writes_nothing(
    organization: World, tmp_path: Path, operation: str, request_: dict
) -> None:
    def deny(**_) -> None:
        raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": f"not authorized to perform config:{operation}"}}, operation)

    organization.session.events.register(f"before-call.config.{operation}", deny)
    with pytest.raises(AccessDeniedError) as raised:
        export(organization.session, tmp_path, **request_)
    assert f"AWS denied {operation} to " in str(raised.value)
    assert f"config:{operation}" in str(raised.value).split("The export needs ")[1]
    assert list(tmp_path.iterdir()) == []


def test_the_period_has_the_score_at_the_end_of_every_day(history: boto3.Session, tmp_path: Path) -> None:
    bundle = export(history, tmp_path, account_id=ACCOUNT, **OCTOBER)
    header, *rows = read_csv(bundle / "compliance_score_timeline.csv")
    assert header == list(SCORE_TIMELINE.names)
    assert rows[0] == ["smguard-score-timeline/1", ACCOUNT, REGION, "2026-10-01", "2026-10-02 00:00:00", "smguard", "2", "1", "66.67", ""]
    by_day = {r[3]: (r[6], r[7], r[8]) for r in rows}
    assert len(by_day) == 31
    # nb-locked compliant with both rules all along; nb-fixed in breach from Sep 20 to Oct 5 09:00; nb-vendor from
    # Oct 2 12:00 until its exemption on Oct 12 12:00; nb-open from Oct 10 00:00, still open at the end of October.
    expected = {1: ("2", "1", "66.67"), 2: ("2", "2", "50.00"), 5: ("3", "1", "75.00"), 10: ("3", "2", "60.00"), 12: ("3", "1", "75.00")}
    current = expected[1]
    for day in range(1, 32):
        current = expected.get(day, current)
        assert by_day[f"2026-10-{day:02d}"] == current, day
    assert verify_bundle(bundle).intact and "compliance_score_timeline.csv" in json.loads((bundle / "manifest.json").read_text())["files"]
    shown = section(bundle)
    view = shown[shown.index('<table class="score-timeline"') :]
    assert [(d, s) for d, s in re.findall(r'<tr data-day="([0-9-]+)">.*?data-score="([^"]*)"', view)] == [
        ("2026-10-01", "66.67"), ("2026-10-02", "50.00"), ("2026-10-05", "75.00"), ("2026-10-10", "60.00"), ("2026-10-12", "75.00")
    ]  # fmt: skip
    assert f"{ACCOUNT}</span> <span class=\"name\">{REGION}</span>: 66.67% on 2026-10-01, 75.00% on 2026-10-31</h3>" in shown
    # The current score (end of the export): nb-open was fixed on Nov 3, so 4 compliant, 0 non-compliant.
    assert read_csv(bundle / "compliance_scores.csv")[1][3:7] == ["smguard", "4", "0", "100.00"]


def test_an_organization_period_scores_each_source_from_the_history_files(history: boto3.Session, tmp_path: Path) -> None:
    member = member_session(history)
    start_recording(member, MEMBER, CENTRAL_BUCKET, ORGANIZATION_PREFIX)
    [member_rule] = standalone_rules(member, ("notebook_root_access",)).values()  # a deployment from before the pack
    member.client("config").put_aggregation_authorization(AuthorizedAccountId=ACCOUNT, AuthorizedAwsRegion=REGION)
    history.client("config").put_configuration_aggregator(
        ConfigurationAggregatorName="organization",
        AccountAggregationSources=[{"AccountIds": [ACCOUNT, MEMBER], "AwsRegions": [REGION]}],
    )
    evaluate("notebook_root_access", "nb-member", {"RootAccess": "Enabled"}, "2026-10-20T06:30:00.000Z", account_id=MEMBER, config_rule=member_rule)
    for account_id in (ACCOUNT, MEMBER):
        deliver_compliance_history(account_id, REGION, EXPORTED_AT)
    request = {"aggregator": "organization", "history_bucket": f"{CENTRAL_BUCKET}/{ORGANIZATION_PREFIX}", **OCTOBER}
    bundle = export(history, tmp_path, **request)
    rows = read_csv(bundle / "compliance_score_timeline.csv")[1:]
    assert len(rows) == 62
    scored = {(r[1], r[3]): (r[8], r[9]) for r in rows}
    assert scored[(ACCOUNT, "2026-10-10")] == ("60.00", "")  # the same day as the account's own export
    assert scored[(MEMBER, "2026-10-25")] == ("", NO_PACK_YET)  # the member kept its standalone rules
