"""Languages judged in batches (``corpus.language.detect_languages``) must be exactly what
py3langid's own ``classify`` gives each text with the same thresholds: the batch path only
rearranges the model's arithmetic (see the module's docstring), so any difference is a bug."""

from __future__ import annotations

import random
from pathlib import Path

from annotator.corpus import language
from annotator.corpus.sample import russian_sample_dir

ROOT = Path(__file__).resolve().parents[1]
OTHER_LANGUAGES = [
    "Die Regierung in Minsk hat am Montag erklärt, sie werde an der Grenze keine Truppen zusammenziehen.",
    "Le ministère des Affaires étrangères a déclaré lundi que les négociations reprendraient à Genève.",
    "Міністерство закордонних справ України заявило, що переговори відновляться в Женеві наступного тижня.",
    "Міністэрства замежных спраў Беларусі заявіла, што перамовы аднавяцца ў Жэневе на наступным тыдні.",
    "Ministerstwo Spraw Zagranicznych oświadczyło w poniedziałek, że rozmowy zostaną wznowione w Genewie.",
    "Lukashenko said 2026 ... 12 345 !!! ok",  # few letters: not judged
    "",
]


def _reference(text: str) -> str | None:
    """One text judged the way py3langid itself does it."""
    sample = text[:language.SAMPLE_CHARS]
    if len(language._LETTER.findall(sample)) < language.MIN_LETTERS:
        return None
    code, confidence = language._model().classify(sample)
    return str(code) if confidence >= language.MIN_CONFIDENCE and language._CODE.fullmatch(code) else None


def _random_texts(count: int) -> list[str]:
    """Mixed scripts, digits, punctuation and emoji, of every length around the sample size."""
    pieces = "abcdefghijklmnopqrstuvwxyz АБВГДабвгдежзийклмнопрстуўіё äöüéèçłśź 0123456789 .,;:!?«»—😀🇷🇺\n"
    generator = random.Random(20261208)
    return ["".join(generator.choice(pieces) for _ in range(generator.randrange(0, 600))) for _ in range(300)]


def test_batches_give_what_py3langid_gives_each_text() -> None:
    texts = [path.read_text(encoding="utf-8") for path in sorted((ROOT / "sample_corpus").glob("*.txt"))]
    texts += [path.read_text(encoding="utf-8") for path in sorted(russian_sample_dir().glob("*.txt"))]
    texts += OTHER_LANGUAGES + _random_texts(300)
    expected = [_reference(text) for text in texts]
    assert language.detect_languages(texts) == expected
    assert {"en", "ru", "de", "fr", "uk", "pl"} <= set(expected), "the texts must reach several languages"
    assert None in expected


def test_one_text_and_a_batch_agree_whatever_the_batch_holds() -> None:
    texts = _random_texts(40) + OTHER_LANGUAGES
    assert [language.detect_language(text) for text in texts] == language.detect_languages(texts)
