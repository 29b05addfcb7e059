"""Crash test: kill a process that is editing a project with SIGKILL, then check nothing committed was lost.

The promise under test is the project's: every edit is one committed transaction, so a crash
loses at most the edit in flight. A *worker* process (``python -m tests.crashtest worker …``)
opens a SQLite project with ``Project.open`` and applies seeded random edits through the public
API only (spans added, relabelled, given attributes and notes, deleted; relations added and
deleted; statuses, document notes and document labels set; actors created). Before each call it
writes an ``intent`` line, and after the call returns (committed) a ``done`` line with the ids
the call produced, flushed to a log file, which the kernel keeps even when the process is killed.

The *driver* (``run_crash_test``) kills the worker at random moments, then checks the file with
``PRAGMA integrity_check`` and ``PRAGMA foreign_key_check``, rebuilds the expected state from
every ``done`` line so far and compares it with what the project holds: it must be exactly the
expected state, or that state plus the one edit whose ``intent`` had no ``done`` yet. Then it
starts the next worker on the same file. ``tests/test_crash.py`` runs a few rounds and checks
that the checker catches doctored logs; ``tests/benchmarks/crash_kill.py`` runs many.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from annotator.store import Project
from annotator.store.backups import backup_if_due, list_backups

ANNOTATOR = "crash"
ACTOR_PREFIX = "crash actor "
REPO_ROOT = Path(__file__).resolve().parent.parent

Event = dict[str, Any]


@dataclass
class State:
    """What one annotator's layer of the project holds, in plain values that compare with ``==``."""

    spans: dict[int, tuple[int, int, int, str, str, str]] = field(default_factory=dict)  # doc, start, end, label, attrs, note
    relations: dict[int, tuple[int, int, int, str]] = field(default_factory=dict)  # doc, head, tail, label
    status: dict[int, str] = field(default_factory=dict)  # doc -> status row (absent: no row, reads as todo)
    notes: dict[int, str] = field(default_factory=dict)
    doc_labels: dict[int, frozenset[str]] = field(default_factory=dict)
    actors: frozenset[str] = frozenset()

    def comparable(self) -> dict[str, Any]:
        """The state as the API reads it back: a status row saying ``todo`` reads like no row."""
        return {
            "spans": self.spans, "relations": self.relations,
            "status": {doc: status for doc, status in self.status.items() if status != "todo"},
            "notes": self.notes, "doc_labels": {doc: labels for doc, labels in self.doc_labels.items() if labels},
            "actors": self.actors,
        }


def _attrs_text(attrs: dict[str, Any]) -> str:
    return json.dumps(attrs, sort_keys=True)


def read_state(project: Project) -> State:
    """The crash annotator's state, read through the public API."""
    state = State()
    annotations = project.annotations
    for doc in project.documents.ids():
        for span in annotations.spans(doc, annotators=[ANNOTATOR], layers=["annotation"]):
            state.spans[span.id] = (doc, span.start, span.end, span.label, _attrs_text(span.attrs), span.note)
        for relation in annotations.relations(doc, annotators=[ANNOTATOR], layers=["annotation"]):
            state.relations[relation.id] = (doc, relation.head_id, relation.tail_id, relation.label)
        status = annotations.status(doc, ANNOTATOR)
        if status != "todo":
            state.status[doc] = status
        for _note_id, author, text in annotations.notes(doc):
            if author == ANNOTATOR:
                state.notes[doc] = text
        labels = frozenset(annotations.doc_labels(doc, ANNOTATOR))
        if labels:
            state.doc_labels[doc] = labels
    state.actors = frozenset(a.name for a in project.actors.all() if a.name.startswith(ACTOR_PREFIX))
    return state


