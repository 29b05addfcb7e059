"""Pattern rules with bounded cost: explosive patterns and bad regexes are refused at load with
file and line; a rule that is slow on a document is reported and skipped, and the other rules'
suggestions are still made. The CLI cases run the real command with the real English model; a
regression to the old unbounded matching shows as the subprocess timeout (the tester's patterns
ran for minutes)."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.matcher import Matcher

from annotator.corpus.importer import import_paths
from annotator.errors import UserError
from annotator.nlp.patterns import MAX_PATTERN_FILE_BYTES, PatternRule, RuleMatcher, load_pattern_files
from annotator.nlp.rule_budget import MAX_OPTIONAL, MAX_PATTERN_TOKENS, MAX_REGEX_REPEATS, MAX_UNBOUNDED
from annotator.schema import load_default_schema
from annotator.store import Project
from tests.cli_runs import Outcome, run_here
from tests.conftest import SAMPLE_CORPUS

FIRST = "000_674545b150a673a3"
ANY = {"OP": "*"}
SHORT_WORDS = {"LOWER": {"IN": ["the", "cat", "sat", "on", "mat", "."]}, "OP": "*"}
PHRASE_RULE = {"label": "THREAT", "phrase": "all available forces and means"}
SCHEMA = load_default_schema()
NLP = spacy.blank("en")


def run_cli(*args: str) -> Outcome:
    return run_here(*args)


def write_rules(path: Path, *rules: dict[str, Any]) -> Path:
    path.write_text("".join(json.dumps(rule) + "\n" for rule in rules), encoding="utf-8")
    return path


def token_rule(*tokens: dict[str, Any]) -> dict[str, Any]:
    return {"label": "THREAT", "pattern": list(tokens)}


@pytest.fixture
def corpus_project(tmp_path: Path) -> Path:
    """A project file with the first sample article and a long one of short words and a run of "a"."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / f"{FIRST}.txt").write_text((SAMPLE_CORPUS / f"{FIRST}.txt").read_text(encoding="utf-8"),
                                         encoding="utf-8")
    (folder / "aaa.txt").write_text("The cat sat on the mat. " * 700 + "The cry was " + "a" * 60
                                    + "b, all available forces and means.\n", encoding="utf-8")
    location = tmp_path / "p.db"
    with Project.open(location) as project:
        import_paths(project, [folder])
    return location


def suggestion_count(location: Path) -> int:
    with Project.open(location) as project:
        return sum(len(project.suggestions.spans(doc_id)) for doc_id in project.documents.ids())


@pytest.mark.slow
def test_slow_rules_are_reported_and_skipped_and_the_others_still_suggest(corpus_project: Path,
                                                                          tmp_path: Path) -> None:
    rules = write_rules(
        tmp_path / "slow.jsonl",
        token_rule(SHORT_WORDS, SHORT_WORDS, {"LOWER": "dog"}),  # within the limits, cubic in a run of short words
        token_rule({"TEXT": {"REGEX": "^(a|aa)+$"}}),  # catastrophic even for the regex library
        token_rule({"TEXT": {"REGEX": "^(a+)+$"}}),  # the tester's: catastrophic for Python's re
        PHRASE_RULE,
    )
    result = run_cli("suggest", str(corpus_project), "--patterns", str(rules))
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    reported = [line for line in result.stderr.splitlines() if "[E618]" in line]
    assert len(reported) == 2, result.stderr
    assert f"{rules}, line 1:" in reported[0] and f"{rules}, line 2:" in reported[1]
    assert all("(aaa)" in line for line in reported)  # not the article, where short words come one at a time
    assert "skipped for the rest of this run" in reported[0]
    with Project.open(corpus_project) as project:
        for name in (FIRST, "aaa"):
            doc_id = project.documents.resolve(name)
            text = project.documents.get(doc_id).text
            found = {(text[s.start:s.end], s.source) for s in project.suggestions.spans(doc_id, label="THREAT")}
            assert ("all available forces and means", "pattern:slow") in found
            assert not any(source == "pattern:slow" and "a" * 60 in span for span, source in found)


