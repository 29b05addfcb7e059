"""spaCy for annotator: which pipeline to use, and token boundaries for snapping selections.

spaCy is heavy to import (over a second), so nothing here imports it at module level: the GUI
loads it in the background after the window shows, and ``annotator import`` never loads it.
"""
