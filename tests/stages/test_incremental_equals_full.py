"""A corpus run in two batches (a run after each) stores exactly what one run over all its pages stores.

The pages are invented: a port strike, a river flood and a trade-fair story told by several outlets, with
an exact copy, a near copy, an organisation named by its full name and by the acronym it defines, a person
named in full and by surname, and countries named by name and by demonym.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import storyline
from storyline.link import kept_words
from storyline.link.kept_passages import KeptPassages
from storyline.stages import events, extract, link, narrate
from storyline.store.base import RECORD_TABLES

STRIKE_1 = (
    "Dock workers strike at Velmora port\n\n"
    "Dock workers walked off the job at the port of Velmora on Monday, the Harbour Workers Union (HWU) said. "
    "Union leader Marta Kowalczyk said the strike would last until the port authority raised wages.\n\n"
    "“We will not load a single ship until the Velmora Port Authority listens,” Kowalczyk said. "
    "Ships bound for Norway waited in the bay as cranes stood still along the eastern quay."
)
STRIKE_2 = (
    "Velmora port strike enters second day\n\n"
    "The strike by dock workers at Velmora entered its second day on Tuesday as the HWU rejected an offer "
    "from the Velmora Port Authority. Marta Kowalczyk told reporters that the offer of three percent was "
    "an insult to the members of the Harbour Workers Union.\n\n"
    "Norwegian shipping firms said cargo bound for Bergen would be diverted to other ports."
)
STRIKE_3 = (
    "Velmora dock strike ends with wage deal\n\n"
    "Dock workers at Velmora returned to work on Friday after the Harbour Workers Union accepted a wage "
    "rise of six percent from the Velmora Port Authority. Kowalczyk called the deal a victory for every "
    "dock worker on the eastern quay.\n\n"
    "“We will not load a single ship until the Velmora Port Authority listens,” Kowalczyk had said on Monday."
)
FLOOD_1 = (
    "River Osk floods Drenmouth\n\n"
    "The river Osk burst its banks at Drenmouth on Sunday, flooding two hundred homes, the mayor Tobias "
    "Lindqvist said. Rescue teams from Sweden helped evacuate residents of the lower town overnight.\n\n"
    "Lindqvist said the flood barrier built in 2009 had failed after three days of heavy rain."
)
FLOOD_2 = (
    "Drenmouth counts cost of Osk flood\n\n"
    "Residents of Drenmouth began clearing mud from their homes on Tuesday after the river Osk flood. "
    "Mayor Tobias Lindqvist said repairs to the failed flood barrier would cost four million crowns.\n\n"
    "Swedish engineers inspected the barrier and said heavy rain had undermined its foundations."
)
FAIR_1 = (
    "Kestrel Bay trade fair opens\n\n"
    "The Kestrel Bay trade fair opened on Wednesday with three hundred exhibitors from twelve countries, "
    "organiser Amira Haddad said. Exhibitors from Portugal showed cork and textiles in the main hall.\n\n"
    "Haddad said ticket sales were the highest since the fair began in 1994."
)
FAIR_2 = (
    "Record crowds at Kestrel Bay fair\n\n"
    "Record crowds filled the halls of the Kestrel Bay trade fair on Thursday, Amira Haddad told reporters. "
    "Portuguese cork makers said they had taken orders worth two million euros.\n\n"
    "The fair closes on Sunday with an auction of exhibits for the harbour hospital."
)
# Two reports of one mine collapse that say too little alike to be one story alone, and a later report that
# tells both halves: one run puts all three in one story, and so must a run that saw the first two earlier
# (two stories that existed before a top-up are not kept apart because they once were).
MINE_1 = (
    "Miners trapped at Harlow colliery\n\n"
    "Eleven miners were trapped underground at the Harlow colliery on Tuesday after a tunnel roof gave way, "
    "rescue chief Pavel Danko said. Rescuers were drilling a shaft to reach the men.\n\n"
    "Danko said the trapped miners had air and water and had tapped on the pipes."
)
MINE_2 = (
    "Orlen Minerals shares fall\n\n"
    "Shares in Orlen Minerals fell by a fifth in early trading. Chief executive Ines Brandt said the company "
    "would cooperate fully with inspectors and that insurance would cover the losses.\n\n"
    "Brandt said output from the company's other pits would rise to make up for the closure."
)
MINE_3 = (
    "Rescuers free Harlow miners as Orlen Minerals faces inquiry\n\n"
    "All eleven miners trapped at the Harlow colliery were brought up alive on Thursday, rescue chief Pavel "
    "Danko said, after rescuers drilled a shaft to reach the men. Inspectors opened an inquiry into Orlen "
    "Minerals, whose shares fell by a fifth after the tunnel roof gave way.\n\n"
    "Chief executive Ines Brandt said Orlen Minerals would cooperate fully with inspectors."
)

# A story no later page touches: a top-up keeps what was made of it.
MUSEUM = (
    "Lindholm museum reopens\n\n"
    "The Lindholm maritime museum reopened on Saturday after a two-year restoration of its timber hall, "
    "director Sofia Berglund said. The museum's collection of ship models returns to the east wing.\n\n"
    "Berglund said school visits would be free until the end of the year."
)

BATCH_1 = {
    "museum.txt": MUSEUM,
    "strike1.txt": STRIKE_1,
    "flood1.txt": FLOOD_1,
    "fair1.txt": FAIR_1,
    "mine1.txt": MINE_1,
    "mine2.txt": MINE_2,
}
BATCH_2 = {
    "strike2.txt": STRIKE_2,
    "strike3.txt": STRIKE_3,
    # the first strike report again, one blank line more: another page, the same body (an exact duplicate)
    "strike1-copy.txt": STRIKE_1.replace("\n\n", "\n\n\n", 1),
    # the flood report re-published with an added closing paragraph (a near duplicate)
    "flood1-reprint.txt": FLOOD_1 + "\n\nThe regional council will meet on Monday to discuss the damage.",
    "flood2.txt": FLOOD_2,
    "fair2.txt": FAIR_2,
    "mine3.txt": MINE_3,
}

# A third run adds a page of an unrelated event: stories it does not touch keep their clusters.
BATCH_3 = {
    "bridge.txt": (
        "Glass footbridge opens over the Tarnow gorge\n\n"
        "A glass footbridge across the Tarnow gorge opened to walkers on Saturday, engineer Lena Voss said. "
        "The span of ninety metres took two years to build and can carry four hundred people at once.\n\n"
        "Voss said the bridge would close in high winds."
    )
}


def _write(folder: Path, pages: dict[str, str]) -> Path:
    folder.mkdir(parents=True)
    for name, text in pages.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _tables(db: Path) -> dict[str, Any]:
    """Every record table and every derived document field, as stored."""
    with storyline.open(db) as sl:
        tables: dict[str, Any] = {table: list(sl.store.records(table)) for table in RECORD_TABLES}
        tables["documents"] = [
            {key: value for key, value in doc.items() if key not in {"stage_keys"}}
            for doc in sl.store.documents()
        ]
    return json.loads(json.dumps(tables, sort_keys=True, default=str))


def test_two_batches_store_what_one_run_stores(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Words kept in blocks of 4 documents, so that the 14 documents make several blocks and a top-up can
    # be seen to write only the last one (what is stored does not depend on the block size).
    monkeypatch.setattr(kept_words, "BLOCK_ROWS", 4)
    first = _write(tmp_path / "one", BATCH_1)
    second = _write(tmp_path / "two", BATCH_2)
    third = _write(tmp_path / "three", BATCH_3)
    with storyline.open(tmp_path / "batches.db") as sl:
        sl.run([first], workers=1)
        sl.run([second], workers=1)
        # Only stories the new pages joined were narrated again; the museum story's narrative was kept.
        stories = len(list(sl.store.records("stories")))
        assert sl.store.get_state(narrate.NARRATED_STATE) == stories - 1
        # Entity resolution was kept: the museum page, which names nothing the new pages name, was not
        # resolved again.
        assert sl.store.get_state(extract.RESOLVED_STATE) < len(BATCH_1) + len(BATCH_2)
        # Only the new pages' words were counted again (the exact copy's not even once more).
        assert 0 < sl.store.get_state(link.COUNTED_STATE) < len(BATCH_2)
        # Passages: only the new pages were split into words (the exact copy's body was kept already),
        # and only components they changed were made again.
        made = sl.store.get_state(link.PASSAGES_MADE_STATE)
        assert 0 < made["documents"] < len(BATCH_2)
        assert made["components"] > 0
        # Events: only documents whose coding inputs changed were coded again (not the museum page), and
        # only those were read (the extract stage's record said which ones changed; the rest were not read).
        coded = sl.store.get_state(events.CODED_STATE)
        assert 0 < coded["documents"] <= coded["read"] < len(BATCH_1) + len(BATCH_2)
        entries_before = dict(sl.store.get_entries(link.PASSAGE_ENTRIES))
        written: list[str] = []
        set_entries = sl.store.set_entries

        def counted_set_entries(prefix: str, entries: Any, clear: bool = False) -> None:
            entries = list(entries)
            if prefix == link.PASSAGE_ENTRIES:
                written.extend(name for name, value in entries if value is not None)
            set_entries(prefix, entries, clear)

        monkeypatch.setattr(sl.store, "set_entries", counted_set_entries)
        sl.run([third], workers=1)
        monkeypatch.undo()
        # The top-up read the bodies of what it made again (the new page's, for its signature, words and
        # counts), not every stored body once more for each step.
        assert 0 < sl.store.get_state(link.BODIES_READ_STATE) < len(BATCH_1) + len(BATCH_2)
        # Passage seeds: only the new page was seeded; the sketch, the others' anchors and runs were kept.
        made = sl.store.get_state(link.PASSAGES_MADE_STATE)
        assert made["seeds"]["from_scratch"] == 0 and made["seeds"]["documents"] == len(BATCH_3)
        # and only the passages table's rows that changed were written (the new page shares none).
        assert made["rows"] < len(list(sl.store.records("passages")))
        # and only the whole passages it made were written as entries (the kept ones' are not read), and
        # the entries stored are exactly those of the kept components that give a passage.
        assert len(written) == made["entries"] < len(entries_before)
        kept = KeptPassages.from_bytes(sl.store.get_blob(link.PASSAGES_BLOB))
        assert kept is not None
        stored_entries = {name for name, _ in sl.store.get_entries(link.PASSAGE_ENTRIES)}
        assert stored_entries == {key.hex() for key, p in kept.entries.items() if p is not None}
        # and only the blocks of words from its new page on were written (the last of four blocks).
        assert made["word_blocks"] == 1 < len(list(sl.store.get_entries(link.WORDS_ENTRIES)))
        # Stories: no component of the story graph the new page did not change was clustered again.
        clustered = sl.store.get_state(link.CLUSTERS_MADE_STATE)
        assert clustered["of"] > 0 and clustered["components"] < clustered["of"]
        # and only candidate pairs with the new page or a changed vector had their cosines computed.
        computed = sl.store.get_state(link.COSINES_COMPUTED_STATE)
        assert 0 < computed["pairs"] < computed["of"]
        # and only the key rows of the new page and of rows that may differ were chosen again.
        chosen = sl.store.get_state(link.KEYS_CHOSEN_STATE)
        assert 0 < chosen["reports"] < chosen["of"]
        # and only the candidate lists the new page could change were searched again.
        searched = sl.store.get_state(link.CANDIDATES_SEARCHED_STATE)
        assert 0 < searched["reports"] < searched["of"]
        # Only documents whose duplicate, story or thread changed were written (the new page's at least).
        assert 0 < sl.store.get_state(link.DOCUMENTS_WRITTEN_STATE) < len(BATCH_1) + len(BATCH_2)
    with storyline.open(tmp_path / "full.db") as sl:
        sl.run([first, second, third], workers=1)
    batches, full = _tables(tmp_path / "batches.db"), _tables(tmp_path / "full.db")
    # The corpus holds what the test is about: stories of several reports, both kinds of duplicate, aliases.
    docs = full["documents"]
    assert sum(1 for d in docs if d["duplicate_of"]) == 2
    assert any(len(story["documents"]) >= 3 for story in full["stories"])
    assert any(len(entity["aliases"]) >= 2 for entity in full["entities"])
    assert full["events"]
    story_of = {Path(d["source"]).name: d["story_id"] for d in docs}
    assert story_of["mine1.txt"] == story_of["mine2.txt"] == story_of["mine3.txt"]
    for table in [*RECORD_TABLES, "documents"]:
        assert batches[table] == full[table], table
