"""Which registry actors a mention's text names: exactly, else across scripts and spellings.

The suggestion pipelines link an ACTOR mention to the actor one of whose aliases it is. An alias
typed or learnt in one language must also link a mention in another: "Lukashenko" and
"Лукашенком" in a Russian article are the actor whose aliases are "Lukashenka" and "Alexander
Lukashenka". The exact key (``normalize``: case, quotes, a leading "the") is asked first, so
nothing that linked before links differently; only when no alias has it is the cross-script key
(``annotator.name_keys.name_key``) asked.
"""

from __future__ import annotations

from annotator.name_keys import name_key
from annotator.store.actors import normalize


class AliasIndex:
    """Actor ids by alias, under the exact key and under the cross-script key."""

    def __init__(self) -> None:
        self._exact: dict[str, set[int]] = {}
        self._folded: dict[str, set[int]] = {}

    def add(self, alias: str, actor_id: int) -> bool:
        """Index one alias of an actor; False when it has no letters or digits to match on."""
        key = normalize(alias)
        if not key:
            return False
        self._exact.setdefault(key, set()).add(actor_id)
        if folded := name_key(key):
            self._folded.setdefault(folded, set()).add(actor_id)
        return True

    def owners(self, text: str) -> set[int]:
        """The actors ``text`` is an alias of: by the exact key if any alias has it, else by the
        cross-script key (empty when neither matches)."""
        if not self._exact:  # no aliases (an empty registry): nothing to normalize the text for
            return set()
        key = normalize(text)
        if key in self._exact:
            return self._exact[key]
        return self._folded.get(name_key(key), set()) if key and self._folded else set()