def apply(state: State, event: Event, groups: dict[str, str | None]) -> None:
    """Change ``state`` as the committed edit ``event`` changed the project (``groups``: the
    schema's document-label groups, whose labels exclude each other)."""
    op = event["op"]
    if op == "add_span":
        state.spans[event["id"]] = (event["doc"], event["start"], event["end"], event["label"], _attrs_text({}), "")
        state.status.setdefault(event["doc"], "in_progress")  # an analyst's first edit of a document
    elif op == "update_span":
        doc, start, end, label, attrs, note = state.spans[event["id"]]
        label = event.get("label", label)
        attrs = _attrs_text(event["attrs"]) if "attrs" in event else attrs
        note = event.get("note", note)
        state.spans[event["id"]] = (doc, start, end, label, attrs, note)
    elif op == "delete_span":
        del state.spans[event["id"]]
        for relation_id, (_doc, head, tail, _label) in list(state.relations.items()):
            if event["id"] in (head, tail):
                del state.relations[relation_id]
    elif op == "add_relation":
        state.relations[event["id"]] = (state.spans[event["head"]][0], event["head"], event["tail"], event["label"])
    elif op == "delete_relation":
        del state.relations[event["id"]]
    elif op == "set_status":
        state.status[event["doc"]] = event["status"]
    elif op == "set_note":
        if event["text"].strip():
            state.notes[event["doc"]] = event["text"]
        else:
            state.notes.pop(event["doc"], None)
    elif op == "set_doc_label":
        labels = set(state.doc_labels.get(event["doc"], frozenset()))
        if event["present"]:
            group = groups[event["label"]]
            labels = {name for name in labels if group is None or groups[name] != group}
            labels.add(event["label"])
        else:
            labels.discard(event["label"])
        state.doc_labels[event["doc"]] = frozenset(labels)
    elif op == "create_actor":
        state.actors = state.actors | {event["name"]}
    else:
        raise ValueError(f"unknown edit {op!r}")


# --- the worker -------------------------------------------------------------------------------


class Editor:
    """Chooses and applies random edits that the API must accept, keeping its own ``State``."""

    def __init__(self, project: Project, rng: random.Random, round_number: int) -> None:
        self.project = project
        self.rng = rng
        self.round = round_number
        self.state = read_state(project)
        schema = project.schema
        self.groups = {spec.name: spec.group for spec in schema.document_labels}
        self.span_labels = [spec.name for spec in schema.span_labels]
        self.relation_types = [(spec.name, set(spec.head), set(spec.tail)) for spec in schema.relation_types]
        self.docs = project.documents.ids()
        self.lengths = {doc: len(text) for doc, text in project.documents.texts(self.docs).items()}
        self.counter = 0

    def next_edit(self) -> Event:
        """An edit that is valid in the current state (described, not yet applied)."""
        rng, spans = self.rng, self.state.spans
        choice = rng.random()
        if choice < 0.30 or len(spans) < 3:
            doc = rng.choice(self.docs)
            start = rng.randrange(self.lengths[doc] - 1)
            end = min(self.lengths[doc], start + rng.randint(1, 40))
            return {"op": "add_span", "doc": doc, "start": start, "end": end, "label": rng.choice(self.span_labels)}
        if choice < 0.50:
            span_id = rng.choice(sorted(spans))
            what = rng.choice(("label", "attrs", "note"))
            value: Any = {"label": rng.choice(self.span_labels), "attrs": {"n": self.counter, "r": rng.random()},
                          "note": rng.choice(("", f"note {self.counter} – Мінск"))}[what]
            return {"op": "update_span", "id": span_id, what: value}
        if choice < 0.60:
            return {"op": "delete_span", "id": rng.choice(sorted(spans))}
        if choice < 0.75:
            relation = self._relation_edit()
            if relation is not None:
                return relation
        if choice < 0.82 and self.state.relations:
            return {"op": "delete_relation", "id": rng.choice(sorted(self.state.relations))}
        if choice < 0.87:
            return {"op": "set_status", "doc": rng.choice(self.docs),
                    "status": rng.choice(("todo", "in_progress", "done"))}
        if choice < 0.92:
            return {"op": "set_note", "doc": rng.choice(self.docs), "text": rng.choice(("", f"doc note {self.counter}"))}
        if choice < 0.98:
            return {"op": "set_doc_label", "doc": rng.choice(self.docs), "label": rng.choice(sorted(self.groups)),
                    "present": rng.random() < 0.7}
        return {"op": "create_actor", "name": f"{ACTOR_PREFIX}{self.round}-{self.counter}"}

    def _relation_edit(self) -> Event | None:
        label, heads, tails = self.rng.choice(self.relation_types)
        by_doc: dict[int, list[tuple[int, str]]] = {}
        for span_id, (doc, _start, _end, span_label, _attrs, _note) in self.state.spans.items():
            by_doc.setdefault(doc, []).append((span_id, span_label))
        pairs = [(h, t) for spans in by_doc.values() for h, hl in spans for t, tl in spans
                 if h != t and hl in heads and tl in tails]
        if not pairs:
            return None
        head, tail = self.rng.choice(sorted(pairs))
        return {"op": "add_relation", "head": head, "tail": tail, "label": label}

    def perform(self, edit: Event) -> Event:
        """Make the edit through the public API; the edit as committed, with the ids it got."""
        annotations, op = self.project.annotations, edit["op"]
        done = dict(edit)
        if op == "add_span":
            done["id"] = annotations.add_span(edit["doc"], edit["start"], edit["end"], edit["label"], ANNOTATOR).id
        elif op == "update_span":
            changes = {key: edit[key] for key in ("label", "attrs", "note") if key in edit}
            annotations.update_span(edit["id"], **changes)
        elif op == "delete_span":
            annotations.delete_span(edit["id"])
        elif op == "add_relation":
            done["id"] = annotations.add_relation(edit["head"], edit["tail"], edit["label"], ANNOTATOR).id
        elif op == "delete_relation":
            annotations.delete_relation(edit["id"])
        elif op == "set_status":
            annotations.set_status(edit["doc"], ANNOTATOR, edit["status"])
        elif op == "set_note":
            annotations.set_document_note(edit["doc"], ANNOTATOR, edit["text"])
        elif op == "set_doc_label":
            annotations.set_doc_label(edit["doc"], edit["label"], ANNOTATOR, edit["present"])
        elif op == "create_actor":
            self.project.actors.create(edit["name"])
        apply(self.state, done, self.groups)
        self.counter += 1
        return done


