"""spaCy's matrix products through the BLAS numpy ships, on one thread.

thinc's CPU backend (``NumpyOps``) multiplies matrices with the ``blis`` package it bundles. On these
2-core machines (AMD EPYC) blis's single-precision ``gemm`` took 2.5-2.9 times the CPU of numpy's OpenBLAS
at the shapes spaCy's token-to-vector layers use (4,000-20,000 tokens x 288-480 inputs x 288 outputs), and
those layers' products are ~40% of a parse (docs/performance.md, twenty-eighth pass). thinc's generic
``Ops.gemm`` is the same product through ``numpy.dot``: :class:`BlasOps` is ``NumpyOps`` with that one
method taken back, so every other kernel (maxout, layer norm, the hash embeddings) is thinc's own. spaCy's
transition loop (C code, half of a parse now) takes blis's product directly and is left as it is.

numpy's OpenBLAS starts a thread per core; the parse already runs one worker process per core, so each
parse holds BLAS to one thread (:func:`one_blas_thread`) rather than have two workers' threads fight over
two cores.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from spacy.language import Language
from thinc.api import Model, NumpyOps, Ops, get_current_ops, set_current_ops
from threadpoolctl import threadpool_limits


class BlasOps(NumpyOps):
    """thinc's CPU operations with matrix products by numpy's BLAS instead of blis."""

    # ``Ops.gemm`` is thinc's backend-neutral product: ``self.xp.dot`` (numpy here), which calls the BLAS
    # numpy links. NumpyOps overrides it with blis; this puts the generic one back.
    gemm = Ops.gemm


@contextmanager
def blas_ops_current() -> Iterator[None]:
    """Make :class:`BlasOps` thinc's current operations for the block: a model built inside (``spacy.load``)
    keeps them in every layer. The operations current before are restored after."""
    before = get_current_ops()
    set_current_ops(BlasOps())
    try:
        yield
    finally:
        set_current_ops(before)


def layers_without_blas_ops(nlp: Language) -> list[str]:
    """Names (``component:layer``) of the model layers in ``nlp``'s components whose products do not go
    through :class:`BlasOps`. Loaded under :func:`blas_ops_current`, only the transition parsers' output
    layers remain: spaCy builds those on its own CPU operations whatever is current."""
    return [
        f"{name}:{layer.name}"
        for name, component in nlp.pipeline
        if isinstance(model := getattr(component, "model", None), Model)
        for layer in model.walk()
        if not isinstance(layer.ops, BlasOps)
    ]


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """Hold numpy's BLAS to one thread for the block (one parse per core: threads beyond would contend)."""
    with threadpool_limits(limits=1, user_api="blas"):
        yield
