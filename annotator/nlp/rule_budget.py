"""Token patterns with bounded cost: limits checked when a pattern file is loaded, a time budget
while the rules run.

Why limits. spaCy's Matcher keeps every partial match alive and never merges equal ones, so its
work grows with the document for each repeating token. Measured on 1,000 tokens that a bare
``{"OP": "*"}`` matches, before a literal: one takes 0.5 s, two 12 s, three 395 s (four, as a
tester found: minutes and gigabytes); each ``?`` doubles the paths tried from every token (20 of
them: 154 s on 2,000 tokens), and ``{n,m}`` is written out by spaCy as n tokens and m-n ``?``.
Loading refuses what is plainly explosive, saying the limit and why:

- ``MAX_UNBOUNDED`` (2) repetitions without a maximum (``*``, ``+``, ``{n,}``) in one pattern:
  real cues repeat one or two words ("foreign" and "gross" before "interference");
- ``MAX_OPTIONAL`` (8) optional tokens (``?`` and the optional part of ``{n,m}``): at most 256
  ways to match from each token;
- ``MAX_PATTERN_TOKENS`` (50) tokens once ``{n,m}`` is written out (``{"OP": "{100000000}"}``
  would be copied a hundred million times before matching starts).

Why a budget. A rule within the limits can still be slow on a long document when its repeating
token matches anything. Every pattern's first token gets a clock predicate, which the Matcher
evaluates once per document token (spaCy caches predicate results per token); it raises
``OverBudget`` once ``RULE_BUDGET_SECONDS`` have passed, which stops the Matcher's loop in the
middle of the document. Two seconds is hundreds of times what the bundled rules need for a
100,000-character piece, and short enough that a run with a bad rule goes on promptly. Rules
made only of listed words do not go through spaCy's Matcher (``annotator.nlp.word_lists``):
they read the clock (``check_budget``) where one of their words stands, not at every token.

Regular expressions. spaCy runs ``REGEX`` with Python's ``re``, which cannot be interrupted: a
catastrophic expression on a long run of one letter holds the process for minutes. Each REGEX is
compiled when the file is loaded (a bad one is a message) and rewritten into a token extension
attribute whose getter searches with the ``regex`` library and the time left in the budget as its
timeout. Compiling is bounded too: ``regex`` writes out counted repeats, so
``((a{1000}){1000}){1000}`` never finishes compiling; the counts in one expression may multiply
to at most ``MAX_REGEX_REPEATS``. FUZZY stays with spaCy: its edit distance is bounded by the
allowed edits and polynomial per token, and the clock runs between tokens. Extension attributes
(``"_"``) are refused in pattern files: none are defined for them, and spaCy would fail while
matching.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import regex

from annotator.errors import Errors

if TYPE_CHECKING:
    from spacy.tokens import Token

MAX_UNBOUNDED = 2
MAX_OPTIONAL = 8
MAX_PATTERN_TOKENS = 50
MAX_REGEX_REPEATS = 100_000
RULE_BUDGET_SECONDS = 2.0
CLOCK = "annotator_rule_clock"
# Token attributes holding text, where a REGEX can apply; how to read each from a Token.
_TEXT_ATTRIBUTES: dict[str, Callable[[Token], str]] = {
    "ORTH": lambda t: t.orth_, "TEXT": lambda t: t.orth_, "LOWER": lambda t: t.lower_, "NORM": lambda t: t.norm_,
    "LEMMA": lambda t: t.lemma_, "POS": lambda t: t.pos_, "TAG": lambda t: t.tag_, "DEP": lambda t: t.dep_,
    "MORPH": lambda t: str(t.morph), "SHAPE": lambda t: t.shape_, "ENT_TYPE": lambda t: t.ent_type_,
    "ENT_ID": lambda t: t.ent_id_, "ENT_KB_ID": lambda t: t.ent_kb_id_,
}
_COUNTED = re.compile(r"^\{(\d*)(,?)(\d*)\}$")  # spaCy's {n}, {n,m}, {n,}, {,m}
_REGEX_COUNT = re.compile(r"(?<!\\)\{(\d*),?(\d*)\}")
_deadline = threading.local()


class OverBudget(Exception):
    """The rules being run used up their time on this document."""


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Let the clock predicate and the REGEX getters run for ``seconds`` from now (this thread)."""
    previous = getattr(_deadline, "at", math.inf)
    _deadline.at = time.monotonic() + seconds
    try:
        yield
    finally:
        _deadline.at = previous


def _time_left() -> float:
    left = getattr(_deadline, "at", math.inf) - time.monotonic()
    if left <= 0:
        raise OverBudget
    return left


def check_budget() -> None:
    """Raise ``OverBudget`` once the budget set by ``time_budget`` is used up; for rule runners
    other than spaCy's Matcher (``annotator.nlp.word_lists``)."""
    _time_left()


def _clock(_token: Token) -> int:
    _time_left()
    return 1


# --- checks when a pattern file is loaded ----------------------------------------------------


