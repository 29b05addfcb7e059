"""The short cuts of the suggestion run store and propose exactly what the long way did: new
suggestions written through the driver hold what Core's insert of the same values holds (both
backends), relations find their new ends among the rows read back at their offsets, a mention
judged from its characters gets the offsets its tokens give, and reporting verbs found by a set
lookup are those of the verb forms."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.corpus.importer import import_paths
from annotator.corpus.sample import russian_sample_dir
from annotator.nlp.mentions import trim_mention
from annotator.nlp.pipelines import BLANK, LoadedPipeline, load_pipeline
from annotator.paths import sample_corpus_dir
from annotator.store import Project
from annotator.store.models import utcnow
from annotator.store.suggestions import DocumentCandidates, RelationCandidate, SpanCandidate, _insert_pending
from annotator.store.tables import SPAN

TEXT = "Мария Захарова заявила, что Москва не допустит вмешательства. Zakharova's «МИД» said so.\n"
_STORED = ("document_id, label_id, start_offset, end_offset, CAST(attrs AS TEXT), score, source, actor_id, "
           "annotator_id, layer, note, status, CAST(fragments AS TEXT), origin_annotator, adjudicator, version")


@pytest.fixture(scope="module")
def russian() -> LoadedPipeline:
    from annotator.nlp.russian import load_russian_pipeline

    return load_russian_pipeline()


def add_document(project: Project, folder: Path, text: str = TEXT) -> int:
    path = folder / "statement.txt"
    path.write_text(text, encoding="utf-8")
    return import_paths(project, [path]).imported[0].id


# --- writing ---------------------------------------------------------------------------------


def test_suggestions_written_through_the_driver_are_stored_as_cores_insert_stores_them(project: Project,
                                                                                        tmp_path: Path) -> None:
    doc_id = add_document(project, tmp_path)
    actor = project.actors.create("Maria Zakharova", aliases=["Захарова"])
    label_id = project.label_id("span", "ACTOR", create=True)
    annotator_id = project.annotator_id("natasha-ru", kind="model")
    values: list[tuple[Any, ...]] = [  # document, label, start, end, attributes, score, source, actor
        (doc_id, label_id, 0, 14, {}, None, "ner", actor.id),
        (doc_id, label_id, 6, 14, {"actor_type": "official", "country": "Россия"}, 0.25, "alias+ner", None),
        (doc_id, label_id, 28, 34, {"nested": {"list": [1, 2.5, None, "«»"]}, "flag": True}, 1.0, None, None),
        (doc_id, label_id, 64, 67, {"quote": 'a "b" \\ c'}, 1e-9, "pattern:threat_cues", None),
    ]
    with project.transaction() as connection:
        _insert_pending(connection, annotator_id, values)
        now = utcnow()
        connection.execute(SPAN.insert(), [dict(
            document_id=doc, label_id=label, start_offset=start, end_offset=end, attrs=dict(attrs), score=score,
            source=source, actor_id=actor_id, annotator_id=annotator_id, layer="suggestion", note="",
            status="pending", created_at=now, updated_at=now) for doc, label, start, end, attrs, score, source, actor_id
            in values])
    with project.reading() as connection:
        rows = connection.exec_driver_sql(f"SELECT {_STORED} FROM span ORDER BY id").all()
        stamps = connection.exec_driver_sql("SELECT created_at, updated_at FROM span ORDER BY id").all()
    driver, core = rows[:len(values)], rows[len(values):]
    assert driver == core and len(core) == len(values)
    for created, updated in stamps:
        assert created == updated
        if isinstance(created, str):  # SQLite: SQLAlchemy's storage format, as Core writes it
            assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}", created)
        else:  # PostgreSQL: a timestamp with its time zone
            assert created.tzinfo is not None
    assert {(span.start, span.end): span.attrs for span in project.suggestions.spans(doc_id)} == {
        (start, end): attrs for _doc, _label, start, end, attrs, *_rest in values}


def test_relations_find_their_new_ends_among_spans_sharing_offsets(project: Project, tmp_path: Path) -> None:
    """The ids of new relation ends are read back only at the ends' offsets: spans that share a
    start, or the same offsets under another label, must not be taken for them; an end already
    accepted (not new) is linked to, a rejected one is not."""
    doc_id = add_document(project, tmp_path)
    speaker, claim = ("ACTOR", 0, 14), ("CLAIM", 28, 60)
    same_start, same_offsets = ("ACTOR", 0, 5), ("LOCATION", 28, 60)
    later = ("ACTOR", 64, 73)
    spans = [SpanCandidate(start, end, label, "speech") for label, start, end in
             (speaker, same_start, claim, same_offsets, later)]
    relations = [RelationCandidate(speaker, claim, "speaker_of"), RelationCandidate(later, claim, "speaker_of")]
    written = project.suggestions.replace_pending("natasha-ru", [DocumentCandidates(doc_id, spans, relations)])
    assert written.relations == 2
    ids = {(s.label, s.start, s.end): s.id for s in project.suggestions.spans(doc_id)}
    assert {(r.head_id, r.tail_id) for r in project.suggestions.relations(doc_id)} == {
        (ids[speaker], ids[claim]), (ids[later], ids[claim])}

    project.suggestions.accept(ids[speaker], "analyst")
    project.suggestions.reject(ids[later])
    again = project.suggestions.replace_pending("natasha-ru", [DocumentCandidates(doc_id, spans, relations)])
    assert (again.already_decided, again.relations) == (2, 1)
    new = {(s.label, s.start, s.end): s.id for s in project.suggestions.spans(doc_id)}
    with project.reading() as connection:
        linked = connection.execute(sa.text(
            "SELECT head_id, tail_id FROM relation WHERE layer = 'suggestion'")).all()
    assert [tuple(row) for row in linked] == [(ids[speaker], new[claim])]  # the accepted speaker, the new claim


# --- proposing -------------------------------------------------------------------------------


def every_span_judged_both_ways(docs: list[Any], text_of: Any) -> int:
    judged = 0
    for doc in docs:
        text = text_of(doc)
        for start in range(len(doc)):
            for end in range(start + 1, min(start + 5, len(doc)) + 1):
                span = doc[start:end]
                assert trim_mention(span, text) == trim_mention(span), (span.text, text[:40])
                judged += 1
    return judged


def test_mentions_judged_from_their_characters_get_the_offsets_their_tokens_give(russian: LoadedPipeline) -> None:
    from annotator.nlp.pipelines import DOC_TEXT

    english = blank_english()
    texts = [path.read_text(encoding="utf-8") for folder in (sample_corpus_dir(), russian_sample_dir())
             for path in sorted(folder.glob("*.txt"))] + [TEXT]
    assert every_span_judged_both_ways([english(text) for text in texts], lambda doc: doc.text) > 10_000
    docs = list(russian.nlp.pipe(texts))
    assert every_span_judged_both_ways(docs, lambda doc: doc.user_data[DOC_TEXT]) > 10_000


@cache
def blank_english() -> Any:
    return load_pipeline(BLANK).nlp


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(["Minsk", "Лукашенко", "’s", "'s", "'", "’", "«", "»", ",", ".", " ", "  ", "\n",
                                 "\n\n", "\u00a0", "—", "9", "²", "Zakharova's", "S", "ё", "-", "\t"]), max_size=14))
def test_mentions_in_odd_texts_are_judged_alike_both_ways(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert every_span_judged_both_ways([blank_english()(text)], lambda doc: doc.text) >= 0


def test_reporting_verbs_are_the_words_whose_form_is_a_reporting_verbs(russian: LoadedPipeline) -> None:
    from annotator.nlp.russian_speech import reporting_forms, reporting_verb_indices

    texts = [path.read_text(encoding="utf-8") for path in sorted(russian_sample_dir().glob("*.txt"))]
    texts.append("Заявил, ЗАЯВИЛА и подчёркивал; сообщили: говорится, что Говорил — сказал.")
    found = 0
    for doc in russian.nlp.pipe(texts):
        indices = reporting_verb_indices(doc)
        assert indices == [t.i for t in doc if t.lower_.replace("ё", "е") in reporting_forms()]
        found += len(indices)
    assert found >= 10
