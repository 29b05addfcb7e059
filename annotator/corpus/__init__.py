"""Reading corpus files (.txt, .md, .jsonl, .csv) into document drafts; no database, no NLP.

``decode`` turns bytes into the exact text to be annotated, ``readers`` finds files and
dispatches them by suffix to one small module per format.
"""

from annotator.corpus.decode import decode_bytes, normalise_newlines
from annotator.corpus.readers import (
    READERS,
    SUPPORTED_SUFFIXES,
    DocumentDraft,
    ReadOptions,
    collect_files,
    read_file,
    title_from_text,
)

__all__ = ["READERS", "SUPPORTED_SUFFIXES", "DocumentDraft", "ReadOptions", "collect_files",
           "decode_bytes", "normalise_newlines", "read_file", "title_from_text"]