def test_refused_pattern_files_name_file_line_and_limit_and_change_nothing(corpus_project: Path,
                                                                           tmp_path: Path) -> None:
    rules = write_rules(
        tmp_path / "bad.jsonl",
        PHRASE_RULE,
        token_rule(ANY, ANY, ANY, ANY, {"LOWER": "nothing"}),  # the tester's: minutes and 3.7 GB
        token_rule({"TEXT": {"REGEX": "(unclosed"}}),
        token_rule({"TEXT": {"REGEX": "((a{1000}){1000}){1000}"}}),  # never finishes compiling
        token_rule({"OP": "{100000000}"}),
        token_rule({"_": {"mine": True}}),
    )
    result = run_cli("suggest", str(corpus_project), "--patterns", str(rules))
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.removeprefix("annotator: ").splitlines()
    assert [line[:6] for line in lines] == ["[E613]", "[E616]", "[E616]", "[E615]", "[E617]"]
    for line, number in zip(lines, (2, 3, 4, 5, 6), strict=True):
        assert f"{rules}, line {number}:" in line
    assert f"at most {MAX_UNBOUNDED} are allowed" in lines[0] and "not a valid regular expression" in lines[1]
    assert f"at most {MAX_REGEX_REPEATS:,} are allowed" in lines[2]
    assert suggestion_count(corpus_project) == 0


