"""The document text view: ``DocumentView`` and the pure-Python pieces it is built from."""

from annotator.gui.textview.view import DocumentView

__all__ = ["DocumentView"]
