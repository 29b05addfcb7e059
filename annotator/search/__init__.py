"""Full-text search over the corpus and its annotated spans, without Qt.

``search(project, query, filters)`` returns a concordance (``SearchResult`` of ``SearchHit``);
``write_csv`` exports it. The database's own full-text index (``index``) finds candidate
documents, ``matching`` finds the hits in them, ``filters`` narrows by label, attribute,
annotator, layer, actor, date and status. Used by ``annotator search`` and Edit ▸ Find in corpus.
"""

from annotator.search.filters import SearchFilters, parse_attr
from annotator.search.results import SearchHit, SearchResult, write_csv
from annotator.search.run import DEFAULT_LIMIT, search

__all__ = ["DEFAULT_LIMIT", "SearchFilters", "SearchHit", "SearchResult", "parse_attr", "search", "write_csv"]