def run_worker(project_path: Path, seed: int, round_number: int, edits: int, backup_every: int = 0) -> None:
    """Apply ``edits`` random edits, logging each intent and each commit to stdout, flushed.

    With ``backup_every``, the worker also takes a rotating backup before its first edit and
    after every that many edits, in its own process, as the window's backup timer does: the
    backup code must never cost the worker its locks on the project file."""
    out = sys.stdout
    with Project.open(project_path, create=False) as project:
        editor = Editor(project, random.Random(seed), round_number)
        out.write(json.dumps({"ready": True}) + "\n")
        out.flush()
        for number in range(edits):
            if backup_every and number % backup_every == 0:
                backup_if_due(project_path, interval=timedelta(0))
            edit = editor.next_edit()
            out.write(json.dumps({"intent": edit}, ensure_ascii=False) + "\n")
            out.flush()
            done = editor.perform(edit)
            out.write(json.dumps({"done": done}, ensure_ascii=False) + "\n")
            out.flush()


# --- the driver -------------------------------------------------------------------------------


@dataclass
class Round:
    """One worker run as its log tells it: committed edits, and the intent still in flight."""

    done: list[Event]
    in_flight: Event | None


def parse_log(text: str) -> Round:
    """The complete lines of a worker log (a kill can cut the last one short)."""
    done: list[Event] = []
    in_flight: Event | None = None
    complete = text[: text.rfind("\n") + 1]
    for line in complete.splitlines():
        entry = json.loads(line)
        if "intent" in entry:
            in_flight = entry["intent"]
        elif "done" in entry:
            done.append(entry["done"])
            in_flight = None
    return Round(done, in_flight)


class CrashCheckFailed(AssertionError):
    """The project after a kill is not what the committed edits say it must be."""


def check_file(path: Path) -> str:
    """``PRAGMA integrity_check`` and ``foreign_key_check`` on the raw file; 'ok' or the problems."""
    connection = sqlite3.connect(path)
    try:
        integrity = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        foreign = connection.execute("PRAGMA foreign_key_check").fetchall()
    except sqlite3.DatabaseError as exc:
        return f"SQLite cannot read the file: {exc}"
    finally:
        connection.close()
    problems = [] if integrity == ["ok"] else [f"integrity_check: {integrity[:5]}"]
    if foreign:
        problems.append(f"foreign_key_check: {foreign[:5]}")
    return "; ".join(problems) or "ok"


