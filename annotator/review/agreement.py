"""Inter-annotator agreement of a project's annotation layers.

Which documents and annotators count is ``corpus.py``'s ``observed`` rule; what a span
contributes is ``units.py``'s (each fragment a unit, one annotator's overlapping spans of a
label merged, with a warning). The measures:

- Krippendorff's αu on character offsets, per label and overall (``krippendorff.py``, computed
  through ``alpha_terms.py``). The published definition is for one continuum, so the counted
  documents are laid end to end as one continuum (units never cross a document boundary).
  Documents whose observers differ form separate continua whose disagreements are averaged
  weighted by length; with one set of observers this is exactly the published formula.
- Span F1 of each pair, exact and overlap (``span_matching.py``: optimal one-to-one matching),
  per label micro-averaged over pairs, with each pair's precision and recall (a against b).
- On token labels (``token_measures.py``, one tie-break rule for all): Cohen's κ per pair,
  Fleiss' κ on the documents every annotator observes, Krippendorff's nominal α and Gwet's AC1
  overall and per label.
- Attribute values of matched spans (``attribute_agreement.py``) and relations between matched
  spans (``relation_agreement.py``).
- Each annotator against gold (``gold_agreement.py``), and each document's differences of
  every kind, which rank the documents worst first (``differences.py``).
- With a ``Resampling``: bootstrap 95% intervals (``bootstrap.py``) for αu (overall and per
  label) and every token figure.

Every figure says what it rests on (documents, annotators); one that cannot be computed is not
available, with the reason (``figures.py``), never 1.0.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from annotator.errors import Errors
from annotator.review.agreement_report import (
    AgreementReport,
    Counts,
    Coverage,
    DocumentScore,
    LabelScores,
    PairScores,
    RelationScores,
)
from annotator.review.alpha_model import alpha_value, corpus_alpha
from annotator.review.alpha_terms import CorpusAlpha
from annotator.review.attribute_agreement import AttributeScores, MatchedSpans, attribute_scores
from annotator.review.bootstrap import Resampling, counts, draws, interval
from annotator.review.corpus import AgreementOptions, DocData, Selection, load_corpus, observers_in
from annotator.review.differences import Differences, document_differences
from annotator.review.figures import Figure
from annotator.review.gold_agreement import gold_scores
from annotator.review.relation_agreement import relation_counts
from annotator.review.span_matching import PairMatch, match_pair
from annotator.review.token_measures import (
    TokenSums,
    cohen,
    fleiss,
    gwet_ac1,
    gwet_binary,
    krippendorff_binary,
    krippendorff_nominal,
    token_sums,
    token_table,
)
from annotator.review.units import Units, build_units, span_columns
from annotator.store.project import Project
from annotator.tasks import TaskControl

__all__ = ["AgreementOptions", "AgreementReport", "Resampling", "agreement", "compute"]

FloatArray = NDArray[np.float64]
_ALL = AgreementOptions()


def agreement(project: Project, options: AgreementOptions = _ALL, resampling: Resampling | None = None,
              control: TaskControl | None = None) -> AgreementReport:
    """Every measure over the documents the options select (see the module docstring)."""
    control = control or TaskControl()
    control.report(0, 1, "Reading annotations…")
    corpus = load_corpus(project, options)
    control.raise_if_cancelled()
    return compute(corpus.docs, chosen=corpus.chosen, labels=options.labels, selection=corpus.selection,
                   attributes=corpus.attributes, resampling=resampling, control=control)


def compute(docs: Sequence[DocData], *, chosen: Sequence[str] = (), labels: Sequence[str] | None = None,
            selection: Selection | None = None, attributes: Mapping[str, Sequence[str]] | None = None,
            resampling: Resampling | None = None, control: TaskControl | None = None) -> AgreementReport:
    """The report for documents already loaded (``corpus.load_corpus``); ``labels`` are the
    labels asked for (shown even when unused), ``attributes`` each label's schema attributes."""
    control = control or TaskControl()
    selection = selection or Selection("done", len(docs))
    annotators = observers_in(docs) or tuple(chosen)
    columns = span_columns(docs, annotators)
    label_names = tuple(sorted(columns.label_names() | set(labels or ())))
    steps = 5 + (resampling.replicates if resampling is not None and len(docs) >= 2 else 0)
    control.report(1, steps, f"Measuring agreement over {len(docs)} documents…")
    units = build_units(docs, annotators, label_names, columns)
    observed = np.array([[name in doc.observers for doc in docs] for name in annotators], dtype=bool).reshape(
        len(annotators), len(docs))
    no_docs = Errors.E1000.format(observed=selection.observed, considered=selection.considered,
                                  one=selection.one_observer, none=selection.no_observer)
    asked = f" labelled {', '.join(labels)}" if labels else ""
    no_units = Errors.E1001.format(labels=asked, documents=len(docs))

    alpha_model = corpus_alpha(docs, units) if docs else None
    alpha, alpha_labels = _alpha_figures(alpha_model, units, no_docs, no_units)
    control.raise_if_cancelled()
    control.report(2, steps, "Matching spans…")
    pairwise, matches, label_counts = _pairs(docs, units, observed, no_docs)
    control.raise_if_cancelled()
    control.report(3, steps, "Labelling tokens…")
    sums = token_sums(token_table([doc.text for doc in docs], observed, units)) if docs else None
    tokens = _token_figures(sums, units, no_docs)
    control.raise_if_cancelled()
    control.report(4, steps, "Comparing attributes and relations…")
    relations, relation_f1, relations_unmatched = _relations(docs, units, matches)
    report = AgreementReport(
        annotators, len(docs), selection, alpha, tokens["alpha"], tokens["ac1"], tokens["fleiss"],
        Coverage(int(sums.fleiss_docs.sum()) if sums is not None else 0, annotators), {}, pairwise,
        _attributes(docs, units, matches, attributes or {}), relations, doc_ids=[doc.id for doc in docs])
    for index, pair in enumerate(pairwise):
        pair.cohen_kappa = tokens["cohen"][index]
        pair.relation_f1 = relation_f1[index]
    for code, label in enumerate(label_names):
        total = label_counts[label]
        reason = Errors.E1001.format(labels=f" labelled {label}", documents=len(docs)) if docs else no_docs
        report.per_label[label] = LabelScores(
            int(np.sum(units.label == code)), alpha_labels[code], total.f1(total.exact, reason),
            total.f1(total.overlap, reason), tokens["label_alpha"][code], tokens["label_ac1"][code])
    if units.overlapping_spans:
        report.warnings.append(Errors.E1005.format(spans=units.overlapping_spans, documents=units.overlapping_docs))
    if report.relations.left_out:
        report.warnings.append(Errors.E1012.format(count=report.relations.left_out))
    if alpha_model is not None:
        report.document_scores = _document_scores(
            docs, alpha_model, no_units, document_differences(docs, units, matches, relations_unmatched))
    report.gold_documents, report.gold = gold_scores(docs, annotators, label_names)
    if resampling is not None:
        _intervals(report, resampling, alpha_model, sums, control, steps)
    control.report(steps, steps, "Done.")
    return report


