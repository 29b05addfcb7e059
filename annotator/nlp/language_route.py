"""Routing each document's suggestions to the pipeline of its language.

A document's language is ``document.language`` (set on import, correctable). Russian documents,
and Belarusian and Ukrainian ones (the nearest model there is; natasha is trained on Russian
news), go to the Russian pipeline (``annotator.nlp.russian``); every other document to the
project's spaCy pipeline, as before languages were kept. A document whose language is unknown
(imported before languages were kept, or too short to tell) is judged from the start of its text
by the import's detector (``annotator.corpus.language``), else by its script: mostly Cyrillic
letters count as Russian. Nothing is written back: routing never changes a document.

Each language's documents are one run of ``annotator.nlp.suggest.suggest`` with its pipeline, so
batching, progress, cancel and the one-transaction-per-batch rule are the same for both; the
result says which pipeline ran on how many documents.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa

from annotator.errors import Errors
from annotator.nlp.suggest import DEFAULT_BATCH_SIZE, SuggestResult, pipeline_name, suggest
from annotator.store.tables import DOC
from annotator.tasks import TaskControl

if TYPE_CHECKING:
    from annotator.nlp.pipelines import LoadedPipeline
    from annotator.store import Project

RUSSIAN_PIPELINE = "natasha-ru"  # the Russian pipeline's name: the annotator its suggestions are stored under
RUSSIAN_LANGUAGES = frozenset({"ru", "be", "uk"})  # East Slavic, Cyrillic: the Russian pipeline reads them best
LANGUAGE_NAMES = {"ru": "Russian", "be": "Belarusian", "uk": "Ukrainian"}
SAMPLE_CHARS = 400  # as much of an unlabelled document as is read to judge its language
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_LETTER = re.compile(r"[^\W\d_]")
_IN_CHUNK = 500


def script_language(text: str) -> str | None:
    """"ru" when most letters of ``text`` are Cyrillic, else None: the fallback when the import's
    detector is not installed or cannot tell."""
    letters = len(_LETTER.findall(text))
    return "ru" if letters and len(_CYRILLIC.findall(text)) * 2 > letters else None


def detect_languages(texts: Sequence[str]) -> list[str | None]:
    """The languages of unlabelled texts, each judged from its start: by the import's detector
    where it is installed and sure (all the texts in one batch, as the import's catch-up judges
    them), else by the script."""
    samples = [text[:SAMPLE_CHARS] for text in texts]
    try:
        from annotator.corpus.language import detect_languages as detector
    except ImportError:  # the import's detector (py3langid) is an optional part
        return [script_language(sample) for sample in samples]
    return [found or script_language(sample) for found, sample in zip(detector(samples), samples, strict=True)]


def document_languages(project: Project, doc_ids: Sequence[int]) -> dict[int, str | None]:
    """Each document's language: the stored one, else detected from the start of its text."""
    found: dict[int, str | None] = {}
    with project.reading() as connection:
        for start in range(0, len(doc_ids), _IN_CHUNK):
            chunk = list(doc_ids[start:start + _IN_CHUNK])
            rows = connection.execute(sa.select(
                DOC.c.id, DOC.c.language,
                sa.case((DOC.c.language.is_(None), sa.func.substr(DOC.c.text, 1, SAMPLE_CHARS)), else_=None),
            ).where(DOC.c.id.in_(chunk))).all()
            found.update({doc_id: language for doc_id, language, _sample in rows})
            unknown = {doc_id: sample for doc_id, language, sample in rows if language is None and sample}
            found.update(zip(unknown, detect_languages(list(unknown.values())), strict=True))
    return found


def is_russian_route(language: str | None) -> bool:
    return language in RUSSIAN_LANGUAGES


