"""spaCy's matrix products through the BLAS numpy ships, on one thread.

thinc's CPU backend (``NumpyOps``) multiplies matrices with the ``blis`` package it bundles. On these
2-core machines (AMD EPYC) blis's single-precision ``gemm`` took 2.5-2.9 times the CPU of numpy's OpenBLAS
at the shapes spaCy's token-to-vector layers use (4,000-20,000 tokens x 288-480 inputs x 288 outputs), and
those layers' products are ~40% of a parse (docs/performance.md, twenty-eighth pass). thinc's own switch
for this, ``NumpyOps(use_blis=False)``, hands ``gemm`` to its backend-neutral product (``numpy.dot``) and
keeps every other kernel (maxout, layer norm, the hash embeddings) as it is. spaCy's transition loop (C
code, half of a parse now) takes blis's product directly and is left as it is.

numpy's OpenBLAS starts a thread per core; the parse already runs one worker process per core, so each
parse holds BLAS to one thread (:func:`one_blas_thread`) rather than have two workers' threads fight over
two cores.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from spacy.language import Language
from thinc.api import Model, NumpyOps, Ops, use_ops
from threadpoolctl import threadpool_limits


def multiplies_with_blas(ops: Ops) -> bool:
    """Whether ``ops`` are thinc's CPU operations with matrix products by numpy's BLAS, not blis."""
    return isinstance(ops, NumpyOps) and not ops.use_blis


@contextmanager
def blas_ops_current() -> Iterator[None]:
    """Make thinc's CPU operations without blis current for the block: a model built inside
    (``spacy.load``) keeps them in every layer. The operations current before are restored after."""
    with use_ops("numpy", use_blis=False):
        yield


def layers_without_blas_ops(nlp: Language) -> list[str]:
    """Names (``component:layer``) of the model layers in ``nlp``'s components whose products do not go
    through numpy's BLAS. Loaded under :func:`blas_ops_current`, only the transition parsers' output layers
    remain: spaCy builds those on its own CPU operations whatever is current."""
    return [
        f"{name}:{layer.name}"
        for name, component in nlp.pipeline
        if isinstance(model := getattr(component, "model", None), Model)
        for layer in model.walk()
        if not multiplies_with_blas(layer.ops)
    ]


#: Held for each :func:`one_blas_thread` block. threadpoolctl lets one Python thread at a time control
#: OpenBLAS's pool: of two blocks overlapping in two threads, the second's limit was refused, and its
#: restore, run last, left BLAS on one thread for good. Parses in two threads of one process take turns per
#: batch.
_limit_lock = threading.RLock()


def _new_lock_in_child() -> None:
    # A fork copies the lock as it is, held by a thread that does not exist in the child.
    global _limit_lock
    _limit_lock = threading.RLock()


os.register_at_fork(after_in_child=_new_lock_in_child)


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """Hold numpy's BLAS to one thread for the block (one parse per core: threads beyond would contend);
    what was set before is restored after it."""
    with _limit_lock, threadpool_limits(limits=1, user_api="blas"):
        yield
