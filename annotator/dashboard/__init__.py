"""The dashboard: progress, labels, agreement over time, the actor network and a timeline.

Qt-free, like the rest of the core: ``compute.build_dashboard`` reads a project once for a
``filters.DashboardFilters`` selection, ``charts`` draws each chart as a Matplotlib figure (no
pyplot), and ``report`` writes PNG and SVG charts and the self-contained HTML or PDF report. The
window (``annotator.gui.dashboard_window``) and ``annotator dashboard`` both sit on top of these.

Matplotlib rather than QtCharts or pyqtgraph: QtCharts needs PySide6-Addons (a large extra
download beside PySide6-Essentials) and has no network graph; pyqtgraph's SVG and PDF export is
weak. Matplotlib writes PNG, SVG and PDF natively, and its ``FigureCanvasQTAgg`` shows the very
same figures in the window. networkx lays out the actor network.

The package itself imports nothing: every ``annotator`` command and the window import
``filters`` for their options, and must not pay for Matplotlib and networkx (about a second)
until a chart is actually drawn.
"""
