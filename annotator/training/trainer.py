"""``train``: one trained, scored and stored model version from a project's annotations.

The documents, layer and labels are chosen as an export chooses them (``ExportOptions``,
``formats.select``); the default layer is ``gold-else-annotation``, each document's gold where it
has any, else the annotators' layers. Held-out documents (``split``) are never trained on; they
are spaCy's dev set (which picks the best checkpoint) and what the scores are measured on.

spaCy's own ``spacy.training.loop.train`` runs the steps; its ``before_update`` callback reports
progress (steps done, and a time estimate from the steps per second so far) and raises
``Cancelled`` when asked, which stops spaCy between two steps: nothing is stored then. The train
curve, when asked for, trains the same way on 25, 50, 75 and 100 % of the training documents
(always the same documents in the same order, so the parts grow) and scores each.
"""

from __future__ import annotations

import io
import math
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from annotator.errors import Errors, UserError
from annotator.formats.base import ExportOptions
from annotator.formats.select import CHUNK, select_document_ids, select_documents
from annotator.store.model_versions import DEFAULT_THRESHOLD, ModelVersions, pack
from annotator.store.tables import DOC
from annotator.tasks import Cancelled, TaskControl
from annotator.training.config import build_config
from annotator.training.data import Counts, LabelPlan, annotated, plan_labels, reference_doc
from annotator.training.evaluate import CurvePoint, Scores, curve_message, score
from annotator.training.split import DEFAULT_HELD_OUT, held_out, position

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

    from annotator.store import Project

DEFAULT_LAYER = "gold-else-annotation"
DEFAULT_MAX_STEPS = 600
CURVE_FRACTIONS = (0.25, 0.5, 0.75, 1.0)
_STEP_HOOK_NAME = "annotator.training_step.v1"
_STEP_HOOK: ContextVar[Callable[[dict[str, Any]], None] | None] = ContextVar("annotator_training_step", default=None)


@dataclass(frozen=True)
class TrainOptions:
    """What to train on and how long. ``layer``, ``labels``, ``documents`` and ``annotators`` mean
    what they mean for an export; ``base`` is the pipeline whose tok2vec to start from (None: the
    installed English pipeline, ``blank:en``: none)."""

    layer: str = DEFAULT_LAYER
    labels: tuple[str, ...] | None = None
    documents: tuple[str | int, ...] | None = None
    annotators: tuple[str, ...] | None = None
    max_steps: int = DEFAULT_MAX_STEPS
    curve: bool = False
    held_out: float = DEFAULT_HELD_OUT
    base: str | None = None
    trained_by: str = ""
    seed: int = 0
    store: bool = True  # False: train and score only (the benchmark)


@dataclass
class TrainReport:
    """What a training did: the stored version, scores on the held-out documents, the curve."""

    version_id: int | None
    plan: LabelPlan
    scores: Scores
    curve: list[CurvePoint] = field(default_factory=list)
    curve_message: str = ""
    trained_documents: list[str] = field(default_factory=list)  # names
    held_out_documents: list[str] = field(default_factory=list)
    counts: Counts = field(default_factory=Counts)
    unannotated: int = 0  # selected documents with nothing in the layer, left out
    steps: int = 0
    seconds: float = 0.0
    base: str | None = None

    @property
    def version_name(self) -> str:
        return f"model:v{self.version_id}" if self.version_id is not None else ""

    def trained_on(self, layer: str) -> dict[str, Any]:
        """The ``trained_on`` record of the version (counts, not the documents' names)."""
        return {"layer": layer, "documents": len(self.trained_documents), "held_out": len(self.held_out_documents),
                "unannotated": self.unannotated, "spans": dict(self.counts.spans),
                "doc_labels": dict(self.counts.doc_labels), "left_out": dict(self.counts.left_out.counts),
                "base": self.base or "none", "steps": self.steps, "seconds": round(self.seconds, 1)}

    def as_json(self) -> dict[str, Any]:
        return {"version": self.version_id, "name": self.version_name, "components": self.plan.as_json(),
                "scores": self.scores.as_json(), "curve": [asdict(point) for point in self.curve],
                "curve_message": self.curve_message, "trained_documents": self.trained_documents,
                "held_out_documents": self.held_out_documents, "steps": self.steps,
                "seconds": round(self.seconds, 1), "base": self.base,
                "spans": dict(self.counts.spans), "doc_labels": dict(self.counts.doc_labels),
                "left_out": dict(self.counts.left_out.counts), "unannotated": self.unannotated}