# --- αu ---------------------------------------------------------------------------------------


def _alpha_figures(model: CorpusAlpha | None, units: Units, no_docs: str,
                   no_units: str) -> tuple[Figure, list[Figure]]:
    if model is None:
        return Figure(None, no_docs), [Figure(None, no_docs) for _label in units.labels]
    observed, expected = model.corpus()
    per_label = []
    for code, label in enumerate(units.labels):
        has_units = bool(np.any(units.label == code))
        reason = Errors.E1004.format(label=label) if has_units else Errors.E1001.format(
            labels=f" labelled {label}", documents=len(model.lengths))
        per_label.append(Figure.of(float(alpha_value(observed[code:code + 1], expected[code:code + 1])[0]), reason))
    reason = Errors.E1004.format(label="") if len(units) else no_units
    overall = Figure.of(float(alpha_value(observed.sum(keepdims=True), expected.sum(keepdims=True))[0]), reason)
    return overall, per_label


def _document_scores(docs: Sequence[DocData], model: CorpusAlpha, no_units: str,
                     differences: Sequence[Differences]) -> list[DocumentScore]:
    """Each document's αu on its own and its differences, worst first: the most differences
    (``differences.py``), then the lowest αu."""
    observed, expected = model.documents()
    values = alpha_value(observed.sum(axis=1), expected.sum(axis=1))
    rows = [DocumentScore(doc.id, doc.title or f"#{doc.id}", Figure.of(float(value), no_units),
                          sum(len(layer) for layer in doc.spans.values()), found)
            for doc, value, found in zip(docs, values.tolist(), differences, strict=True)]
    rows.sort(key=lambda row: (-row.differences.total, row.alpha_u.value is None, row.alpha_u.value or 0.0,
                               row.doc_id))
    return rows


