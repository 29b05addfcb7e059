"""Rules made of listed words (annotator.nlp.word_lists) find exactly what spaCy's Matcher finds
with greedy="LONGEST", run within the rule time budget, and carry the bundled cues."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.matcher import Matcher
from spacy.tokens import Doc

from annotator.nlp.patterns import PatternRule, RuleMatcher, default_pattern_files, load_pattern_files
from annotator.nlp.rule_budget import OverBudget, time_budget
from annotator.nlp.word_lists import WordListMatcher, word_list_steps
from annotator.schema import load_default_schema

NLP = spacy.blank("ru")
WORDS = ["a", "A", "b", "c", "и", "И", "угроза"]
TOKEN = st.builds(
    lambda attribute, value, op: {attribute: value, **({"OP": op} if op else {})},
    st.sampled_from(["LOWER", "ORTH", "TEXT", "NORM", "lower"]),
    st.one_of(st.sampled_from(WORDS), st.fixed_dictionaries({"IN": st.lists(st.sampled_from(WORDS), max_size=3)})),
    st.sampled_from([None, None, "?", "*", "+", "{2}", "{1,2}", "{,2}", "{2,}"]))


@settings(max_examples=80, deadline=None)
@given(st.lists(st.lists(TOKEN, min_size=1, max_size=4), min_size=1, max_size=3),
       st.lists(st.sampled_from(WORDS), max_size=15))
def test_word_lists_find_what_spacys_matcher_finds(patterns: list[list[dict[str, Any]]], words: list[str]) -> None:
    doc = Doc(NLP.vocab, words=words)
    reference, listed = Matcher(NLP.vocab), WordListMatcher(NLP.vocab)
    for number, pattern in enumerate(patterns):
        steps = word_list_steps(pattern)
        if steps is not None:  # a pattern whose every token is optional stays with spaCy
            reference.add(f"rule{number}", [pattern], greedy="LONGEST")
            listed.add(f"rule{number}", steps)
    assert sorted(listed(doc)) == sorted(reference(doc) if len(listed) else [])


def test_only_listed_words_are_taken() -> None:
    assert word_list_steps([{"LOWER": {"IN": ["военная", "военной"]}, "OP": "?"}, {"LOWER": "угроза"}]) is not None
    for pattern in ([{"LOWER": "не", "OP": "!"}, {"LOWER": "x"}], [{"LEMMA": "угроза"}],
                    [{"LOWER": {"REGEX": "^угроз"}}], [{"LOWER": {"NOT_IN": ["x"]}}], [{"OP": "*"}, {"LOWER": "x"}],
                    [{"LOWER": "x", "IS_ALPHA": True}], [{"LOWER": "x", "OP": "?"}]):
        assert word_list_steps(pattern) is None, pattern


def test_the_bundled_cues_are_all_listed_words() -> None:
    """Every token rule of the bundled pattern file runs as listed words (none goes through the
    Matcher's per-token predicates), so the Russian cues cost a lookup per token."""
    rules = load_pattern_files(default_pattern_files(), load_default_schema())
    token_rules = [rule for rule in rules if rule.pattern is not None]
    assert token_rules and all(word_list_steps(rule.pattern or []) is not None for rule in token_rules)


def test_a_listed_words_rule_keeps_to_the_time_budget(tmp_path: Path) -> None:
    """Two repeats of common words before a missing one: quadratic in a run of those words, as in
    spaCy's Matcher; the clock stops it and the rule is reported, the other rule still matches."""
    short = {"LOWER": {"IN": ["the", "cat", "sat", "on", "mat", "."]}, "OP": "*"}
    doc = NLP.make_doc("The cat sat on the mat. " * 700 + "nuclear arsenal")
    listed = WordListMatcher(NLP.vocab)
    listed.add("slow", word_list_steps([short, short, {"LOWER": "dog"}]) or [])
    started = time.monotonic()
    try:
        with time_budget(0.3):
            listed(doc)
    except OverBudget:
        pass
    else:
        raise AssertionError("the rule finished within the budget")
    assert time.monotonic() - started < 2

    rules = [PatternRule(file=tmp_path / "r.jsonl", line=line, label="THREAT", pattern=pattern) for line, pattern in (
        (1, [{"LOWER": "nuclear"}, {"LOWER": "arsenal"}]), (2, [short, short, {"LOWER": "dog"}]))]
    matcher = RuleMatcher(NLP, rules, budget=0.3)
    assert [(m.rule.line, doc.text[m.start:m.end]) for m in matcher(doc, 3)] == [(1, "nuclear arsenal")]
    assert [(slow.rule.line, slow.document) for slow in matcher.slow] == [(2, 3)]
