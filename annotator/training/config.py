"""The spaCy training config for a label plan: spaCy's own efficiency config (``init_config``,
CPU), with a ``span_finder`` proposing spancat's candidates and the tok2vec of the installed
English pipeline as the starting point.

- ``init_config(optimize="efficiency")`` gives the small hash-embedding CNN tok2vec shared by
  every component through listeners, greedy ``ner``, ``spancat`` and a bag-of-words ``textcat``.
- spancat's default n-gram suggester (1-3 tokens) cannot propose a CLAIM of twenty tokens, and
  n-grams up to that length would be thousands of candidates per sentence; spaCy's
  ``span_finder`` learns where spans start and end and proposes those (``preset_spans_suggester``),
  as spaCy recommends for long spans. It annotates during training so spancat learns on its
  proposals. Its threshold stays at spaCy's 0.5: at 0.3 the untrained finder proposes most
  token pairs up to the longest span, and a step took 5-12 s instead of 0.3 s on four articles.
  The price, measured by the benchmark: after 600 steps the finder may still propose nothing
  above 0.5, and spancat then learns nothing (CLAIM and THREAT F1 0 on 200 generated articles).
- The tok2vec is *sourced* from the English pipeline (``en_core_web_sm``, trained on far more
  text than a project has) when one is installed: with a few hundred annotated articles it starts
  from useful features instead of random ones. Same width (96), so the listeners fit.
- No early stopping: the run takes ``max_steps`` steps, which makes the time estimate honest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from annotator.training.data import CANDIDATES_KEY, SPANS_KEY, LabelPlan

if TYPE_CHECKING:
    from thinc.api import Config

TOK2VEC_WIDTH = 96  # the efficiency config's and en_core_web_sm's tok2vec width
_LISTENER = {"@architectures": "spacy.Tok2VecListener.v1", "width": TOK2VEC_WIDTH, "upstream": "*"}


def build_config(plan: LabelPlan, *, train_path: str, dev_path: str, max_steps: int, base: str | None,
                 seed: int = 0) -> Config:
    """The config for ``plan``; ``base`` names the pipeline whose tok2vec to start from (None: none)."""
    from spacy.cli.init_config import init_config

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
        _add_span_finder(config, plan)
        training["annotating_components"] = ["span_finder"]
    present = [key for key, labels in (("ents_f", plan.ner), (f"spans_{SPANS_KEY}_f", plan.spancat),
                                       ("cats_score", plan.textcat)) if labels]
    weights.update({key: round(1 / len(present), 2) for key in present})
    training["score_weights"] = weights
    if base is not None:
        config["components"]["tok2vec"] = {"source": base, "component": "tok2vec"}
        for name in components:  # the listeners' width pointed into the tok2vec's own config
            config["components"][name]["model"]["tok2vec"]["width"] = TOK2VEC_WIDTH
    return config


def _add_span_finder(config: Config, plan: LabelPlan) -> None:
    nlp = config["nlp"]
    pipeline = list(nlp["pipeline"])
    pipeline.insert(pipeline.index("spancat"), "span_finder")
    nlp["pipeline"] = pipeline
    config["components"]["span_finder"] = {
        "factory": "span_finder", "spans_key": CANDIDATES_KEY, "threshold": 0.5,
        "max_length": plan.max_span_tokens, "min_length": None,
        "scorer": {"@scorers": "spacy.span_finder_scorer.v1"},
        "model": {"@architectures": "spacy.SpanFinder.v1",
                  "scorer": {"@layers": "spacy.LinearLogistic.v1", "nO": 2},
                  "tok2vec": dict(_LISTENER)},
    }
    config["components"]["spancat"]["suggester"] = {"@misc": "spacy.preset_spans_suggester.v1",
                                                    "spans_key": CANDIDATES_KEY}
