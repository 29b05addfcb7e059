"""Russian suggestions with natasha on the sample's Russian statements, routing by language, and
actors linked across scripts and Russian inflection."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.corpus.importer import import_paths
from annotator.corpus.sample import russian_sample_dir
from annotator.name_keys import name_key
from annotator.nlp.language_route import RUSSIAN_PIPELINE, document_languages, script_language, suggest_by_language
from annotator.nlp.pipelines import BLANK, LoadedPipeline, load_pipeline
from annotator.store import Project
from annotator.store.languages import set_document_language
from annotator.store.records import SpanRecord

ZAKHAROVA = "005_2514d5a773eee285"  # the ministry spokeswoman's statement
LUKASHENKO = "006_606d9a6bc4bd3684"  # the president's remarks


@pytest.fixture(scope="module")
def russian() -> LoadedPipeline:
    """natasha's NER, loaded once for the module (about two seconds)."""
    from annotator.nlp.russian import load_russian_pipeline

    return load_russian_pipeline()


@pytest.fixture(scope="module")
def blank() -> LoadedPipeline:
    return load_pipeline(BLANK)


def spans_of(project: Project, doc_id: int, label: str) -> dict[str, SpanRecord]:
    text = project.documents.get(doc_id).text
    return {text[s.start:s.end]: s for s in project.suggestions.spans(doc_id, label=label)}


def add_document(project: Project, folder: Path, name: str, text: str) -> int:
    path = folder / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    import_paths(project, [path])
    return project.documents.resolve(name)


# --- the sample statements --------------------------------------------------------------


def test_russian_statements_get_actors_locations_threats_and_claims(project: Project, russian: LoadedPipeline,
                                                                    blank: LoadedPipeline) -> None:
    import_paths(project, [russian_sample_dir()])
    result = suggest_by_language(project, pipeline=blank, russian=russian)
    assert result.documents == 3 and result.pipeline == RUSSIAN_PIPELINE
    assert result.pipelines_text() == f"{RUSSIAN_PIPELINE} on 3 Russian documents"

    doc_id = project.documents.resolve(ZAKHAROVA)
    actors = spans_of(project, doc_id, "ACTOR")
    assert {"Мария Захарова", "Захарова", "Захаровой", "МИД"} <= set(actors)
    assert {"Москва", "Москве", "Минск"} <= set(spans_of(project, doc_id, "LOCATION"))
    threats = spans_of(project, doc_id, "THREAT")
    assert threats["прямую угрозу"].attrs["explicitness"] == "explicit"
    assert threats["всеми имеющимися силами и средствами"].attrs["threat_type"] == "military"
    assert threats["всеми имеющимися силами и средствами"].source == "pattern:threat_cues"

    claims = spans_of(project, doc_id, "CLAIM")
    claim = claims["Москва не допустит вмешательства Запада во внутренние дела Белоруссии"]
    assert claim.attrs["reporting"] == "paraphrased" and claim.annotator == RUSSIAN_PIPELINE
    quoted = claims["Любые попытки оторвать Минск от Москвы мы рассматриваем как прямую угрозу нашей общей безопасности"]
    assert quoted.attrs["reporting"] == "quoted"
    speakers = {r.tail_id: r.head_id for r in project.suggestions.relations(doc_id) if r.label == "speaker_of"}
    text = project.documents.get(doc_id).text
    speaker = project.annotations.span(speakers[claim.id])
    assert text[speaker.start:speaker.end] == "Мария Захарова" and "speech" in (speaker.source or "")
    said = project.annotations.span(speakers[quoted.id])  # «…», — сказала Захарова
    assert text[said.start:said.end] == "Захарова"
    # "Она отметила, что …": a pronoun names no speaker, so that claim comes without one
    pronoun = claims["страны НАТО наращивают военное присутствие у границ Союзного государства"]
    assert pronoun.id not in speakers

    president = project.documents.resolve(LUKASHENKO)
    assert {"Александр Лукашенко", "Лукашенко"} <= set(spans_of(project, president, "ACTOR"))
    assert spans_of(project, president, "THREAT")["ядерное оружие"].attrs["threat_type"] == "nuclear"


