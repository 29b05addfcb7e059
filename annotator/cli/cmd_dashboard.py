"""Write the dashboard of a project: a self-contained HTML report, a PDF report, or every chart
as PNG and SVG files.

Charts: progress per annotator, spans per label, agreement per week, the actor network (threat
and claim links between registry actors) and threats and claims by publication date. The
filters narrow what is counted; see 'Dashboard' in the README for which chart uses which.
Nothing is written onto the project or into its backups folder, and an existing file is
replaced only with --force.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from annotator.cli.output import ProgressBar, say
from annotator.dashboard.filters import DASHBOARD_LAYERS, TREND_BY, DashboardFilters, parse_date
from annotator.errors import Errors, UserError
from annotator.output_files import ProtectedPaths, check_outputs
from annotator.store import Project


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("project", help="project file or database URL")
    parser.add_argument("--html", type=Path, metavar="FILE", help="write a self-contained HTML report")
    parser.add_argument("--pdf", type=Path, metavar="FILE", help="write a PDF report, one page per chart")
    parser.add_argument("--png-dir", type=Path, metavar="DIR", help="write every chart as NAME.png and NAME.svg")
    parser.add_argument("--force", action="store_true",
                        help="replace the report or chart files if they exist (without it, nothing is written "
                             "if any does)")
    parser.add_argument("--threat-types", nargs="+", metavar="TYPE", help="only threats of these types")
    parser.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help="only articles published on or after")
    parser.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="only articles published on or before")
    parser.add_argument("--layer", default="annotation", choices=DASHBOARD_LAYERS,
                        help="whose spans to count (default: annotation, the people's layers)")
    parser.add_argument("--annotators", nargs="+", metavar="NAME", help="only these annotators (default: all)")
    parser.add_argument("--trend-by", default="annotated", choices=TREND_BY,
                        help="agreement per week of annotation (default) or of article publication")


def run(args: argparse.Namespace) -> int:
    # Matplotlib and networkx load here, not when any other command starts (about a second)
    from annotator.dashboard.compute import build_dashboard
    from annotator.dashboard.report import write_chart_files, write_html, write_pdf

    if args.html is None and args.pdf is None and args.png_dir is None:
        raise UserError(Errors.E956)
    filters = DashboardFilters(
        threat_types=frozenset(args.threat_types) if args.threat_types else None,
        date_from=parse_date(args.date_from, "--from") if args.date_from else None,
        date_to=parse_date(args.date_to, "--to") if args.date_to else None,
        layer=args.layer,
        annotators=tuple(args.annotators) if args.annotators else None,
    )
    with Project.open(args.project, create=False) as project:
        protected = ProtectedPaths.of(project.location)
        _refuse_early(args, protected)
        with ProgressBar("dashboard", unit="step") as control:
            dashboard = build_dashboard(project, filters, trend_by=args.trend_by, control=control)
    written: list[Path] = []
    if args.html is not None:
        written.append(write_html(dashboard, args.html, protected=protected, force=args.force))
    if args.pdf is not None:
        written.append(write_pdf(dashboard, args.pdf, protected=protected, force=args.force))
    if args.png_dir is not None:
        written.extend(write_chart_files(dashboard, args.png_dir, protected=protected, force=args.force))
    for path in written:
        say(str(path))
    return 0


def _refuse_early(args: argparse.Namespace, protected: ProtectedPaths) -> None:
    """Refuse a protected or (without --force) existing output before the dashboard is computed,
    naming every such file at once."""
    from annotator.dashboard.report import chart_files

    targets = [path for path in (args.html, args.pdf) if path is not None]
    if args.png_dir is not None:
        protected.check(args.png_dir)
        targets += chart_files(args.png_dir)
    check_outputs(targets, protected, force=args.force)