# --- span F1 ----------------------------------------------------------------------------------


def _pairs(docs: Sequence[DocData], units: Units, observed: NDArray[np.bool_],
           no_docs: str) -> tuple[list[PairScores], list[tuple[int, int, NDArray[np.bool_], PairMatch]],
                                  dict[str, Counts]]:
    label_counts = {label: Counts() for label in units.labels}
    pairwise, matches = [], []
    for a in range(len(units.annotators)):
        for b in range(a + 1, len(units.annotators)):
            name_a, name_b = units.annotators[a], units.annotators[b]
            both = observed[a] & observed[b]
            match = match_pair(units, a, b, both)
            counts = {label: Counts(int(match.n_a[code]), int(match.n_b[code]), int(match.exact[code]),
                                    int(match.overlap[code])) for code, label in enumerate(units.labels)}
            total = Counts()
            for label, label_total in counts.items():
                total.add(label_total)
                label_counts[label].add(label_total)
            reason = (Errors.E1001.format(labels="", documents=int(both.sum())) if both.any()
                      else Errors.E1013.format(a=name_a, b=name_b) if len(docs) else no_docs)
            pair = PairScores(name_a, name_b, int(both.sum()), counts, total.f1(total.exact, reason),
                              total.f1(total.overlap, reason), Figure(None), Figure(None))
            reasons = (Errors.E1180.format(who=name_a, documents=int(both.sum()),
                                           measure=f"{name_a}'s precision against {name_b}"),
                       Errors.E1180.format(who=name_b, documents=int(both.sum()),
                                           measure=f"{name_a}'s recall against {name_b}")) if both.any() \
                else (reason, reason)
            pair.precision_exact, pair.recall_exact = total.precision_recall(total.exact, *reasons)
            pair.precision_overlap, pair.recall_overlap = total.precision_recall(total.overlap, *reasons)
            pairwise.append(pair)
            matches.append((a, b, both, match))
    return pairwise, matches, label_counts


# --- token measures ---------------------------------------------------------------------------


def _token_values(sums: TokenSums, weights: FloatArray | None) -> dict[str, Any]:
    """Every token figure's value for each row: the corpus (weights None) or resamples."""
    rows = sums.total(weights)
    return {
        "cohen": [cohen(matrix, sums.k) for matrix in rows.confusion],
        "fleiss": fleiss(rows.fleiss_squares, rows.fleiss_items, rows.fleiss_categories, sums.m),
        "alpha": krippendorff_nominal(rows.coincidence, sums.k),
        "ac1": gwet_ac1(rows.agree, rows.rated_twice, rows.share, rows.rated),
        "label_alpha": [krippendorff_binary(rows.coincidence, sums.k, code) for code in range(1, sums.k)],
        "label_ac1": [gwet_binary(rows.agree_label[:, code], rows.rated_twice, rows.share[:, code], rows.rated)
                      for code in range(1, sums.k)],
    }


