"""The desktop GUI: a thin Qt layer of views and item models over the core.

Only this package imports Qt; the core (store, schema, corpus, nlp) never does. The text widget
lives in ``textview``; ``app.run_app`` is the entry point used by ``annotator [PROJECT]``.
"""
