"""The dashboard core on both backends: the network, the counts, the trend and every export.

The fixture project (``tests/dashboard_fixture.py``) says by hand which edges and weights the
network must have; exports are checked as files a reader would open: a real PNG that is not
blank, SVG that parses as XML, an HTML file that fetches nothing, a PDF.
"""

from __future__ import annotations

import struct
import zlib
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import pytest

from annotator.cli.main import main
from annotator.dashboard.charts import (
    CHARTS,
    edge_at,
    edge_midpoint,
    figure_for,
    network_figure,
)
from annotator.dashboard.compute import build_dashboard
from annotator.dashboard.filters import DashboardFilters, published_date
from annotator.dashboard.report import (
    save_figure,
    write_chart_files,
    write_html,
    write_pdf,
)
from annotator.errors import UserError
from annotator.store import Project
from tests.dashboard_fixture import build_dashboard_project

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def ids(project: Project, tmp_path: Path) -> dict[str, int]:
    return build_dashboard_project(project, tmp_path / "corpus")


def test_network_nodes_and_weights(project: Project, ids: dict[str, int]) -> None:
    network = build_dashboard(project, DashboardFilters()).network
    assert sorted(node.name for node in network.nodes.values()) == [
        "Belarus", "Russia", "United Transitional Cabinet"]
    assert network.weights() == {("Russia", "Belarus", "threat"): 4,
                                 ("United Transitional Cabinet", "Russia", "claim"): 1}
    assert network.nodes[ids["russia"]].mentions == 6  # alice: Russia ×3, Moscow ×2; bob: Russia
    assert set(network.positions) == set(network.nodes)


def test_network_filters(project: Project, ids: dict[str, int]) -> None:
    alice = build_dashboard(project, DashboardFilters(annotators=("alice",))).network
    assert alice.weights()[("Russia", "Belarus", "threat")] == 3
    nuclear = build_dashboard(project, DashboardFilters(threat_types=frozenset({"nuclear"}))).network
    assert nuclear.weights() == {("Russia", "Belarus", "threat"): 2,
                                 ("United Transitional Cabinet", "Russia", "claim"): 1}
    economic = build_dashboard(project, DashboardFilters(threat_types=frozenset({"economic"}))).network
    edge = economic.edge("Russia", "Belarus", "threat")
    assert edge is not None and edge.weight == 1
    (evidence,) = edge.evidence
    assert (evidence.source_text, evidence.middle_text, evidence.target_text) == ("Moscow", "sanctions", "Belarus")
    assert evidence.middle_span_id == ids["sanctions"] and evidence.document_title == "Sanctions"
    before_2021 = build_dashboard(project, DashboardFilters(date_to=date(2020, 12, 31))).network
    assert before_2021.weights()[("Russia", "Belarus", "threat")] == 2  # doc 1: alice and bob
    gold = build_dashboard(project, DashboardFilters(layer="gold")).network
    assert gold.edges == [] and gold.nodes == {}


def test_counts_progress_timeline_and_trend(project: Project, ids: dict[str, int]) -> None:
    dashboard = build_dashboard(project, DashboardFilters())
    labels = dashboard.labels
    assert labels.annotators == ["alice", "bob"]
    assert labels.counts[("alice", "THREAT")] == 5 and labels.counts[("bob", "THREAT")] == 1
    assert labels.labels[:3] == ["ACTOR", "CLAIM", "THREAT"]  # the schema's order
    progress = {row.annotator: row for row in dashboard.progress.annotators}
    assert dashboard.progress.total_documents == 2
    assert (progress["alice"].done, progress["bob"].done) == (1, 1)
    assert progress["alice"].spans == 19 and progress["bob"].spans == 3
    timeline = dashboard.timeline
    assert timeline.period == "week" and timeline.undated == 0  # 111 days apart
    assert timeline.counts["THREAT"] == {date(2020, 11, 9): 4, date(2021, 3, 1): 2}
    assert timeline.counts["CLAIM"] == {date(2020, 11, 9): 1}
    (point,) = dashboard.trend.points
    assert point.documents == 1 and 0.0 < point.alpha_u < 1.0
    by_publication = build_dashboard(project, DashboardFilters(), trend_by="published").trend
    assert [p.week for p in by_publication.points] == [date(2020, 11, 9)]


def test_trend_explains_a_single_annotator(project: Project, ids: dict[str, int]) -> None:
    trend = build_dashboard(project, DashboardFilters(annotators=("alice",))).trend
    assert trend.points == [] and "[E901]" in trend.reason


