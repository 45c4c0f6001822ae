"""Word-level text handling shared by BM25 retrieval, citation attribution and the support check.

Why one module: the retriever and the verifier must agree on what a "content word" is.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

__all__ = ["upper_first", "words", "content_terms", "match_keys", "is_short", "numbers", "counts", "durations", "name_words",
           "names", "capitalised_keys", "first_capitalised_key", "full_names", "Names", "STOPWORDS", "NEGATIONS"]

STOPWORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being below between
both but by can could did do does doing down during each few for from further had has have having he her here
hers herself him himself his how i if in into is it its itself just let me more most my myself no nor not of
off on once only or other our ours ourselves out over own same she should so some such than that the their
theirs them themselves then there these they this those through to too under until up very was we were what
when where which while who whom whose why will with would you your yours yourself yourselves article say says
said tell told describe explain according s t
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


def upper_first(text: str) -> str:
    """The text with its first letter upper-cased and the rest as written: a sentence start (`str.capitalize` would
    lower "U.S." and every name after the first word)."""
    return text[:1].upper() + text[1:]


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


# Words before a number that make it a bound, not a count ("more than one delegation").
_BOUNDS = frozenset("more than less fewer over under least most about nearly almost around up".split())
# Number words that give how often or which, not how many.
_NOT_COUNTS = frozenset({"once", "first", "second", "third"})
# At most this many words after a number name what it counts ("two recent diplomatic missions").
_COUNTED_WORDS = 3


def counts(text: str) -> list[tuple[str, set[str]]]:
    """The counts a text gives: each number (in digits or a small number word) with the match keys of the words after it
    that name what it counts, up to a stopword ("two recent diplomatic missions to Tehran" → ("2", {"recen", "diplo",
    "missi"})). Not a bound ("more than one …"), nor a part ("one of the militias"), nor a rank ("first")."""
    found: list[tuple[str, set[str]]] = []
    tokens = words(text)
    for i, token in enumerate(tokens):
        number = token if token.isdigit() else None if token in _NOT_COUNTS else _NUMBER_WORDS.get(token)
        if number is None or (i > 0 and tokens[i - 1] in _BOUNDS):
            continue
        counted: set[str] = set()
        for word in tokens[i + 1: i + 1 + _COUNTED_WORDS]:
            if word in STOPWORDS:
                break
            counted |= match_keys(word)
        if counted:
            found.append((number, counted))
    return found


_DURATION = re.compile(r"\b(second|minute|hour|day|week|month|year|decade|centur)(?:s|ies|y)?\b", re.IGNORECASE)


def durations(text: str) -> set[str]:
    """The units of time a text measures in ("for several years" → {"year"}), which a claim can invent without a number."""
    return {unit.lower() for unit in _DURATION.findall(text)}


def name_words(text: str) -> list[str]:
    """The capitalised words after a sentence's first ("… went to Riyadh", "… in January"): the people, places and
    dates a text names."""
    return [word for sentence in re.split(r"(?<=[.!?:;])\s+", text.strip())
            for word in re.findall(r"[^\W\d_]+(?:['’][^\W_]+)*", sentence)[1:] if word[0].isupper()]


def names(text: str) -> set[str]:
    """Match keys of the names a claim gives (see `name_words`)."""
    return {key for word in name_words(text) for key in match_keys(word)}


def _capitalised(text: str) -> Iterator[str]:
    """Match keys of a text's capitalised words, in order, a sentence's first included (stopwords have none: "The")."""
    return (key for word in re.findall(r"[^\W\d_]+", text) if word[0].isupper() for key in match_keys(word))


def capitalised_keys(text: str) -> set[str]:
    """Match keys of a text's capitalised words, a sentence's first included: whom or what it may name."""
    return set(_capitalised(text))


def first_capitalised_key(text: str) -> str | None:
    """The match key of a text's first capitalised word that isn't a stopword ("The U.S. expressed …" → "u"): whom a
    sentence, or a "How did Israel react …?", speaks of first."""
    return next(_capitalised(text), None)


# A name as a text gives it, a run of capitalised words ("Sudani", "Prime Minister Mohammed Shia Al-Sudani’s").
_NAME = re.compile(r"[A-Z][^\W_]*(?:['’-][^\W_]+)*(?:[ \t]+[A-Z][^\W_]*(?:['’-][^\W_]+)*)*")
_POSSESSIVE = re.compile(r"['’]s$")


def _last_key(name: str) -> str:
    """The match key of a name's last word, how a text names the person again ("Al-Sudani’s" → "sudan"); "" for none."""
    terms = content_terms(name.split()[-1]) if name.split() else []
    return terms[-1][:5] if terms else ""


