"""Pattern files: rules an analyst edits without code, such as the threat cues.

One JSON object per line, the shape of spaCy's EntityRuler pattern files plus attributes::

    {"label": "THREAT", "phrase": "nuclear arsenal", "attrs": {"threat_type": "nuclear"}}
    {"label": "THREAT", "pattern": [{"LOWER": "stand"}, {"LOWER": "idly"}, {"LOWER": "by"}]}

A ``phrase`` is found in any case (spaCy's PhraseMatcher on LOWER); a ``pattern`` is a spaCy
Matcher token pattern. Where matches of one label overlap, the longest wins. Blank lines and
lines starting with ``#`` are comments. Because analysts edit these files by hand, loading checks
every line — JSON, fields, the label and attributes against the project's schema, the token
pattern against spaCy's own pattern schema and against the cost limits of
``annotator.nlp.rule_budget`` (which also keeps a slow rule from holding up a run) — and reports
all problems at once, each with file and line. The bundled files are in ``resources/patterns/``;
a project can point the ``nlp_pattern_files`` setting (one path per line) at its own copies.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.errors import Errors, UserError
from annotator.input_files import UnreadableInput, read_input_file
from annotator.nlp.rule_budget import RULE_BUDGET_SECONDS, OverBudget, bounded_pattern, cost_problems, time_budget
from annotator.nlp.word_lists import WordListMatcher, word_list_steps
from annotator.paths import resources_dir

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.matcher import Matcher
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

    from annotator.schema import AttributeDef, LabelSchema

_Group = tuple[frozenset[str], bool]  # token rules run together: the annotations they need, made of listed words
PATTERN_FILES_SETTING = "nlp_pattern_files"
# Checking takes about 1 s a megabyte (spaCy validates each token pattern): 16 MB holds a list of
# some 300,000 phrases; a larger file is a wrong path, refused before it is read.
MAX_PATTERN_FILE_BYTES = 16_000_000
_FIELDS = ("label", "phrase", "pattern", "attrs", "id")
# Token attributes that only a trained pipeline fills in, keyed as Doc.has_annotation names them.
_NEEDS_ANNOTATION = {"POS": "POS", "TAG": "TAG", "MORPH": "MORPH", "LEMMA": "LEMMA", "DEP": "DEP",
                     "ENT_TYPE": "ENT_IOB", "ENT_IOB": "ENT_IOB", "ENT_ID": "ENT_IOB", "ENT_KB_ID": "ENT_IOB",
                     "SENT_START": "SENT_START", "IS_SENT_START": "SENT_START"}


@dataclass(frozen=True)
class PatternRule:
    """One line of a pattern file."""

    file: Path
    line: int
    label: str
    phrase: str | None = None
    pattern: list[dict[str, Any]] | None = None
    attrs: Mapping[str, Any] = field(default_factory=dict)

    @property
    def source(self) -> str:
        """What suggestions made by this rule record as their source, e.g. ``pattern:threat_cues``."""
        return f"pattern:{self.file.stem}"

    @property
    def key(self) -> str:
        return f"{self.file.name}:{self.line}"

    @property
    def needs(self) -> frozenset[str]:
        """Annotations (``Doc.has_annotation`` names) the pattern needs from the pipeline."""
        return frozenset(
            _NEEDS_ANNOTATION[name.upper()] for token in self.pattern or () for name in token
            if name.upper() in _NEEDS_ANNOTATION
        )


def default_pattern_files() -> list[Path]:
    """The pattern files shipped in ``resources/patterns``."""
    return sorted((resources_dir() / "patterns").glob("*.jsonl"))


def load_pattern_files(paths: Iterable[Path], schema: LabelSchema) -> list[PatternRule]:
    """Every rule of ``paths``; one UserError listing all problems of all files, if any."""
    rules: list[PatternRule] = []
    problems: list[str] = []
    for path in paths:
        file_rules, file_problems = _read(Path(path), schema)
        rules += file_rules
        problems += file_problems
    if problems:
        raise UserError("\n".join(problems))
    return rules


def _read(path: Path, schema: LabelSchema) -> tuple[list[PatternRule], list[str]]:
    try:
        text = read_input_file(path, MAX_PATTERN_FILE_BYTES, "a pattern file").decode("utf-8-sig")
    except (UnreadableInput, UnicodeDecodeError) as exc:
        return [], [Errors.E602.format(path=path, reason=exc)]
    rules: list[PatternRule] = []
    problems: list[str] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        where = {"path": path, "line": number}
        try:
            entry = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(Errors.E603.format(**where, reason=exc.msg))
            continue
        line_problems = _check(entry, schema, where)
        if line_problems:
            problems += line_problems
            continue
        rules.append(PatternRule(file=path, line=number, label=entry["label"], phrase=entry.get("phrase"),
                                 pattern=entry.get("pattern"), attrs=dict(entry.get("attrs") or {})))
    return rules, problems


def _kind(value: Any) -> str:
    """How a JSON value is described in messages."""
    if value is None:
        return "null"
    return {bool: "true/false", int: "a number", float: "a number", str: "text", list: "a list",
            dict: "an object"}.get(type(value), type(value).__name__)


def _check(entry: Any, schema: LabelSchema, where: dict[str, Any]) -> list[str]:
    """Problems with one parsed line, as messages; empty when it is a valid rule."""
    if not isinstance(entry, dict):
        return [Errors.E604.format(**where, found=_kind(entry))]
    problems = [Errors.E605.format(**where, field=name, known=", ".join(_FIELDS)) for name in entry
                if name not in _FIELDS]
    label = entry.get("label")
    spec = schema.span_label(label) if isinstance(label, str) else None
    if spec is None:
        known = ", ".join(s.name for s in schema.span_labels)
        problems.append(Errors.E607.format(**where, label=label, known=known))
    given = [name for name in ("phrase", "pattern") if name in entry]
    if len(given) != 1:
        problems.append(Errors.E606.format(**where, found="both" if given else "neither"))
    elif "phrase" in entry and not (isinstance(entry["phrase"], str) and entry["phrase"].strip()):
        problems.append(Errors.E610.format(**where, field="phrase", expected="non-empty text",
                                           found=_kind(entry["phrase"])))
    elif "pattern" in entry:
        problems += _check_token_pattern(entry["pattern"], where)
    attrs = entry.get("attrs", {})
    if not isinstance(attrs, dict):
        problems.append(Errors.E610.format(**where, field="attrs", expected="an object", found=_kind(attrs)))
    elif spec is not None:
        for name, value in attrs.items():
            definition = spec.attribute(name)
            if definition is None:
                known = ", ".join(a.name for a in spec.attributes) or "none"
                problems.append(Errors.E609.format(**where, name=name,
                                                   problem=f"is not an attribute of {spec.name} (it has: {known})"))
            elif (problem := _attribute_problem(definition, value)) is not None:
                problems.append(Errors.E609.format(**where, name=name, problem=problem))
    return problems


def _check_token_pattern(pattern: Any, where: dict[str, Any]) -> list[str]:
    from spacy.schemas import validate_token_pattern

    if not isinstance(pattern, list) or not pattern:
        return [Errors.E610.format(**where, field="pattern", expected="a non-empty list of token objects",
                                   found=_kind(pattern))]
    problems = [Errors.E608.format(**where, problem=problem) for problem in validate_token_pattern(pattern)]
    return problems or cost_problems(pattern, where) or _add_problems(pattern, where)


def _add_problems(pattern: list[dict[str, Any]], where: dict[str, Any]) -> list[str]:
    """What spaCy's Matcher says when the pattern is added, for what its schema lets through."""
    from spacy.matcher import Matcher

    try:
        Matcher(_blank_vocab(), validate=False).add("check", [bounded_pattern(pattern)])
    except (ValueError, KeyError, TypeError) as error:
        return [Errors.E608.format(**where, problem=str(error).strip().splitlines()[0])]
    return []