@dataclass
class RoutedResult(SuggestResult):
    """A run over documents of several languages: the totals, and each language's own run."""

    runs: list[SuggestResult] = field(default_factory=list)
    routed: dict[str, Counter[str]] = field(default_factory=dict)  # pipeline -> documents per language
    not_run: list[str] = field(default_factory=list)  # catalogue messages: documents whose pipeline is missing

    @property
    def notes(self) -> list[str]:
        notes = [note for run in self.runs for note in run.notes if not note.startswith("Stopped early")]
        others = {language: count for counts in self.routed.values() for language, count in counts.items()
                  if language not in ("ru", "")}
        for language, count in sorted(others.items()):
            if language in RUSSIAN_LANGUAGES:
                notes.append(f"{count} {LANGUAGE_NAMES[language]} document{'' if count == 1 else 's'} went through "
                             "the Russian pipeline, the nearest there is: expect fewer suggestions there.")
        notes += self.not_run
        if self.cancelled:
            notes.append("Stopped early; documents finished before that keep their new suggestions.")
        return notes

    def pipelines_text(self) -> str:
        """Which pipeline ran on how many documents, e.g. "en_core_web_sm on 5 documents,
        natasha-ru on 3 Russian documents"."""
        parts = []
        for run in self.runs:
            counts = self.routed.get(run.pipeline, Counter())
            named = "/".join(LANGUAGE_NAMES[language] for language in sorted(counts) if language in LANGUAGE_NAMES)
            total = run.documents
            parts.append(f"{run.pipeline} on {total} {named + ' ' if named else ''}document{'' if total == 1 else 's'}")
        return ", ".join(parts) if parts else f"{self.pipeline} on no documents"


def suggest_by_language(project: Project, doc_ids: Sequence[int] | None = None, *,
                        pipeline: LoadedPipeline | None = None, model: str | None = None,
                        patterns: Iterable[Path] | None = None, control: TaskControl | None = None,
                        batch_size: int = DEFAULT_BATCH_SIZE,
                        russian: LoadedPipeline | None = None) -> RoutedResult:
    """Suggest for ``doc_ids`` (default: every document), each document with the pipeline of its
    language: Russian ones with ``russian`` (default: loaded here, once per process), the others
    with ``pipeline`` or ``model`` or the project's pipeline, as ``suggest`` chooses."""
    control = control or TaskControl()
    ids = list(project.documents.ids() if doc_ids is None else doc_ids)
    languages = document_languages(project, ids)
    russian_ids = [doc_id for doc_id in ids if is_russian_route(languages.get(doc_id))]
    taken = set(russian_ids)
    other_ids = [doc_id for doc_id in ids if doc_id not in taken]
    total = project.documents.characters(ids) if ids else 0
    english_name = pipeline.name if pipeline is not None else pipeline_name(project, model)
    result = RoutedResult(pipeline=english_name, trained=True)
    done = 0
    plan = ([(other_ids, False)] if other_ids or not russian_ids else []) + ([(russian_ids, True)] if russian_ids else [])
    for part_ids, in_russian in plan:
        if control.cancelled:
            result.cancelled = True
            break
        loaded = pipeline
        if in_russian:
            control.report(done, total, f"{RUSSIAN_PIPELINE}: loading natasha's Russian NER…")
            try:
                loaded = russian or _load_russian()
            except ImportError as missing:  # natasha, pymorphy3 or anyascii not installed
                result.not_run.append(Errors.E1330.format(count=len(part_ids), missing=missing.name or missing))
                break
        characters = project.documents.characters(part_ids) if part_ids else 0
        run = suggest(project, part_ids, pipeline=loaded, model=model, patterns=patterns,
                      control=_Part(control, done, total, loaded.name if loaded is not None else english_name),
                      batch_size=batch_size)
        done += characters
        result.runs.append(run)
        result.routed[run.pipeline] = Counter(languages.get(doc_id) or "" for doc_id in part_ids)
        _add(result, run)
        if run.cancelled:
            break
    result.pipeline = " + ".join(run.pipeline for run in result.runs) or english_name
    return result


def _load_russian() -> LoadedPipeline:
    from annotator.nlp.russian import load_russian_pipeline

    return load_russian_pipeline()


def _add(result: RoutedResult, run: SuggestResult) -> None:
    result.trained = result.trained and run.trained
    result.documents += run.documents
    result.spans.update(run.spans)
    result.relations += run.relations
    result.already_decided += run.already_decided
    result.cancelled = result.cancelled or run.cancelled
    result.unusable_rules = sorted({*result.unusable_rules, *run.unusable_rules})
    result.slow_rules += run.slow_rules


class _Part(TaskControl):
    """One language's run inside the whole: its progress shifted into the whole run's characters
    and named after its pipeline; cancelling is the whole run's."""

    def __init__(self, whole: TaskControl, before: int, total: int, name: str) -> None:
        super().__init__()
        self._whole = whole
        self._before = before
        self._total = total
        self._name = name

    def report(self, done: int, total: int, message: str = "") -> None:
        self._whole.report(self._before + done, max(self._total, self._before + total), f"{self._name}: {message}")

    def cancel(self) -> None:
        self._whole.cancel()

    @property
    def cancelled(self) -> bool:
        return self._whole.cancelled
