"""spaCy's matrix products through numpy's BLAS: the loaded pipeline uses them, and nothing it finds changes."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest
import spacy
from spacy.language import Language
from thinc.api import NumpyOps, get_current_ops
from threadpoolctl import threadpool_info

from storyline.extract.analysis import analyse_documents
from storyline.extract.blas_ops import (
    blas_ops_current,
    layers_without_blas_ops,
    multiplies_with_blas,
    one_blas_thread,
)
from storyline.extract.nlp import LINE_BREAKS_COMPONENT, MODEL_PACKAGE

TEXTS = [
    "The army said on Monday that rebels had left the valley near Goma.\nAid workers reached the town by road.",
    '"We will rebuild the bridge," the mayor, John Smith, told reporters in Kyiv on Tuesday.',
    "President Ada Lovelace met Prime Minister Charles Babbage in Paris; the United Nations said talks would go on.",
    "Floods closed schools across the region, officials said. Police arrested three men in Lagos.",
    "",
]


@pytest.mark.parametrize(("trans1", "trans2"), [(False, False), (True, False), (False, True), (True, True)])
def test_the_blas_product_is_the_one_blis_computes(trans1: bool, trans2: bool) -> None:
    rng = np.random.default_rng(3)
    x = rng.standard_normal((40, 24), dtype=np.float32)
    y = rng.standard_normal((24, 40), dtype=np.float32)
    x = np.ascontiguousarray(x.T) if trans1 else x
    y = np.ascontiguousarray(y.T) if trans2 else y
    ours = NumpyOps(use_blis=False).gemm(x, y, trans1=trans1, trans2=trans2)
    blis = NumpyOps().gemm(x, y, trans1=trans1, trans2=trans2)
    assert ours.dtype == np.float32
    assert ours.shape == (40, 40)
    np.testing.assert_allclose(ours, blis, rtol=1e-5, atol=1e-5)
    out = np.zeros((40, 40), dtype=np.float32)
    assert NumpyOps(use_blis=False).gemm(x, y, out=out, trans1=trans1, trans2=trans2) is out
    np.testing.assert_array_equal(out, ours)


def test_the_ops_current_before_are_restored_after_the_block() -> None:
    before = get_current_ops()
    with blas_ops_current():
        assert multiplies_with_blas(get_current_ops())
        assert not multiplies_with_blas(before)
    assert get_current_ops() is before


def test_the_pipeline_multiplies_with_blas_ops(nlp: Language) -> None:
    # spaCy builds the transition parsers' output layers ("linear", read by their C loop) on its own CPU
    # operations whatever is current; every other layer of every component takes the BLAS products.
    remaining = layers_without_blas_ops(nlp)
    assert {name.split(":")[1] for name in remaining} <= {"linear"}
    assert {name.split(":")[0] for name in remaining} <= {"parser", "ner"}
    stock = spacy.load(MODEL_PACKAGE)
    assert len(layers_without_blas_ops(stock)) > 10 * max(1, len(remaining))


def test_analyses_equal_those_of_thincs_own_operations(nlp: Language) -> None:
    stock = spacy.load(MODEL_PACKAGE)
    stock.add_pipe(LINE_BREAKS_COMPONENT, before="parser")
    docs = [(f"d{i}", text) for i, text in enumerate(TEXTS)]
    ours = list(analyse_documents(nlp, docs))
    assert ours == list(analyse_documents(stock, docs))
    assert any(analysis.mentions for analysis in ours)
    assert any(analysis.quotes for analysis in ours)


def _blas_threads() -> set[int]:
    return {lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"}


def test_one_blas_thread_holds_only_for_its_block() -> None:
    before = _blas_threads()
    assert before, "numpy's BLAS should be visible to threadpoolctl"
    with one_blas_thread():
        assert _blas_threads() == {1}
    assert _blas_threads() == before


def test_blocks_in_two_threads_leave_the_threads_as_they_found_them() -> None:
    # threadpoolctl lets one Python thread control OpenBLAS: overlapping blocks once left it on one thread.
    before = _blas_threads()
    first_in, first_out = threading.Event(), threading.Event()
    seen: list[set[int]] = []

    def first() -> None:
        with one_blas_thread():
            first_in.set()
            seen.append(_blas_threads())
            time.sleep(0.2)  # the second thread asks for its block meanwhile
        first_out.set()

    def second() -> None:
        first_in.wait(10)
        with one_blas_thread():
            seen.append(_blas_threads())
            first_out.wait(10)  # ends after the first: its restore comes last

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert seen == [{1}, {1}]
    assert _blas_threads() == before
