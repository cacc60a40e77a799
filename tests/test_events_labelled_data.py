"""Checks the project's labelled PLOVER 2.0 event set (tests/data/events_labelled.jsonl) is well formed and
covers what issue 13 asks of it, so that the event benchmark measures against a sound stick.

The allowed values below are facts of the PLOVER 2.0 codebook (types, modes, contexts) and of our labelling
conventions (tests/data/README.md); they describe the data, they are not the coder's lexicons."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pycountry
import pytest

DATA = Path(__file__).resolve().parent / "data" / "events_labelled.jsonl"

MODES: dict[str, set[str]] = {
    "AGREE": set(),
    "CONSULT": {"visit", "third-party", "multilateral", "phone"},
    "SUPPORT": set(),
    "CONCEDE": set(),
    "COOPERATE": set(),
    "AID": {"economic", "military", "humanitarian", "asylum"},
    "RETREAT": {"withdraw", "release", "return", "disarm", "ceasefire", "access", "resign"},
    "REQUEST": {"assist", "change", "yield", "meet"},
    "ACCUSE": {"disapprove", "investigate", "allege"},
    "REJECT": {"assist", "change", "yield", "meet"},
    "THREATEN": {"restrict", "ban", "arrest", "relations", "expel", "territory", "violence"},
    "PROTEST": {"demo", "riot", "general", "strike", "hunger", "boycott", "obstruct"},
    "SANCTION": {"convict", "expel", "withdraw", "discontinue"},
    "MOBILIZE": {"troops", "weapons", "police", "militia"},
    "COERCE": {
        "confiscate",
        "restrict",
        "ban",
        "censor",
        "curfew",
        "martial-law",
        "arrest",
        "deport",
        "withhold",
    },
    "ASSAULT": {
        "abduct",
        "beat",
        "torture",
        "execute",
        "sexual",
        "assassinate",
        "destroy",
        "primitive",
        "firearms",
        "explosives",
        "suicide-attack",
        "heavy-weapons",
        "aerial",
        "cleansing",
        "massacre",
        "unconventional",
        "sideAB",
    },
}
CONTEXTS = {
    "military",
    "intelligence",
    "peacekeeping",
    "economic",
    "diplomatic",
    "resource",
    "disease",
    "enviro_disaster",
    "migration",
    "humanitarian",
    "asylum",
    "legal",
    "human_rights",
    "rights_freedoms",
    "gender",
    "lgbt",
    "terrorism",
    "human_security",
    "religion_ethnicity",
    "executive",
    "election",
    "legislative",
    "cbrn",
    "cyber",
    "political_institutions",
    "corruption",
    "crime",
    "illegal_drugs",
}
FLAGS = {"future", "hypothetical", "historical", "negation"}
SECTORS = {
    "GOV",
    "MIL",
    "POL",
    "REB",
    "UAF",
    "OPP",
    "PTY",
    "LEG",
    "JUD",
    "SPY",
    "PRM",
    "CVL",
    "BUS",
    "EDU",
    "MED",
    "LAB",
    "AGR",
    "JRN",
    "REF",
    "REL",
    "SOC",
    "CRM",
    "IGO",
    "NGO",
}
KEYS = {
    "id",
    "doc",
    "doc_date",
    "text",
    "event",
    "mode",
    "context",
    "flags",
    "actor",
    "target",
    "place",
    "date",
    "date_precision",
    "merge_key",
}
DATE_FORMS = {"day": r"\d{4}-\d{2}-\d{2}", "month": r"\d{4}-\d{2}", "year": r"\d{4}"}


@pytest.fixture(scope="module")
def rows() -> list[dict[str, Any]]:
    with DATA.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def is_iso3(code: str) -> bool:
    return pycountry.countries.get(alpha_3=code) is not None


def check_party(party: Any, where: str) -> None:
    if party is None:
        return
    assert set(party) == {"name", "country", "sector"}, where
    assert isinstance(party["name"], str) and party["name"].strip(), where
    assert party["country"] is None or is_iso3(party["country"]), f"{where}: {party['country']}"
    assert party["sector"] is None or party["sector"] in SECTORS, f"{where}: {party['sector']}"


def test_every_row_follows_the_schema(rows: list[dict[str, Any]]) -> None:
    for row in rows:
        where = row.get("id", "?")
        assert set(row) == KEYS, where
        assert re.fullmatch(r"ev-\d{4}", row["id"]), where
        assert re.fullmatch(r"d\d{3}", row["doc"]), where
        assert re.fullmatch(DATE_FORMS["day"], row["doc_date"]), where
        assert isinstance(row["text"], str) and len(row["text"]) > 10, where
        assert row["event"] is None or row["event"] in MODES, where
        assert isinstance(row["context"], list) and set(row["context"]) <= CONTEXTS, where
        assert isinstance(row["flags"], list) and set(row["flags"]) <= FLAGS, where
        assert len(set(row["flags"])) == len(row["flags"]) and len(set(row["context"])) == len(
            row["context"]
        ), where
        check_party(row["actor"], f"{where} actor")
        check_party(row["target"], f"{where} target")
        if row["place"] is not None:
            assert set(row["place"]) == {"name", "country", "precision"}, where
            assert is_iso3(row["place"]["country"]), where
            assert row["place"]["precision"] in {"city", "region", "country"}, where
        if row["date"] is None:
            assert row["date_precision"] is None, where
        else:
            assert re.fullmatch(DATE_FORMS[row["date_precision"]], row["date"]), where


def test_ids_are_unique_and_each_doc_has_one_date(rows: list[dict[str, Any]]) -> None:
    assert len({row["id"] for row in rows}) == len(rows)
    assert len({row["text"] for row in rows}) == len(rows), "a sentence is labelled twice"
    doc_dates: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        doc_dates[row["doc"]].add(row["doc_date"])
    assert all(len(dates) == 1 for dates in doc_dates.values())


def test_modes_belong_to_their_type(rows: list[dict[str, Any]]) -> None:
    for row in rows:
        if row["mode"] is not None:
            assert row["mode"] in MODES[row["event"] or ""], f"{row['id']}: {row['event']} {row['mode']}"


def test_sentences_without_an_event_carry_no_event_fields(rows: list[dict[str, Any]]) -> None:
    for row in rows:
        if row["event"] is None:
            assert row["mode"] is None and row["actor"] is None and row["target"] is None, row["id"]
            assert row["place"] is None and row["date"] is None and row["merge_key"] is None, row["id"]
            assert row["context"] == [] and row["flags"] == [], row["id"]


def test_dates_agree_with_the_flags(rows: list[dict[str, Any]]) -> None:
    """A dated event lies before its report unless it is planned; it lies in an earlier year than its report
    exactly when it is flagged historical."""
    for row in rows:
        if row["date"] is None:
            continue
        report = row["doc_date"][: len(row["date"])]
        if "future" in row["flags"]:
            assert row["date"] >= report, row["id"]
        else:
            assert row["date"] <= report, row["id"]
        earlier_year = row["date"][:4] < row["doc_date"][:4]
        assert earlier_year == ("historical" in row["flags"]), row["id"]


def test_merge_clusters_are_consistent(rows: list[dict[str, Any]]) -> None:
    clusters: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        if row["merge_key"] is not None:
            clusters[row["merge_key"]].append(row)
    assert len(clusters) >= 25
    for key, members in clusters.items():
        assert len(members) >= 2, key
        assert 2 <= len({m["doc"] for m in members}) <= 4, key
        assert len({m["event"] for m in members}) == 1, key
        assert not any({"negation", "hypothetical"} & set(m["flags"]) for m in members), key
        assert len({m["date"] for m in members if m["date"]}) <= 1, key
        assert len({m["place"]["country"] for m in members if m["place"]}) <= 1, key


def test_hard_negatives_for_the_merge(rows: list[dict[str, Any]]) -> None:
    """Distinct clusters with the same type and actor country (another day or another place) must exist,
    so a merge that joins on type and actor alone is caught."""
    signature: dict[str, set[tuple[str, str, str | None, str | None]]] = defaultdict(set)
    for row in rows:
        if row["merge_key"] and row["date"]:
            country = (row["actor"] or {}).get("country")
            place = (row["place"] or {}).get("name")
            signature[row["merge_key"]].add((row["event"], country or "", row["date"], place))
    by_type: dict[tuple[str, str], set[str]] = defaultdict(set)
    for key, sigs in signature.items():
        for event, country, _date, _place in sigs:
            by_type[(event, country)].add(key)
    # every (type, country) shared by two clusters separates them by date or by place
    hard = [keys for keys in by_type.values() if len(keys) >= 2]
    assert len(hard) >= 4
    for keys in hard:
        places_dates = [{(d, p) for _e, _c, d, p in signature[k]} for k in keys]
        for i, first in enumerate(places_dates):
            for second in places_dates[i + 1 :]:
                assert not first & second


def test_coverage_asked_for_by_issue_13(rows: list[dict[str, Any]]) -> None:
    assert len(rows) >= 320
    types = Counter(row["event"] for row in rows)
    assert types[None] >= 50
    for event, modes in MODES.items():
        assert types[event] >= 12, event
        used = {row["mode"] for row in rows if row["event"] == event and row["mode"]}
        assert len(used) >= min(3, len(modes)), event
    flags = Counter(flag for row in rows for flag in row["flags"])
    assert all(flags[flag] >= 5 for flag in FLAGS), flags
    assert {row["event"] for row in rows if "negation" in row["flags"]} >= set(MODES) - {None}
    precisions = Counter(row["date_precision"] for row in rows)
    assert precisions["day"] and precisions["month"] and precisions["year"]
    assert {row["place"]["precision"] for row in rows if row["place"]} == {"city", "region", "country"}
