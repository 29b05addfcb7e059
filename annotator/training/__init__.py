"""Training a suggestion model from the project's own annotations (issue 18).

``trainer.train`` is the entry point (the CLI's ``annotator train`` and the GUI's Train model…
dialog call it): it selects documents as an export does (``formats.select``), turns them into
spaCy examples (``data``), holds out a fixed part by document identity (``split``), trains with
spaCy's own loop on a config built for the labels (``config``), scores with spaCy's ``Scorer``
(``evaluate``) and stores the pipeline as a new version (``store.model_versions``). No Qt here.
"""
