"""The dashboard's charts as Matplotlib ``Figure`` objects, without pyplot and without Qt.

Figures are made with ``matplotlib.figure.Figure`` directly (pyplot keeps global state and picks
a GUI backend); the same figure is shown by the window's ``FigureCanvasQTAgg`` and saved as PNG,
SVG or a PDF page by the reports. Label colours are the schema's (``project.label_colors``), so
THREAT is the same vermilion in the editor and in every chart; annotators, who have no colour in
the schema, take the Okabe–Ito colour-blind-safe palette the schema's colours come from.

The network is drawn edge by edge (``FancyArrowPatch``, bent with ``arc3`` so that A→B, B→A
and the two kinds of edge between one pair never lie on top of each other); ``edge_at`` finds
the edge under a point with the same geometry, which is how a click in the window picks one.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from matplotlib.axes import Axes
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, date2num
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch
from matplotlib.ticker import MaxNLocator

from annotator.dashboard.compute import Dashboard
from annotator.dashboard.labels import LabelCounts
from annotator.dashboard.network import ActorNetwork, NetworkEdge
from annotator.dashboard.progress import ProgressData
from annotator.dashboard.timeline import TIMELINE_LABELS, Timeline, period_length
from annotator.dashboard.trend import AgreementTrend, is_number

#: Chart name (file stem of exports) -> title (tab and report heading), in the window's order.
CHARTS: dict[str, str] = {
    "progress": "Progress",
    "labels": "Labels",
    "agreement": "Agreement trend",
    "network": "Actor network",
    "timeline": "Timeline",
}
ANNOTATOR_COLORS = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#000000")
DONE_COLOR, IN_PROGRESS_COLOR, TODO_COLOR = "#009e73", "#e69f00", "#dddddd"
FALLBACK_COLOR = "#888888"
SIZE = (10.0, 6.0)  # inches: readable on screen at 100 dpi and on an A4 landscape page
CURVE = {"threat": 0.12, "claim": -0.12}  # arc3 bend: the two kinds bow to opposite sides
MAX_PANELS = 6
#: More links than this make a hairball that takes long to draw; the lists keep every link.
MAX_DRAWN_EDGES = 150


def new_figure(size: tuple[float, float] = SIZE) -> Figure:
    return Figure(figsize=size, dpi=100, layout="constrained")


def _empty(ax: Axes, message: str) -> None:
    ax.text(0.5, 0.5, message, ha="center", va="center", wrap=True, color="#555555", transform=ax.transAxes)
    ax.set_axis_off()


def _date_axis(ax: Axes, days: list[date]) -> None:
    """Concise date ticks, and limits padded around the data: a single day would otherwise
    stretch the axis over years."""
    locator = AutoDateLocator(minticks=3, maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    first, last = min(days), max(days)
    pad = max(timedelta(days=3), (last - first) * 0.06)
    ax.set_xlim(_x(first) - pad.days, _x(last) + pad.days)


def _count_axis(ax: Axes, axis: str = "y") -> None:
    """Counts are whole numbers: no 2.5 documents on the ticks."""
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_locator(MaxNLocator(integer=True))


def _x(day: date) -> float:
    """A day as Matplotlib's date axis counts it (days since its epoch); it sets up the axis's
    date ticks like a ``datetime`` would, and keeps arithmetic on bar offsets plain."""
    return float(date2num(datetime(day.year, day.month, day.day)))


# --- progress ------------------------------------------------------------------------------------


def progress_figure(data: ProgressData) -> Figure:
    """Documents done / in progress / to do per annotator, and spans made per day."""
    figure = new_figure()
    if not data.annotators:  # one message in the middle, not in the left of two empty panels
        _empty(figure.subplots(), "No annotator has marked a document or made a span yet.")
        figure.suptitle(f"Progress over {data.total_documents} documents")
        return figure
    status_ax, days_ax = figure.subplots(1, 2, width_ratios=(2, 3))
    names = [row.annotator for row in data.annotators]
    done = [row.done for row in data.annotators]
    busy = [row.in_progress for row in data.annotators]
    todo = [max(data.total_documents - d - b, 0) for d, b in zip(done, busy, strict=True)]
    status_ax.barh(names, done, color=DONE_COLOR, label="done")
    status_ax.barh(names, busy, left=done, color=IN_PROGRESS_COLOR, label="in progress")
    status_ax.barh(names, todo, left=[d + b for d, b in zip(done, busy, strict=True)], color=TODO_COLOR,
                   label="to do")
    for index, count in enumerate(done):
        status_ax.text(data.total_documents, index, f" {count}/{data.total_documents}", va="center", fontsize=9)
    status_ax.invert_yaxis()
    status_ax.set_xlim(0, max(data.total_documents, 1) * 1.25)
    status_ax.set_xlabel("documents")
    _count_axis(status_ax, "x")
    status_ax.set_title("Documents")
    status_ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncols=3, fontsize=8, frameon=False)
    all_days: list[date] = []
    for index, row in enumerate(data.annotators):
        if not row.spans_per_day:
            continue
        days = sorted(row.spans_per_day)
        days_ax.plot([_x(d) for d in days], [row.spans_per_day[d] for d in days], "o-",
                     color=ANNOTATOR_COLORS[index % len(ANNOTATOR_COLORS)], label=row.annotator)
        all_days += days
    if all_days:
        _date_axis(days_ax, all_days)
        days_ax.set_ylim(bottom=0, top=max(max(row.spans_per_day.values(), default=0)
                                           for row in data.annotators) * 1.15 + 1)
        _count_axis(days_ax)
        days_ax.set_ylabel("spans created")
        days_ax.set_title("Spans per day")
        days_ax.legend(fontsize=8, frameon=False)
        days_ax.grid(axis="y", alpha=0.3)
    else:
        _empty(days_ax, "No spans in the annotators' layers yet.")
    figure.suptitle(f"Progress over {data.total_documents} documents")
    return figure


# --- labels ----------------------------------------------------------------------------------------


def labels_figure(counts: LabelCounts, colors: dict[str, str]) -> Figure:
    """Spans per label, one panel per annotator (all together when there are many)."""
    figure = new_figure()
    if not counts.annotators:
        _empty(figure.subplots(), "No spans in this selection.")
        return figure
    panels: list[tuple[str, Callable[[str], int]]]
    if len(counts.annotators) <= MAX_PANELS:
        panels = [(name, _counter_of(counts, name)) for name in counts.annotators]
    else:
        panels = [(f"all {len(counts.annotators)} annotators", counts.total)]
    columns = min(len(panels), 3)
    rows = math.ceil(len(panels) / columns)
    axes = figure.subplots(rows, columns, sharex=True, sharey=True, squeeze=False).ravel()
    highest = max(value(label) for _title, value in panels for label in counts.labels) or 1
    for ax, (title, value) in zip(axes, panels, strict=False):
        values = [value(label) for label in counts.labels]
        ax.barh(counts.labels, values, color=[colors.get(label, FALLBACK_COLOR) for label in counts.labels],
                edgecolor="#333333", linewidth=0.4)
        for index, count in enumerate(values):
            if count:
                ax.text(count, index, f" {count}", va="center", fontsize=8)
        ax.set_title(title)
        ax.set_xlabel("spans")
        ax.set_xlim(0, highest * 1.2)
        _count_axis(ax, "x")
        ax.grid(axis="x", alpha=0.3)
    for ax in axes[len(panels):]:
        ax.set_axis_off()
    axes[0].invert_yaxis()
    figure.suptitle("Spans per label")
    return figure


def _counter_of(counts: LabelCounts, annotator: str) -> Callable[[str], int]:
    return lambda label: counts.counts[(annotator, label)]


# --- agreement trend ---------------------------------------------------------------------------------


def _plottable(value: float | None) -> float:
    """A figure for the plot: undefined ones (None, NaN) become NaN, which leaves a gap."""
    return value if value is not None and is_number(value) else math.nan


def trend_figure(trend: AgreementTrend) -> Figure:
    """αu and mean pairwise F1 (overlap) per week, with the number of documents each rests on."""
    figure = new_figure()
    ax = figure.subplots()
    if not trend.points:
        _empty(ax, trend.reason)
        return figure
    weeks = [_x(point.week) for point in trend.points]
    alpha = [_plottable(point.alpha_u) for point in trend.points]
    f1 = [_plottable(point.f1_overlap) for point in trend.points]
    ax.plot(weeks, alpha, "o-", color="#0072b2", label="Krippendorff's αu")
    ax.plot(weeks, f1, "s--", color="#009e73", label="span F1 (overlap), mean of pairs")
    for week, value, point in zip(weeks, alpha, trend.points, strict=True):
        if not math.isnan(value):
            ax.annotate(f"{point.documents} doc{'s' if point.documents != 1 else ''}", (week, value),
                        textcoords="offset points", xytext=(0, 8), ha="center", fontsize=8, color="#555555")
    lowest = min([v for v in alpha + f1 if not math.isnan(v)], default=0.0)
    ax.set_ylim(min(0.0, lowest) - 0.05, 1.08)
    ax.axhline(0.8, color="#999999", linewidth=0.8, linestyle=":")
    _date_axis(ax, [point.week for point in trend.points])
    ax.set_xlabel("week the last annotator marked the document done" if trend.by == "annotated"
                  else "week the article was published")
    ax.set_ylabel("agreement")
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=8, frameon=False, loc="lower left")
    figure.suptitle("Agreement per week")
    return figure


# --- actor network ------------------------------------------------------------------------------------


@dataclass
class NetworkChart:
    """The drawn network: the figure, its axes, and the edges in the order they were drawn."""

    figure: Figure
    axes: Axes | None
    network: ActorNetwork
    drawn: list[tuple[NetworkEdge, FancyArrowPatch]] = field(default_factory=list)


def _edge_width(weight: int) -> float:
    return 1.0 + 1.6 * math.sqrt(weight - 1)


def network_figure(network: ActorNetwork, colors: dict[str, str]) -> NetworkChart:
    """Actors as nodes (size by mentions), threat and claim edges (width by weight)."""
    figure = new_figure()
    ax = figure.subplots()
    chart = NetworkChart(figure, ax, network)
    if not network.edges:
        _empty(ax, "No actor network in this selection: link ACTOR spans to actors of the registry, "
                   "then THREATs to them with source_of and targets, or CLAIMs with speaker_of and about.")
        chart.axes = None
        return chart
    ax.set_axis_off()
    ax.margins(0)
    positions = network.positions
    node_sizes = {node: 260.0 + 90.0 * math.sqrt(info.mentions) for node, info in network.nodes.items()}
    xs = [positions[node][0] for node in network.nodes]
    ys = [positions[node][1] for node in network.nodes]
    ax.scatter(xs, ys, s=[node_sizes[node] for node in network.nodes], color=colors.get("ACTOR", "#0072b2"),
               edgecolors="white", linewidths=1.2, zorder=3)
    edge_colors = {"threat": colors.get("THREAT", "#d55e00"), "claim": colors.get("CLAIM", "#e69f00")}
    for edge in network.edges[:MAX_DRAWN_EDGES]:  # heaviest first; the rest are listed, not drawn
        if edge.source == edge.target:
            continue  # listed beside the chart and in the report; a loop on a node hides its name
        arrow = FancyArrowPatch(
            positions[edge.source], positions[edge.target], arrowstyle="-|>", mutation_scale=15,
            connectionstyle=f"arc3,rad={CURVE[edge.kind]}", color=edge_colors[edge.kind],
            linewidth=_edge_width(edge.weight), linestyle="-" if edge.kind == "threat" else (0, (4, 2)),
            shrinkA=math.sqrt(node_sizes[edge.source]) / 2 + 1, shrinkB=math.sqrt(node_sizes[edge.target]) / 2 + 2,
            alpha=0.85, zorder=2)
        arrow.set_in_layout(False)
        ax.add_artist(arrow)  # not add_patch: an arrow's path is in pixels until drawn, not data limits
        chart.drawn.append((edge, arrow))
        if edge.weight > 1:
            (x1, y1), (x2, y2) = positions[edge.source], positions[edge.target]
            bend = CURVE[edge.kind] / 2
            mid = ((x1 + x2) / 2 + bend * (y2 - y1), (y1 + y2) / 2 - bend * (x2 - x1))
            ax.text(*mid, str(edge.weight), fontsize=8, ha="center", va="center", color=edge_colors[edge.kind],
                    bbox={"boxstyle": "circle,pad=0.15", "facecolor": "white", "edgecolor": "none"}, zorder=4,
                    in_layout=False)
    for node, info in network.nodes.items():
        x, y = positions[node]
        ax.annotate(info.name, (x, y), textcoords="offset points", ha="center", va="top", fontsize=8.5,
                    xytext=(0, -math.sqrt(node_sizes[node]) / 2 - 3), zorder=5, in_layout=False,
                    bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none", "alpha": 0.8})
    low_x, high_x, low_y, high_y = min(xs), max(xs), min(ys), max(ys)
    span = max(high_x - low_x, high_y - low_y, 1.0)
    pad_x, pad_y = span * 0.16, span * 0.1
    ax.update_datalim([(low_x - pad_x, low_y - pad_y), (high_x + pad_x, high_y + pad_y)])  # room for names
    ax.autoscale_view()
    # Equal scales: arc3 bends in display space, so only then do the weight labels placed in data
    # space sit on their curves; "datalim" widens the limits instead of shrinking the drawing.
    ax.set_aspect("equal", adjustable="datalim")
    figure.legend(handles=[
        Line2D([], [], color=edge_colors["threat"], linewidth=2, label="threat: source_of → targets"),
        Line2D([], [], color=edge_colors["claim"], linewidth=2, linestyle=(0, (4, 2)),
               label="claim: speaker_of → about"),
        Line2D([], [], linestyle="", marker="o", markersize=9, color=colors.get("ACTOR", "#0072b2"),
               label="actor (size: mentions)"),
    ], loc="outside lower center", ncols=3, fontsize=8, frameon=False)
    drawn = "" if len(network.edges) <= MAX_DRAWN_EDGES else f" (the {MAX_DRAWN_EDGES} heaviest drawn)"
    figure.suptitle(f"Actor network: {len(network.nodes)} actors, {len(network.edges)} links{drawn}")
    return chart


def edge_at(chart: NetworkChart, x: float, y: float, tolerance: float = 6.0) -> NetworkEdge | None:
    """The drawn edge nearest the display point (``x``, ``y``) (pixels from the bottom left, as
    Matplotlib's events give them), if one passes within ``tolerance`` pixels.

    Each edge is followed as the quadratic Bézier curve ``arc3`` draws: control point at the
    middle of the chord, moved by ``rad`` times the chord turned by 90°, in display space.
    """
    if chart.axes is None:
        return None
    best: tuple[float, NetworkEdge] | None = None
    to_display = chart.axes.transData.transform
    for edge, _arrow in chart.drawn:
        (x1, y1), (x2, y2) = to_display(chart.network.positions[edge.source]), to_display(
            chart.network.positions[edge.target])
        rad = CURVE[edge.kind]
        cx, cy = (x1 + x2) / 2 + rad * (y2 - y1), (y1 + y2) / 2 - rad * (x2 - x1)
        for step in range(41):
            t = step / 40
            px = (1 - t) ** 2 * x1 + 2 * (1 - t) * t * cx + t ** 2 * x2
            py = (1 - t) ** 2 * y1 + 2 * (1 - t) * t * cy + t ** 2 * y2
            distance = math.hypot(px - x, py - y)
            if distance <= tolerance and (best is None or distance < best[0]):
                best = (distance, edge)
    return None if best is None else best[1]


def edge_midpoint(chart: NetworkChart, edge: NetworkEdge) -> tuple[float, float]:
    """The display point halfway along a drawn edge (where a click surely picks it)."""
    assert chart.axes is not None
    to_display = chart.axes.transData.transform
    (x1, y1), (x2, y2) = to_display(chart.network.positions[edge.source]), to_display(
        chart.network.positions[edge.target])
    rad = CURVE[edge.kind]
    cx, cy = (x1 + x2) / 2 + rad * (y2 - y1), (y1 + y2) / 2 - rad * (x2 - x1)
    return 0.25 * x1 + 0.5 * cx + 0.25 * x2, 0.25 * y1 + 0.5 * cy + 0.25 * y2


# --- timeline ----------------------------------------------------------------------------------------


def timeline_figure(data: Timeline, colors: dict[str, str]) -> Figure:
    """THREAT and CLAIM spans per period of article publication, side by side."""
    figure = new_figure()
    ax = figure.subplots()
    periods = data.periods()
    if not periods:
        note = f" ({data.undated} threats and claims are in documents without a date)" if data.undated else ""
        _empty(ax, "No dated threats or claims in this selection: import articles with a 'published' "
                   f"date (JSONL or CSV) to see them over time{note}.")
        return figure
    width = period_length(data.period).days * 0.4
    for offset, label in zip((-0.5, 0.5), TIMELINE_LABELS, strict=True):
        counter = data.counts[label]
        ax.bar([_x(p) + width * offset for p in periods], [counter[p] for p in periods], width=width,
               color=colors.get(label, FALLBACK_COLOR), label=label, edgecolor="#333333", linewidth=0.3)
    _date_axis(ax, periods)
    _count_axis(ax)
    ax.set_ylabel(f"spans per {data.period}")
    ax.set_xlabel("article published")
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=8, frameon=False)
    if data.undated:
        ax.text(0.99, 0.98, f"{data.undated} in undated documents, not shown", transform=ax.transAxes,
                ha="right", va="top", fontsize=8, color="#555555")
    figure.suptitle(f"Threats and claims by {data.period} of publication")
    return figure


# --- all ---------------------------------------------------------------------------------------------


def figure_for(name: str, dashboard: Dashboard) -> Figure:
    """A new figure of chart ``name`` (a key of ``CHARTS``)."""
    if name == "progress":
        return progress_figure(dashboard.progress)
    if name == "labels":
        return labels_figure(dashboard.labels, dashboard.colors)
    if name == "agreement":
        return trend_figure(dashboard.trend)
    if name == "network":
        return network_figure(dashboard.network, dashboard.colors).figure
    if name == "timeline":
        return timeline_figure(dashboard.timeline, dashboard.colors)
    raise KeyError(name)
