"""Writing the dashboard out: one chart as PNG or SVG, every chart into a folder, or a report.

The HTML report is one self-contained file: each chart is an SVG inside a ``data:`` URI (sharp
at any zoom, prints well), the tables are plain HTML with an inline style sheet, and nothing is
fetched from anywhere, so it can be mailed or archived as it is. The PDF report is Matplotlib's
``PdfPages``: a title page with the selection and the figures, then one page per chart.

Every file goes through ``annotator.output_files``: Matplotlib draws into the handle of a
temporary file that is renamed into place when complete, never onto the project (``protected``)
and never over an existing file unless ``force``; the chart folder's files are published
together. Write errors (a missing folder, a full disk, no permission) name the path.
"""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path
from typing import IO

from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from annotator.dashboard.charts import CHARTS, figure_for, new_figure
from annotator.dashboard.compute import Dashboard
from annotator.dashboard.network import ActorNetwork
from annotator.output_files import NO_PROJECT, OutputSet, ProtectedPaths, output_binary, output_file

FORMATS = ("png", "svg", "pdf")
CHART_FORMATS = ("png", "svg")  # of each chart in a chart folder
PNG_DPI = 150
EVIDENCE_ROWS = 8  # spans listed under each network edge in the HTML report
REPORT_LINKS = 200  # the heaviest links the HTML report lists


def _draw(figure: Figure, handle: IO[bytes], fmt: str) -> None:
    figure.savefig(handle, format=fmt, dpi=PNG_DPI if fmt == "png" else None,
                   metadata={"Date": None} if fmt == "svg" else None)


def save_figure(figure: Figure, path: Path, fmt: str | None = None, *,
                protected: ProtectedPaths = NO_PROJECT, force: bool = False) -> Path:
    """Save one chart; the format is ``fmt`` or the file's suffix (png, svg or pdf)."""
    fmt = (fmt or path.suffix.lstrip(".") or "png").lower()
    with output_binary(path, protected, force=force) as handle:
        _draw(figure, handle, fmt)
    return path


def chart_files(folder: Path) -> list[Path]:
    """The files ``write_chart_files`` writes into ``folder``."""
    return [folder / f"{name}.{fmt}" for name in CHARTS for fmt in CHART_FORMATS]


def write_chart_files(dashboard: Dashboard, folder: Path, *, protected: ProtectedPaths = NO_PROJECT,
                      force: bool = False) -> list[Path]:
    """Every chart as ``NAME.png`` and ``NAME.svg`` in ``folder`` (created if missing), published
    together; existing ones are all named in one refusal unless ``force``."""
    paths = chart_files(folder)
    with OutputSet(protected, force=force, create_folders=True) as outputs:
        outputs.check(paths)
        for name in CHARTS:
            figure = figure_for(name, dashboard)
            for fmt in CHART_FORMATS:
                with outputs.open_binary(folder / f"{name}.{fmt}") as handle:
                    _draw(figure, handle, fmt)
    return paths


def svg_data_uri(figure: Figure) -> str:
    buffer = io.BytesIO()
    _draw(figure, buffer, "svg")
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def summary_lines(dashboard: Dashboard) -> list[str]:
    """The figures in a sentence each, for the report's first section."""
    spans = len(dashboard.data.spans)
    lines = [f"{len(dashboard.data.documents)} documents and {spans} spans in the selection."]
    for row in dashboard.progress.annotators:
        lines.append(f"{row.annotator}: {row.done} of {dashboard.progress.total_documents} documents done, "
                     f"{row.in_progress} in progress, {row.spans} spans.")
    network = dashboard.network
    lines.append(f"Actor network: {len(network.nodes)} actors, {len(network.edges)} links.")
    if dashboard.trend.points:
        last = dashboard.trend.points[-1]
        value = "not defined" if last.alpha_u is None else f"{last.alpha_u:.3f}"
        lines.append(f"Agreement (αu) in the week of {last.week.isoformat()}: {value} "
                     f"over {last.documents} documents.")
    return lines