def verify(expected: State, actual: State, round_log: Round,
           groups: dict[str, str | None]) -> tuple[State, bool]:
    """Check ``actual`` against ``expected`` after the round's committed edits; return the state
    to expect from now on and whether the in-flight edit turned out committed."""
    for event in round_log.done:
        try:
            apply(expected, event, groups)
        except KeyError as exc:
            raise CrashCheckFailed(f"the log's edit {event} refers to {exc}, which the edits before it "
                                   "never made") from exc
    if actual.comparable() == expected.comparable():
        return expected, False
    intent = round_log.in_flight
    if intent is not None:
        with_intent = copy.deepcopy(expected)
        event = dict(intent)
        key = {"add_span": "spans", "add_relation": "relations"}.get(intent["op"])
        if key is not None:
            new_ids = set(getattr(actual, key)) - set(getattr(expected, key))
            event["id"] = min(new_ids) if len(new_ids) == 1 else -1
        apply(with_intent, event, groups)
        if actual.comparable() == with_intent.comparable():
            return with_intent, True
    raise CrashCheckFailed(describe_difference(expected, actual, intent))


def describe_difference(expected: State, actual: State, intent: Event | None) -> str:
    lines = [f"the project does not match the committed edits (in flight: {intent})"]
    want, got = expected.comparable(), actual.comparable()
    for key in want:
        if want[key] == got[key]:
            continue
        if isinstance(want[key], dict):
            missing = {k: v for k, v in want[key].items() if got[key].get(k) != v}
            extra = {k: v for k, v in got[key].items() if want[key].get(k) != v}
            lines.append(f"{key}: expected but not found {dict(list(missing.items())[:5])}; "
                         f"found but not expected {dict(list(extra.items())[:5])}")
        else:
            lines.append(f"{key}: missing {sorted(want[key] - got[key])[:5]}, extra {sorted(got[key] - want[key])[:5]}")
    return "\n".join(lines)


@dataclass
class CrashReport:
    """What a crash test run did and found."""

    rounds: int = 0
    kills: int = 0
    edits_committed: int = 0
    edits_verified: int = 0
    in_flight_committed: int = 0
    integrity: str = "ok"
    reads: int = 0  # projects opened, read and closed by the reader process meanwhile
    backups_checked: int = 0
    seconds: float = 0.0
    logs: list[Path] = field(default_factory=list)


def prepare_project(path: Path) -> None:
    """A project holding the sample articles, for the workers to annotate."""
    from annotator.corpus.importer import import_paths

    with Project.open(path) as project:
        import_paths(project, [REPO_ROOT / "sample_corpus"])


def run_crash_test(path: Path, *, kills: int, seed: int = 0, max_delay: float = 0.5,
                   edits_per_worker: int = 100_000, final_edits: int = 0, readers: bool = False,
                   backup_every: int = 0) -> CrashReport:
    """Kill ``kills`` workers editing ``path`` at random moments, checking the file after each;
    with ``final_edits``, one last worker then runs that many edits to completion (a clean exit
    is checked the same way). Raises ``CrashCheckFailed`` on the first problem.

    With ``readers``, another process keeps opening the project, reading and closing it while
    each worker edits (what a CLI command or a teammate's window does): closing its connection is
    the moment SQLite checkpoints and deletes the WAL if the worker has lost its locks. With
    ``backup_every``, workers take backups as they edit, and every backup is checked too."""
    rng = random.Random(seed)
    if not path.exists():
        prepare_project(path)
    with Project.open(path) as project:
        expected = read_state(project)
        groups = {spec.name: spec.group for spec in project.schema.document_labels}
    report = CrashReport()
    began = time.perf_counter()
    plans = [(edits_per_worker, True)] * kills + ([(final_edits, False)] if final_edits else [])
    for number, (edits, kill) in enumerate(plans):
        log_path = path.with_name(f"{path.name}.round-{number}.log")
        report.logs.append(log_path)
        with _reader(path, enabled=readers) as reads:
            killed = _run_one_worker(path, seed * 1000 + number, number, edits, log_path,
                                     rng.uniform(0, max_delay) if kill else None, backup_every)
        report.reads += reads()
        report.rounds += 1
        report.kills += killed
        round_log = parse_log(log_path.read_text(encoding="utf-8"))
        report.integrity = check_file(path)
        if report.integrity != "ok":
            raise CrashCheckFailed(f"after round {number}: {report.integrity}")
        for backup in list_backups(path):
            problem = check_file(backup.path)
            if problem != "ok":
                raise CrashCheckFailed(f"after round {number}, backup {backup.path.name}: {problem}")
            report.backups_checked += 1
        with Project.open(path, create=False) as project:
            actual = read_state(project)
        expected, in_flight_committed = verify(expected, actual, round_log, groups)
        report.edits_committed += len(round_log.done)
        report.edits_verified += len(round_log.done)
        report.in_flight_committed += in_flight_committed
    report.seconds = time.perf_counter() - began
    return report


