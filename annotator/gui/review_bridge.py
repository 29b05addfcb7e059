"""The review windows' one door to the Qt-free core (``annotator.review``).

Why a bridge: the windows show plain, GUI-shaped values (pairs keyed by annotator names, rows
sorted for display, one ``CompareItem`` per difference) and should not care how the core
spells its reports. Every call into ``annotator.review`` is here, so a change of the core's
names is one edit in one file, and the widgets can be read (and tested) as pure display code.

Adjudication itself is not here: each decision is a core operation (``annotator.ops.adjudication``,
``annotator.ops.curation``) performed through the adjudicator's history, so its undo and redo are
the core's too; ``take_version`` only names the one for the selected item.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

from annotator.errors import UserError
from annotator.ops import Operation, curation
from annotator.review import adjudicate, comparison
from annotator.review.agreement import AgreementOptions, Resampling, agreement
from annotator.review.agreement_report import DocumentScore, GoldScores
from annotator.review.comparison import SPAN_KINDS, Difference, value_text
from annotator.review.corpus import Observed
from annotator.review.figures import Figure
from annotator.store import Project
from annotator.store.records import SpanRecord
from annotator.tasks import TaskControl

# --- agreement --------------------------------------------------------------------------------

#: Each pair's figures in ``AgreementSummary.pairwise``; precision and recall are a's against b.
PAIR_FIGURES = ("f1_overlap", "f1_exact", "precision_overlap", "recall_overlap", "precision_exact", "recall_exact",
                "cohen_kappa", "relation_f1")


@dataclass(frozen=True)
class FigureRow:
    """One line of the window's table of figures: what, its value, and what it rests on."""

    name: str
    figure: Figure
    documents: int
    annotators: int


@dataclass
class AgreementSummary:
    """What the agreement window shows, already shaped for display. Figures carry their value
    or the reason there is none, and their interval when intervals were asked for."""

    annotators: tuple[str, ...]
    header: list[str]
    overall: list[FigureRow]
    pairwise: dict[tuple[str, str], dict[str, Figure]]
    per_label: list[tuple[str, dict[str, Figure]]]
    attributes: list[FigureRow]
    n_documents: int
    documents: list[DocumentScore] = field(default_factory=list)  # worst first
    warnings: list[str] = field(default_factory=list)
    gold: list[GoldScores] = field(default_factory=list)
    gold_documents: int = 0

    @property
    def alpha_u(self) -> Figure:
        return self.overall[0].figure


def compute_agreement(project: Project, annotators: Sequence[str], *, observed: Observed = "done",
                      intervals: bool = False, control: TaskControl | None = None) -> AgreementSummary:
    """All measures over the chosen annotators' documents (worker thread: no widgets here);
    the core reports progress and stops at its next step when cancelled."""
    options = AgreementOptions(annotators=tuple(annotators), observed=observed)
    report = agreement(project, options, Resampling() if intervals else None, control)
    everyone, fleiss = len(report.annotators), report.fleiss
    overall = [FigureRow("Krippendorff's αu (characters)", report.alpha_u, report.documents, everyone),
               FigureRow("Krippendorff's α (tokens)", report.token_alpha, report.documents, everyone),
               FigureRow("Gwet's AC1 (tokens)", report.ac1, report.documents, everyone),
               FigureRow("Fleiss' κ (tokens)", report.fleiss_kappa, fleiss.documents, len(fleiss.annotators)),
               FigureRow("Relation F1", report.relations.f1, report.documents, everyone)]
    overall += [FigureRow(f"{pair.a} × {pair.b}: Cohen's κ", pair.cohen_kappa, pair.documents, 2)
                for pair in report.pairwise]
    return AgreementSummary(
        annotators=tuple(report.annotators) or tuple(annotators),
        header=report.header(),
        overall=overall,
        pairwise={(pair.a, pair.b): {name: getattr(pair, name) for name in PAIR_FIGURES} for pair in report.pairwise},
        per_label=[(label, {"αu": scores.alpha_u, "F1": scores.f1_overlap, "AC1": scores.ac1})
                   for label, scores in report.per_label.items()],
        attributes=[FigureRow(f"{item.key}: κ over {sum(pair.spans for pair in item.pairs)} matched spans", item.kappa,
                              report.documents, everyone) for item in report.attributes],
        n_documents=report.documents,
        documents=list(report.document_scores),
        warnings=list(report.warnings),
        gold=list(report.gold),
        gold_documents=report.gold_documents,
    )


