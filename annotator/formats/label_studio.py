"""Label Studio JSON: the list of tasks Label Studio exports (Export ▸ JSON) and imports.

One file is a JSON list of tasks (a single task object is read too: Label Studio's cloud storage
keeps one task per file)::

    [{"id": 7, "data": {"text": "..."}, "meta": {...},
      "annotations": [{"completed_by": 10 | {"id": 10, "email": "..."}, "ground_truth": false,
                       "was_cancelled": false, "result": [RESULT, ...]}],
      "predictions": [{"model_version": "...", "score": 0.8, "result": [RESULT, ...]}]}]

What a task becomes:

- ``data.text`` is the document (a task without one is counted: it is not a text task); a task
  without ``data`` is its own data, as Label Studio takes it. ``data.document`` and ``data.title``
  (what the export writes) name and title it, else the task's ``id`` names it; the other data
  fields, the task id and who the annotators were go into the document's metadata under
  ``label_studio``; the task's ``meta`` is the document's metadata.
- Each annotation is its annotator's layer (the gold layer when Label Studio marks it ground
  truth), and the annotator has submitted it: status ``done``. ``completed_by`` is a user id, or
  an object with the user's e-mail when exported with user details; the annotator is called by
  the e-mail (found also in ``created_username``, "First Last email, id"), else the name, else
  ``label-studio-user-ID``, and the names given to ids are kept in the metadata. Cancelled
  (skipped) annotations, drafts and reviews are counted.
- Each prediction goes to the suggestion layer of an annotator named by its ``model_version``,
  each span with the ``score`` of its result, else of the prediction.
- Results: ``labels`` (a text region: ``value`` start, end, text, labels) become spans, one per
  label; ``relation`` (``from_id``, ``to_id``, ``direction``, ``labels``) relations between the
  regions of the same annotation (one per label, ``related`` when it has none; ``left`` turns it
  round, ``bi`` is kept as the attribute ``direction``); ``choices`` document labels;
  ``textarea`` notes. A result with the id of a region (Label Studio's ``perRegion`` tags) belongs
  to that region: a textarea is its span's note (so is the region's ``meta.text``), any other value
  an attribute named by the result's ``from_name``. Everything else (rectangles, ratings outside a
  region, HTML regions…) is counted by kind. The keys annotator's export adds to a result are
  read back: ``origin_annotator``/``adjudicator`` on a gold annotation's regions and relations,
  ``comments`` on regions (ingestion checks them).

Offsets: Label Studio's Python side, and its labelling interface since it counts code points,
write code points, like annotator; annotations made in the browser before that count UTF-16 units
(see ``utf16_offsets``). Where the text has characters outside the Basic Multilingual Plane the
two differ, and each region's ``value.text`` tells which count it uses: the count most regions
of one annotation agree with is taken for those that have no text, then the task's, then code
points. A region whose text fits neither count is counted, not stored at a guess.

Malformed structure (a task, annotation or result that is not an object, a ``result`` that is not a
list) refuses the file with a message naming the task; content annotator cannot store (offsets
outside the text, empty regions, labels that are not strings) is counted by kind. The export is in
``label_studio_export``.

A file is read twice, a task at a time (``json_items``), never held whole: the first pass finds
the e-mails of user ids (an annotation may name its user by id alone, another in the file by id and
e-mail) and refuses a file that is not JSON or not a list of tasks before any task is read; the
second reads the tasks, each handed on as it is made. The first pass costs about what
``json.loads`` of the file did (1 s of CPU for 65 MB); the reader as a whole takes less CPU than
when it held the parsed file (3.2 s instead of 3.8 s for that file: less for the collector to walk).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeGuard

from annotator.errors import Errors, UserError
from annotator.formats.base import CanonicalDoc, Format, LossReport, ReadOptions, register
from annotator.formats.canonical import CanonicalSpan, new_document
from annotator.formats.foreign import add_relation, add_span
from annotator.formats.json_items import json_file
from annotator.formats.label_studio_export import config_path, export
from annotator.formats.review_loss import REVIEW
from annotator.formats.utf16_offsets import Utf16Text

#: A relation drawn without a label in Label Studio (an arrow) takes this one.
UNLABELLED_RELATION = "related"
#: The model name of predictions that do not say which model made them.
UNNAMED_MODEL = "label-studio-model"
_TASK_KEYS = ("annotations", "completions", "predictions", "drafts", "meta", "id")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")


def read(paths: Sequence[Path], options: ReadOptions, report: LossReport) -> Iterator[CanonicalDoc]:
    """Each file's documents, a task parsed and handed on at a time (``json_items``): ingestion
    writes them into its open transaction as they come, and a task refused late in a file rolls
    the whole file back. A first pass over the file's tasks (parsed and let go) finds the e-mails
    of user ids and makes the whole-file checks before any task is read: the file is JSON
    (E970, E973), a list of tasks (E971) and not JSON-MIN (E971)."""
    for path in paths:
        users = _known_emails(path, options)
        with _tasks(path, options) as tasks:
            for number, task in enumerate(tasks, start=1):
                doc = _TaskReader(path, number, options, report, users).read(task)
                if doc is not None:
                    yield doc


@contextmanager
def _tasks(path: Path, options: ReadOptions) -> Iterator[Iterator[Any]]:
    """The file's tasks, parsed one at a time; every way the file can fail to be Label Studio JSON
    is an E97x (a single task object is one task: Label Studio's cloud storage keeps one a file)."""
    with json_file(path, options.limits, Errors.E970, Errors.E973) as text:
        yield text.items() if text.start() == "[" else _single_task(path, text.value())


def _single_task(path: Path, value: Any) -> Iterator[Any]:
    if not isinstance(value, dict):
        raise UserError(Errors.E971.format(path=path, problem=f"it holds a JSON {type(value).__name__}, "
                                                              "not a list of tasks"))
    yield value


def _is_json_min(task: Any) -> bool:
    """JSON-MIN writes each annotation as a flat record: its regions under the tag's name."""
    if not isinstance(task, dict) or any(key in task for key in ("data", "annotations", "completions", "predictions")):
        return False
    return "annotation_id" in task or any(
        isinstance(value, list) and value and all(isinstance(item, dict) and "start" in item for item in value)
        for value in task.values())


def _known_emails(path: Path, options: ReadOptions) -> dict[int, str]:
    """User id → e-mail, from whatever annotation of the file shows both: a first pass over the
    tasks, which also refuses the file for what only the whole file shows (see ``read``)."""
    emails: dict[int, str] = {}
    json_min: bool | None = None
    with _tasks(path, options) as tasks:
        for task in tasks:
            if json_min is None:
                json_min = _is_json_min(task)
            _add_emails(task, emails)
    if json_min:
        raise UserError(Errors.E971.format(path=path, problem=(
            "it looks like Label Studio's JSON-MIN export, which leaves out who annotated what and the "
            "predictions")))
    return emails


def _add_emails(task: Any, emails: dict[int, str]) -> None:
    annotations = task.get("annotations") if isinstance(task, dict) else None
    for annotation in annotations if isinstance(annotations, list) else []:
        if not isinstance(annotation, dict):
            continue
        user = annotation.get("completed_by")
        if isinstance(user, dict) and _is_id(user.get("id")) and _is_email(user.get("email")):
            emails.setdefault(user["id"], user["email"].strip())
        named = annotation.get("created_username")
        if _is_id(user) and isinstance(named, str) and ", " in named:  # "First Last email, id"
            words, _, user_id = named.rpartition(", ")
            if user_id.strip() == str(user) and words.split() and _is_email(words.split()[-1]):
                emails.setdefault(user, words.split()[-1])


def _is_id(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_email(value: Any) -> bool:
    return isinstance(value, str) and bool(_EMAIL.fullmatch(value.strip()))


class _TaskReader:
    """One task into one canonical document, counting what it cannot carry."""

    def __init__(self, path: Path, number: int, options: ReadOptions, report: LossReport,
                 emails: dict[int, str]) -> None:
        self.path, self.number, self.options, self.report, self.emails = path, number, options, report, emails
        self.users: dict[str, int] = {}  # annotator names given to Label Studio user ids

    def fail(self, problem: str) -> UserError:
        return UserError(Errors.E972.format(path=self.path, task=self.number, problem=problem))

    def read(self, task: Any) -> CanonicalDoc | None:
        if not isinstance(task, dict):
            raise self.fail(f"a task must be a JSON object, not {type(task).__name__}")
        data = task.get("data") if "data" in task else {k: v for k, v in task.items() if k not in _TASK_KEYS}
        if not isinstance(data, dict):
            raise self.fail('"data" must be a JSON object')
        text = data.get("text")
        if not isinstance(text, str) or not text.strip():
            self.report.add("Label Studio tasks without a text in data.text (not text tasks)")
            return None
        doc = self._document(task, data, text)
        self.text = Utf16Text(text)
        sets = [*self._annotations(task), *self._predictions(task)]
        fallback = _unit(Counter(vote for _who, results in sets for vote in self.votes(results)), "points")
        for who, results in sets:
            _ResultSet(self, doc, who, results).read(_unit(Counter(self.votes(results)), fallback))
        drafts = self._objects(task, "drafts")
        self.report.add("Label Studio drafts (not submitted)", sum(1 for draft in drafts if draft.get("result")))
        if self.users:
            doc["meta"].setdefault("label_studio", {})["users"] = self.users
        return doc

    def _document(self, task: dict[str, Any], data: dict[str, Any], text: str) -> CanonicalDoc:
        extra = {key: value for key, value in data.items() if key not in ("text", "document", "title")}
        name = data.get("document")
        task_id = task.get("id")
        if not (isinstance(name, (str, int)) and not isinstance(name, bool) and str(name).strip()):
            name = task_id if isinstance(task_id, (str, int)) and not isinstance(task_id, bool) else None
        title = data.get("title")
        meta = dict(task["meta"]) if isinstance(task.get("meta"), dict) else {}
        origin = {key: value for key, value in (("task", task_id), ("data", extra)) if value not in (None, {})}
        if origin:
            meta["label_studio"] = origin
        return new_document(str(name) if name is not None else f"{self.path.stem}-{self.number}", text,
                            title=title if isinstance(title, str) else None, meta=meta)

    def _objects(self, owner: dict[str, Any], key: str) -> list[dict[str, Any]]:
        value = owner.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(f'"{key}" must be a list')
        if key == "predictions":  # a snapshot may list prediction ids only
            self.report.add("Label Studio predictions given by id only (no results)",
                            sum(1 for item in value if _is_id(item)))
            value = [item for item in value if not _is_id(item)]
        if not all(isinstance(item, dict) for item in value):
            raise self.fail(f'each item of "{key}" must be a JSON object')
        return value

    def _annotations(self, task: dict[str, Any]) -> Iterator[tuple[_Who, list[Any]]]:
        for annotation in self._objects(task, "annotations" if "annotations" in task else "completions"):
            results = self._results(annotation)
            self.report.add("Label Studio reviews of annotations (accepted or rejected)",
                            len(annotation.get("reviews") or []))
            if annotation.get("was_cancelled") or annotation.get("skipped"):
                self.report.add("Label Studio annotations cancelled (skipped) by their annotator")
                continue
            layer = "gold" if annotation.get("ground_truth") is True else "annotation"
            yield _Who(self._annotator(annotation), layer, None, None), results

    def _predictions(self, task: dict[str, Any]) -> Iterator[tuple[_Who, list[Any]]]:
        for prediction in self._objects(task, "predictions"):
            model = prediction.get("model_version")
            name = model.strip() if isinstance(model, str) and model.strip() not in ("", "undefined") else UNNAMED_MODEL
            score = prediction.get("score")
            yield _Who(name, "suggestion", _number(score), "label-studio"), self._results(prediction)

    def _results(self, owner: dict[str, Any]) -> list[Any]:
        results = owner.get("result")
        if isinstance(results, str):  # the API accepts a result as a JSON string
            try:
                results = json.loads(results)
            except (ValueError, RecursionError):
                raise self.fail('a "result" is a string that is not JSON') from None
        if results is None:
            return []
        if not isinstance(results, list) or not all(isinstance(item, dict) for item in results):
            raise self.fail('"result" must be a list of JSON objects')
        return results

    def _annotator(self, annotation: dict[str, Any]) -> str:
        """A readable name for who completed ``annotation`` (see the module docstring)."""
        user = annotation.get("completed_by")
        if isinstance(user, dict):
            full = " ".join(str(user.get(key) or "").strip() for key in ("first_name", "last_name")).strip()
            name = str(user["email"]).strip() if _is_email(user.get("email")) else full
            user = user.get("id")
            if name:
                if _is_id(user):
                    self.users[name] = user
                return name
        if _is_id(user):
            name = self.emails.get(user, f"label-studio-user-{user}")
            self.users[name] = user
            return name
        if isinstance(user, str) and user.strip():
            return user.strip()
        own = annotation.get("annotator")  # what annotator's export writes beside an absent completed_by
        return own.strip() if isinstance(own, str) and own.strip() else self.options.annotator

    def votes(self, results: list[Any]) -> Iterator[str]:
        """The count each region of ``results`` says it uses, where it says."""
        for result in results:
            value = result.get("value")
            if result.get("type") == "labels" and isinstance(value, dict):
                vote = self.unit_of(value)
                if vote is not None:
                    yield vote

    def unit_of(self, value: dict[str, Any]) -> str | None:
        """Which count (``points`` or ``utf16``) the region's own text says its offsets use; None
        when it cannot tell (no text, no astral character before its end, or neither fits)."""
        start, end, given = value.get("start"), value.get("end"), value.get("text")
        if not (self.text.differs and _is_id(start) and _is_id(end) and isinstance(given, str)):
            return None
        points = self.text.text[start:end] == given
        units = self.span(start, end, "utf16")
        in_units = units is not None and self.text.text[units[0]:units[1]] == given
        if points != in_units:
            return "points" if points else "utf16"
        return None

    def span(self, start: int, end: int, unit: str) -> tuple[int, int] | None:
        """Code-point offsets of a region counted in ``unit``; None if they do not fit the text."""
        if unit == "utf16":
            first, last = self.text.code_point(start), self.text.code_point(end)
            if first is None or last is None:
                return None
            start, end = first, last
        return (start, end) if 0 <= start <= end <= len(self.text.text) else None


@dataclass(frozen=True)
class _Who:
    """Whose a set of results is: annotator, layer, and for predictions their score and source."""

    annotator: str
    layer: str
    score: float | None
    source: str | None


def _unit(votes: Counter[str], otherwise: str) -> str:
    """The count most regions said they use; ``otherwise`` when none said."""
    if not votes:
        return otherwise
    return "utf16" if votes["utf16"] > votes["points"] else "points"


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


class _ResultSet:
    """The results of one annotation or prediction: regions first, then what refers to them."""

    def __init__(self, task: _TaskReader, doc: CanonicalDoc, who: _Who, results: list[dict[str, Any]]) -> None:
        self.task, self.doc, self.who, self.results = task, doc, who, results
        self.report = task.report
        self.regions: dict[Any, CanonicalSpan] = {}  # region id → its (first) span

    def read(self, unit: str) -> None:
        for result in self.results:
            if result.get("type") == "labels":
                self._region(result, unit)
        if self.who.layer != "suggestion":
            self.doc["status"][self.who.annotator] = "done"
        for result in self.results:
            kind = result.get("type")
            if kind == "labels":
                continue
            if kind == "relation":
                self._relation(result)
            elif (region := self.regions.get(_key(result.get("id")))) is not None:
                self._on_region(result, region)
            else:
                self._on_document(result, kind)

    def _region(self, result: dict[str, Any], unit: str) -> None:
        value = result.get("value")
        if not isinstance(value, dict) or not _is_id(value.get("start")) or not _is_id(value.get("end")):
            self.report.add("Label Studio text regions without whole-number start and end")
            return
        given = value.get("text")
        own = self.task.unit_of(value)
        offsets = self.task.span(value["start"], value["end"], own or unit)
        text = self.task.text.text
        if offsets is None or (isinstance(given, str) and own is None and text[offsets[0]:offsets[1]] != given):
            self.report.add("Label Studio regions whose offsets do not fit the text (or its text there)")
            return
        if offsets[0] == offsets[1]:
            self.report.add("Label Studio regions of no text (start equals end)")
            return
        labels = value.get("labels")
        names = [label.strip() for label in labels if isinstance(label, str) and label.strip()] \
            if isinstance(labels, list) else []
        if not names:
            self.report.add("Label Studio regions without a label")
            return
        score = _number(result.get("score"))
        extra: dict[str, Any] = {"annotator": self.who.annotator, "layer": self.who.layer}
        if self.who.layer == "suggestion":
            extra["source"] = self.who.source
            if score is not None or self.who.score is not None:
                extra["score"] = score if score is not None else self.who.score
        extra |= self._review(result, comments=True)
        spans = [add_span(self.doc, offsets[0], offsets[1], name, self.task.options, where=(self.task.path,
                          self.task.number), **extra) for name in names]
        note = _texts(result.get("meta"))
        if note:
            spans[0]["note"] = note
        key = _key(result.get("id"))
        if key is not None:
            self.regions.setdefault(key, spans[0])

    def _relation(self, result: dict[str, Any]) -> None:
        head, tail = self.regions.get(_key(result.get("from_id"))), self.regions.get(_key(result.get("to_id")))
        if head is None or tail is None:
            self.report.add("Label Studio relations whose end is not a text span read here")
            return
        direction = result.get("direction")
        if direction == "left":
            head, tail = tail, head
        labels = result.get("labels")
        names = [label for label in labels if isinstance(label, str) and label.strip()] \
            if isinstance(labels, list) else []
        attrs = {"direction": "bi"} if direction == "bi" else {}
        for name in names or [UNLABELLED_RELATION]:
            add_relation(self.doc, head["id"], tail["id"], name.strip(), self.task.options,
                         annotator=self.who.annotator, layer=self.who.layer, attrs=dict(attrs),
                         **self._review(result, comments=False))

    def _review(self, result: dict[str, Any], *, comments: bool) -> dict[str, Any]:
        """The review keys annotator's export writes on a result: provenance where the
        annotation is gold (elsewhere it means nothing, and is counted), comments on regions."""
        review: dict[str, Any] = {}
        for name in ("origin_annotator", "adjudicator"):
            if result.get(name) is not None:
                if self.who.layer == "gold":
                    review[name] = result[name]
                else:
                    self.report.add(f"Label Studio {name} values outside the ground truth annotation")
        if comments and result.get("comments") is not None:
            review["comments"] = result["comments"]
        return review

    def _on_region(self, result: dict[str, Any], span: CanonicalSpan) -> None:
        """A per-region result: a textarea is the span's note, anything else an attribute."""
        kind, value = result.get("type"), result.get("value")
        if kind == "textarea":
            note = _texts(value)
            if note:
                span["note"] = "\n".join(filter(None, (span.get("note"), note)))
            return
        held = value.get(kind) if isinstance(value, dict) and isinstance(kind, str) else None
        if held in (None, [], ""):
            self.report.add(f"Label Studio {kind!r} results on a region with no value")
            return
        named = result.get("from_name")
        name = named if isinstance(named, str) else str(kind)
        span.setdefault("attrs", {})[name] = held[0] if isinstance(held, list) and len(held) == 1 else held

    def _on_document(self, result: dict[str, Any], kind: Any) -> None:
        value = result.get("value")
        if isinstance(value, dict) and "start" in value and not str(kind).endswith("labels"):
            self.report.add(f"Label Studio {kind!r} results on a region that was not read")
        elif kind == "choices" and isinstance(value, dict) and isinstance(value.get("choices"), list):
            for choice in value["choices"]:
                if isinstance(choice, str) and choice.strip():
                    self.doc["doc_labels"].append({"label": choice.strip(), "annotator": self.who.annotator,
                                                   "layer": self.who.layer})
                else:
                    self.report.add("Label Studio choices that are not text")
        elif kind == "textarea" and isinstance(value, dict):
            texts = value.get("text")
            for text in texts if isinstance(texts, list) else [texts]:
                if isinstance(text, str) and text.strip():
                    self.doc["notes"].append({"text": text, "annotator": self.who.annotator})
        else:
            self.report.add(f"Label Studio {kind if isinstance(kind, str) else 'untyped'!r} results "
                            "(not text spans, relations, choices or notes)")


def _key(value: Any) -> Any:
    """A region id as a dictionary key (ids are strings, but a hand-made file may use numbers)."""
    return str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else None


def _texts(value: Any) -> str:
    """The text a textarea (or a region's ``meta``) holds: its lines joined, "" for none."""
    if not isinstance(value, dict):
        return ""
    texts = value.get("text")
    texts = texts if isinstance(texts, list) else [texts]
    return "\n".join(text for text in texts if isinstance(text, str) and text.strip())


FORMAT = register(Format(
    name="label-studio",
    description="Label Studio JSON (tasks with annotations, predictions, relations, choices and notes)",
    target="file",
    suffix=".json",
    export=export,
    read=read,
    side_files=lambda out: [config_path(out)],
    carries_review=REVIEW,
))