@cache
def _blank_vocab() -> Vocab:
    from spacy.vocab import Vocab

    return Vocab()


def _attribute_problem(definition: AttributeDef, value: Any) -> str | None:
    """Why ``value`` does not fit the schema attribute, or None when it does."""
    allowed = ", ".join(definition.values)
    if definition.type == "choice" and value not in definition.values:
        return f"must be one of {allowed}, not {value!r}"
    if definition.type == "multichoice" and not (
            isinstance(value, list) and all(v in definition.values for v in value)):
        return f"must be a list of some of {allowed}, not {value!r}"
    if definition.type == "boolean" and not isinstance(value, bool):
        return f"must be true or false, not {value!r}"
    if definition.type == "number" and (isinstance(value, bool) or not isinstance(value, int | float)):
        return f"must be a number, not {value!r}"
    if definition.type == "text" and not isinstance(value, str):
        return f"must be text, not {value!r}"
    return None


@dataclass(frozen=True, slots=True)
class RuleMatch:
    start: int  # character offsets
    end: int
    rule: PatternRule


@dataclass(frozen=True, slots=True)
class SlowRule:
    """A rule that used up its time on a document (by id) and was left out from then on."""

    rule: PatternRule
    document: int | None


class RuleMatcher:
    """The rules of some pattern files compiled for one pipeline's vocabulary.

    Token rules made only of listed words (most cues) share one ``WordListMatcher``
    (``annotator.nlp.word_lists``: a lookup per token, where spaCy's Matcher ran every list on
    every token); the other token rules that need the same annotations share one spaCy Matcher.
    Each runs within ``budget`` seconds per document (see ``annotator.nlp.rule_budget``). When a
    shared run is over budget, its rules run one by one on that document to find the slow ones:
    those are recorded in ``slow`` and left out for the rest of the run, and the others' matches
    still count.
    """

    def __init__(self, nlp: Language, rules: Iterable[PatternRule], budget: float = RULE_BUDGET_SECONDS) -> None:
        from spacy.matcher import PhraseMatcher

        self._vocab = nlp.vocab
        self.budget = budget
        self._rules: dict[str, PatternRule] = {}
        self._phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
        self._token_rules: dict[_Group, list[PatternRule]] = {}
        for rule in rules:
            self._rules[rule.key] = rule
            if rule.phrase is not None:
                self._phrases.add(rule.key, [nlp.make_doc(rule.phrase)])
            elif rule.pattern is not None:
                group = (rule.needs, word_list_steps(rule.pattern) is not None)
                self._token_rules.setdefault(group, []).append(rule)
        self._token_matchers = {group: self._matcher(group, rules) for group, rules in self._token_rules.items()}
        self.unusable: set[str] = set()  # keys of rules the pipeline lacked annotations for
        self.slow: list[SlowRule] = []

    def _matcher(self, group: _Group, rules: Iterable[PatternRule]) -> Matcher | WordListMatcher:
        from spacy.matcher import Matcher

        if group[1]:
            listed = WordListMatcher(self._vocab)
            for rule in rules:
                listed.add(rule.key, word_list_steps(rule.pattern or []) or [])
            return listed
        matcher = Matcher(self._vocab)
        for rule in rules:
            matcher.add(rule.key, [bounded_pattern(rule.pattern or [])], greedy="LONGEST")
        return matcher

    def _within_budget(self, matcher: Matcher | WordListMatcher, doc: Doc) -> list[tuple[int, int, int]] | None:
        """(start, end, match id) of ``matcher`` in ``doc``, or None when it ran out of time."""
        try:
            with time_budget(self.budget):
                return [(start, end, match_id) for match_id, start, end in matcher(doc)]
        except OverBudget:
            return None

    def _token_matches(self, group: _Group, doc: Doc, document: int | None) -> list[tuple[int, int, int]]:
        found = self._within_budget(self._token_matchers[group], doc)
        if found is not None:
            return found
        found = []
        for rule in list(self._token_rules[group]):
            alone = self._within_budget(self._matcher(group, [rule]), doc)
            if alone is None:
                self.slow.append(SlowRule(rule, document))
                self._token_rules[group].remove(rule)
            else:
                found += alone
        self._token_matchers[group] = self._matcher(group, self._token_rules[group])
        return found

    def __call__(self, doc: Doc, document: int | None = None) -> list[RuleMatch]:
        """Matches in ``doc`` (of the document with id ``document``, named when a rule is slow);
        of overlapping matches with one label, the longest (then first)."""
        vocab = doc.vocab
        found = [(start, end, match_id) for match_id, start, end in self._phrases(doc)]
        for group, rules in self._token_rules.items():
            if not rules:
                continue
            if all(doc.has_annotation(name) for name in group[0]):
                found += self._token_matches(group, doc, document)
            else:
                self.unusable.update(rule.key for rule in rules)
        chosen: list[RuleMatch] = []
        taken: dict[str, list[tuple[int, int]]] = {}
        for start, end, match_id in sorted(found, key=lambda m: (m[0] - m[1], m[0])):
            rule = self._rules[vocab.strings[match_id]]
            spans = taken.setdefault(rule.label, [])
            if any(start < other_end and other_start < end for other_start, other_end in spans):
                continue
            spans.append((start, end))
            span = doc[start:end]
            chosen.append(RuleMatch(span.start_char, span.end_char, rule))
        return sorted(chosen, key=lambda m: (m.start, m.end))
