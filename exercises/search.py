"""Which library vocabulary a search phrase names: "sciatica" finds the sciatica track and the
sciatic-nerve tag, "hands and knees" finds all-fours exercises, "bands" finds the band ones.

Pure Python over the choice vocabularies, so the selector can turn a phrase into tag filters.
"""

import re

from exercises.choices import TAG_VOCABULARY, MovementType, Position

# Everyday words people type that the vocabularies spell differently.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "sciatica": ("sciatic", "nerve glide"),
    "leg pain": ("sciatic",),
    "all fours": ("hands and knees",),
    "lying": ("supine", "prone", "side-lying"),
    "bum": ("glutes",),
    "butt": ("glutes",),
    "abs": ("deep core", "obliques"),
    "core": ("deep core", "obliques"),
    "weights": ("light weights",),
    "dumbbell": ("light weights",),
    "band": ("resistance band",),
    "bar": ("pull-up bar",),
    "stretch": ("stretch and mobility",),
    "older": ("active ageing",),
    "ageing": ("active ageing",),
    "aging": ("active ageing",),
    "balance": ("balance",),
}

# Shared stems shorter than this are not a match ("back" must not find "back-extension bench").
MIN_STEM = 5


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _word_matches(typed: str, word: str) -> bool:
    if typed == word:
        return True
    if min(len(typed), len(word)) < MIN_STEM:
        return False
    # One is the other with an ending: sciatic / sciatica, glute / glutes, stretching / stretch.
    return typed.startswith(word) or word.startswith(typed)


def _phrase_matches(phrase: str, label: str) -> bool:
    typed, words = _words(phrase), _words(label)
    if not typed:
        return False
    return all(any(_word_matches(t, w) for w in words) for t in typed)


def _phrases(query: str) -> list[str]:
    query = " ".join(_words(query))
    phrases = [query]
    for typed, meant in SYNONYMS.items():
        if _phrase_matches(typed, query) or typed in query:
            phrases.extend(meant)
    return phrases


def _matching(query: str, vocabulary) -> list[str]:
    phrases = _phrases(query)
    return [
        value
        for value, label in vocabulary.choices
        if any(
            _phrase_matches(phrase, label) or _phrase_matches(phrase, value.replace("_", " "))
            for phrase in phrases
        )
    ]


def vocabulary_matches(query: str) -> dict[str, list[str]]:
    """The tag values, movement types and positions a search phrase names (possibly none)."""
    matches = {kind: _matching(query, vocabulary) for kind, vocabulary in TAG_VOCABULARY.items()}
    matches["movement_type"] = _matching(query, MovementType)
    matches["position"] = _matching(query, Position)
    return matches