@dataclass(frozen=True)
class Names:
    """The people and groups a text names in several words (see `full_names`)."""

    words: frozenset[str] = frozenset()  # match keys of their words
    full: Mapping[str, frozenset[str]] = field(default_factory=dict)  # a name's last word's key → the keys of the whole name

    def named_in(self, text: str) -> set[str]:
        """Match keys of `text`, with the whole of each name it gives by its last word: a passage that says "Prime Minister
        Sudani" names "Mohammed Shia Al-Sudani", whom the article names in full elsewhere (a capitalised word: "states"
        names no United States)."""
        return match_keys(text).union(*(self.full[k] for k in capitalised_keys(text) & self.full.keys()))

    def given_in(self, text: str) -> dict[str, str]:
        """The people and groups `text` names (in full or by the last word), each by its last word's key, as `text` writes
        it at its longest, only the name's own words ("Mainly Kataib Hezbollah’s leaders" gives "Kataib Hezbollah")."""
        given: dict[str, str] = {}
        for run in _NAME.findall(text):
            base = _POSSESSIVE.sub("", run)
            key = _last_key(base)
            if key in self.full:
                name = " ".join(w for w in base.split() if match_keys(w) and match_keys(w) <= self.full[key])
                if len(name) > len(given.get(key, "")):
                    given[key] = name
        return given

    def shortened(self, claim: str, passage: str) -> str:
        """The claim with a name it gives in more words than `passage` written as the passage writes it ("Prime Minister
        Mohammed Shia Al-Sudani" → "Prime Minister Sudani"), when the extra words are that name's.

        Why: the support judge reads only the passage, which doesn't say who "Sudani" is in full; asked about the
        passage's own naming, it judges what the claim says rather than whom the article names elsewhere.
        """
        short: dict[str, str] = {}
        for run in _NAME.findall(passage):
            base = _POSSESSIVE.sub("", run)
            if key := _last_key(base):  # not a capitalised stopword ("A senior adviser …")
                short.setdefault(key, base)

        def written(match: re.Match[str]) -> str:
            run = match.group()
            base = _POSSESSIVE.sub("", run)
            key = _last_key(base)
            shorter = short.get(key, base)
            extra = match_keys(base) - match_keys(shorter)
            if key in self.full and len(shorter.split()) < len(base.split()) and extra <= self.full[key]:
                return shorter + run[len(base):]
            return run

        return _NAME.sub(written, claim)


def full_names(text: str) -> Names:
    """The words of names written in several words in running text ("Ahmed Kenani", "Kataib Hezbollah"): people and
    groups, which an answer can't name by another word, as it can a place ("Tehran" for "Iran"). A headline (a line
    with no final stop, most words capitalised) is skipped.

    Why: a claim that gives a person's words to another ("Thuaiban warned …" of what "some coalition members fear")
    reuses the article's words, so only the name shows it is not what the cited sentence says. Why the last word: it
    is how a text names the person again ("Sudani"), so a claim may use the full name its evidence shortens.
    """
    found: set[str] = set()
    full: dict[str, frozenset[str]] = {}
    for line in text.splitlines():
        terms = [w for w in re.findall(r"[^\W\d_]+", line) if w.lower() not in STOPWORDS]
        if not re.search(r"[.!?\"”’']\s*$", line) and 2 * sum(w[0].isupper() for w in terms) > len(terms):
            continue
        for run in _NAME.findall(line):
            parts = [w for w in run.split() if content_terms(w)]  # not "The", "While", "Sudani’s" kept
            if len(parts) >= 2:  # a name in several words
                keys = match_keys(" ".join(parts))
                found |= keys
                last = _last_key(parts[-1])
                full[last] = full.get(last, frozenset()) | keys
    return Names(frozenset(found), full)
