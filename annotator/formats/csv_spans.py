"""CSV of spans ("csv", export only): one row per span, for a look in a spreadsheet.

UTF-8 with a byte-order mark, because Excel reads a BOM-less CSV in the local code page and
turns Cyrillic into mojibake. A cell that a spreadsheet would run as a formula (starting with
``=``, ``+``, ``-``, ``@``, a tab or a CR: OWASP's CSV-injection list) gets a leading apostrophe,
which spreadsheets show as text and hide. Numeric columns are written by us and never start with
those characters except negative numbers, which offsets never are.

The ``document`` column is the canonical document id (its name in the project); a canonical
document carries no database id, and the name is what the analyst knows it by. Relations,
document labels, notes and statuses have no row here and are counted as left out.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path

from annotator.formats.base import CanonicalDoc, Format, LossReport, register
from annotator.output_files import OutputSet, staging
from annotator.spreadsheet_cells import neutralise

COLUMNS = ("document", "title", "span_id", "start", "end", "text", "label", "annotator", "layer", "attrs",
           "note", "actor")


def export_csv(docs: Iterable[CanonicalDoc], out: Path, report: LossReport, outputs: OutputSet | None = None) -> None:
    with staging(outputs) as files, files.open_text(out, encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for doc in docs:
            for span in doc.get("spans", []):
                writer.writerow([
                    neutralise(str(doc["id"])), neutralise(doc.get("title") or ""), span["id"], span["start"],
                    span["end"], neutralise(span["text"]), neutralise(span["label"]), neutralise(span["annotator"]),
                    span["layer"], neutralise(json.dumps(span.get("attrs") or {}, ensure_ascii=False)),
                    neutralise(span.get("note") or ""), neutralise(span.get("actor") or ""),
                ])
            report.add("relations (a CSV of spans has no rows for them)", len(doc.get("relations", [])))
            report.add("document labels (a CSV of spans has no rows for them)", len(doc.get("doc_labels", [])))
            report.add("document notes (a CSV of spans has no rows for them)", len(doc.get("notes", [])))


FORMAT = register(Format(
    name="csv",
    description="CSV, one row per span, for spreadsheets (export only)",
    target="file",
    suffix=".csv",
    export=export_csv,
))
