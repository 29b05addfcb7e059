"""Dataset formats: export for training and for other tools, import from them.

Each format is one module here that calls ``register(Format(...))``; ``formats()`` imports them
all on first use (spaCy and dkpro-cassis are heavy, so nothing is imported before a format is
needed) and returns the table. Adding a format is adding one module and its name below.
"""

from __future__ import annotations

import importlib

from annotator.formats.base import FORMATS, CanonicalDoc, Format, LossReport, ReadOptions, register

FORMAT_MODULES = ("jsonl", "docbin", "brat", "conll", "xmi", "webanno_tsv", "doccano", "prodigy", "csv_spans",
                  "label_studio", "spacy_v2")

__all__ = ["FORMATS", "CanonicalDoc", "Format", "LossReport", "ReadOptions", "formats", "register"]


def formats() -> dict[str, Format]:
    """Every registered format by its CLI name (jsonl, spacy, brat, conll, xmi, doccano, prodigy, csv,
    label-studio, spacy-v2)."""
    for module in FORMAT_MODULES:
        importlib.import_module(f"annotator.formats.{module}")
    return FORMATS
