"""Word-level text handling shared by BM25 retrieval, citation attribution and the support check.

Why one module: the retriever and the verifier must agree on what a "content word" is.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["words", "content_terms", "match_keys", "is_short", "numbers", "names", "STOPWORDS", "NEGATIONS"]

STOPWORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being below between
both but by can could did do does doing down during each few for from further had has have having he her here
hers herself him himself his how i if in into is it its itself just let me more most my myself no nor not of
off on once only or other our ours ourselves out over own same she should so some such than that the their
theirs them themselves then there these they this those through to too under until up very was we were what
when where which while who whom whose why will with would you your yours yourself yourselves article say says
said tell told according s t
""".split())

# Words that flip a claim's meaning: stopwords for retrieval, but a claim must not gain or lose one.
NEGATIONS = frozenset({"no", "not", "nor", "never", "neither", "none", "without", "didn", "doesn", "isn", "wasn", "weren",
                       "aren", "hasn", "haven", "hadn", "wouldn", "couldn", "shouldn", "cannot"})

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
_SUFFIXES = ("ations", "ation", "ments", "ment", "ings", "ing", "ness", "ies", "ied", "ers", "er", "ed", "es", "ly", "s")
_NUMBER_WORDS = {"one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8",
                 "nine": "9", "ten": "10", "once": "1", "twice": "2", "first": "1", "second": "2", "third": "3"}


def _stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not (suffix == "ed" and word.endswith("eed")):
            word = word[: -len(suffix)]
            break
    return word


def words(text: str) -> list[str]:
    """Lower-cased, accent-folded words in order, apostrophe endings dropped ("Iraq's" → "iraq", "didn't" → "didn")."""
    folded = unicodedata.normalize("NFKD", text.lower())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return [w.replace("’", "'").split("'")[0] for w in _WORD.findall(folded)]


def content_terms(text: str) -> list[str]:
    """Lower-cased, accent-folded, lightly stemmed words without stopwords: what a claim or a query is about."""
    return [_NUMBER_WORDS.get(w, _stem(w)) for w in words(text) if w not in STOPWORDS]


def match_keys(text: str) -> set[str]:
    """Content terms cut to five letters, so forms the light stemmer misses still match
    ("retaliation" ~ "retaliatory", "dismissed" ~ "dismissive")."""
    return {term[:5] for term in content_terms(text)}


def is_short(claim: str) -> bool:
    """A reply of a few words ("Nujaba.", "Two."), which needs its question to be judged or located."""
    return len(content_terms(claim)) < 4


def numbers(text: str) -> set[str]:
    """Numbers written in digits or as small number words, normalised to digits."""
    found = set(re.findall(r"\d+(?:[.,]\d+)*", text))
    found |= {_NUMBER_WORDS[w] for w in re.findall(r"[a-z]+", text.lower()) if w in _NUMBER_WORDS and w not in ("once", "first", "second")}
    return found


def names(text: str) -> set[str]:
    """Match keys of the capitalised words after a sentence's first ("… went to Riyadh", "… in January"): the
    people, places and dates a claim names."""
    found: set[str] = set()
    for sentence in re.split(r"(?<=[.!?:;])\s+", text.strip()):
        for word in re.findall(r"[^\W\d_]+(?:['’][^\W_]+)*", sentence)[1:]:
            if word[0].isupper():
                found |= match_keys(word)
    return found
