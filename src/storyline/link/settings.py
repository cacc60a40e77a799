"""One options object for the whole link stage; the defaults are what Storyline ships."""

from __future__ import annotations

from dataclasses import dataclass, field, fields


def _opt(default: float | int, help_text: str) -> float | int:
    """A settings field with a default and a help text (read by the CLI and the docs)."""
    return field(default=default, metadata={"help": help_text})


@dataclass
class LinkSettings:
    """Thresholds and sizes of dedup, passages, stories and threads. Every field has a help text."""

    # --- duplicates
    near_dup_threshold: float = _opt(
        0.8, "Near duplicates: share of the smaller document's word shingles found in the other."
    )
    near_dup_min_length_ratio: float = _opt(
        0.5, "Near duplicates: the shorter body must be at least this share of the longer one's shingles."
    )
    lsh_threshold: float = _opt(
        0.5, "MinHash LSH band threshold (Jaccard) that makes two documents near-duplicate candidates."
    )
    num_perm: int = _opt(128, "MinHash permutations per signature.")
    shingle_words: int = _opt(5, "Words per shingle for MinHash signatures and passage seeds.")
    minhash_seed: int = _opt(1, "Seed of the MinHash permutations (signatures of one seed only compare).")
    # --- shared passages
    min_passage_words: int = _opt(12, "Fewest words a shared passage must have.")
    passage_max_doc_freq: int = _opt(
        200, "Passage seed shingles found in more documents than this are ignored as stock phrases."
    )
    quote_coverage: float = _opt(0.8, "Share of a passage inside quotation marks that makes it a quote.")
    # --- stories
    story_threshold: float = _opt(0.225, "Average-linkage similarity at which reports join one story.")
    story_date_scale_days: float = _opt(
        90.0,
        "Days over which publication dates pull two reports apart: their similarity is multiplied by"
        " exp(-days apart / this), as far as both dates are sure (0: dates are ignored).",
    )
    story_one_dated_penalty: float = _opt(
        0.1,
        "Similarity taken off a pair of reports of which only one is dated: with no date to corroborate"
        " that they report one event, the text must say more (pairs both undated are not penalised).",
    )
    story_neighbourhood: int = _opt(
        15,
        "Nearest reports whose mean similarity is a report's own level: each pair's similarity is scaled"
        " by the corpus's typical level over the two reports' levels (0.5x to 1.5x), so a pair must stand"
        " out from its crowd to join (0: similarities are taken as they are).",
    )
    story_candidates: int = _opt(30, "Most similar reports kept as story neighbours of each report.")
    story_key_terms: int = _opt(40, "Highest-weighted terms per report used to find candidate neighbours.")
    story_max_doc_freq: int = _opt(
        1000, "Terms in more reports than this are not used to find candidates (too common to point)."
    )
    story_passage_weight: float = _opt(
        0.3, "Similarity added per shared passage of 50 words (capped at one such unit)."
    )
    story_entity_weight: float = _opt(
        0.2, "Weight of shared-entity Jaccard (each entity weighed by its specificity) in story similarity."
    )
    story_title_weight: float = _opt(0.1, "Weight of title word overlap in story similarity.")
    name_weight: float = _opt(3.0, "Extra weight of capitalised names and numbers over other words.")
    # --- threads
    thread_threshold: float = _opt(0.2, "Average-linkage similarity at which stories join one thread.")
    thread_entity_weight: float = _opt(
        0.5, "Weight of the cosine of two stories' specificity-weighted entity profiles in threads."
    )
    thread_actor_min_share: float = _opt(
        0.25,
        "Share of a story's reports that must name a person or organisation for it to be a main actor;"
        " stories join a thread only when they share a main actor.",
    )
    thread_context_weight: float = _opt(
        0.5, "Weight of places, nationalities and other non-actor entities relative to actors in threads."
    )
    thread_main_entities: int = _opt(8, "Main entities (or names) kept per story and per thread.")


def settings_help() -> dict[str, str]:
    """Field name -> help text, for command-line options and documentation."""
    return {f.name: str(f.metadata.get("help", "")) for f in fields(LinkSettings)}