def train(project: Project, options: TrainOptions = TrainOptions(), control: TaskControl | None = None) -> TrainReport:
    """Train, score and (unless ``options.store`` is False) store a new model version.

    Progress goes to ``control`` as (steps done, steps in all, "step 40 of 600 · about 2 min
    left"); ``control.cancel()`` stops at the next step and raises ``Cancelled``, storing nothing.
    """
    if options.max_steps < 1:
        raise UserError(Errors.E1277.format(value=options.max_steps))
    control = control or TaskControl()
    started = time.monotonic()
    export = ExportOptions(annotators=options.annotators, layer=options.layer, labels=options.labels,
                           documents=options.documents)
    ids = select_document_ids(project, export)
    canonical = list(select_documents(project, export, doc_ids=ids))
    usable = [(doc_id, doc) for doc_id, doc in zip(ids, canonical, strict=True) if annotated(doc)]
    if len(usable) < 2:
        raise UserError(Errors.E1270.format(count=len(usable), selected=len(ids), layer=options.layer))
    hashes = _content_hashes(project, [doc_id for doc_id, _doc in usable])
    evaluation = held_out(hashes, [doc_id for doc_id, _doc in usable], options.held_out)
    plan = plan_labels(project.schema, [doc for _id, doc in usable])
    if not plan.span_labels and not plan.textcat:
        labels = f" among {', '.join(options.labels)}" if options.labels else ""
        raise UserError(Errors.E1271.format(labels=labels, layer=options.layer))
    base = _base_pipeline(options.base)
    training = sorted((item for item in usable if item[0] not in evaluation), key=lambda item: position(hashes[item[0]]))
    testing = [item for item in usable if item[0] in evaluation]
    report = TrainReport(version_id=None, plan=plan, scores=Scores(), base=base,
                         trained_documents=[doc["id"] for _id, doc in training],
                         held_out_documents=[doc["id"] for _id, doc in testing],
                         unannotated=len(canonical) - len(usable))
    fractions = CURVE_FRACTIONS if options.curve else (1.0,)
    progress = _Progress(control, options.max_steps * len(fractions))
    with tempfile.TemporaryDirectory(prefix="annotator-train-") as folder:
        work = Path(folder)
        nlp_blank = _blank()
        train_docs = [reference_doc(nlp_blank, doc, plan, report.counts) for _id, doc in training]
        test_docs = [reference_doc(nlp_blank, doc, plan, Counts()) for _id, doc in testing]
        _write(test_docs, work / "dev.spacy")
        best: Path | None = None
        for fraction in fractions:
            part = train_docs[:max(1, math.ceil(fraction * len(train_docs)))]
            _write(part, work / f"train-{fraction}.spacy")
            output = work / f"model-{fraction}"
            config = build_config(plan, train_path=str(work / f"train-{fraction}.spacy"),
                                  dev_path=str(work / "dev.spacy"), max_steps=options.max_steps, base=base,
                                  seed=options.seed)
            best = _train_one(config, output, progress)
            nlp = _load(best)
            scores = score(nlp, test_docs, plan)
            report.curve.append(CurvePoint(fraction, len(part), scores.overall.f1 if scores.overall else 0.0))
            report.scores = scores
        assert best is not None
        report.steps = progress.done
        report.seconds = time.monotonic() - started
        if options.curve:
            report.curve_message = curve_message(report.curve)
        else:
            report.curve = []
        control.raise_if_cancelled()
        if options.store:
            report.version_id = ModelVersions(project).add(
                pack(best), trained_by=options.trained_by, layer=options.layer, labels=plan.as_json(),
                trained_on=report.trained_on(options.layer), scores=report.scores.as_json(),
                curve={"points": [asdict(point) for point in report.curve], "message": report.curve_message},
                thresholds={label: DEFAULT_THRESHOLD for label in plan.span_labels})
    return report


