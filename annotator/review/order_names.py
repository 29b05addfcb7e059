"""The active orders of the document list by name, apart from how they are computed
(``annotator.review.ordering``), so ``annotator docs --help`` and its quick read of the list
name them without importing the store."""

from __future__ import annotations

from typing import Literal, get_args

OrderKind = Literal["uncertain", "disagreement"]
ORDERS: tuple[OrderKind, ...] = get_args(OrderKind)
#: How the document list, the status bar and ``--help`` name each order.
ORDER_TITLES: dict[OrderKind, str] = {"uncertain": "Least certain first", "disagreement": "Most disagreement first"}
