"""The name AWS shows for the conformance pack a score is of, per account and region.

A score counts the pairs of one pack's rules, and the rules of one pack carry its ID's suffix (AWS
Config Developer Guide, "Querying compliance history for conformance packs": pack
``conformance-pack-<ID>`` holds ``<rule>-conformance-pack-<ID>``). The record names the pack as the
Config console and ListConformancePackComplianceScores of its account show it: ``smguard`` (account
mode) or a member account's copy of the organization pack, ``OrgConformsPack-smguard-<suffix>``.

- ``--account``: DescribeConformancePacks gives each pack's ConformancePackName and ConformancePackId,
  so a rule suffix maps to exactly one name. A suffix no pack of the account has (a pack deleted since,
  in a period's history) has no name.
- ``--aggregator``: no aggregate compliance API gives a pack's ID (AWS Config API Reference:
  DescribeAggregateComplianceByConformancePacks returns ConformancePackName, AccountId, AwsRegion and
  the pack's compliance; GetAggregateConformancePackComplianceSummary only counts packs). So the name
  is known only when the aggregator lists exactly one smguard pack in the account and region; with
  several (the account's own pack and its copy of the organization pack, or a deleted pack, which
  that API lists too) or none, the record says which suffixes it counted and that their pack's name
  could not be told apart. Nothing is guessed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from smguard.deploy.naming import conformance_pack_suffix

Key = tuple[str, str]
"""(account ID, region)."""


def pack_id_suffix(pack_id: str) -> str | None:
    """The suffix the rules of the pack ``pack_id`` (``conformance-pack-<suffix>``) carry: AWS names them
    ``<declared>-<pack ID>``, so the one reader of a pack rule's suffix reads it from such a name."""
    return conformance_pack_suffix(f"rule-{pack_id}")


@dataclass(frozen=True)
class PackName:
    """The pack's name, or why the record cannot name it."""

    name: str | None
    unnamed_reason: str | None = None


class PackNames(Protocol):
    """What an export learnt of the smguard packs' names."""

    def of(self, key: Key, suffixes: Iterable[str]) -> PackName:
        """The name of the pack of account and region ``key`` whose rules carry ``suffixes`` (one, or the record
        cannot name a pack)."""
        ...


@dataclass(frozen=True)
class AccountPackNames:
    """From DescribeConformancePacks in the exported account: per (account, region), rule suffix -> pack name."""

    by_suffix: Mapping[Key, Mapping[str, str]]

    def of(self, key: Key, suffixes: Iterable[str]) -> PackName:
        shown = sorted(set(suffixes))
        known = self.by_suffix.get(key, {})
        if len(shown) == 1 and shown[0] in known:
            return PackName(known[shown[0]])
        if len(shown) == 1:
            return PackName(
                None,
                f"not matched to a pack: no conformance pack of account {key[0]}, region {key[1]} has the ID "
                f"conformance-pack-{shown[0]} that the rules here carry (DescribeConformancePacks; a pack deleted since is not "
                "listed), so the name the Config console showed for it cannot be read",
            )
        return PackName(None, _several([f"{known.get(s, 'a pack no longer listed')}, its rules' suffix {s}" for s in shown]))


@dataclass(frozen=True)
class AggregatedPackNames:
    """From DescribeAggregateComplianceByConformancePacks: per (account, region), the smguard packs' names."""

    listed: Mapping[Key, frozenset[str]]

    def of(self, key: Key, suffixes: Iterable[str]) -> PackName:
        shown = sorted(set(suffixes))
        names = sorted(self.listed.get(key, frozenset()))
        if len(shown) == 1 and len(names) == 1:
            return PackName(names[0])
        if len(shown) > 1:
            return PackName(None, _several([f"its rules' suffix {s}" for s in shown]))
        listed = f"{len(names)} smguard conformance packs ({', '.join(names)})" if names else "no smguard conformance pack"
        return PackName(
            None,
            f"not matched to a pack: the aggregator lists {listed} in account {key[0]}, region {key[1]} "
            "(DescribeAggregateComplianceByConformancePacks, which lists deleted packs too), and no aggregate compliance API gives a "
            f"pack's ID, so the name of the pack whose rules carry the suffix {shown[0]} could not be told apart; export "
            "the account with --account for its name",
        )


def _several(packs: list[str]) -> str:
    return (
        f"not matched to a pack: the smguard rules here belong to {len(packs)} conformance packs ({'; '.join(packs)}) and "
        "none of them has a COMPLIANT or NON_COMPLIANT pair; each pack is INSUFFICIENT_DATA on its own"
    )