@pytest.mark.parametrize(("filters", "code"), [
    (DashboardFilters(layer="drafts"), "E953"),
    (DashboardFilters(threat_types=frozenset({"cosmic"})), "E952"),
    (DashboardFilters(date_from=date(2021, 1, 1), date_to=date(2020, 1, 1)), "E951"),
    (DashboardFilters(annotators=("carol",)), "E954"),
])
def test_bad_filters_are_refused(project: Project, ids: dict[str, int], filters: DashboardFilters,
                                 code: str) -> None:
    with pytest.raises(UserError, match=code):
        build_dashboard(project, filters)


def test_published_dates() -> None:
    assert published_date("2020-11-10T08:00:00Z") == date(2020, 11, 10)
    assert published_date("2020-11") == date(2020, 11, 1)
    assert published_date("2020") == date(2020, 1, 1)
    assert published_date("10 November 2020") is None
    assert published_date("2020-13-45") is None
    assert published_date(None) is None


def _png_pixels_vary(data: bytes) -> bool:
    """Whether the decoded PNG has more than one distinct scanline byte pattern (not blank)."""
    chunks, offset = [], 8
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset:offset + 8])
        if kind == b"IDAT":
            chunks.append(data[offset + 8:offset + 8 + length])
        offset += 12 + length
    raw = zlib.decompress(b"".join(chunks))
    return len(set(raw)) > 10


def test_png_export_is_a_real_picture(project: Project, ids: dict[str, int], tmp_path: Path) -> None:
    dashboard = build_dashboard(project, DashboardFilters())
    path = save_figure(figure_for("network", dashboard), tmp_path / "network.png")
    data = path.read_bytes()
    assert data.startswith(PNG_SIGNATURE)
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1500, 900)  # 10 × 6 inches at 150 dpi
    assert len(data) > 20_000 and _png_pixels_vary(data)


def test_svg_export_is_xml(project: Project, ids: dict[str, int], tmp_path: Path) -> None:
    dashboard = build_dashboard(project, DashboardFilters())
    for name in CHARTS:
        root = ElementTree.parse(save_figure(figure_for(name, dashboard), tmp_path / f"{name}.svg")).getroot()
        assert root.tag == "{http://www.w3.org/2000/svg}svg"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.references: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.references += [value or "" for name, value in attrs if name in ("src", "href", "data", "srcset")]


@pytest.mark.slow
def test_html_report_is_self_contained(project: Project, ids: dict[str, int], tmp_path: Path) -> None:
    path = write_html(build_dashboard(project, DashboardFilters()), tmp_path / "report.html")
    text = path.read_text(encoding="utf-8")
    links = _Links()
    links.feed(text)
    assert len(links.references) == len(CHARTS)
    assert all(reference.startswith("data:image/svg+xml;base64,") for reference in links.references)
    assert not {"script", "link", "iframe"} & links.tags
    outside_images = text
    for reference in links.references:
        outside_images = outside_images.replace(reference, "")
    assert "http" not in outside_images and "url(" not in outside_images
    assert "Russia" in text and "sanctions" in text  # the spans behind the network's edges


@pytest.mark.slow
def test_pdf_and_chart_folder(project: Project, ids: dict[str, int], tmp_path: Path) -> None:
    dashboard = build_dashboard(project, DashboardFilters())
    pdf = write_pdf(dashboard, tmp_path / "report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") >= len(CHARTS)
    written = write_chart_files(dashboard, tmp_path / "charts")
    assert sorted(p.name for p in written) == sorted(f"{n}.{f}" for n in CHARTS for f in ("png", "svg"))
    with pytest.raises(UserError, match="E176"):
        write_html(dashboard, tmp_path / "missing" / "report.html")


def test_edge_at_finds_the_drawn_edge(project: Project, ids: dict[str, int]) -> None:
    dashboard = build_dashboard(project, DashboardFilters())
    chart = network_figure(dashboard.network, dashboard.colors)
    chart.figure.canvas.draw()  # an Agg canvas: positions in pixels as the window has them
    for edge, _arrow in chart.drawn:
        assert edge_at(chart, *edge_midpoint(chart, edge)) is edge
    assert edge_at(chart, 0.0, 0.0) is None


@pytest.mark.slow
def test_cli_writes_every_report(project_location: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Project.open(project_location) as project:
        build_dashboard_project(project, tmp_path / "corpus")
    html, pdf, charts = tmp_path / "r.html", tmp_path / "r.pdf", tmp_path / "charts"
    assert main(["dashboard", project_location, "--html", str(html), "--pdf", str(pdf), "--png-dir", str(charts),
                 "--threat-types", "nuclear", "economic", "--from", "2020-01-01"]) == 0
    assert html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert pdf.read_bytes().startswith(b"%PDF") and (charts / "network.svg").exists()
    assert str(html) in capsys.readouterr().out
    assert main(["dashboard", project_location]) == 1
    assert "[E956]" in capsys.readouterr().err
    assert main(["dashboard", project_location, "--html", str(html), "--from", "10.11.2020"]) == 1
    assert "[E950]" in capsys.readouterr().err