# --- the pipeline against natasha alone --------------------------------------------------------


def test_the_pipeline_finds_natashas_own_entities_and_keeps_the_text(russian: LoadedPipeline) -> None:
    """The NER reads the tokenizer's words instead of tokenizing again: its entities are those of
    natasha's ``NewsNERTagger`` run on the text alone, and the Doc holds the text exactly."""
    from annotator.nlp.russian import ENTITY_TYPES, ner_tagger

    texts = [path.read_text(encoding="utf-8") for path in sorted(russian_sample_dir().glob("*.txt"))]
    texts.append("  Мария  Захарова\n\nзаявила в Минске:\t«МИД России готов».  ")
    for doc, alone in zip(russian.nlp.pipe(texts), ner_tagger().map(texts), strict=True):
        assert doc.text == alone.text
        assert [(e.start_char, e.end_char, e.label_) for e in doc.ents] == [
            (span.start, span.stop, ENTITY_TYPES[span.type]) for span in alone.spans]
        assert doc.ents and all(t.is_sent_start is False for t in doc if t.is_space)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "I-MISC"]), max_size=12))
def test_entity_tags_are_read_as_slovnet_reads_them(tags: list[str]) -> None:
    from slovnet.bio import bio_spans as slovnet_spans
    from slovnet.token import Token

    from annotator.nlp.russian import bio_spans

    places = [Token(10 * index, 10 * index + 5, "x") for index in range(len(tags))]
    assert list(bio_spans(tags)) == [(span.start // 10, span.stop // 10, span.type)
                                     for span in slovnet_spans(places, tags)]


# --- routing ---------------------------------------------------------------------------------


def test_documents_are_routed_by_their_language(project: Project, tmp_path: Path, russian: LoadedPipeline,
                                                blank: LoadedPipeline) -> None:
    english = add_document(project, tmp_path, "en", "The Kremlin warned Minsk about the nuclear arsenal.\n")
    unknown = add_document(project, tmp_path, "ru", "Захарова заявила, что Москва не допустит вмешательства.\n")
    stored = add_document(project, tmp_path, "latin", "Zakharova said Moscow would not allow interference.\n")
    set_document_language(project, unknown, None, expected=project.documents.languages([unknown])[unknown])
    set_document_language(project, stored, "ru", expected=project.documents.languages([stored])[stored])
    # unknown: judged from its text; stored: the analyst's correction wins over the script
    assert document_languages(project, [english, unknown, stored])[unknown] == "ru"
    assert document_languages(project, [stored])[stored] == "ru"

    result = suggest_by_language(project, pipeline=blank, russian=russian)
    assert result.pipelines_text() == f"{BLANK} on 1 document, {RUSSIAN_PIPELINE} on 2 Russian documents"
    assert {s.annotator for s in project.suggestions.spans(english)} == {BLANK}
    assert {s.annotator for s in project.suggestions.spans(unknown)} == {RUSSIAN_PIPELINE}
    assert "Захарова" in spans_of(project, unknown, "ACTOR")


def test_script_fallback_counts_letters() -> None:
    assert script_language("Президент заявил, что OSCE и NATO …") == "ru"
    assert script_language("The President said that ОДКБ is a threat.") is None
    assert script_language("12 345 — …") is None


# --- actors across scripts -------------------------------------------------------------------


@pytest.mark.parametrize(("one", "other"), [
    ("Lukashenka", "Lukashenko"), ("Lukashenka", "Лукашенко"), ("Лукашенко", "Лукашенком"),
    ("Łukašenka", "Лукашэнка"), ("Tsikhanouskaya", "Tikhanovskaya"), ("Tikhanovskaya", "Тихановская"),
    ("Ціханоўская", "Тихановской"), ("Zakharova", "Захаровой"), ("Maria Zakharova", "Марии Захаровой"),
    ("Hrodna", "Гродно"), ("Dzmitry", "Дмитрий"), ("Лукашенко́м", "Lukashenka"),
])
def test_name_keys_fold_scripts_romanizations_and_inflection(one: str, other: str) -> None:
    assert name_key(one) == name_key(other) != ""


def test_name_keys_keep_different_names_apart() -> None:
    assert len({name_key(name) for name in ("Lukashenka", "Zakharova", "Putin", "Minsk", "Moscow", "Kremlin")}) == 6


def test_a_russian_mention_links_to_the_actor_of_an_english_alias(project: Project, tmp_path: Path,
                                                                  russian: LoadedPipeline,
                                                                  blank: LoadedPipeline) -> None:
    actor = project.actors.create("Alexander Lukashenka", type="official", country="Belarus", aliases=["Lukashenka"])
    english = add_document(project, tmp_path, "en", "Lukashenka said the army was on alert.\n")
    ru = add_document(project, tmp_path, "ru", "Лукашенко заявил, что армия готова. Встреча с Лукашенком "
                                               "прошла в Минске.\n")
    suggest_by_language(project, pipeline=blank, russian=russian)
    assert spans_of(project, english, "ACTOR")["Lukashenka"].actor == actor.name
    mentions = spans_of(project, ru, "ACTOR")
    assert mentions["Лукашенко"].actor == actor.name
    assert mentions["Лукашенком"].actor == actor.name  # inflected, found by the alias on its key
    assert mentions["Лукашенко"].attrs.get("country") == "Belarus"

    [found] = project.actors.candidates("Лукашенко")
    assert (found.actor.id, found.how) == (actor.id, "script")


def test_an_alias_shared_by_two_actors_links_neither(project: Project, tmp_path: Path, russian: LoadedPipeline,
                                                     blank: LoadedPipeline) -> None:
    project.actors.create("Maria Zakharova", aliases=["Zakharova"])
    project.actors.create("Sergei Zakharov", aliases=["Zakharov"])
    ru = add_document(project, tmp_path, "ru", "Захарова заявила, что Москва не допустит вмешательства.\n")
    suggest_by_language(project, pipeline=blank, russian=russian)
    assert spans_of(project, ru, "ACTOR")["Захарова"].actor is None


# --- the command line ------------------------------------------------------------------------


@pytest.mark.slow
def test_cli_suggest_says_which_pipeline_ran(tmp_path: Path) -> None:
    location = str(tmp_path / "p.db")
    with Project.open(location) as project:
        import_paths(project, [russian_sample_dir() / f"{ZAKHAROVA}.txt"])
    done = subprocess.run([sys.executable, "-m", "annotator", "suggest", location, "--model", BLANK],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert f"Pipelines: {RUSSIAN_PIPELINE} on 1 Russian document." in done.stdout


@pytest.mark.slow
def test_without_natasha_russian_documents_are_counted_not_dropped(tmp_path: Path) -> None:
    """A machine without natasha: the English documents get suggestions, the Russian ones are
    counted in a note (E1330), and nothing fails."""
    location = str(tmp_path / "p.db")
    with Project.open(location) as project:
        import_paths(project, [russian_sample_dir() / f"{ZAKHAROVA}.txt"])
        add_document(project, tmp_path, "en", "The Kremlin warned Minsk about the nuclear arsenal.\n")
    script = ("import sys; sys.modules['natasha'] = None\n"  # as if it were not installed
              "from annotator.cli.main import main\n"
              f"sys.exit(main(['suggest', {location!r}, '--model', 'blank:en']))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert "[E1330]" in done.stderr + done.stdout and "1 Russian document(s)" in done.stderr + done.stdout
    assert f"Pipelines: {BLANK} on 1 document." in done.stdout
