"""The spaCy worker pool gives the same analyses, in the same order, as one process."""

from __future__ import annotations

from storyline.run.parse_pool import analyse_batches

# Invented sentences: people, bodies and places written for this test.
TEXTS = [
    "Mayor Ilona Varga said on Monday that the Harbour Board would close the north pier.",
    "“We will not wait another year,” said Tomas Reiter, the chairman of the Fishermen's Union.",
    "The Lakeside Council met in Brenfield to discuss the new bridge over the Oster river.",
    "Officials in Kaldera said the storm had damaged two schools and a hospital.",
    "According to Minister of Transport Aiko Mori, the railway will reopen in spring.",
]


def batches() -> list[list[tuple[str, str]]]:
    pairs = [(f"d{i}", text) for i, text in enumerate(TEXTS)]
    return [pairs[0:2], pairs[2:4], pairs[4:]]


def test_pool_and_one_process_agree_in_order() -> None:
    single = list(analyse_batches(batches(), workers=1))
    pooled = list(analyse_batches(iter(batches()), workers=2))
    assert [[a.doc_id for a in batch] for batch in pooled] == [["d0", "d1"], ["d2", "d3"], ["d4"]]
    assert pooled == single
    assert any(m.label == "PERSON" for batch in single for a in batch for m in a.mentions)
