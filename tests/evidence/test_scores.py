"""The conformance-pack compliance score of the export, computed without AWS: from rows (the current score) and
from compliance-history items (the score at the end of each day of a period)."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timezone

import pytest

from smguard.catalogue import rule_names
from smguard.deploy.naming import names
from smguard.evidence.episodes import Period
from smguard.evidence.pack_names import AccountPackNames, AggregatedPackNames, PackNames, pack_id_suffix
from smguard.evidence.request import ExportRequest
from smguard.evidence.rows import EvaluationRow
from smguard.evidence.score_timeline import NO_PACK_YET, ScoreTimeline, days_of
from smguard.evidence.scores import NO_PACK, NO_PACK_AGGREGATED, AccountScores, score_fields, withheld
from smguard.results import COMPLIANCE_SCORES, SCORE_TIMELINE
from tests.evidence.test_episodes import END, PERIOD, START, at, item
from tests.support.schemas import assert_valid

ROOT = "notebook_root_access"
INTERNET = "notebook_direct_internet"
PACK_ROOT = names(ROOT).pack_rule("x7k2m9qa")
PACK_INTERNET = names(INTERNET).pack_rule("x7k2m9qa")
ORGANIZATION_PACK_ROOT = names(ROOT).pack_rule("q1w2e3r4")
"""The rule of a second smguard pack in the same account: its copy of the organization pack (another suffix)."""
TWO_PACKS = (
    "not computed: the pairs here belong to 2 conformance packs (their rules' suffixes: q1w2e3r4, x7k2m9qa), such as "
    "the account's own pack and its copy of the organization pack; AWS Config scores each pack on its own, and one "
    "number over all of them would be none of theirs"
)
STANDALONE_ROOT = names(ROOT).config_rule
ACCOUNT = "123456789012"
OTHER = "222222222222"
REGION = "eu-west-1"
AS_OF = "2026-11-25T06:00:00Z"
MEMBER_PACK = "OrgConformsPack-smguard-m3n4b5v6"
"""A member account's copy of the organization pack: the name's suffix is not its ID's (its rules carry the ID's)."""
PACK_NAMES = AccountPackNames(
    {(ACCOUNT, REGION): {"x7k2m9qa": "smguard", "q1w2e3r4": MEMBER_PACK}, (OTHER, REGION): {"q1w2e3r4": MEMBER_PACK}}
)
"""What DescribeConformancePacks shows: per account and region, each smguard pack's name by its ID's suffix."""


def row(account_id: str, config_rule_name: str, resource: str, compliance: str, exempt: bool = False) -> EvaluationRow:
    return EvaluationRow(
        account_id=account_id, region=REGION, rule=ROOT, config_rule_name=config_rule_name,
        resource_type="AWS::SageMaker::NotebookInstance", resource_id=resource, compliance=compliance,
        annotation="EXEMPT until 2099-03-31 (ticket SEC-1): reason" if exempt else None,
        exemption_ticket="SEC-1" if exempt else None, exemption_expires="2099-03-31" if exempt else None,
        exemption_approver=None, result_recorded_time_utc=None, rule_invoked_time_utc=None,
    )  # fmt: skip


def scores(
    rows: list[EvaluationRow], deployed: list[tuple[str, str]] = (), reason: str | None = None, pack_names: PackNames = PACK_NAMES
) -> list[dict]:
    counter = AccountScores()
    for account_id, config_rule_name in deployed:
        counter.expect(account_id, REGION, config_rule_name)
    for r in rows:
        counter.add(r)
    records = counter.records(AS_OF, reason, pack_names)
    for record in records:
        assert_valid(COMPLIANCE_SCORES, record)  # docs/schemas/smguard-compliance-scores.schema.json
    return records


def expected(account_id: str, pack: str | None, compliant: int | None, non_compliant: int | None, score: str | None, reason: str | None) -> dict:
    return {
        "schema": "smguard-compliance-scores/1", "account_id": account_id, "region": REGION, "conformance_pack": pack,
        "compliant_pairs": compliant, "non_compliant_pairs": non_compliant, "score": score, "no_score_reason": reason, "as_of_utc": AS_OF,
    }  # fmt: skip


class TestCurrentScore:
    def test_the_pack_rules_compliant_pairs_over_compliant_and_non_compliant(self) -> None:
        rows = [
            *(row(ACCOUNT, PACK_ROOT, f"nb-ok-{i}", "COMPLIANT") for i in range(3)),
            *(row(ACCOUNT, PACK_INTERNET, f"nb-ok-{i}", "COMPLIANT") for i in range(2)),
            *(row(ACCOUNT, PACK_ROOT, f"nb-open-{i}", "NON_COMPLIANT") for i in range(3)),
            row(ACCOUNT, PACK_ROOT, "nb-vendor", "NOT_APPLICABLE", exempt=True),  # an exemption: not a possible pair
            row(ACCOUNT, PACK_INTERNET, "nb-gone", "NOT_APPLICABLE"),
            row(ACCOUNT, STANDALONE_ROOT, "nb-open-0", "NON_COMPLIANT"),  # a standalone rule left behind: not the pack's
        ]
        assert scores(rows) == [expected(ACCOUNT, "smguard", 5, 3, "62.50", None)]

    def test_an_account_without_a_pack_rule_says_so_instead_of_a_number(self) -> None:
        rows = [row(ACCOUNT, STANDALONE_ROOT, "nb-1", "COMPLIANT"), row(OTHER, names(ROOT).member_rule("a1b2c3d4"), "nb-2", "COMPLIANT")]
        assert scores(rows) == [expected(ACCOUNT, None, None, None, None, NO_PACK), expected(OTHER, None, None, None, None, NO_PACK)]

    def test_through_an_aggregator_an_account_without_a_pack_rule_says_what_the_aggregator_cannot_show(self) -> None:
        counter = AccountScores()
        counter.add(row(ACCOUNT, STANDALONE_ROOT, "nb-1", "COMPLIANT"))
        [record] = counter.records(AS_OF, None, AggregatedPackNames({}), NO_PACK_AGGREGATED)
        assert (record["score"], record["no_score_reason"]) == (None, NO_PACK_AGGREGATED)

    def test_a_pack_without_a_compliant_or_non_compliant_pair_is_insufficient_data(self) -> None:
        rows = [row(ACCOUNT, PACK_ROOT, "nb-vendor", "NOT_APPLICABLE", exempt=True)]
        assert scores(rows) == [expected(ACCOUNT, "smguard", 0, 0, "INSUFFICIENT_DATA", None)]
        # A pack rule deployed without any result (DescribeConfigRules lists it) is a pack all the same.
        assert scores([], deployed=[(ACCOUNT, PACK_INTERNET), (OTHER, STANDALONE_ROOT)]) == [
            expected(ACCOUNT, "smguard", 0, 0, "INSUFFICIENT_DATA", None),
            expected(OTHER, None, None, None, None, NO_PACK),
        ]

    def test_every_account_has_its_own_score(self) -> None:
        rows = [
            row(ACCOUNT, PACK_ROOT, "nb-1", "COMPLIANT"),
            row(OTHER, names(ROOT).pack_rule("q1w2e3r4"), "nb-2", "NON_COMPLIANT"),
            row(OTHER, names(ROOT).pack_rule("q1w2e3r4"), "nb-3", "COMPLIANT"),
            row(OTHER, names(INTERNET).pack_rule("q1w2e3r4"), "nb-3", "COMPLIANT"),
        ]
        # Each named as its account's console shows it: the account's own pack, the member's copy of the organization pack.
        assert scores(rows) == [expected(ACCOUNT, "smguard", 1, 0, "100.00", None), expected(OTHER, MEMBER_PACK, 2, 1, "66.67", None)]

    def test_pairs_of_two_packs_of_one_account_are_not_scored_as_one(self) -> None:
        """AWS Config scores the account's own pack and its copy of the organization pack apart: no number is both's."""
        both = [row(ACCOUNT, PACK_ROOT, "nb-1", "COMPLIANT"), row(ACCOUNT, ORGANIZATION_PACK_ROOT, "nb-1", "NON_COMPLIANT")]
        assert scores(both) == [expected(ACCOUNT, None, None, None, None, TWO_PACKS)]
        # A second pack without a counted pair (its rules deployed, not yet evaluated) leaves the first pack's score.
        assert scores(both[:1], deployed=[(ACCOUNT, ORGANIZATION_PACK_ROOT)]) == [expected(ACCOUNT, "smguard", 1, 0, "100.00", None)]

    def test_a_pack_the_account_no_longer_lists_has_no_name_and_so_no_score(self) -> None:
        gone = names(ROOT).pack_rule("z9y8x7w6")
        assert scores([row(ACCOUNT, gone, "nb-1", "COMPLIANT")]) == [
            expected(ACCOUNT, None, None, None, None, (
                f"not matched to a pack: no conformance pack of account {ACCOUNT}, region {REGION} has the ID "
                "conformance-pack-z9y8x7w6 that the rules here carry (DescribeConformancePacks; a pack deleted since is not listed), "
                "so the name the Config console showed for it cannot be read"
            ))
        ]  # fmt: skip

    def test_two_packs_without_a_counted_pair_are_not_named_as_one(self) -> None:
        assert scores([], deployed=[(ACCOUNT, PACK_ROOT), (ACCOUNT, ORGANIZATION_PACK_ROOT)]) == [
            expected(ACCOUNT, None, None, None, None, (
                f"not matched to a pack: the smguard rules here belong to 2 conformance packs ({MEMBER_PACK}, its rules' suffix "
                "q1w2e3r4; smguard, its rules' suffix x7k2m9qa) and none of them has a COMPLIANT or NON_COMPLIANT pair; each "
                "pack is INSUFFICIENT_DATA on its own"
            ))
        ]  # fmt: skip

    def test_through_an_aggregator_the_name_is_known_only_when_one_smguard_pack_is_listed(self) -> None:
        """No aggregate compliance API gives a pack's ID: one smguard pack in the account and region is the one; with two (or a
        deleted one, which DescribeAggregateComplianceByConformancePacks lists too) the record says so."""
        rows = [row(ACCOUNT, PACK_ROOT, "nb-1", "COMPLIANT"), row(OTHER, ORGANIZATION_PACK_ROOT, "nb-2", "NON_COMPLIANT")]
        one_each = AggregatedPackNames({(ACCOUNT, REGION): frozenset({"smguard"}), (OTHER, REGION): frozenset({MEMBER_PACK})})
        assert scores(rows, pack_names=one_each) == [
            expected(ACCOUNT, "smguard", 1, 0, "100.00", None), expected(OTHER, MEMBER_PACK, 0, 1, "0.00", None)
        ]  # fmt: skip
        two = AggregatedPackNames({(ACCOUNT, REGION): frozenset({"smguard", MEMBER_PACK})})
        assert scores(rows[:1], pack_names=two) == [
            expected(ACCOUNT, None, None, None, None, (
                f"not matched to a pack: the aggregator lists 2 smguard conformance packs ({MEMBER_PACK}, smguard) in account "
                f"{ACCOUNT}, region {REGION} (DescribeAggregateComplianceByConformancePacks, which lists deleted packs too), and "
                "no aggregate compliance API gives a pack's ID, so the name of the pack whose rules carry the suffix x7k2m9qa could not be "
                "told apart; export the account with --account for its name"
            ))
        ]  # fmt: skip
        [record] = scores(rows[:1], pack_names=AggregatedPackNames({}))
        assert record["score"] is None and "the aggregator lists no smguard conformance pack in account" in record["no_score_reason"]

    def test_a_pack_id_gives_the_suffix_its_rules_carry(self) -> None:
        assert pack_id_suffix("conformance-pack-x7k2m9qa") == "x7k2m9qa"
        assert names(ROOT).pack_rule(str(pack_id_suffix("conformance-pack-x7k2m9qa"))) == PACK_ROOT
        assert pack_id_suffix("not-a-pack-id") is None

    def test_an_export_that_leaves_out_counted_results_has_no_score(self) -> None:
        reason = withheld(ExportRequest(account_id=ACCOUNT, rules=(ROOT,)))
        assert reason == (
            f"not computed: --rules {ROOT} leaves out results of the conformance pack's other rules, which the score counts; "
            "export without --rules for the score"
        )
        assert scores([row(ACCOUNT, PACK_ROOT, "nb-1", "COMPLIANT")], reason=reason) == [expected(ACCOUNT, None, None, None, None, reason)]
        assert withheld(ExportRequest(account_id=ACCOUNT, compliance_types=("NON_COMPLIANT", "NOT_APPLICABLE"))) == (
            "not computed: --compliance-types leaves out the COMPLIANT results the score counts; export them for the score"
        )
        assert "leaves out the COMPLIANT and NON_COMPLIANT results" in str(withheld(ExportRequest(account_id=ACCOUNT, compliance_types=("NOT_APPLICABLE",))))

    @pytest.mark.parametrize(
        "request_",
        [
            ExportRequest(account_id=ACCOUNT),
            ExportRequest(aggregator="organization"),  # COMPLIANT and NON_COMPLIANT: all the score counts
            ExportRequest(account_id=ACCOUNT, compliance_types=("COMPLIANT", "NON_COMPLIANT")),
            ExportRequest(account_id=ACCOUNT, rules=tuple(rule_names())),
        ],
    )
    def test_an_export_of_every_counted_result_has_a_score(self, request_: ExportRequest) -> None:
        assert withheld(request_) is None

    def test_a_reason_empties_every_score_field(self) -> None:
        assert score_fields(Counter(COMPLIANT=4), "why") == {
            "conformance_pack": None, "compliant_pairs": None, "non_compliant_pairs": None, "score": None, "no_score_reason": "why",
        }  # fmt: skip


def timeline(period: Period, *histories: tuple[str, list[dict]], expect: tuple[str, ...] = ()) -> ScoreTimeline:
    scored = ScoreTimeline(period, include_rule=lambda name: name.startswith("smguard-"))
    for account_id in expect:
        scored.expect(account_id, REGION)
    for account_id, items in histories:
        scored.add(account_id, REGION, items)
    return scored


def days(scored: ScoreTimeline, reason: str | None = None) -> dict[tuple[str, str], tuple]:
    """(account, day) -> (compliant, non-compliant, score, reason)."""
    records = scored.records(reason, PACK_NAMES)
    for record in records:
        assert set(record) == set(SCORE_TIMELINE.names) and record["schema"] == "smguard-score-timeline/1"
    return {
        (r["account_id"], r["day"]): (r["compliant_pairs"], r["non_compliant_pairs"], r["score"], r["no_score_reason"]) for r in records
    }


FOUR_DAYS = Period(START, at(4))  # 2026-10-01 to 2026-10-04, each day's end at midnight UTC


class TestTimeline:
    def test_each_day_counts_the_pairs_in_force_at_its_end(self) -> None:
        scored = timeline(
            FOUR_DAYS,
            # nb-1: compliant, breaches notebook_root_access on Oct 2 at 12:00, fixed exactly at midnight Oct 3/4.
            (ACCOUNT, [item(-3, {PACK_ROOT: "COMPLIANT", PACK_INTERNET: "COMPLIANT"}, resource="nb-1"),
                       item(1.5, {PACK_ROOT: "NON_COMPLIANT", PACK_INTERNET: "COMPLIANT"}, resource="nb-1"),
                       item(3, {PACK_ROOT: "COMPLIANT", PACK_INTERNET: "COMPLIANT"}, resource="nb-1")]),
            # nb-2: not applicable to one rule, non-compliant with the other (and with a standalone rule), deleted on Oct 3.
            (ACCOUNT, [item(0.5, {PACK_ROOT: "NOT_APPLICABLE", PACK_INTERNET: "NON_COMPLIANT", STANDALONE_ROOT: "NON_COMPLIANT"}, resource="nb-2"),
                       item(2.25, None, status="ResourceDeleted", resource="nb-2")]),
            # nb-3: an episode opened ten days before the period and still open at its end.
            (ACCOUNT, [item(-10, {PACK_ROOT: "NON_COMPLIANT"}, resource="nb-3")]),
        )  # fmt: skip
        assert days(scored) == {
            (ACCOUNT, "2026-10-01"): (2, 2, "50.00", None),  # nb-1 x2 compliant; nb-2 internet, nb-3 root non-compliant
            (ACCOUNT, "2026-10-02"): (1, 3, "25.00", None),  # nb-1's root breach opened at 12:00
            (ACCOUNT, "2026-10-03"): (1, 2, "33.33", None),  # nb-2 deleted; nb-1's fix is captured at midnight: the next day's
            (ACCOUNT, "2026-10-04"): (2, 1, "66.67", None),  # nb-3's open episode still counts
        }
        assert {r["conformance_pack"] for r in scored.records(None, PACK_NAMES)} == {"smguard"}
        assert [r["as_of_utc"] for r in scored.records(None, PACK_NAMES)] == [
            "2026-10-02T00:00:00Z", "2026-10-03T00:00:00Z", "2026-10-04T00:00:00Z", "2026-10-05T00:00:00Z"
        ]  # fmt: skip

    def test_items_in_any_order_and_read_twice_give_the_same_days(self) -> None:
        items = [item(-3, {PACK_ROOT: "COMPLIANT"}), item(1.5, {PACK_ROOT: "NON_COMPLIANT"}), item(3, {PACK_ROOT: "COMPLIANT"})]
        once = days(timeline(FOUR_DAYS, (ACCOUNT, items)))
        assert days(timeline(FOUR_DAYS, (ACCOUNT, [*reversed(items), items[1]]))) == once
        assert [value[:3] for value in once.values()] == [(1, 0, "100.00"), (0, 1, "0.00"), (0, 1, "0.00"), (1, 0, "100.00")]

    def test_before_a_pack_rule_appears_a_day_has_no_score_then_insufficient_data_until_a_pair_counts(self) -> None:
        scored = timeline(
            FOUR_DAYS,
            (ACCOUNT, [item(-3, {STANDALONE_ROOT: "COMPLIANT"}), item(1.5, {STANDALONE_ROOT: "COMPLIANT", PACK_ROOT: "NOT_APPLICABLE"}),
                       item(2.5, {PACK_ROOT: "COMPLIANT"})]),
        )  # fmt: skip
        assert days(scored) == {
            (ACCOUNT, "2026-10-01"): (None, None, None, NO_PACK_YET),
            (ACCOUNT, "2026-10-02"): (0, 0, "INSUFFICIENT_DATA", None),
            (ACCOUNT, "2026-10-03"): (1, 0, "100.00", None),
            (ACCOUNT, "2026-10-04"): (1, 0, "100.00", None),
        }

    def test_an_unreadable_result_and_another_teams_pack_rule_are_not_counted(self) -> None:
        other_team = "their-rule-conformance-pack-x7k2m9qa"
        scored = timeline(FOUR_DAYS, (ACCOUNT, [item(-1, {PACK_ROOT: "INSUFFICIENT_DATA", other_team: "NON_COMPLIANT"})]))
        assert set(days(scored).values()) == {(0, 0, "INSUFFICIENT_DATA", None)}

    def test_a_day_whose_pairs_belong_to_two_packs_has_no_score(self) -> None:
        scored = timeline(
            FOUR_DAYS,
            # nb-1 is evaluated by the account's pack all along, and by a second pack (another suffix) from Oct 2 12:00
            # to Oct 3 (its result NOT_APPLICABLE from then: no pair of that pack counts any more).
            (ACCOUNT, [item(-1, {PACK_ROOT: "COMPLIANT"}, resource="nb-1"),
                       item(1.5, {PACK_ROOT: "COMPLIANT", ORGANIZATION_PACK_ROOT: "NON_COMPLIANT"}, resource="nb-1"),
                       item(2.5, {PACK_ROOT: "COMPLIANT", ORGANIZATION_PACK_ROOT: "NOT_APPLICABLE"}, resource="nb-1")]),
        )  # fmt: skip
        assert days(scored) == {
            (ACCOUNT, "2026-10-01"): (1, 0, "100.00", None),
            (ACCOUNT, "2026-10-02"): (None, None, None, TWO_PACKS),
            (ACCOUNT, "2026-10-03"): (1, 0, "100.00", None),
            (ACCOUNT, "2026-10-04"): (1, 0, "100.00", None),
        }

    def test_an_account_without_history_and_a_withheld_score_say_why(self) -> None:
        scored = timeline(FOUR_DAYS, (ACCOUNT, [item(-1, {PACK_ROOT: "COMPLIANT"})]), expect=(OTHER,))
        by_day = days(scored)
        assert by_day[(OTHER, "2026-10-04")] == (None, None, None, NO_PACK_YET) and len(by_day) == 8
        assert set(days(scored, "not computed: filtered").values()) == {(None, None, None, "not computed: filtered")}

    def test_a_period_the_export_cuts_short_ends_its_last_day_at_the_export(self) -> None:
        cut = Period(START, datetime(2026, 10, 2, 6, 0, tzinfo=timezone.utc))
        assert [(d.day, d.as_of) for d in days_of(cut)] == [
            (date(2026, 10, 1), datetime(2026, 10, 2, tzinfo=timezone.utc)),
            (date(2026, 10, 2), datetime(2026, 10, 2, 6, 0, tzinfo=timezone.utc)),
        ]
        scored = timeline(cut, (ACCOUNT, [item(-1, {PACK_ROOT: "COMPLIANT"}), item(1.2, {PACK_ROOT: "NON_COMPLIANT"}), item(1.3, {PACK_ROOT: "COMPLIANT"})]))
        # 1.2 days is 04:48 on Oct 2, before the export at 06:00; 1.3 days (07:12) is after it and ignored.
        assert [value[:3] for value in days(scored).values()] == [(1, 0, "100.00"), (0, 1, "0.00")]
        assert len(days_of(PERIOD)) == 31 and days_of(PERIOD)[-1].as_of == END
