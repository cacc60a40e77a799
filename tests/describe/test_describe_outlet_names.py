"""How an outlet's names relate: abbreviations, domains spelled from a name, feed titles."""

from __future__ import annotations

from storyline.describe.outlet import same_outlet
from storyline.describe.outlet_names import abbreviates, feed_outlet_name, is_abbreviation, spells


def test_abbreviation_shapes() -> None:
    assert is_abbreviation("LCR") and is_abbreviation("L.C.R.")
    assert not is_abbreviation("Lakeside") and not is_abbreviation("L")


def test_initials_with_optional_connectors() -> None:
    assert abbreviates("LCR", "Lakeside Courier Review")
    assert abbreviates("TOR", "Times of Riverton")
    assert abbreviates("TR", "The Riverton")
    assert not abbreviates("LCX", "Lakeside Courier Review")
    assert not abbreviates("Lakeside", "Lakeside Courier Review")


def test_domain_spelled_from_word_beginnings() -> None:
    assert spells("lcreview", "Lakeside Courier Review")
    assert spells("rivertonpost", "Riverton Daily Post")
    assert spells("lakesidecourier", "The Lakeside Courier")
    assert not spells("riverpost", "Lakeside Courier Review")
    assert not spells("post", "Riverton Daily Post")
    assert not spells("rdpnews", "Riverton Daily Post")


def test_same_outlet_through_abbreviation_and_domain() -> None:
    assert same_outlet("LCR", "Lakeside Courier Review")
    assert same_outlet("lcreview.example", "Lakeside Courier Review")
    assert not same_outlet("LCR", "Riverton Daily Post")


def test_feed_title_without_its_section() -> None:
    assert feed_outlet_name("Lakeside Courier — Latest") == "Lakeside Courier"
    assert feed_outlet_name("Latest news | Lakeside Courier") == "Lakeside Courier"
    assert feed_outlet_name("Lakeside Courier") == "Lakeside Courier"
    assert feed_outlet_name("Top stories") == "Top stories"
