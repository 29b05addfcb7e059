"""Everything the dashboard shows, computed in one call that a worker thread or the CLI runs.

``build_dashboard`` does all the database reading and the network layout, the slow parts, so
that the window only draws (``annotator.dashboard.charts``) what comes back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from annotator.dashboard.data import SpanData, check_annotators, load
from annotator.dashboard.filters import DashboardFilters, TrendBy
from annotator.dashboard.labels import LabelCounts, label_counts
from annotator.dashboard.network import ActorNetwork, actor_network
from annotator.dashboard.progress import ProgressData, progress
from annotator.dashboard.timeline import Timeline, timeline
from annotator.dashboard.trend import AgreementTrend, agreement_trend
from annotator.store.project import Project
from annotator.tasks import TaskControl

STEPS = ("Reading spans and relations", "Counting progress", "Measuring agreement per week",
         "Laying out the actor network")


@dataclass
class Dashboard:
    project_name: str
    filters: DashboardFilters
    colors: dict[str, str]  # span label -> #rrggbb from the schema
    data: SpanData
    progress: ProgressData
    labels: LabelCounts
    trend: AgreementTrend
    network: ActorNetwork
    timeline: Timeline
    generated: datetime


def build_dashboard(project: Project, filters: DashboardFilters, *, trend_by: TrendBy = "annotated",
                    control: TaskControl | None = None) -> Dashboard:
    """Check the filters, then read and compute every chart's data."""
    control = control or TaskControl()
    filters.check(project.schema)
    check_annotators(project, filters)
    control.report(0, len(STEPS), STEPS[0])
    data = load(project, filters)
    control.raise_if_cancelled()
    control.report(1, len(STEPS), STEPS[1])
    progress_data = progress(project, filters, list(data.documents))
    control.raise_if_cancelled()
    control.report(2, len(STEPS), STEPS[2])
    dates = {doc_id: info.published for doc_id, info in data.documents.items()}
    trend = agreement_trend(project, filters, dates, trend_by, control)
    control.raise_if_cancelled()
    control.report(3, len(STEPS), STEPS[3])
    network = actor_network(data)
    control.report(4, len(STEPS), "")
    return Dashboard(project.display_name, filters, project.label_colors(), data, progress_data,
                     label_counts(data, project.schema), trend, network, timeline(data), datetime.now(UTC))