def human_annotators(project: Project) -> list[str]:
    """The people whose layers can be compared (models' suggestion layers are not annotations)."""
    return project.annotator_names(humans_only=True)


# --- comparison and adjudication ---------------------------------------------------------------


@dataclass(frozen=True)
class CompareItem:
    """One compared item of the document, for the difference list and the decision panel.

    ``kind`` is the core's (``annotator.review.comparison``): a span kind (``agreement``,
    ``label``, ``boundary``, ``only_one``), ``attribute``, ``actor``, ``relation`` or
    ``doc_label``; ``versions`` each annotator's spans there (a relation's: its ends; absent:
    that annotator has no span here); ``difference`` the core's item, which the decisions take.
    """

    kind: str
    start: int
    end: int
    versions: dict[str, tuple[SpanRecord, ...]]
    in_gold: bool
    difference: Difference

    def first(self, annotator: str) -> SpanRecord | None:
        spans = self.versions.get(annotator, ())
        return spans[0] if spans else None

    def span_ids(self) -> set[int]:
        return {span.id for spans in self.versions.values() for span in spans}

    @property
    def state(self) -> str:
        """``gold`` (decided into gold), ``rejected`` or ``pending``."""
        return self.difference.state

    @property
    def topic(self) -> str:
        """What the item is about: the attribute, "actor", "relation", the document label group."""
        return "" if self.kind in SPAN_KINDS else self.kind if self.difference.key is None \
            else str(self.difference.key)

    def version_text(self, annotator: str) -> str:
        """``annotator``'s version as the reviewer reads it ("accusation", "ORG, LOC", "(none)")."""
        if self.kind in SPAN_KINDS:
            return ", ".join(span.label for span in self.versions.get(annotator, ())) or "(none)"
        return value_text(self.difference.value_of(annotator))

    def who_said_what(self, annotators: Sequence[str]) -> str:
        """"claim_type: anna evaluation · boris accusation"; a span item: "anna: ORG; boris: PER"."""
        if self.kind in SPAN_KINDS:
            return "; ".join(f"{who}: {', '.join(span.label for span in spans)}" for who, spans in self.versions.items())
        versions = " · ".join(f"{who} {self.version_text(who)}" for who in annotators)
        return f"{self.topic}: {versions}"

    def gold_text(self) -> str:
        """What gold holds for the item now."""
        if self.kind in SPAN_KINDS:
            return "in gold" if self.in_gold else "not in gold yet"
        if self.kind in ("attribute", "actor") and self.difference.gold is None:
            return "no gold copy of the span yet"
        return value_text(self.difference.gold_value)


def compare(project: Project, doc_id: int, annotators: Sequence[str]) -> list[CompareItem]:
    items = []
    for found in comparison.compare(project, doc_id, annotators):
        versions: dict[str, tuple[SpanRecord, ...]] = {}
        for span in found.spans:
            versions[span.annotator] = (*versions.get(span.annotator, ()), span)
        items.append(CompareItem(found.kind, found.start, found.end, versions, found.in_gold, found))
    return items


def take_version(item: CompareItem, annotator: str, adjudicator: str) -> tuple[Operation, str]:
    """The operation that takes ``annotator``'s version of the item into gold, and what it does in
    words for the status bar ("boris's claim_type=accusation")."""
    return curation.take_version(item.difference, annotator, adjudicator), \
        curation.version_title(item.difference, annotator)


def annotators_of(project: Project, doc_id: int) -> list[str]:
    """Everyone with a span in the document's annotation layer, to compare by default."""
    names = {span.annotator for span in project.annotations.spans(doc_id, layers=["annotation"])}
    humans = set(human_annotators(project))
    return sorted(names & humans)


def provenance(project: Project, span_id: int) -> tuple[str | None, str | None]:
    """(whose version, adjudicated by whom) of a gold span."""
    return adjudicate.provenance(project, span_id)


def provenance_html(project: Project, span: SpanRecord) -> str:
    """Rich text for the gold span's tooltip and the window's inspector line."""
    if span.layer != "gold":
        return ""
    try:
        origin, adjudicator = provenance(project, span.id)
    except UserError:
        return ""  # deleted meanwhile
    whose = f"{escape(origin)}'s version" if origin else "made in gold"
    lines = [f"<b>Gold {escape(span.label)}</b>: {whose}, adjudicated by {escape(adjudicator or span.annotator)}"]
    for reviewer, text in adjudicate.span_comments(project, span.document_id).get(span.id, []):
        lines.append(f"<i>{escape(reviewer)}:</i> {escape(text)}")
    return "<p>" + "<br>".join(lines) + "</p>"
