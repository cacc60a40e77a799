"""pipeline_scale.py's spaCy reference: as spaCy is installed, or with the extract stage's BLAS products."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.benchmark_path import benchmarks_on_path

from storyline.extract.blas_ops import multiplies_with_blas

with benchmarks_on_path():
    import pipeline_scale


@pytest.fixture
def reference_state() -> Iterator[None]:
    yield
    pipeline_scale._reference_nlp = None
    pipeline_scale._reference_one_thread = False


@pytest.mark.parametrize(("products", "blas"), [("blis", False), ("blas", True)])
def test_the_reference_parses_with_the_products_asked_for(
    reference_state: None, products: str, blas: bool
) -> None:
    pipeline_scale._load_spacy(products)
    nlp = pipeline_scale._reference_nlp
    assert nlp.pipe_names == ["tok2vec", "parser", "ner"]
    assert multiplies_with_blas(nlp.get_pipe("tok2vec").model.ops) is blas
    assert multiplies_with_blas(nlp.get_pipe("ner").model.ops) is blas
    assert pipeline_scale._reference_one_thread is blas
    done, cpu = pipeline_scale._spacy_chunk(["Rebels left Goma on Monday.", "Floods hit Lagos."])
    assert done == 2
    assert cpu > 0