def _token_figures(sums: TokenSums | None, units: Units, no_docs: str) -> dict[str, Any]:
    if sums is None:
        missing = Figure(None, no_docs)
        n_pairs = len(units.annotators) * (len(units.annotators) - 1) // 2
        return {"cohen": [missing] * n_pairs, "fleiss": missing, "alpha": missing, "ac1": missing,
                "label_alpha": [missing] * len(units.labels), "label_ac1": [missing] * len(units.labels)}
    values = _token_values(sums, None)
    only_o = Errors.E1002.format(category="O, outside every span", what="the token labels")

    def one(what: str) -> str:
        return Errors.E1002.format(category="one label everywhere", what=what)

    cohen_figures = []
    for (a, b), value, confusion in zip(sums.pairs, values["cohen"], sums.confusion, strict=True):
        name_a, name_b = units.annotators[a], units.annotators[b]
        reason = one(f"{name_a} and {name_b}'s token labels") if confusion.sum() else \
            Errors.E1013.format(a=name_a, b=name_b)
        cohen_figures.append(Figure.of(float(value[0]), reason))
    names = ", ".join(units.annotators)
    fleiss_reason = one("the token labels") if sums.fleiss_docs.any() else Errors.E1003.format(
        count=len(units.annotators), names=names)
    return {
        "cohen": cohen_figures,
        "fleiss": Figure.of(float(values["fleiss"][0]), fleiss_reason),
        "alpha": Figure.of(float(values["alpha"][0]), only_o if not len(units) else one("the token labels")),
        "ac1": Figure.of(float(values["ac1"][0]), only_o if not len(units) else one("the token labels")),
        "label_alpha": [Figure.of(float(value[0]), one(f"the tokens, {label} or not"))
                        for value, label in zip(values["label_alpha"], units.labels, strict=True)],
        "label_ac1": [Figure.of(float(value[0]), one(f"the tokens, {label} or not"))
                      for value, label in zip(values["label_ac1"], units.labels, strict=True)],
    }


# --- attributes and relations -----------------------------------------------------------------


def _attributes(docs: Sequence[DocData], units: Units, matches: Sequence[tuple[int, int, Any, PairMatch]],
                schema: Mapping[str, Sequence[str]]) -> list[AttributeScores]:
    """The matched spans' attribute values, compared (``attribute_agreement.py``): pairs where
    neither span has values are counted per label, the others read one by one."""
    attrs = {span_id: values for doc in docs for layer in doc.spans.values() for span_id, values in layer.attrs.items()}
    labels_with = [code for code, label in enumerate(units.labels) if schema.get(label)]
    if not attrs and not labels_with:
        return []
    with_values = np.fromiter(attrs, dtype=np.int64, count=len(attrs))
    pairs = []
    for a, b, _both, match in matches:
        # each distinct pair of spans once (a span with fragments is matched piece by piece)
        spans = np.column_stack([units.span[match.pairs_a], units.span[match.pairs_b]])
        _keys, first = np.unique(spans, axis=0, return_index=True)
        rows = np.sort(first)
        span_a, span_b, label = spans[rows, 0], spans[rows, 1], units.label[match.pairs_a[rows]]
        valued = np.isin(span_a, with_values) | np.isin(span_b, with_values)
        plain = np.bincount(label[~valued], minlength=len(units.labels))
        pairs.append(MatchedSpans(
            units.annotators[a], units.annotators[b],
            [(units.labels[code], attrs.get(x, {}), attrs.get(y, {})) for code, x, y in
             zip(label[valued].tolist(), span_a[valued].tolist(), span_b[valued].tolist(), strict=True)],
            {units.labels[code]: int(plain[code]) for code in labels_with if plain[code]}))
    return attribute_scores(pairs, schema)


