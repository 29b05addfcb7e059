"""Active document orders (issue 18), on both backends: least certain first from the pending
suggestions' scores, most disagreement first from the comparison's places, and the CLI's
``annotator docs --order``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.corpus.importer import import_paths
from annotator.errors import UserError
from annotator.review.ordering import compute_order
from annotator.store import Project
from annotator.store.suggestions import DocumentCandidates, SpanCandidate

TEXTS = {
    "sure": "NATO met in Minsk on Monday.\n",
    "unsure": "Lukashenko spoke in Gomel about NATO.\n",
    "unscored": "The Kremlin answered on Tuesday.\n",
    "empty": "Nothing happened in Brest.\n",
}


def import_texts(project: Project, folder: Path, texts: dict[str, str]) -> dict[str, int]:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return {document.name: document.id for document in import_paths(project, [folder]).imported}


def at(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


@pytest.fixture
def docs(project: Project, tmp_path: Path) -> dict[str, int]:
    return import_texts(project, tmp_path / "corpus", TEXTS)


def suggest(project: Project, doc_id: int, text: str, scored: list[tuple[str, str, float | None]],
            model: str = "trained-model") -> None:
    project.suggestions.replace_pending(model, [DocumentCandidates(doc_id, [
        SpanCandidate(*at(text, phrase), label, "spancat", score) for phrase, label, score in scored])])


def test_least_certain_first_from_pending_scores(project: Project, docs: dict[str, int]) -> None:
    suggest(project, docs["sure"], TEXTS["sure"], [("NATO", "ACTOR", 0.97), ("Minsk", "LOCATION", 0.02)])
    suggest(project, docs["unsure"], TEXTS["unsure"], [("Lukashenko", "ACTOR", 0.55), ("Gomel", "LOCATION", 0.4)])
    suggest(project, docs["unscored"], TEXTS["unscored"], [("Kremlin", "ACTOR", None)], model="rules")
    order = compute_order(project, "uncertain")
    listed = sorted(docs.values())  # the unranked keep this order, after the ranked
    assert order.arrange(listed) == [docs["unsure"], docs["sure"]] + [doc for doc in listed if doc in (
        docs["unscored"], docs["empty"])]
    # mean of 1 - |2p - 1|: (0.9 + 0.8) / 2 and (0.06 + 0.04) / 2
    assert order.ranks[docs["unsure"]].score == pytest.approx(0.85)
    assert order.ranks[docs["sure"]].score == pytest.approx(0.05)
    assert "uncertainty 0.85 over 2 scored suggestions" in order.note(docs["unsure"])
    assert order.note(docs["unscored"]) == "last: 1 pending suggestion here carries no score (the source gives none)"
    assert order.note(docs["empty"]) == "last: no pending suggestion with a score"
    assert order.ranked() == 2


def test_decided_suggestions_no_longer_count(project: Project, docs: dict[str, int]) -> None:
    suggest(project, docs["unsure"], TEXTS["unsure"], [("Lukashenko", "ACTOR", 0.5), ("NATO", "ACTOR", 0.99)])
    uncertain = next(s for s in project.annotations.spans(docs["unsure"], layers=["suggestion"]) if s.score == 0.5)
    project.suggestions.reject(uncertain.id)
    order = compute_order(project, "uncertain")
    assert order.ranks[docs["unsure"]].score == pytest.approx(0.02)


def test_most_disagreement_first(project: Project, docs: dict[str, int]) -> None:
    add = project.annotations.add_span
    sure, unsure = TEXTS["sure"], TEXTS["unsure"]
    for name in ("anna", "boris"):  # agree on both places
        add(docs["sure"], *at(sure, "NATO"), "ACTOR", name)
        add(docs["sure"], *at(sure, "Minsk"), "LOCATION", name)
    add(docs["unsure"], *at(unsure, "Lukashenko"), "ACTOR", "anna")  # agreed
    add(docs["unsure"], *at(unsure, "Lukashenko"), "ACTOR", "boris")
    add(docs["unsure"], *at(unsure, "Gomel"), "LOCATION", "anna")  # label differs
    add(docs["unsure"], *at(unsure, "Gomel"), "ACTOR", "boris")
    add(docs["unsure"], *at(unsure, "NATO"), "ACTOR", "anna")  # only anna
    add(docs["unscored"], *at(TEXTS["unscored"], "Kremlin"), "ACTOR", "anna")  # one annotator
    project.annotations.set_status(docs["empty"], "boris", "done")  # done with nothing: "nothing here"
    add(docs["empty"], *at(TEXTS["empty"], "Brest"), "LOCATION", "anna")
    order = compute_order(project, "disagreement")
    assert order.arrange(list(docs.values())) == [docs["unsure"], docs["empty"], docs["sure"], docs["unscored"]]
    assert order.ranks[docs["unsure"]].score == 2
    assert order.note(docs["unsure"]) == "2 differences (2 of 3 places differ) between anna, boris"
    assert order.ranks[docs["sure"]].score == 0
    assert order.note(docs["unscored"]) == "last: fewer than two annotators worked here (anna)"


def test_attribute_and_relation_differences_count(project: Project, docs: dict[str, int]) -> None:
    text, doc = TEXTS["unsure"], docs["unsure"]
    made = {}
    for name, kind in (("anna", "official"), ("boris", "state")):
        actor = project.annotations.add_span(doc, *at(text, "Lukashenko"), "ACTOR", name, attrs={"actor_type": kind})
        event = project.annotations.add_span(doc, *at(text, "spoke"), "EVENT", name)
        made[name] = (actor, event)
    project.annotations.add_relation(made["anna"][0].id, made["anna"][1].id, "participant_in", "anna")
    rank = compute_order(project, "disagreement").ranks[doc]
    assert rank.score == 2  # Lukashenko's actor_type differs, and the relation is anna's only
    assert rank.note == "2 differences (1 of 2 places differ, 1 of 1 relation) between anna, boris"


def test_unknown_order_is_refused(project: Project) -> None:
    with pytest.raises(UserError, match=r"\[E1290\].*'newest'"):
        compute_order(project, "newest")


@pytest.mark.slow  # a window closed and opened again / two real processes
def test_docs_order_cli(project_path: Path, tmp_path: Path) -> None:
    with Project.open(project_path) as project:
        docs = import_texts(project, tmp_path / "corpus", TEXTS)
        suggest(project, docs["unsure"], TEXTS["unsure"], [("Gomel", "LOCATION", 0.5)])
    done = subprocess.run([sys.executable, "-m", "annotator", "docs", str(project_path), "--order", "uncertain", "--json"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [row["name"] for row in rows][0] == "unsure"
    assert rows[0]["order_score"] == pytest.approx(1.0)
    assert rows[-1]["order"] == "last: no pending suggestion with a score"
    table = subprocess.run([sys.executable, "-m", "annotator", "docs", str(project_path), "--order", "disagreement"],
                           capture_output=True, text=True, timeout=120)
    assert table.returncode == 0 and "Traceback" not in table.stderr
    assert table.stdout.splitlines()[0].split()[-1] == "order"
