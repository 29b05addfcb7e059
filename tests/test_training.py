"""Training a suggestion model on real annotations of the sample articles (the English model's
suggestions accepted by an annotator), storing it as a version, choosing, thresholds, deleting,
and the model suggesting scored spans. One training (a few steps, with the train curve) serves the
module (from a blank tok2vec, which skips loading the English pipeline for each of the curve's four
trainings; the benchmark trains from the English pipeline's); the version store is also exercised
on PostgreSQL with that training's archive."""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sqlalchemy as sa

from annotator.cli import cmd_models, cmd_train
from annotator.corpus.importer import import_paths
from annotator.errors import UserError
from annotator.nlp.pipelines import LoadedPipeline
from annotator.nlp.suggest import suggest
from annotator.nlp.trained_source import load_version
from annotator.store import Project
from annotator.store.model_versions import MODEL_SETTING, ModelVersions, cache_dir
from annotator.store.tables import DOC
from annotator.tasks import Cancelled, TaskControl
from annotator.training.split import DEFAULT_HELD_OUT, held_out, position
from annotator.training.trainer import TrainOptions, TrainReport, train
from tests.conftest import SAMPLE_CORPUS

pytestmark = pytest.mark.slow
STEPS = 3


@dataclass
class Trained:
    project: Project
    report: TrainReport
    progress: list[tuple[int, int, str]] = field(default_factory=list)


@pytest.fixture(autouse=True)
def isolated_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Unpacked models go to the user's cache folder: a test's own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory, english_pipeline: LoadedPipeline) -> Iterator[Trained]:
    """The sample articles, anna's annotations (every suggestion accepted), one training with the curve."""
    project = Project.open(tmp_path_factory.mktemp("training") / "project.db")
    import_paths(project, [SAMPLE_CORPUS])
    suggest(project, pipeline=english_pipeline)
    for doc_id in project.documents.ids():
        project.suggestions.accept_all(doc_id, "anna")
    progress: list[tuple[int, int, str]] = []
    report = train(project, TrainOptions(max_steps=STEPS, curve=True, trained_by="anna", base="blank:en"),
                   TaskControl(on_progress=lambda *args: progress.append(args)))
    yield Trained(project, report, progress)
    project.close()


def test_the_version_is_stored_with_what_it_learnt_and_scored(trained: Trained) -> None:
    report = trained.report
    listed = ModelVersions(trained.project).all()
    assert [info.id for info in listed] == [report.version_id]
    info = listed[0]
    assert info.name == f"model:v{report.version_id}" and info.trained_by == "anna"
    assert info.layer == "gold-else-annotation"
    assert info.labels["ner"] == ["ACTOR", "DATE", "LOCATION"] and "CLAIM" in info.labels["spancat"]
    assert info.trained_on["documents"] == 4 and info.trained_on["held_out"] == 1
    assert info.trained_on["spans"]["ACTOR"] > 100
    assert info.size_bytes == len(ModelVersions(trained.project).archive(info.id)) > 100_000
    assert set(info.thresholds) == {*info.labels["ner"], *info.labels["spancat"]}
    overall = info.scores["overall"]
    assert 0.0 <= overall["f1"] <= 1.0 and overall["support"] > 0
    assert info.scores["labels"]["ACTOR"]["support"] > 0


def test_the_held_out_documents_are_never_trained_on_and_stay_the_same(trained: Trained) -> None:
    report = trained.report
    assert report.held_out_documents and report.trained_documents
    assert not set(report.held_out_documents) & set(report.trained_documents)
    with trained.project.reading() as connection:
        rows = connection.execute(sa.select(DOC.c.id, DOC.c.name, DOC.c.content_hash)).all()
    hashes = {doc_id: content_hash for doc_id, _name, content_hash in rows}
    names = {doc_id: name for doc_id, name, _hash in rows}
    ids = sorted(hashes)
    assert {names[doc_id] for doc_id in held_out(hashes, ids)} == set(report.held_out_documents)
    # the rule depends on each document alone: another selection, another order, the same decision
    for doc_id in ids:
        if position(hashes[doc_id]) < DEFAULT_HELD_OUT:
            others = [other for other in ids if other != doc_id][:2]
            assert doc_id in held_out(hashes, [*reversed(others), doc_id])


def test_progress_counts_steps_with_a_time_estimate_and_the_curve_has_four_points(trained: Trained) -> None:
    done = [step for step, _total, _message in trained.progress]
    assert done == sorted(done) and done[-1] == trained.progress[-1][1] == 4 * STEPS
    assert all(" left" in message for _step, _total, message in trained.progress)
    curve = trained.report.curve
    assert [point.fraction for point in curve] == [0.25, 0.5, 0.75, 1.0]
    assert [point.documents for point in curve] == [1, 2, 3, 4]
    assert "last quarter" in trained.report.curve_message


def test_the_chosen_version_suggests_scored_spans_above_its_thresholds(trained: Trained,
                                                                       english_pipeline: LoadedPipeline,
                                                                       isolated_cache: Path) -> None:
    project = trained.project
    versions = ModelVersions(project)
    version = trained.report.version_id
    assert version is not None
    versions.choose(version)
    versions.set_thresholds(version, {label: 0.0 for label in versions.get(version).span_labels})
    suggest(project, pipeline=english_pipeline)
    source = f"model:v{version}"
    from_model = [span for doc_id in project.documents.ids() for span in project.suggestions.spans(doc_id)
                  if source in (span.source or "").split("+")]
    assert from_model, "the trained model proposed nothing"
    assert all(span.score is not None and 0.0 <= span.score <= 1.0 for span in from_model)
    unpacked = versions.unpacked(version)
    assert unpacked.is_relative_to(cache_dir()) and cache_dir().is_relative_to(isolated_cache)
    # a higher threshold keeps only spans that reach it
    loaded = load_version(project, version)
    text = project.documents.get(project.documents.ids()[0]).text
    everything = [span for _doc, spans in loaded.suggest([(text, (1, 0))]) for span in spans]
    versions.set_thresholds(version, {label: 0.05 for label in versions.get(version).span_labels})
    kept = [span for _doc, spans in load_version(project, version).suggest([(text, (1, 0))]) for span in spans]
    assert all(span.score is not None and span.score >= 0.05 for span in kept)
    assert {span.key for span in kept} == {span.key for span in everything if (span.score or 0) >= 0.05}
    versions.choose(None)


