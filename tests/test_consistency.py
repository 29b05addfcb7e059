"""The consistency check (issue 18), on both backends: texts labelled differently, unlabelled
occurrences of texts labelled elsewhere, with counts; and ``annotator check``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from annotator.cli import cmd_check
from annotator.errors import UserError
from annotator.review.consistency import MAX_TOKENS, check
from annotator.store import Project
from tests.test_active_order import at, import_texts

TEXTS = {
    "a": "NATO met in Minsk. The Minsk talks and nato staff.\n",
    "b": "In Minsk, NATO agreed. Minskaya street was closed.\n",
    "c": "Minsk and NATO again, in a document nobody annotated.\n",
    "d": "NATO was not mentioned before the talks ended in a long sentence about talks.\n",
}


@pytest.fixture
def docs(project: Project, tmp_path: Path) -> dict[str, int]:
    found = import_texts(project, tmp_path / "corpus", TEXTS)
    add = project.annotations.add_span
    a, b = TEXTS["a"], TEXTS["b"]
    add(found["a"], *at(a, "NATO"), "ACTOR", "anna")
    add(found["a"], *at(a, "Minsk"), "LOCATION", "anna")
    add(found["b"], *at(b, "Minsk"), "ACTOR", "boris")
    add(found["b"], *at(b, "NATO"), "ACTOR", "boris")
    project.annotations.set_status(found["d"], "anna", "done")  # annotated, nothing marked
    return found


def test_labelled_differently_and_unlabelled(project: Project, docs: dict[str, int]) -> None:
    result = check(project)
    assert result.spans == 4 and result.texts == 2 and result.documents == 3
    [minsk] = result.differently
    assert minsk.text == "Minsk" and dict(minsk.labels) == {"LOCATION": 1, "ACTOR": 1}
    assert [(p.document_id, p.label, p.annotator) for p in minsk.places] == [
        (docs["a"], "LOCATION", "anna"), (docs["b"], "ACTOR", "boris")]
    by_text = {finding.text: finding for finding in result.unlabelled}
    # "The Minsk talks" in a; not "Minskaya" in b; not c, which nobody annotated; NATO in d
    assert [(p.document_id, p.start) for p in by_text["Minsk"].places] == [(docs["a"], TEXTS["a"].index("Minsk talks"))]
    assert [(p.document_id, p.start) for p in by_text["NATO"].places] == [(docs["d"], 0)]
    assert by_text["NATO"].labels == {"ACTOR": 2} and by_text["NATO"].count == 1
    assert result.summary().startswith("1 text labelled differently (2 places); 2 texts left unlabelled somewhere "
                                       "(2 places); checked 4 spans (2 distinct texts) in 3 documents of anna, boris")


def test_case_option_and_one_annotator(project: Project, docs: dict[str, int]) -> None:
    ignoring = check(project, case_sensitive=False)
    nato = next(f for f in ignoring.unlabelled if f.text == "NATO")
    assert (docs["a"], TEXTS["a"].index("nato")) in [(p.document_id, p.start) for p in nato.places]
    anna = check(project, annotators=["anna"])
    assert anna.differently == [] and anna.annotators == ("anna",)
    with pytest.raises(UserError, match=r"\[E1296\] zoe has no annotations"):
        check(project, annotators=["zoe"])
    with pytest.raises(UserError, match=r"\[E1295\]"):
        check(project, layer="suggestion")


def test_gold_layer_and_what_is_left_out(project: Project, docs: dict[str, int]) -> None:
    d = TEXTS["d"]
    project.annotations.add_span(docs["d"], *at(d, "NATO"), "ACTOR", "rev", layer="gold")
    long_text = " ".join(d.split()[:MAX_TOKENS + 1])
    project.annotations.add_span(docs["d"], *at(d, long_text), "CLAIM", "rev", layer="gold")
    first, last = at(d, "before"), at(d, "ended")
    project.annotations.add_span(docs["d"], first[0], last[1], "EVENT", "rev", layer="gold", fragments=(first, last))
    result = check(project, layer="gold")
    assert result.spans == 3 and result.discontinuous == 1 and result.long_texts == 1
    assert result.documents == 1 and result.findings == []
    assert "1 discontinuous spans left out; 1 texts of more than 8 tokens not looked for unlabelled" in result.summary()


def run_check(*args: str) -> int:
    parser = argparse.ArgumentParser()
    cmd_check.add_arguments(parser)
    return cmd_check.run(parser.parse_args(list(args)))


def test_check_command(project_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Project.open(project_path) as project:
        found = import_texts(project, tmp_path / "corpus", TEXTS)
        project.annotations.add_span(found["a"], *at(TEXTS["a"], "Minsk"), "LOCATION", "anna")
        project.annotations.add_span(found["b"], *at(TEXTS["b"], "Minsk"), "ACTOR", "boris")
    assert run_check(str(project_path)) == 0
    out = capsys.readouterr().out
    assert "Labelled differently: 1" in out and "LOCATION 1, ACTOR 1" in out
    assert f"{found['a']}:{TEXTS['a'].index('Minsk')}=LOCATION" in out
    assert run_check(str(project_path), "--json", "--annotator", "anna") == 0
    result = json.loads(capsys.readouterr().out)
    assert result["annotators"] == ["anna"] and result["labelled_differently"] == []
    assert [p["start"] for p in result["unlabelled"][0]["places"]] == [TEXTS["a"].index("Minsk talks")]