def test_pattern_files_that_are_pipes_devices_or_too_large_are_not_read(corpus_project: Path, tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.jsonl")
    (tmp_path / "zero.jsonl").symlink_to("/dev/zero")
    with (tmp_path / "huge.jsonl").open("w", encoding="utf-8") as huge:
        huge.write((json.dumps(PHRASE_RULE) + "\n") * (MAX_PATTERN_FILE_BYTES // len(json.dumps(PHRASE_RULE)) + 1))
    for name, reason in (("pipe", "a named pipe (FIFO), not a file"), ("zero", "a character device, not a file"),
                         ("huge", "more than the 16 MB")):
        path = tmp_path / f"{name}.jsonl"
        result = run_cli("suggest", str(corpus_project), "--model", "blank:en", "--patterns", str(path))
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        assert f"[E602] Cannot read pattern file {path}: it" in result.stderr and reason in result.stderr
    itself = run_cli("suggest", str(corpus_project), "--model", "blank:en", "--patterns", str(corpus_project))
    assert itself.returncode == 1 and "[E146]" in itself.stderr and "Traceback" not in itself.stderr
    assert suggestion_count(corpus_project) == 0


# --- limits and semantics, in process ---------------------------------------------------------


def load_error(tmp_path: Path, *tokens: dict[str, Any]) -> str:
    """The message for a one-rule file, or "" when it loads."""
    try:
        load_pattern_files([write_rules(tmp_path / "r.jsonl", token_rule(*tokens))], SCHEMA)
    except UserError as error:
        return str(error)
    return ""


@pytest.mark.parametrize(("allowed", "refused", "code"), [
    ([ANY] * MAX_UNBOUNDED, [ANY] * MAX_UNBOUNDED + [{"OP": "{2,}"}], "[E613]"),
    ([{"OP": "?"}] * MAX_OPTIONAL, [{"OP": "?"}] * (MAX_OPTIONAL - 2) + [{"OP": "{1,4}"}], "[E614]"),
    ([{"OP": f"{{{MAX_PATTERN_TOKENS - 1}}}"}], [{"OP": f"{{{MAX_PATTERN_TOKENS}}}"}], "[E615]"),
    ([{"TEXT": {"REGEX": "(a{100}){1000}"}}], [{"TEXT": {"REGEX": "(a{101}){1000}"}}], "[E616]"),
])
def test_limits_are_exact(tmp_path: Path, allowed: list[dict[str, Any]], refused: list[dict[str, Any]],
                          code: str) -> None:
    assert load_error(tmp_path, *allowed, {"LOWER": "x"}) == ""
    assert load_error(tmp_path, *refused, {"LOWER": "x"}).startswith(f"{code} {tmp_path / 'r.jsonl'}, line 1:")


@pytest.mark.parametrize("tokens", [
    [{"OP": "{3,1}"}], [{"OP": "{0}"}, {"LOWER": "x"}], [{"LENGTH": {"REGEX": "3"}}],
    [{"LOWER": {"FUZZY": {"REGEX": "x"}}}], [{"LOWER": {"REGEX": {"IN": ["^a", "(b"]}}}],
])
def test_what_spacy_would_fail_on_is_refused_at_load(tmp_path: Path, tokens: list[dict[str, Any]]) -> None:
    assert load_error(tmp_path, *tokens).startswith(("[E608]", "[E616]"))


TEXT = "Nuclear weapons and a nuclear-armed neighbour: NUCLEAR arsenals, nuclear blackmail and the 2024 threats."
SAME_AS_SPACY = [
    [{"LOWER": {"REGEX": "^nuc"}}, {"LOWER": {"REGEX": "s$", "NOT_IN": ["threats"]}}],
    [{"TEXT": {"REGEX": {"IN": ["^NUC", "^20"]}}}],
    [{"LOWER": {"REGEX": {"NOT_IN": ["^nuc", "^[a-z]*$"]}}}],
    [{"LOWER": "nuclear"}, {"TEXT": {"REGEX": "^a"}, "OP": "!"}],
    [{"lower": {"regex": "^(an?|the)$"}, "op": "?"}, {"LOWER": {"REGEX": "^n"}, "OP": "+"}],
]


@pytest.mark.parametrize("pattern", SAME_AS_SPACY)
def test_rewritten_regexes_match_what_spacy_matches(pattern: list[dict[str, Any]], tmp_path: Path) -> None:
    doc = NLP(TEXT)
    reference = Matcher(NLP.vocab)
    reference.add("x", [pattern], greedy="LONGEST")
    expected = sorted((doc[start:end].start_char, doc[start:end].end_char) for _, start, end in reference(doc))
    rule = PatternRule(file=tmp_path / "r.jsonl", line=1, label="THREAT", pattern=pattern)
    matcher = RuleMatcher(NLP, [rule])
    assert expected and [(m.start, m.end) for m in matcher(doc)] == expected


def test_a_slow_rule_is_found_among_the_rules_that_share_its_matcher(tmp_path: Path) -> None:
    doc = NLP("the " * 2000 + "nuclear arsenal")
    rules = [PatternRule(file=tmp_path / "r.jsonl", line=line, label="THREAT", pattern=pattern) for line, pattern in (
        (1, [{"LOWER": "nuclear"}, {"LOWER": "arsenal"}]), (2, [ANY, ANY, {"LOWER": "arsenal"}]))]
    matcher = RuleMatcher(NLP, rules, budget=0.5)
    assert [(m.rule.line, doc.text[m.start:m.end]) for m in matcher(doc, 7)] == [(1, "nuclear arsenal")]
    assert [(slow.rule.line, slow.document) for slow in matcher.slow] == [(2, 7)]
    assert [m.rule.line for m in matcher(NLP("nuclear arsenal"), 8)] == [1]  # left out from then on
    assert len(matcher.slow) == 1


PREDICATE_VALUE = st.one_of(st.sampled_from(["^a", "(", "a{2}", "[a-"]), st.lists(st.sampled_from(["a", "("])),
                            st.integers(0, 3),
                            st.dictionaries(st.sampled_from(["IN", "REGEX"]), st.sampled_from(["x", "("])))
TOKEN = st.dictionaries(
    st.sampled_from(["LOWER", "TEXT", "OP", "LENGTH", "POS", "lower", "_", "IS_ALPHA"]),
    st.one_of(st.sampled_from(["*", "+", "?", "!", "{2}", "{1,3}", "{,2}", "{3,}", "{0}", "{2,1}", "x", "NOUN"]),
              st.booleans(), st.integers(-2, 5),
              st.dictionaries(st.sampled_from(["REGEX", "IN", "NOT_IN", "FUZZY", ">=", "regex"]), PREDICATE_VALUE,
                              max_size=2)),
    max_size=3)


@settings(max_examples=300, deadline=None)
@given(st.lists(TOKEN, min_size=1, max_size=4))
def test_any_token_pattern_is_refused_by_line_or_loads_and_runs(tokens: list[dict[str, Any]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = write_rules(Path(folder) / "fuzz.jsonl", token_rule(*tokens))
        try:
            rules = load_pattern_files([path], SCHEMA)
        except UserError as error:
            assert all(line.startswith("[E6") and f"{path}, line 1:" in line for line in str(error).splitlines())
            return
    RuleMatcher(NLP, rules)(NLP("a nuclear aa x 3 threats"))