def test_versions_are_listed_chosen_and_deleted_on_both_backends(trained: Trained, project: Project) -> None:
    archive = ModelVersions(trained.project).archive(trained.report.version_id or 0)
    info = ModelVersions(trained.project).get(trained.report.version_id or 0)
    versions = ModelVersions(project)
    ids = [versions.add(archive, trained_by="boris", layer="gold", labels=info.labels, trained_on=info.trained_on,
                        scores=info.scores, curve=info.curve, thresholds=info.thresholds) for _ in range(2)]
    assert [listed.id for listed in versions.all()] == ids
    versions.choose(ids[1])
    assert versions.chosen() == ids[1] and project.setting(MODEL_SETTING) == str(ids[1])
    assert versions.set_thresholds(ids[1], {"CLAIM": 0.4})["CLAIM"] == 0.4
    with pytest.raises(UserError, match="E1274"):
        versions.set_thresholds(ids[1], {"NO_SUCH_LABEL": 0.4})
    assert load_version(project, ids[1]).name == f"model:v{ids[1]}"
    versions.delete(ids[1])
    assert [listed.id for listed in versions.all()] == [ids[0]] and versions.chosen() is None
    with pytest.raises(UserError, match="E1272"):
        versions.choose(ids[1])
    with pytest.raises(UserError, match="E1272"):
        versions.delete(ids[1])


def test_too_few_annotated_documents_is_a_catalogue_message(sample_project: Project) -> None:
    doc_id = sample_project.documents.ids()[0]
    sample_project.annotations.add_span(doc_id, 0, 5, "ACTOR", "anna")
    with pytest.raises(UserError, match="E1270"):
        train(sample_project, TrainOptions(max_steps=2))
    assert ModelVersions(sample_project).all() == []


def test_cancel_stores_nothing(trained: Trained) -> None:
    control = TaskControl()
    control.on_progress = lambda done, _total, _message: control.cancel() if done >= 1 else None
    before = len(ModelVersions(trained.project).all())
    with pytest.raises(Cancelled):
        train(trained.project, TrainOptions(max_steps=50, base="blank:en"), control)
    assert len(ModelVersions(trained.project).all()) == before


def _args(module: object, *argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    module.add_arguments(parser)  # type: ignore[attr-defined]
    return parser.parse_args(list(argv))


def test_models_command_lists_chooses_and_refuses_bad_thresholds(trained: Trained,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    location = trained.project.location
    version = str(trained.report.version_id)
    assert cmd_models.run(_args(cmd_models, location)) == 0
    assert f"model:v{version}" in capsys.readouterr().out
    assert cmd_models.run(_args(cmd_models, location, "--use", version, "--threshold", "CLAIM=0.3")) == 0
    out = capsys.readouterr().out
    assert f"model:v{version} suggests now." in out and "CLAIM=0.3" in out
    for bad in ("CLAIM", "CLAIM=high", "CLAIM=1.5", "=0.3"):
        with pytest.raises(UserError, match="E1273"):
            cmd_models.run(_args(cmd_models, location, "--threshold", bad))
    assert cmd_models.run(_args(cmd_models, location, "--use", "none")) == 0
    with pytest.raises(UserError, match="E1277"):
        cmd_train.run(_args(cmd_train, location, "--max-steps", "0"))


def test_spancat_candidates_cover_the_long_claims_and_a_fresh_process_loads_the_model(trained: Trained) -> None:
    """Every CLAIM anna accepted (the longest tens of tokens) is among the clause-edge suggester's
    candidates, which stay linear in the tokens; a new process loads the stored model (the
    suggester its config names is registered by loading through trained_source)."""
    import spacy

    from annotator.formats.base import ExportOptions
    from annotator.formats.select import select_documents
    from annotator.training.suggesters import clause_edge_spans

    nlp = spacy.blank("en")
    lengths, covered, candidates, tokens = [], 0, 0, 0
    for canonical in select_documents(trained.project, ExportOptions(layer="gold-else-annotation")):
        doc = nlp.make_doc(canonical["text"])
        found = clause_edge_spans(doc, max_length=150)
        candidates, tokens = candidates + len(found), tokens + len(doc)
        for span in canonical["spans"]:
            if span["label"] == "CLAIM":
                aligned = doc.char_span(span["start"], span["end"], alignment_mode="expand")
                assert aligned is not None
                lengths.append(len(aligned))
                covered += (aligned.start, aligned.end) in found
    assert max(lengths) >= 100 and covered == len(lengths)
    assert candidates < 8 * tokens
    unpacked = ModelVersions(trained.project).unpacked(trained.report.version_id or 0)
    code = ("import sys; from annotator.nlp.trained_source import _load; "
            "print(_load(sys.argv[1], 1).get_pipe('spancat').suggester)")
    result = subprocess.run([sys.executable, "-c", code, str(unpacked)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