class _Progress:
    """Steps across every run of a training, and the time left estimated from the pace so far."""

    def __init__(self, control: TaskControl, total: int) -> None:
        self.control, self.total, self.done = control, total, 0
        self.started = time.monotonic()

    def step(self) -> None:
        self.control.raise_if_cancelled()
        self.done = min(self.done + 1, self.total)  # spaCy calls it once more, for the step it stops at
        elapsed = time.monotonic() - self.started
        left = elapsed / self.done * (self.total - self.done)
        self.control.report(self.done, self.total, f"step {self.done:,} of {self.total:,} · {_duration(left)} left")


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"about {max(1, round(seconds))} s"
    return f"about {round(seconds / 60)} min"


def _train_one(config: Any, output: Path, progress: _Progress) -> Path:
    """Run spaCy's training loop on ``config``; the best checkpoint's directory (config scrubbed of
    the progress hook, so the pipeline loads anywhere spaCy does)."""
    from spacy.training.initialize import init_nlp
    from spacy.training.loop import train as spacy_train

    _register_step_hook()
    output.mkdir(parents=True, exist_ok=True)
    config["training"]["before_update"] = {"@callbacks": _STEP_HOOK_NAME}
    token = _STEP_HOOK.set(lambda _info: progress.step())
    try:
        with _quiet():
            nlp = init_nlp(config)
            spacy_train(nlp, output, stdout=io.StringIO(), stderr=io.StringIO())
    except (Cancelled, UserError):
        raise
    except (ValueError, KeyError, RuntimeError) as error:  # spaCy refusing the data (E-codes of its own)
        raise UserError(Errors.E1278.format(reason=error)) from error
    finally:
        _STEP_HOOK.reset(token)
    best = output / "model-best"
    if not best.is_dir():
        best = output / "model-last"
    _scrub_config(best)
    return best


def _scrub_config(model: Path) -> None:
    from thinc.api import Config

    config = Config().from_disk(model / "config.cfg", interpolate=False)
    config["training"]["before_update"] = None
    config.to_disk(model / "config.cfg")


def _register_step_hook() -> None:
    """Register the ``before_update`` callback once: it calls the hook of the training under way
    in this context (a ContextVar, so two trainings in two threads each see their own)."""
    from spacy.util import registry

    if _STEP_HOOK_NAME in registry.callbacks.get_all():
        return

    def make_hook() -> Callable[[Language, dict[str, Any]], None]:
        def before_update(_nlp: Language, info: dict[str, Any]) -> None:
            hook = _STEP_HOOK.get()
            if hook is not None:
                hook(info)
        return before_update

    registry.callbacks.register(_STEP_HOOK_NAME, func=make_hook)


@contextmanager
def _quiet() -> Iterator[None]:
    """spaCy's training logs through ``logging`` and warnings; the caller reports progress itself."""
    import logging
    import warnings

    logger = logging.getLogger("spacy")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


def _load(model: Path) -> Language:
    import spacy

    return spacy.load(model)


def _blank() -> Language:
    import spacy

    return spacy.blank("en")


def _write(docs: list[Doc], path: Path) -> None:
    from spacy.tokens import DocBin

    DocBin(docs=docs).to_disk(path)


def _base_pipeline(name: str | None) -> str | None:
    """The pipeline to take the tok2vec from: the one named, else the installed English one."""
    from annotator.nlp.pipelines import BLANK, default_pipeline_name, installed_pipelines

    chosen = name or default_pipeline_name()
    if chosen == BLANK:
        return None
    import spacy.util

    if not spacy.util.is_package(chosen) and not Path(chosen).is_dir():
        raise UserError(Errors.E601.format(name=chosen, installed=", ".join(installed_pipelines()) or "none"))
    return chosen


def _content_hashes(project: Project, doc_ids: list[int]) -> dict[int, str]:
    """Each document's ``content_hash``, read in chunks (every backend bounds a query's parameters)."""
    hashes: dict[int, str] = {}
    with project.reading() as connection:
        for start in range(0, len(doc_ids), CHUNK):
            hashes.update((doc_id, content_hash) for doc_id, content_hash in connection.execute(
                sa.select(DOC.c.id, DOC.c.content_hash).where(DOC.c.id.in_(doc_ids[start:start + CHUNK]))))
    return hashes