def _environment() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")]))}


def _run_one_worker(path: Path, seed: int, number: int, edits: int, log_path: Path, delay: float | None,
                    backup_every: int = 0) -> bool:
    """Run a worker; with ``delay``, SIGKILL it that long after it is ready. True if killed."""
    command = [sys.executable, "-m", "tests.crashtest", "worker", str(path), "--seed", str(seed),
               "--round", str(number), "--edits", str(edits), "--backup-every", str(backup_every)]
    with log_path.open("w", encoding="utf-8") as log, subprocess.Popen(
            command, stdout=log, stderr=subprocess.PIPE, env=_environment(), cwd=REPO_ROOT) as worker:
        if delay is None:
            _stderr = worker.communicate(timeout=600)[1]
            if worker.returncode != 0:
                raise CrashCheckFailed(f"worker {number} failed: {_stderr.decode(errors='replace')[-2000:]}")
            return False
        _wait_ready(log_path, worker)
        time.sleep(delay)
        worker.send_signal(signal.SIGKILL)
        _stdout, stderr = worker.communicate(timeout=60)
        if worker.returncode != -signal.SIGKILL:
            raise CrashCheckFailed(f"worker {number} ended by itself ({worker.returncode}) before the kill: "
                                   f"{stderr.decode(errors='replace')[-2000:]}")
        return True


@contextmanager
def _reader(path: Path, *, enabled: bool) -> Iterator[Callable[[], int]]:
    """While the block runs, a reader process opens, reads and closes the project over and over;
    yields a function giving how many times it did (0 when not ``enabled``)."""
    if not enabled:
        yield lambda: 0
        return
    command = [sys.executable, "-m", "tests.crashtest", "reader", str(path)]
    reader = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_environment(),
                              cwd=REPO_ROOT, text=True)
    counted = [0]
    try:
        yield lambda: counted[0]
    finally:
        reader.send_signal(signal.SIGTERM)
        out, err = reader.communicate(timeout=60)
        counted[0] = out.count("\n")
        if reader.returncode not in (0, -signal.SIGTERM):
            raise CrashCheckFailed(f"the reader process failed: {err[-2000:]}")


def run_reader(project_path: Path) -> None:
    """Open the project, read what 'annotator docs' reads, close it; again and again, a line each."""
    while True:
        with Project.open(project_path, create=False) as project:
            project.documents.overview()
        sys.stdout.write("read\n")
        sys.stdout.flush()


def _wait_ready(log_path: Path, worker: subprocess.Popen[bytes]) -> None:
    """Poll until the worker has opened the project (its first log line), or it died."""
    while '"ready"' not in log_path.read_text(encoding="utf-8"):
        if worker.poll() is not None:
            error = worker.stderr.read().decode(errors="replace") if worker.stderr else ""
            raise CrashCheckFailed(f"worker exited before it was ready: {error[-2000:]}")
        time.sleep(0.01)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.crashtest", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    worker = sub.add_parser("worker", help="apply random edits to PROJECT, logging each to stdout")
    worker.add_argument("project", type=Path)
    worker.add_argument("--seed", type=int, default=0)
    worker.add_argument("--round", type=int, default=0)
    worker.add_argument("--edits", type=int, default=100_000)
    worker.add_argument("--backup-every", type=int, default=0)
    reader = sub.add_parser("reader", help="open, read and close PROJECT until killed")
    reader.add_argument("project", type=Path)
    args = parser.parse_args(argv)
    if args.command == "reader":
        run_reader(args.project)
    else:
        run_worker(args.project, args.seed, args.round, args.edits, args.backup_every)
    return 0


if __name__ == "__main__":
    sys.exit(main())
