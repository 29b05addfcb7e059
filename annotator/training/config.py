"""The spaCy training config for a label plan: spaCy's own efficiency config (``init_config``,
CPU), with spancat's candidates from a fixed rule and the tok2vec of the installed English
pipeline as the starting point.

- ``init_config(optimize="efficiency")`` gives the small hash-embedding CNN tok2vec shared by
  every component through listeners, greedy ``ner``, ``spancat`` and a bag-of-words ``textcat``.
- spancat's default n-gram suggester (1-3 tokens) cannot propose a CLAIM of twenty tokens, and
  n-grams up to that length would be thousands of candidates per sentence. Its suggester is
  ``annotator.clause_edges.v1`` (``annotator.training.suggesters``, which says why): sentence
  prefixes and suffixes, spans before a conjunction, quotations and 1-4-grams, a linear number
  per sentence that covers 686 of the benchmark's 688 gold CLAIMs and all its THREATs (CLAIM F1
  0.93, THREAT 0.97 after 600 steps). spaCy's ``span_finder``, which learns the edges instead,
  proposed nothing after 600 steps at its 0.5 threshold (spancat then learnt nothing: CLAIM and
  THREAT F1 0) and nearly every token pair at 0.3 (5-12 s a step).
- The tok2vec is *sourced* from the English pipeline (``en_core_web_sm``, trained on far more
  text than a project has) when one is installed: with a few hundred annotated articles it starts
  from useful features instead of random ones. Same width (96), so the listeners fit.
- No early stopping: the run takes ``max_steps`` steps, which makes the time estimate honest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from annotator.training.data import SPANS_KEY, LabelPlan

if TYPE_CHECKING:
    from thinc.api import Config

TOK2VEC_WIDTH = 96  # the efficiency config's and en_core_web_sm's tok2vec width
MAX_CANDIDATE_TOKENS = 150  # the longest candidate spancat scores (the samples' longest quotation: 116)


def build_config(plan: LabelPlan, *, train_path: str, dev_path: str, max_steps: int, base: str | None,
                 seed: int = 0) -> Config:
    """The config for ``plan``; ``base`` names the pipeline whose tok2vec to start from (None: none)."""
    from spacy.cli.init_config import init_config

    from annotator.training.suggesters import SUGGESTER  # registers it, for training and the scoring load

    components = [name for name, labels in (("ner", plan.ner), ("spancat", plan.spancat),
                                            (plan.textcat_component, plan.textcat)) if labels]
    config = init_config(lang="en", pipeline=components, optimize="efficiency", gpu=False)
    config["paths"]["train"] = train_path
    config["paths"]["dev"] = dev_path
    config["system"]["seed"] = seed
    training = config["training"]
    training["max_steps"] = max_steps
    training["max_epochs"] = 0
    training["patience"] = 0
    training["eval_frequency"] = max(10, min(200, max_steps // 5))
    weights: dict[str, Any] = {key: None for key in training["score_weights"]}
    if plan.spancat:
        config["components"]["spancat"]["suggester"] = {"@misc": SUGGESTER, "max_length": MAX_CANDIDATE_TOKENS}
    present = [key for key, labels in (("ents_f", plan.ner), (f"spans_{SPANS_KEY}_f", plan.spancat),
                                       ("cats_score", plan.textcat)) if labels]
    weights.update({key: round(1 / len(present), 2) for key in present})
    training["score_weights"] = weights
    if base is not None:
        config["components"]["tok2vec"] = {"source": base, "component": "tok2vec"}
        for name in components:  # the listeners' width pointed into the tok2vec's own config
            config["components"][name]["model"]["tok2vec"]["width"] = TOK2VEC_WIDTH
    return config
