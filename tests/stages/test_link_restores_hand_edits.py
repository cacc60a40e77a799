"""A run puts back what the link stage owns: a document's duplicate, story or thread edited by hand in the
store (or left by a run cut short) is written again, although the link stage writes only documents whose
fields it changes.

The reports are invented: two reports of one invented ferry strike and an unrelated one.
"""

from __future__ import annotations

from pathlib import Path

from tests.stages.test_incremental_equals_full import _write

import storyline
from storyline.stages.link import DOCUMENTS_WRITTEN_STATE, LINKED_FIELDS

FERRY_1 = (
    "Ferry crews strike in Kaldera\n\n"
    "Ferry crews in the port of Kaldera stopped work on Monday, the Island Seafarers Guild said. "
    "Guild secretary Ilse Marrow said no ferry would sail to the outer islands until the dispute ends.\n\n"
    "Islanders queued for the few private boats still crossing the strait."
)
FERRY_2 = (
    "Kaldera ferry strike strands islanders\n\n"
    "A strike by ferry crews in Kaldera stranded hundreds of islanders on Monday, Ilse Marrow of the Island "
    "Seafarers Guild said. No ferry sailed to the outer islands and the strait stayed empty.\n\n"
    "Marrow said the crews wanted the same pay as harbour pilots."
)
ORCHARD = (
    "Orchard growers expect early harvest\n\n"
    "Apple growers in the Tessin valley expect the harvest to begin two weeks early after a warm spring, "
    "the growers' cooperative said on Thursday. Picking crews are being hired already."
)


def test_a_hand_edited_story_is_put_back_by_the_next_run(tmp_path: Path) -> None:
    pages = _write(tmp_path / "pages", {"ferry1.txt": FERRY_1, "ferry2.txt": FERRY_2, "orchard.txt": ORCHARD})
    with storyline.open(tmp_path / "s.db") as sl:
        sl.run([pages], workers=1)
        linked = {
            d["id"]: tuple(d[f] for f in LINKED_FIELDS) for d in sl.store.documents(columns=LINKED_FIELDS)
        }
        assert all(story is not None for _, story, _ in linked.values())  # every report is in a story
        edited = sorted(linked)[0]
        sl.store.update_documents([{"id": edited, "story_id": "st_edited_by_hand", "thread_id": None}])
        sl.run([pages], workers=1)
        after = {
            d["id"]: tuple(d[f] for f in LINKED_FIELDS) for d in sl.store.documents(columns=LINKED_FIELDS)
        }
        assert after == linked
        assert sl.store.get_state(DOCUMENTS_WRITTEN_STATE) == 1  # only the edited document was written
