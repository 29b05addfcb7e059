"""The comparison window's stacked layers: one read-only view per annotator, and gold below.

Why a widget of its own: which spans a layer holds, where the gold span of a compared item is and
how the views scroll together are questions about the layers alone; the window only decides
what to do with the answers. Each view has owner ``None`` (nothing is tinted as "own"); their
vertical scrolling is synced by fraction, since the views lay out their gaps differently.

An annotator's view shows the review marks of their spans (``ReviewedView``): a span accepted
into gold is boxed in green, a rejected one struck through in red, a pending one as usual; the
hover text says which. The marks are drawn over the text view's own painting rather than taught
to it, since only this window has them.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen, QTextCursor
from PySide6.QtWidgets import QLabel, QSplitter, QVBoxLayout, QWidget

from annotator.gui import review_bridge as bridge
from annotator.gui.offsets import OffsetMap
from annotator.gui.review_bridge import CompareItem
from annotator.gui.textview import DocumentView
from annotator.store import Project
from annotator.store.records import RelationRecord, SpanRecord

GOLD = "gold"
MARK_COLORS = {"accepted": QColor("#2e7d32"), "rejected": QColor("#c62828")}
MARK_WORDS = {"accepted": "accepted into gold", "rejected": "rejected by the reviewer"}


class ReviewedView(DocumentView):
    """An annotator's layer with their spans' review marks drawn over it (module docstring)."""

    def __init__(self) -> None:
        super().__init__()
        self._marks: dict[int, str] = {}
        self._positions = OffsetMap("")
        self.tooltip_extra = self._mark_tooltip

    def set_document(self, text: str, spans: Sequence[SpanRecord], relations: Sequence[RelationRecord],
                     colors: dict[str, str], *, owner: str | None) -> None:
        self._positions = OffsetMap(text)
        self._marks = _marks(spans)
        super().set_document(text, spans, relations, colors, owner=owner)

    def set_annotations(self, spans: Sequence[SpanRecord], relations: Sequence[RelationRecord]) -> None:
        self._marks = _marks(spans)
        super().set_annotations(spans, relations)

    def review_marks(self) -> dict[int, str]:
        """Span id → ``accepted`` or ``rejected``, for the spans drawn with a mark."""
        return dict(self._marks)

    def _mark_tooltip(self, span: SpanRecord) -> str:
        mark = self._marks.get(span.id)
        return f"<p><i>Review: {MARK_WORDS[mark]}</i></p>" if mark else ""

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._marks:
            return
        painter = QPainter(self.viewport())
        painter.setClipRect(event.rect())
        for span_id, mark in self._marks.items():
            span = self.span(span_id)
            if span is not None:
                self._paint_mark(painter, span, mark, event.rect())
        painter.end()

    def _paint_mark(self, painter: QPainter, span: SpanRecord, mark: str, area: QRect) -> None:
        start, end = self._caret(span.start), self._caret(span.end)
        if end.bottom() < area.top() or start.top() > area.bottom():
            return
        left, right = self.document().documentMargin(), self.viewport().width() - self.document().documentMargin()
        pieces = [(start, start.left(), end.left())] if start.top() == end.top() else [
            (start, start.left(), right), (end, left, end.left())]  # the first and the last line of it
        painter.setPen(QPen(MARK_COLORS[mark], 1.5))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for line, x1, x2 in pieces:
            if mark == "rejected":
                y = line.center().y()
                painter.drawLine(QPointF(x1, y), QPointF(x2, y))
            else:
                painter.drawRoundedRect(QRectF(x1 - 2.0, line.top() - 1.0, x2 - x1 + 4.0, line.height() + 2.0), 3, 3)

    def _caret(self, offset: int) -> QRect:
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._positions.to_qt(offset))
        return self.cursorRect(cursor)


def _marks(spans: Sequence[SpanRecord]) -> dict[int, str]:
    return {span.id: span.status for span in spans if span.status in MARK_COLORS}


class LayerStack(QSplitter):
    """The annotators' layers of one document, stacked, with the gold layer at the bottom."""

    spanClicked = Signal(str, int)  # layer name (an annotator or GOLD), span id

    def __init__(self, project: Project, annotators: Sequence[str], adjudicator: str) -> None:
        super().__init__(Qt.Orientation.Vertical)
        self._project = project
        self._syncing = False
        self.views: dict[str, DocumentView] = {}
        for name in [*annotators, GOLD]:
            pane = QWidget()
            layout = QVBoxLayout(pane)
            layout.setContentsMargins(0, 0, 0, 0)
            title = QLabel(f"<b>{name}</b>" if name != GOLD else f"<b>Gold</b> (adjudicated by {adjudicator})")
            view = DocumentView() if name == GOLD else ReviewedView()
            if name == GOLD:
                view.tooltip_extra = lambda span: bridge.provenance_html(self._project, span)
            view.spanClicked.connect(lambda span_id, who=name: self.spanClicked.emit(who, span_id))
            view.verticalScrollBar().valueChanged.connect(lambda _value, source=view: self._sync_scroll(source))
            layout.addWidget(title)
            layout.addWidget(view, 1)
            self.addWidget(pane)
            self.views[name] = view

    def set_document(self, doc_id: int, text: str) -> None:
        """Another document (or the first): every view lays out its text anew."""
        colors = self._project.label_colors()
        for name, view in self.views.items():
            view.set_document(text, *self._layer(doc_id, name), colors, owner=None)

    def reload(self, doc_id: int) -> None:
        """The same document after a change: only the annotations are read again."""
        for name, view in self.views.items():
            view.set_annotations(*self._layer(doc_id, name))

    def _layer(self, doc_id: int, name: str) -> tuple[list[SpanRecord], list[RelationRecord]]:
        annotations = self._project.annotations
        if name == GOLD:
            return (annotations.spans(doc_id, layers=[GOLD]), annotations.relations(doc_id, layers=[GOLD]))
        return (annotations.spans(doc_id, annotators=[name], layers=["annotation"]),
                annotations.relations(doc_id, annotators=[name], layers=["annotation"]))

    def relations_of(self, doc_id: int, span: SpanRecord) -> list[RelationRecord]:
        """The relations at either end of a compared annotator's span, in that annotator's layer."""
        view = self.views.get(span.annotator)
        relations = self._project.annotations.relations(doc_id, annotators=[span.annotator],
                                                        layers=["annotation"]) if view is not None else []
        return [relation for relation in relations if span.id in (relation.head_id, relation.tail_id)]

    def show_item(self, item: CompareItem | None) -> None:
        """Make each layer's span of the item current; a layer with none puts its caret there."""
        for name, view in self.views.items():
            if item is None:
                view.set_current_span(None)
            elif name == GOLD:
                gold = self.gold_at(item)
                view.set_current_span(gold.id if gold is not None else None)
                if gold is None:
                    view.select_range(item.start, item.start)
            else:
                span = item.first(name)
                view.set_current_span(span.id if span is not None else None)
                if span is None:
                    view.select_range(item.start, item.start)  # scrolls the caret there

    def gold_at(self, item: CompareItem) -> SpanRecord | None:
        """The gold span adjudicated for this item: one of its versions' offsets, else overlapping."""
        gold = self.views[GOLD]
        candidates = [span for span_id in gold.span_ids_in_order() if (span := gold.span(span_id)) is not None]
        versions = {(span.start, span.end) for spans in item.versions.values() for span in spans}
        overlapping = [span for span in candidates if span.start < item.end and item.start < span.end]
        exact = [span for span in overlapping if (span.start, span.end) in versions]
        chosen = exact or overlapping
        return chosen[0] if chosen else None

    def current_gold(self) -> SpanRecord | None:
        gold = self.views[GOLD]
        span_id = gold.current_span_id()
        return gold.span(span_id) if span_id is not None else None

    def selected_range(self) -> tuple[int, int] | None:
        """The text selected in the first layer that has a selection, if any."""
        return next((selected for view in self.views.values() if (selected := view.selected_range())), None)

    def _sync_scroll(self, source: DocumentView) -> None:
        if self._syncing:
            return
        self._syncing = True
        try:
            bar = source.verticalScrollBar()
            fraction = bar.value() / bar.maximum() if bar.maximum() else 0.0
            for view in self.views.values():
                if view is not source:
                    other = view.verticalScrollBar()
                    other.setValue(round(fraction * other.maximum()))
        finally:
            self._syncing = False
