"""Reviewing teammates' work, Qt-free: merging projects, measuring agreement, adjudicating into gold.

The GUI (``annotator.gui.review*``) and the CLI (``annotator merge``, ``annotator agreement``)
are thin over these modules.
"""
