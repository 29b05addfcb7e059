"""A key under which one name matches across scripts, romanizations and Russian inflection.

Sources on Belarus and Russia name the same person in many ways: "Lukashenka" (Belarusian
romanization), "Lukashenko" (Russian), "Лукашенко", "Лукашэнка", "Łukašenka", and in running
Russian text "Лукашенко", "Захаровой", "Тихановской". The actor registry compares aliases through
``annotator.store.actors.normalize`` (exact up to case and quotes); ``name_key`` is the looser key
that the registry and the suggestions fall back on when no exact alias matches.

How the key is made, word by word:

1. Case, compatibility forms and accents (a stress mark "Лукашенко́м") are dropped; curly quotes
   and punctuation go.
2. A Cyrillic word is put into its dictionary form with pymorphy3's lemmas (the morphology that
   natasha uses), so "Захаровой" becomes "захаров" and "Тихановской" "тихановский". pymorphy
   reads colloquially declined "-енко" surnames ("Лукашенком") as other nouns, so a word in
   -енко/-енка/-енком/-енку/-енке (or Belarusian -энка) is taken as -енко without it. Words with
   Belarusian or Ukrainian letters (і, ў, ї, є, ґ) are not lemmatized: the dictionary is Russian.
3. The word is transliterated to ASCII with anyascii (ISC licence; chosen over Unidecode, which is
   GPL, and over transliterate, which is GPL/LGPL, and because it covers Belarusian ў and і and
   Latin letters with diacritics alike): "Ціханоўская" → "Tsikhanouskaya".
4. Romanization variants fold, in this order (documented as the rule analysts can predict):
   - shch → s; kh → h; g → h (Belarusian г: Hrodna/Grodno, Ihar/Igor); x → ks
   - ts, tz → c; zh → z; sh → s; ch → c; dz → d (Belarusian дз: Dzmitry/Dmitry)
   - c before i or e → t (Belarusian ць for Russian ть: Tsikhanouskaya/Tikhanovskaya)
   - a vowel followed by u or w and then a consonant or the end → v (Belarusian ў for в:
     -ouskaya/-ovskaya); any other w → v
   - y, i or j before a vowel is dropped (я/ю/е/ё spelt ya/ia/ja…: Mariya/Maria, Yury/Iurii)
   - y and j → i; o → a (Belarusian akanye, and final -a/-o: Lukashenka/Lukashenko)
   - doubled letters are single
   - a feminine surname ending folds into the masculine one, as pymorphy's lemmas do:
     -ava/-eva/-ina/-ska → -av/-ev/-in/-sk, and -ski (-skiy, -skii) → -sk.
5. The words are joined by single spaces.

The key is deliberately coarse ("Zakharov" and "Zakharova" share it): it is used only when no
exact alias matches, and an alias key shared by two actors links to neither.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pymorphy3 import MorphAnalyzer

_CYRILLIC = re.compile("[\u0400-\u04ff]")
_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")
_ENKO = re.compile("([еэ]нк)(о|а|ом|у|е|ой)$")
_NOT_RUSSIAN = re.compile("[іўїєґ]")  # Belarusian and Ukrainian letters: pymorphy's lemmas are Russian
_NAME_GRAMMEMES = ("Surn", "Name", "Patr", "Geox", "Orgn", "Abbr")
_FOLDS: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(pattern), replacement) for pattern, replacement in (
    ("[^a-z]", ""),
    ("shch", "s"), ("kh", "h"), ("g", "h"), ("x", "ks"),
    ("t[sz]", "c"), ("zh", "z"), ("sh", "s"), ("ch", "c"), ("dz", "d"),
    ("c(?=[ie])", "t"),
    ("([aeo])[uw](?=[^aeiouy]|$)", r"\1v"), ("w", "v"),
    ("[yij]+(?=[aeiou])", ""),
    ("[yj]", "i"), ("o", "a"),
    (r"(.)\1+", r"\1"),
    ("(av|ev|in|sk)a$", r"\1"), ("ski$", "sk"),
))


@cache
def morph_analyzer() -> MorphAnalyzer:
    from pymorphy3 import MorphAnalyzer

    return MorphAnalyzer()


@lru_cache(maxsize=200_000)
def lemma(word: str) -> str:
    """The dictionary form of one lower-case Cyrillic word, preferring a reading as a name
    (surname, first name, place, organisation); other words come back as they are."""
    if _ENKO.search(word):
        return _ENKO.sub(r"\1о", word)
    parses = morph_analyzer().parse(word)
    named = next((p for p in parses if any(g in p.tag for g in _NAME_GRAMMEMES)), None)
    chosen = named or (parses[0] if parses else None)
    return str(chosen.normal_form) if chosen is not None else word


@lru_cache(maxsize=200_000)
def fold_word(word: str) -> str:
    """The ASCII key of one lower-case word without lemmatizing it (steps 3-4 of the rule)."""
    from anyascii import anyascii

    value = anyascii(word).lower()
    for pattern, replacement in _FOLDS:
        value = pattern.sub(replacement, value)
    return value


def word_key(word: str, *, lemmatize: bool = True) -> str:
    """The key of one word (case and accents ignored); ``lemmatize=False`` skips pymorphy,
    for words known not to be inflected names (it is the costly step)."""
    plain = _plain(word)
    if lemmatize and _CYRILLIC.search(plain) and not _NOT_RUSSIAN.search(plain):
        plain = lemma(plain)
    return fold_word(plain)


def has_cyrillic(text: str) -> bool:
    return _CYRILLIC.search(text) is not None


@lru_cache(maxsize=100_000)
def name_key(text: str) -> str:
    """The key of a name of one or more words; empty when it has no letters or digits."""
    words = (word_key(word) for word in _WORD.findall(_plain(text)))
    return " ".join(word for word in words if word)


def _plain(text: str) -> str:
    """Lower case, compatibility forms folded, combining marks (stress accents) dropped; й and ё
    keep their marks, as they are letters of their own."""
    decomposed = unicodedata.normalize("NFD", unicodedata.normalize("NFKC", text).casefold())
    kept = "".join(c for c in decomposed if not unicodedata.combining(c) or c in "\u0306\u0308")
    return unicodedata.normalize("NFC", kept)
