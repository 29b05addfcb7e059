"""Token patterns made only of listed words, matched by looking the words up.

Most cue rules are a few tokens, each one word or a list of words (``{"LOWER": {"IN": [...]}}``),
some optional or repeated (``"OP": "?"``, ``"*"``): the Russian cues list every form of each
word, a hundred forms in one token. spaCy's Matcher runs each such list as a Python predicate on
every token of the document, with the time budget's clock as another
(``annotator.nlp.rule_budget``); on the Russian benchmark that cost 0.41 s of CPU for 200
documents, nearly half of what natasha's NER itself takes. Here the words a rule can begin with
are one table (a dict from the word's hash to the rules it can start), so a document costs one
lookup per token, and work only where a cue word stands: from there the rule is followed token
by token over the set of its steps it can be at (at most one state per step, as a regular
expression is run), spaCy's operators written out as its Matcher writes them ("+" is one and
"*", "{2,4}" two and two "?").

The budget's clock is read at each of those tokens, not at every token of the document: a rule
without repeats is followed for at most its own length from each start, so it is linear in the
document; one with repeats of common words ("the"*, "cat"* before a missing word) is quadratic
in a run of them, as in spaCy's Matcher, and is stopped by the clock and reported like any slow
rule.

What is found is what spaCy's Matcher finds with ``greedy="LONGEST"``: every match of a rule,
then of its overlapping matches the longest, then the first (``tests/test_word_lists.py``
compares the two on random patterns and texts).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from annotator.nlp.rule_budget import check_budget

if TYPE_CHECKING:
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

# Token attributes a listed word is compared with, as spaCy's Matcher names them.
_ATTRIBUTES = ("ORTH", "TEXT", "LOWER", "NORM")
_COUNTED = re.compile(r"^\{(\d*)(,?)(\d*)\}$")  # {n}, {n,m}, {n,}, {,m}; limits are checked at load


@dataclass(frozen=True, slots=True)
class Step:
    """One token of a rule: the attribute compared, the words allowed, and how often: once
    ("1"), at most once ("?") or any number of times ("*"), as spaCy writes out every operator."""

    attribute: str  # ORTH, LOWER or NORM (TEXT is ORTH)
    words: tuple[str, ...]
    times: str


def word_list_steps(pattern: list[dict[str, Any]]) -> list[Step] | None:
    """``pattern`` as steps when each token is one text attribute equal to a word or in a list
    of words, under any operator but "!"; None for any other pattern (it stays with spaCy's
    Matcher)."""
    steps: list[Step] = []
    for token in pattern:
        spec = {key.upper(): value for key, value in token.items()} if all(isinstance(k, str) for k in token) else {}
        times = _times(spec.pop("OP", None))
        if times is None or len(spec) != 1:
            return None
        [(attribute, value)] = spec.items()
        if attribute not in _ATTRIBUTES:
            return None
        if isinstance(value, str):
            words: tuple[str, ...] = (value,)
        elif (isinstance(value, dict) and len(value) == 1 and str(next(iter(value))).upper() == "IN"
              and isinstance(listed := next(iter(value.values())), list) and all(isinstance(w, str) for w in listed)):
            words = tuple(listed)
        else:
            return None
        steps += [Step("ORTH" if attribute == "TEXT" else attribute, words, each) for each in times]
    return steps if any(step.times == "1" for step in steps) else None


def _times(op: Any) -> list[str] | None:
    """An operator written out as spaCy's Matcher does: "+" is once then any number of times,
    "{2,4}" twice then twice at most once; None for "!" and what is not an operator."""
    if op is None:
        return ["1"]
    if op in ("?", "*"):
        return [op]
    if op == "+":
        return ["1", "*"]
    counted = _COUNTED.match(op) if isinstance(op, str) else None
    if counted is None:
        return None
    low, comma, high = counted.groups()
    if not comma:
        high = low
    least = int(low or 0)
    if high and int(high) < least:
        return None
    return ["1"] * least + (["?"] * (int(high) - least) if high else ["*"])


@dataclass(frozen=True, slots=True)
class _Rule:
    match_id: int
    columns: tuple[int, ...]  # per step: which of the matcher's attribute columns it reads
    words: tuple[frozenset[int], ...]  # per step: the hashes of its words
    skips: tuple[tuple[int, ...], ...]  # per step: the steps reachable from it by leaving out optional ones
    again: tuple[bool, ...]  # per step: whether it may match again ("*")


class WordListMatcher:
    """Rules of ``word_list_steps``, run on a Doc; called as spaCy's Matcher is, it returns
    (match id, start, end) with each rule's overlapping matches reduced to the longest."""

    def __init__(self, vocab: Vocab) -> None:
        self._vocab = vocab
        self._attributes: list[str] = []
        self._rules: list[_Rule] = []
        self._starts: list[dict[int, list[int]]] = []  # per column: word hash -> rules that can start there

    def __len__(self) -> int:
        return len(self._rules)

    def add(self, key: str, steps: list[Step]) -> None:
        strings = self._vocab.strings
        columns = []
        for step in steps:
            if step.attribute not in self._attributes:
                self._attributes.append(step.attribute)
                self._starts.append({})
            columns.append(self._attributes.index(step.attribute))
        words = tuple(frozenset(strings.add(word) for word in step.words) for step in steps)
        skips = []
        for index in range(len(steps) + 1):
            reach = [index]
            while reach[-1] < len(steps) and steps[reach[-1]].times != "1":
                reach.append(reach[-1] + 1)
            skips.append(tuple(reach))
        rule = _Rule(strings.add(key), tuple(columns), words, tuple(skips), tuple(step.times == "*" for step in steps))
        number = len(self._rules)
        self._rules.append(rule)
        for first in skips[0]:  # the steps a match can begin with: the first, and any after optional ones
            if first < len(steps):
                for word in words[first]:
                    rules = self._starts[columns[first]].setdefault(word, [])
                    if number not in rules:
                        rules.append(number)

    def __call__(self, doc: Doc) -> list[tuple[int, int, int]]:
        if not self._rules or not len(doc):
            return []
        from spacy.attrs import IDS

        table = doc.to_array([IDS[name] for name in self._attributes])  # one attribute: spaCy gives a row
        columns = table.T.tolist() if table.ndim == 2 else [table.tolist()]
        found: dict[int, list[tuple[int, int]]] = {}
        for column, starts in zip(columns, self._starts, strict=True):
            for start, value in enumerate(column):
                for number in starts.get(value, ()):
                    rule = self._rules[number]
                    found.setdefault(number, []).extend((start, end) for end in _ends(rule, columns, start))
        return [(self._rules[number].match_id, start, end)
                for number, pairs in found.items() for start, end in _longest(pairs, len(doc))]


def _ends(rule: _Rule, columns: list[Any], start: int) -> list[int]:
    """Where matches of ``rule`` that begin at token ``start`` end (exclusive), shortest first:
    the steps the rule can be at are followed token by token (at most one state per step), with
    the budget's clock read at each token."""
    last = len(rule.columns)
    length = len(columns[0])
    states = rule.skips[0]
    ends = []
    at = start
    while states:
        check_budget()
        if last in states and at > start:
            ends.append(at)
        if at == length:
            break
        following: set[int] = set()
        for step in states:
            if step < last and columns[rule.columns[step]][at] in rule.words[step]:
                following.update(rule.skips[step] if rule.again[step] else rule.skips[step + 1])
        states = tuple(following)
        at += 1
    return ends


def _longest(pairs: list[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    """spaCy's ``greedy="LONGEST"``: longest first (then earliest), each kept unless it overlaps
    one already kept."""
    taken = bytearray(length)
    kept = []
    for start, end in sorted(set(pairs), key=lambda pair: (pair[1] - pair[0], -pair[0]), reverse=True):
        if not any(taken[start:end]):
            kept.append((start, end))
            taken[start:end] = b"\x01" * (end - start)
    return kept