def _edges_html(network: ActorNetwork) -> str:
    if not network.edges:
        return "<p>No links between actors in this selection.</p>"
    rows = []
    for edge in network.edges[:REPORT_LINKS]:
        source, target = network.nodes[edge.source].name, network.nodes[edge.target].name
        items = "".join(
            f"<li>{html.escape(item.source_text)} → <q>{html.escape(item.middle_text)}</q> → "
            f"{html.escape(item.target_text)} <span class=meta>({html.escape(item.document_title)}, "
            f"{html.escape(item.annotator)})</span></li>"
            for item in edge.evidence[:EVIDENCE_ROWS])
        more = len(edge.evidence) - EVIDENCE_ROWS
        rows.append(f"<tr><td>{html.escape(source)}</td><td>{edge.kind}</td><td>{html.escape(target)}</td>"
                    f"<td class=num>{edge.weight}</td><td><ul>{items}"
                    f"{f'<li>… and {more} more</li>' if more > 0 else ''}</ul></td></tr>")
    lighter = len(network.edges) - REPORT_LINKS
    note = f"<p class=meta>… and {lighter} lighter links, listed in the dashboard window.</p>" if lighter > 0 else ""
    return ("<table><tr><th>from</th><th>link</th><th>to</th><th>weight</th><th>spans behind it</th></tr>"
            + "".join(rows) + "</table>" + note)


_STYLE = """
body { font-family: "DejaVu Sans", Arial, sans-serif; margin: 2em auto; max-width: 1100px; color: #222; }
h1 { font-size: 1.6em; } h2 { margin-top: 2em; border-bottom: 1px solid #ccc; }
img { width: 100%; height: auto; } table { border-collapse: collapse; font-size: 0.9em; }
td, th { border: 1px solid #ddd; padding: 4px 6px; vertical-align: top; text-align: left; }
td.num { text-align: right; } .meta { color: #666; } ul { margin: 0; padding-left: 1.2em; }
"""


def html_report(dashboard: Dashboard) -> str:
    """The whole dashboard as one self-contained HTML page (see the module docstring)."""
    title = f"Dashboard — {dashboard.project_name}"
    parts = [
        "<!DOCTYPE html>", "<html lang=en><head><meta charset=utf-8>",
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        f"<p class=meta>Generated {dashboard.generated:%Y-%m-%d %H:%M} UTC. "
        + html.escape("; ".join(dashboard.filters.describe())) + ".</p>",
        "<ul>" + "".join(f"<li>{html.escape(line)}</li>" for line in summary_lines(dashboard)) + "</ul>",
    ]
    for name, chart_title in CHARTS.items():
        parts.append(f"<h2 id={name}>{html.escape(chart_title)}</h2>")
        parts.append(f"<img alt=\"{html.escape(chart_title)}\" src=\"{svg_data_uri(figure_for(name, dashboard))}\">")
        if name == "network":
            parts.append(_edges_html(dashboard.network))
    parts.append("</body></html>")
    return "\n".join(parts)


def write_html(dashboard: Dashboard, path: Path, *, protected: ProtectedPaths = NO_PROJECT,
               force: bool = False) -> Path:
    with output_file(path, protected, force=force) as handle:
        handle.write(html_report(dashboard))
    return path


def write_pdf(dashboard: Dashboard, path: Path, *, protected: ProtectedPaths = NO_PROJECT,
              force: bool = False) -> Path:
    """A title page, then one page per chart."""
    with output_binary(path, protected, force=force) as handle, PdfPages(
            handle, metadata={"Title": f"Dashboard — {dashboard.project_name}", "Creator": "annotator"}) as pdf:
        cover = new_figure()
        cover.text(0.05, 0.92, f"Dashboard — {dashboard.project_name}", fontsize=18, va="top")
        lines = [f"Generated {dashboard.generated:%Y-%m-%d %H:%M} UTC", "", *dashboard.filters.describe(), "",
                 *summary_lines(dashboard)]
        cover.text(0.05, 0.82, "\n".join(lines), fontsize=10, va="top", linespacing=1.6)
        pdf.savefig(cover)
        for name in CHARTS:
            pdf.savefig(figure_for(name, dashboard))
    return path