def _relations(docs: Sequence[DocData], units: Units, matches: Sequence[tuple[int, int, NDArray[np.bool_], PairMatch]]
               ) -> tuple[RelationScores, list[Figure], list[list[int]]]:
    """Relation F1 over all pairs (per type and overall), each pair's, and the documents of
    each pair's unmatched relations."""
    n_a: dict[str, int] = {}
    n_b: dict[str, int] = {}
    matched: dict[str, int] = {}
    left_out = 0
    pair_f1 = []
    unmatched = []
    for a, b, both, match in matches:
        counts = relation_counts(docs, units, a, b, both, match)
        left_out += counts.left_out
        unmatched.append(counts.unmatched_docs)
        for tally, part in ((n_a, counts.n_a), (n_b, counts.n_b), (matched, counts.matched)):
            for label, count in part.items():
                tally[label] = tally.get(label, 0) + count
        total = sum(counts.n_a.values()) + sum(counts.n_b.values())
        pair_f1.append(Figure.of(2.0 * sum(counts.matched.values()) / total if total else None, Errors.E1006))
    types = sorted(set(n_a) | set(n_b))
    per_type = {label: Figure.of(2.0 * matched.get(label, 0) / (n_a.get(label, 0) + n_b.get(label, 0)),
                                 Errors.E1006) for label in types}
    total = sum(n_a.values()) + sum(n_b.values())
    scores = RelationScores(Figure.of(2.0 * sum(matched.values()) / total if total else None, Errors.E1006),
                            per_type, total, left_out)
    return scores, pair_f1, unmatched


# --- intervals --------------------------------------------------------------------------------


def _intervals(report: AgreementReport, resampling: Resampling, model: CorpusAlpha | None, sums: TokenSums | None,
               control: TaskControl, steps: int) -> None:
    """Bootstrap intervals for αu and the token figures, written into ``report``'s figures."""
    report.resampling = resampling
    n_docs = report.documents
    if n_docs < 2 or model is None or sums is None:
        note = Errors.E1008.format(documents=n_docs)
        report.alpha_u = report.alpha_u.with_interval(None, note)
        report.fleiss_kappa = report.fleiss_kappa.with_interval(None, note)
        report.token_alpha = report.token_alpha.with_interval(None, note)
        report.ac1 = report.ac1.with_interval(None, note)
        for pair in report.pairwise:
            pair.cohen_kappa = pair.cohen_kappa.with_interval(None, note)
        return
    collected: dict[str, list[FloatArray]] = {}

    def keep(name: str, values: FloatArray) -> None:
        collected.setdefault(name, []).append(values)

    done = 0
    for draw in draws(resampling, n_docs):
        control.raise_if_cancelled()
        observed, expected = model.replicates(draw)
        keep("alpha_u", alpha_value(observed.sum(axis=1), expected.sum(axis=1)))
        for code in range(len(report.per_label)):
            keep(f"alpha_u/{code}", alpha_value(observed[:, code], expected[:, code]))
        values = _token_values(sums, counts(draw, n_docs))
        for name in ("fleiss", "alpha", "ac1"):
            keep(name, values[name])
        for index, value in enumerate(values["cohen"]):
            keep(f"cohen/{index}", value)
        for code in range(len(report.per_label)):
            keep(f"label_alpha/{code}", values["label_alpha"][code])
            keep(f"label_ac1/{code}", values["label_ac1"][code])
        done += draw.shape[0]
        control.report(5 + done, steps, f"Bootstrap: {done} of {resampling.replicates} resamples…")

    def bounded(name: str) -> Callable[[Figure], Figure]:
        found, note = interval(np.concatenate(collected[name]), resampling.level)
        return lambda figure: figure.with_interval(found, note)

    report.alpha_u = bounded("alpha_u")(report.alpha_u)
    report.fleiss_kappa = bounded("fleiss")(report.fleiss_kappa)
    report.token_alpha = bounded("alpha")(report.token_alpha)
    report.ac1 = bounded("ac1")(report.ac1)
    for index, pair in enumerate(report.pairwise):
        pair.cohen_kappa = bounded(f"cohen/{index}")(pair.cohen_kappa)
    for code, scores in enumerate(report.per_label.values()):
        scores.alpha_u = bounded(f"alpha_u/{code}")(scores.alpha_u)
        scores.token_alpha = bounded(f"label_alpha/{code}")(scores.token_alpha)
        scores.ac1 = bounded(f"label_ac1/{code}")(scores.ac1)