def cost_problems(pattern: list[dict[str, Any]], where: dict[str, Any]) -> list[str]:
    """Messages for a token pattern (already valid by spaCy's schema) that would cost too much,
    or that spaCy accepts in its schema but fails on when the rule is added or run."""
    problems: list[str] = []
    unbounded = optional = length = 0
    for token in pattern:
        op = str(next((value for key, value in token.items() if key.upper() == "OP"), "1"))
        counted = _COUNTED.match(op)
        if op in ("*", "+"):
            unbounded += 1
            length += 1
        elif op == "?":
            optional += 1
            length += 1
        elif counted:
            low, comma, high = counted.groups()
            least = _number(low)
            most = (_number(high) if high else None) if comma else least
            if most is not None and (most == 0 or least > most):
                problems.append(Errors.E608.format(**where, problem=f"\"OP\": \"{op}\" matches no token; give a "
                                                                    "maximum of at least 1 and not below the minimum"))
                continue
            unbounded += most is None
            optional += most - least if most is not None else 0
            length += most if most is not None else least + 1
        else:
            length += 1
        problems += _token_problems(token, where)
    if unbounded > MAX_UNBOUNDED:
        problems.append(Errors.E613.format(**where, count=unbounded, limit=MAX_UNBOUNDED))
    if optional > MAX_OPTIONAL:
        problems.append(Errors.E614.format(**where, count=optional, limit=MAX_OPTIONAL))
    if length > MAX_PATTERN_TOKENS:
        problems.append(Errors.E615.format(**where, count=length, limit=MAX_PATTERN_TOKENS))
    return problems


def _token_problems(token: dict[str, Any], where: dict[str, Any]) -> list[str]:
    """Extension attributes, and each REGEX: where it stands, whether it compiles, what it costs."""
    problems: list[str] = []
    for key, value in token.items():
        if key.upper() == "_":
            problems.append(Errors.E617.format(**where))
            continue
        found = _regexes(value)
        if found is None:
            problems.append(Errors.E616.format(**where, attribute=key, problem=(
                "REGEX may hold one expression, or {\"IN\": [...]} or {\"NOT_IN\": [...]} of them, "
                "and may not stand inside FUZZY")))
            continue
        if not found:
            continue
        if key.upper() not in _TEXT_ATTRIBUTES:
            problems.append(Errors.E616.format(**where, attribute=key, problem=(
                f"REGEX applies only to text attributes ({', '.join(_TEXT_ATTRIBUTES)})")))
            continue
        for expression in found[1]:
            if (problem := _regex_problem(expression)) is not None:
                problems.append(Errors.E616.format(**where, attribute=key, problem=problem))
    return problems


def _regexes(value: Any) -> tuple[str, list[str]] | tuple[()] | None:
    """("IN"/"NOT_IN", expressions) of the REGEX in an attribute's value, () when it has none,
    None when REGEX stands where this module cannot run it (nested in FUZZY, or around other
    operators)."""
    if not isinstance(value, dict):
        return ()
    found: tuple[str, list[str]] | tuple[()] = ()
    for operator, inner in value.items():
        kind = operator.upper()
        if kind.startswith("FUZZY") and isinstance(inner, dict) and _regexes(inner) != ():
            return None
        if kind != "REGEX":
            continue
        if isinstance(inner, str):
            found = ("IN", [inner])
        elif isinstance(inner, dict) and len(inner) == 1 and next(iter(inner)).upper() in ("IN", "NOT_IN"):
            found = (next(iter(inner)).upper(), list(next(iter(inner.values()))))
        else:
            return None
    return found


def _regex_problem(expression: str) -> str | None:
    """Why ``expression`` cannot be used, or None: it must compile, in bounded time."""
    repeats = math.prod(max(_number(low), _number(high), 1) for low, high in _REGEX_COUNT.findall(expression))
    if repeats > MAX_REGEX_REPEATS:
        return (f"the counted repeats ({{n}}, {{n,m}}) in {json.dumps(expression)} multiply to {repeats:,}; "
                f"at most {MAX_REGEX_REPEATS:,} are allowed, because the expression is written out that many "
                "times when it is compiled")
    try:
        regex.compile(expression)
    except regex.error as error:
        return f"{json.dumps(expression)} is not a valid regular expression: {error}"
    return None


def _number(digits: str) -> int:
    """A count written in a pattern; absurdly long ones (which int() refuses) as 10**12."""
    return int(digits or 0) if len(digits) <= 12 else 10**12


# --- running -----------------------------------------------------------------------------


def bounded_pattern(pattern: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``pattern`` (checked by ``cost_problems``) as the Matcher runs it: each REGEX replaced by
    an extension attribute searched with ``regex`` within the budget, and the clock predicate on
    the first token."""
    from spacy.tokens import Token

    if not Token.has_extension(CLOCK):
        Token.set_extension(CLOCK, getter=_clock)
    rewritten = []
    for index, token in enumerate(pattern):
        spec: dict[str, Any] = {}
        extensions: dict[str, Any] = {CLOCK: {"==": 1}} if index == 0 else {}
        for key, value in token.items():
            found = _regexes(value)
            if not found:
                spec[key] = value
                continue
            rest = {operator: inner for operator, inner in value.items() if operator.upper() != "REGEX"}
            if rest:
                spec[key] = rest
            extensions[_regex_extension(key.upper(), *found)] = True
        if extensions:
            spec["_"] = extensions
        rewritten.append(spec)
    return rewritten


def _regex_extension(attribute: str, kind: str, expressions: list[str]) -> str:
    """The name of a token extension that is True where ``attribute`` matches (kind "IN": any of;
    "NOT_IN": none of) the expressions; registered once per process, named by its content."""
    from spacy.tokens import Token

    digest = hashlib.sha1(json.dumps([attribute, kind, expressions]).encode()).hexdigest()[:16]
    name = f"annotator_regex_{digest}"
    if Token.has_extension(name):
        return name
    compiled = [regex.compile(expression) for expression in expressions]
    read = _TEXT_ATTRIBUTES[attribute]

    def matches(token: Token) -> bool:
        text = read(token)
        try:
            found = any(expression.search(text, timeout=_time_left()) for expression in compiled)
        except TimeoutError:
            raise OverBudget from None
        return found == (kind == "IN")

    Token.set_extension(name, getter=matches)
    return name
