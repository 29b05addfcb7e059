"""A kill (SIGKILL) during a bulk operation, its undo or its redo leaves all of it or nothing:
a process accepts 300 suggestions at once, undoes and redoes in a loop, and is killed at random
moments; after each kill every suggestion is either accepted with its copy in the analyst's
layer, or pending without one, and all of them are in the same state."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa

from annotator.corpus.importer import import_paths
from annotator.store import Project
from annotator.store.suggestions import DocumentCandidates, SpanCandidate
from annotator.store.tables import REL, REVIEW_DECISION, SPAN
from tests.test_curation import craft

pytestmark = pytest.mark.slow  # processes SIGKILLed at random moments, many rounds

WORDS = 300
LOOP = """
import sys
from annotator.ops import History
from annotator.ops.suggestions import AcceptSuggestions
from annotator.store import Project

project = Project.open(sys.argv[1])
doc_id = int(sys.argv[2])
history = History.of(project, "alice")
print("ready", flush=True)
while True:
    if history.redo_label is None:
        history.perform(AcceptSuggestions(doc_id, "alice"))
    else:
        history.redo()
    history.undo()
"""


def _kill_at_random_moments(loop: str, location: str, doc_id: int, kills: int, rng: random.Random,
                            check: Callable[[str, int], object]) -> None:
    """Run ``loop`` in a process on the project, SIGKILL it at a random moment, ``check`` what
    the kill left; ``kills`` times."""
    environment = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    for _ in range(kills):
        child = subprocess.Popen([sys.executable, "-c", loop, location, str(doc_id)], stdout=subprocess.PIPE,
                                 env=environment, text=True)
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.05, 0.8))
        child.send_signal(signal.SIGKILL)
        child.wait()
        check(location, doc_id)


def _all_or_nothing(location: str, doc_id: int) -> str:
    """Check the state a kill left, then make every suggestion pending again for the next round
    (a new process has no history to undo with)."""
    with Project.open(location) as project:
        statuses = [s.status for s in project.suggestions.spans(doc_id, status=None)]
        copies = project.annotations.spans(doc_id, annotators=["alice"], layers=["annotation"])
        assert len(statuses) == WORDS
        assert set(statuses) in ({"pending"}, {"accepted"}), sorted(set(statuses))
        assert len(copies) == (WORDS if statuses[0] == "accepted" else 0)
        if statuses[0] == "accepted":
            with project.transaction() as connection:
                connection.execute(SPAN.delete().where(SPAN.c.id.in_([copy.id for copy in copies])))
                connection.execute(SPAN.update().where(SPAN.c.layer == "suggestion").values(status="pending"))
    return statuses[0]


@pytest.mark.parametrize("kills", [8])
def test_a_kill_during_bulk_accept_undo_or_redo_leaves_all_or_nothing(project: Project, tmp_path: Path,
                                                                      kills: int) -> None:
    source = tmp_path / "long.txt"
    source.write_text(" ".join(f"word{n:03d}" for n in range(WORDS)) + "\n", encoding="utf-8")
    doc_id = import_paths(project, [source]).imported[0].id
    spans = [SpanCandidate(n * 8, n * 8 + 7, "ACTOR", "ner") for n in range(WORDS)]
    project.suggestions.replace_pending("model", [DocumentCandidates(doc_id, spans)])
    location = project.location
    project.close()
    _kill_at_random_moments(LOOP, location, doc_id, kills, random.Random(13), _all_or_nothing)


AGREED_LOOP = """
import sys
from annotator.ops import History
from annotator.ops.adjudication import AcceptAgreed
from annotator.store import Project

project = Project.open(sys.argv[1])
doc_id = int(sys.argv[2])
history = History.of(project, "rita")
print("ready", flush=True)
while True:
    if history.redo_label is None:
        history.perform(AcceptAgreed(doc_id, ["anna", "boris"], "rita"))
    else:
        history.redo()
    history.undo()
"""


def _agreed_all_or_nothing(location: str, doc_id: int) -> int:
    """Every agreed item in gold with both annotators' spans marked accepted, and every agreed
    relation between their gold copies, or none of it; then back to nothing for the next round."""
    with Project.open(location) as project:
        gold = project.annotations.spans(doc_id, layers=["gold"])
        relations = project.annotations.relations(doc_id, layers=["gold"])
        marks = {s.status for s in project.annotations.spans(doc_id, annotators=["anna", "boris"],
                                                             layers=["annotation"])}
        assert len(gold) in (0, WORDS)
        assert marks == ({"accepted"} if gold else {None})
        assert len(relations) == (WORDS // 2 if gold else 0)
        if gold:
            with project.transaction() as connection:
                connection.execute(REL.delete().where(REL.c.layer == "gold"))
                connection.execute(SPAN.delete().where(SPAN.c.layer == "gold"))
                connection.execute(SPAN.update().where(SPAN.c.layer == "annotation").values(status=None))
    return len(gold)


def test_a_kill_during_accept_all_agreed_its_undo_or_redo_leaves_all_or_nothing(project: Project,
                                                                               tmp_path: Path) -> None:
    source = tmp_path / "long.txt"
    source.write_text(" ".join(f"word{n:03d}" for n in range(WORDS)) + "\n", encoding="utf-8")
    doc_id = import_paths(project, [source]).imported[0].id
    with project.transaction():  # each pair of words: an ACTOR, speaker_of the CLAIM after it
        for who in ("anna", "boris"):
            spans = [project.annotations.add_span(doc_id, n * 8, n * 8 + 7, "CLAIM" if n % 2 else "ACTOR", who)
                     for n in range(WORDS)]
            for actor, claim in zip(spans[::2], spans[1::2], strict=True):
                project.annotations.add_relation(actor.id, claim.id, "speaker_of", who)
    location = project.location
    project.close()
    _kill_at_random_moments(AGREED_LOOP, location, doc_id, 6, random.Random(17), _agreed_all_or_nothing)


DECISION_LOOP = """
import sys
from annotator.ops import History
from annotator.ops.curation import take_version
from annotator.review.comparison import compare
from annotator.store import Project

project = Project.open(sys.argv[1])
doc_id = int(sys.argv[2])
history = History.of(project, "rita")
print("ready", flush=True)
while True:
    if history.redo_label is None:
        [stance] = [item for item in compare(project, doc_id, ["anna", "boris"]) if item.key == "stance"]
        history.perform(take_version(stance, "boris", "rita"))  # the gold copy and the decision
    else:
        history.redo()
    history.undo()
"""


def _decision_all_or_nothing(location: str, doc_id: int) -> bool:
    """Taking boris's unset stance writes the gold copy and the review decision in one step: after
    a kill both are there or neither; then back to neither for the next round."""
    with Project.open(location) as project:
        gold = project.annotations.spans(doc_id, layers=["gold"])
        with project.reading() as connection:
            decisions = connection.execute(sa.select(REVIEW_DECISION.c.decision)).scalars().all()
        assert len(gold) in (0, 1)
        assert decisions == (["taken:boris"] if gold else [])
        if gold:
            with project.transaction() as connection:
                connection.execute(REVIEW_DECISION.delete())
                connection.execute(SPAN.delete().where(SPAN.c.layer == "gold"))
                connection.execute(SPAN.update().where(SPAN.c.layer == "annotation").values(status=None))
    return bool(gold)


def test_a_kill_while_taking_a_version_with_its_decision_leaves_both_or_neither(project: Project) -> None:
    doc_id = craft(project)
    location = project.location
    project.close()
    _kill_at_random_moments(DECISION_LOOP, location, doc_id, 6, random.Random(23), _decision_all_or_nothing)
