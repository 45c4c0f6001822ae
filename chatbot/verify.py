"""Post-hoc citation and support checking: every kept answer sentence is backed by the sentence(s) it cites.

Why after the fact: a 1.5B model's own citation numbers are mostly wrong, and it sometimes invents
answers. So each answer sentence is attributed to the article sentences that best match it (words
and meaning), then kept only if (a) its numbers and most of its new words occur there and (b) it is
the evidence's own words in their own order, or the model, asked as a yes/no judge, finds it
supported by them. Sentences are checked one at a time, so each can be shown as soon as it passes.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from chatbot.chunks import Span, split_sentences
from chatbot.embeddings import PackagedEmbeddings, VectorCache
from chatbot.lexical import (
    NEGATIONS,
    STOPWORDS,
    Names,
    capitalised_keys,
    content_terms,
    durations,
    full_names,
    is_short,
    match_keys,
    names,
    numbers,
    upper_first,
    words,
)

__all__ = ["YES_NO_LEAD", "Evidence", "Supported", "Verifier", "copied", "swapped", "substituted", "is_refusal", "clean_draft",
           "preceding"]

_REFUSAL = re.compile(
    r"\b(does(?: ?n[o']t| not) (?:say|mention|specify|state|provide|contain|include|give|indicate|discuss|address)|"
    r"not (?:mentioned|specified|stated|provided|given|included|available|clear|known|discussed)|no (?:information|mention|details?)|"
    r"(?:can ?not|can't|unable to) (?:answer|determine|find|provide)|i don't know|isn't (?:mentioned|stated|specified))\b",
    re.IGNORECASE)


# "The article states that …", and a lead-in to a list: "The article mentions two militia groups named as attacking
# Israel: Kataib Hezbollah and Nujaba.", "The article mentions two militias named Kataib Hezbollah and Nujaba." (its
# words, not the article's, would fail the checks of the answer it leads to: "two" is in no sentence naming them)
_PREAMBLE = re.compile(r"^(?:according to the article,?\s*|(?P<yes_no>yes|no),?\s*)?"
                       r"(?:the article (?:states|says|mentions|notes|reports|explains|indicates) that,?\s*"
                       r"|the article (?:mentions|names|lists|identifies) (?:[^:.]*:\s*|[^:.]*?\b(?:named|called)\s+))",
                       re.IGNORECASE)

# "…: 1. Ahmed Kenani, a lawmaker. 2. Abul Ameer Thuaiban, …": a list's numbers, read as sentences of their own ("2.")
# (only in a text that starts one: "on Jan. 5. Then …" keeps its 5)
_LIST_START = re.compile(r"(?:^|:)\s*1\.\s+\w")
_LIST_NUMBER = re.compile(r"(?:^|(?<=[:.!?]))\s*\d{1,2}\.\s+(?=\w)")


def is_refusal(text: str) -> bool:
    """True when the model says the article doesn't answer."""
    return bool(_REFUSAL.search(text)) or not text.strip()


# An initial the model's tokenizer wrote apart from the next ("the U. S. recognized"): the article writes "U.S.".
_SPACED_INITIAL = re.compile(r"\b([A-Z])\.\s+(?=[A-Z]\.)")
# A closing quote it wrote apart from the sentence it closes ('… on Israel. "'): read as a sentence of its own and
# dropped, it left the answer's quote open.
_SPACED_CLOSING_QUOTE = re.compile(r"(?<=[.!?,])\s+([\"”])(?=\s|$)")


def clean_draft(text: str) -> str:
    """The model's text without its own [n] markers, labels, list numbers, lead-in about "the article" or stray whitespace,
    and with initials and closing quotes written together ("U.S.", not "U. S."; 'Israel."', not 'Israel. "')."""
    text = re.sub(r"\s*\[\d+(?:\s*[,-]\s*\d+)*\]", "", text)
    text = _SPACED_INITIAL.sub(r"\1.", text)
    text = _SPACED_CLOSING_QUOTE.sub(r"\1", text)
    text = re.sub(r"^\s*(?:answer|assistant)\s*:\s*", "", text, flags=re.IGNORECASE)
    if _LIST_START.search(text):
        text = _LIST_NUMBER.sub(" ", text)
    text = _PREAMBLE.sub(lambda m: f"{m['yes_no']}, " if m["yes_no"] else "", " ".join(text.split()))  # keep a yes or no
    return upper_first(text)


# A claim may reword its evidence, but not bring in more than this many words found neither in the
# evidence nor in the question (a translation, an opinion or an invented detail brings many).
_MAX_UNSEEN_WORDS = 4

# Where a claim goes on to a second thing its subject did ("… advises Sudani and warns against interference"): "and"
# before a lower-case word ending as a verb in the past or the third person does (not "and this …", "and its …").
_AND_THEN = re.compile(r",?\s+and\s+(?!(?:this|its|his)\b)(?=[a-z]+(?:s|ed)\b)")

# A draft's sentence that names its subject by the sentence before's ("… counsels the prime minister. He warned …").
_HE_OR_SHE = re.compile(r"(?:He|She)\b")

# A claim that someone said something ("Israel said that Iraq is …") …
_SPEAKS = re.compile(r"\b(?:sa(?:id|ys)|stated|told|claimed|announced|declared|argued|insisted|stressed|noted|added|explained|"
                     r"reported|emphasi[sz]ed|warned)\b", re.IGNORECASE)
# … needs evidence that reports words, a view or a stance: someone's, if not the claim's speaker's.
_REPORTS = re.compile(r"\b(?:sa(?:id|ys?)|told|tell|according|warn\w*|emphasi[sz]\w*|stat(?:ed|es|ement)|vow\w*|echo\w*|"
                      r"express\w*|stance|claim\w*|announc\w*|declar\w*|argu\w*|insist\w*|urg\w*|voic\w*|sentiment|views?|"
                      r"fears?|believ\w*|prefer\w*|report\w*|sources?|officials?|spokes\w*)\b", re.IGNORECASE)


# A reply's leading yes or no, set off by a stop or alone ("Yes, …", "No: …", "No."); "No one has claimed the attacks."
# opens with a claim of its own.
YES_NO_LEAD = re.compile(r"^\s*(yes|no)(?=\s*(?:[,.:;!]|$))", re.IGNORECASE)
# A no, then what is the case ("No, Iraq sent two …"); not "No one …", a claim of its own.
_NO_THEN = re.compile(r"^\s*no\s*[,.:;]\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Evidence:
    """A sentence of an article that an answer may cite."""

    source: str
    span: Span


@dataclass(frozen=True)
class Supported:
    """An answer sentence kept, with the evidence it cites and how surely the judge found it supported there (1.0 for
    one copied from it, which the judge isn't asked about)."""

    text: str
    evidence: tuple[Evidence, ...]
    support: float = 1.0


# A claim whose every content word sits in a run of at least this many words copied from its evidence
# repeats the evidence: a swapped role, a negation or a changed number would break a run.
_COPIED_RUN = 3


def copied(claim: str, evidence: Sequence[Evidence]) -> bool:
    """True when the claim is its evidence's own words in their own order (no judge needed).

    Why: most answer sentences of a small model are lifted from the article; asking the judge about
    them costs a model call each and adds nothing. Yes/no replies and short ones always go to the judge.
    """
    if YES_NO_LEAD.match(claim) or is_short(claim):
        return False
    claim_words = words(claim)
    negated = any(w in NEGATIONS for w in claim_words)
    covered: set[int] = set()
    for e in evidence:
        evidence_words = words(e.span.text)
        blocks = [b for b in SequenceMatcher(None, claim_words, evidence_words, autojunk=False).get_matching_blocks()
                  if b.size >= _COPIED_RUN]
        for block in blocks:
            covered.update(range(block.a, block.a + block.size))
        # the copied stretch of the evidence, and the two words before it ("has no formal ties" → "has formal ties")
        stretch = evidence_words[max(0, min(b.b for b in blocks) - 2): max(b.b + b.size for b in blocks)] if blocks else []
        if any(w in NEGATIONS for w in stretch) and not negated:
            return False  # a negation dropped leaves every other word in its run
    return all(i in covered for i, w in enumerate(claim_words) if w not in STOPWORDS or w in NEGATIONS)


# Words of a claim or passage with their places; "Iraq's" is two ("Iraq", "s"), "U.S." one.
_TOKEN = re.compile(r"(?:[A-Z]\.){2,}|[^\W_]+(?:-[^\W_]+)*")
# A word that qualifies what follows by a name ("Iran-backed", "U.S.-led"), not a party of its own.
_MODIFIER = re.compile(r"-[a-z]+$")
# Words that join a name's parts ("Israel and the United States", "Ministry of Oil").
_NAME_JOINERS = frozenset({"and", "or", "of", "the"})


def _key(token: str) -> str:
    """A token as `match_keys` sees it ("warned" ~ "warning"; "Iran-backed" one key), or itself for a stopword."""
    return "-".join(term[:5] for term in content_terms(token)) or token.lower()


def _parties(claim: str, passage: str) -> list[tuple[int, int, int, bool]]:
    """The claim's parties as (start, end, first place in the passage, named): a name ("Kataib Hezbollah", "Israel and
    the United States") or a "the" phrase ("the Iraqi government", "the militia leaders"), as far as the passage has
    it word for word. A capitalised word the passage writes in lower case ("Militia leaders …") starts a phrase."""
    matches = list(_TOKEN.finditer(claim))
    tokens = [m.group() for m in matches]
    keys = [_key(t) for t in tokens]
    passage_tokens = _TOKEN.findall(passage)
    text = f" {' '.join(_key(t) for t in passage_tokens)} "
    common = {t.lower() for t in passage_tokens if t[:1].islower()}

    def place(a: int, b: int) -> int:
        return text.find(f" {' '.join(keys[a:b])} ")

    def joins(j: int, phrase: bool) -> bool:
        """Whether token j continues a party: a phrase takes words, a name capitalised ones (and joiners before one)."""
        if phrase:
            return tokens[j].lower() not in STOPWORDS
        k = j
        while k < len(tokens) and tokens[k].lower() in _NAME_JOINERS:
            k += 1
        return k < len(tokens) and tokens[k][:1].isupper()

    parties: list[tuple[int, int, int, bool]] = []
    i = 0
    while i < len(tokens):
        the = tokens[i].lower() == "the"
        first = i + 1 if the else i
        if first >= len(tokens) or tokens[first].lower() in STOPWORDS or not (the or tokens[first][:1].isupper()):
            i += 1
            continue
        if _MODIFIER.search(tokens[first]):  # "Iran-backed armed groups": who backs them is no party to swap
            i = first + 1
            continue
        named = tokens[first][:1].isupper() and tokens[first].lower() not in common
        end = first + 1
        while end < len(tokens) and joins(end, the or not named) and place(first, end + 1) >= 0:
            end += 1
        while end > first + 1 and tokens[end - 1].lower() in STOPWORDS:
            end -= 1
        found = place(first, end)
        if found >= 0:
            parties.append((matches[i].start(), matches[end - 1].end(), found, named))
        i = end
    return parties


def swapped(claim: str, passage: str) -> str | None:
    """The claim with two of its parties exchanged, or None: the first two it names in the other order than the
    passage does ("The Iraqi government warned the militia leaders" of "militia leaders … warning the Iraqi
    government"), else its first two named parties ("Prime Minister Sudani advises Abul Ameer Thuaiban"), whose roles
    an appositive or a changed preposition can turn round while keeping the passage's order."""
    parties = _parties(claim, passage)
    pairs = [(p, q) for k, p in enumerate(parties) for q in parties[k + 1:] if claim[p[0]:p[1]].lower() != claim[q[0]:q[1]].lower()]
    named = [(p, q) for p, q in pairs if p[3] and q[3]]
    pair = next((pq for pq in pairs if pq[0][2] > pq[1][2]), named[0] if named else None)
    if pair is None:
        return None
    (a, b, _, _), (c, d, _, _) = pair
    swap = claim[:a] + claim[c:d] + claim[b:c] + claim[a:b] + claim[d:]
    swap = re.sub(r"(?<=\S\s)The\b", "the", swap)
    swap = re.sub(r"(?<=s)['’]s\b", "'", re.sub(r"(?<=[^\Ws])'(?=\s)", "'s", swap))  # possessives: "militias'", "government's"
    return upper_first(swap)


# Words between a doer and what it does ("militias to relocate", "Iraq should relocate", "they have vowed").
_AUXILIARIES = frozenset("to should would will shall must can could may might has have had is are was were be been".split())
# "Iraq … its activities" of "militias … their activities": the same predicate whoever it is said of.
_POSSESSIVES = frozenset({"its", "their", "his", "her"})
# At most this many words name a doer put back ("many Iraqi leaders").
_DOER_WORDS = 3
# A party after one of these is a place or a part, not the doer of what follows ("groups inside Iraq are launching").
_PREPOSITIONS = frozenset("in inside within of from at on by with into across among near around outside".split())
_DETERMINERS = frozenset({"the", "a", "an"}) | _POSSESSIVES


def _after_preposition(tokens: Sequence[str], i: int) -> bool:
    """Whether the words before token i, past any determiners, end in a preposition."""
    while i > 0 and tokens[i - 1].lower() in _DETERMINERS:
        i -= 1
    return i > 0 and tokens[i - 1].lower() in _PREPOSITIONS


def _apart(text: str) -> bool:
    """Whether anything but words and spaces (a comma, a dash) stands in `text`: what it separates goes apart."""
    return bool(_TOKEN.sub("", text).strip())


def _doer_key(token: str) -> str:
    """A token as `_key` sees it, any possessive pronoun as any other."""
    return "poss" if token.lower() in _POSSESSIVES else _key(token)


def _copied_run(keys: Sequence[str], i: int, passage_keys: Sequence[str]) -> tuple[int, int]:
    """The longest run of `keys` from place i that the passage has: its length and its first place there (0, -1: none)."""
    places = [j for j, key in enumerate(passage_keys) if key == keys[i]]
    length = 1
    while places and i + length < len(keys):
        longer = [j for j in places if j + length < len(passage_keys) and passage_keys[j + length] == keys[i + length]]
        if not longer:
            break
        places, length = longer, length + 1
    return (length, places[0]) if places else (0, -1)


def _doer_before(passage: str, matches: Sequence[re.Match[str]], place: int) -> tuple[int, int] | None:
    """The passage's words (a token range) that do what starts at token `place`, past "to", "should" …: up to
    `_DOER_WORDS` words with no comma between; None where there are none, or they are a place ("within its borders")."""
    end = place
    while end > 0 and matches[end - 1].group().lower() in _AUXILIARIES:
        end -= 1
    first = end
    while first > 0 and end - first < _DOER_WORDS and matches[first - 1].group().lower() not in STOPWORDS:
        first -= 1
    if first == end or _apart(passage[matches[first].start():matches[place].start()]) \
            or _after_preposition([m.group() for m in matches], first):
        return None
    return first, end


def substituted(claim: str, passage: str) -> str | None:
    """The claim with a doer it gives a predicate copied from the passage replaced by the passage's own doer of it,
    or None: "Kenani wants Iraq to relocate its activities to the active combat zones" of "… the preference is for
    militias to relocate their activities to the active combat zones …, sparing Iraq …" gives "Kenani wants
    militias to relocate …".

    Why: a small model reuses a party its passage names in another role; the judge says Yes to the claim as written,
    but rates the claim with the passage's own doer higher (as with `swapped`, which only exchanges two parties both
    named in the claim). Only a party the passage names is checked, before at least three words it copies."""
    matches = list(_TOKEN.finditer(claim))
    tokens = [m.group() for m in matches]
    keys = [_doer_key(t) for t in tokens]
    passage_matches = list(_TOKEN.finditer(passage))
    passage_keys = [_doer_key(m.group()) for m in passage_matches]
    for start, end, _, _ in _parties(claim, passage):
        first = next(k for k, m in enumerate(matches) if m.start() >= start)
        i = next((k for k, m in enumerate(matches) if m.start() >= end), len(matches))
        while i < len(matches) and tokens[i].lower() in _AUXILIARIES:
            i += 1
        if _after_preposition(tokens, first) or i >= len(matches) or tokens[i].lower() in STOPWORDS \
                or _apart(claim[end:matches[i].start()]):
            continue  # a place, no predicate, or not this party's ("According to Kenani, many leaders want …")
        length, place = _copied_run(keys, i, passage_keys)
        doer = _doer_before(passage, passage_matches, place) if length >= _COPIED_RUN else None
        party = {key for key, m in zip(keys, matches) if start <= m.start() < end} - {"the"}
        if doer is None or party & set(passage_keys[doer[0]:doer[1]]):
            continue  # no doer in the passage, or the same party
        replaced = claim[:start] + passage[passage_matches[doer[0]].start():passage_matches[doer[1] - 1].end()] + claim[end:]
        return upper_first(replaced)
    return None


def _named(claim_names: set[str], keys: set[str]) -> bool:
    """Every name of the claim is among `keys`, allowing for forms ("Iraq" ~ "Iraqi": a shared four-letter start)."""
    return all(any(name[:4] == key[:4] for key in keys) for name in claim_names)


_NO_NAMES = Names()


def _people_named(claim: str, people: Names, passage: str) -> bool:
    """Every person or group the claim names (see `full_names`), its first word included, is named in `passage`: a
    question's name may stand in for a place the evidence calls otherwise, never for who did or said it."""
    return capitalised_keys(claim) & people.words <= people.named_in(passage)


# A sentence that refers back to the one before it: "… echoed this sentiment", "For these groups, …", "They vowed …".
_REFERS_BACK = re.compile(r"\b(?:this|these|those)\s+\w|^\W*(?:he|she|they|it)\b", re.IGNORECASE)


def _needs_before(claim: str, passage: str, before: str) -> bool:
    """Whether a claim about `passage` is to be judged with the sentence `before` it: the passage refers back, and the
    claim names someone or something only that sentence names ("Abul Ameer Thuaiban echoed Kenani's sentiment." of
    "Thuaiban … echoed this sentiment", Kenani's sentiment being the sentence before). Only a name: a common word of
    the sentence before makes the judge lenient with a claim beside the point ("The militias have hit Israel's military
    campaigns …" of "For these groups, Israel's ongoing campaigns …", after a sentence on militia leaders: P 0.49 → 0.73)."""
    return bool(before) and bool(_REFERS_BACK.search(passage)) \
        and bool((capitalised_keys(claim) - match_keys(passage)) & match_keys(before))


def _as_named(sentence: str, subject: str, people: Names) -> tuple[str, str]:
    """The sentence as checked, with a leading "He" or "She" written as the person the draft's sentence before opened
    with (`subject`), and the person this one opens with (the same, for a "he").

    Why: alone, "He warned Iraq against interference." (after "Abul Ameer Thuaiban counsels the prime minister.") is
    supported by the militia leaders' warning; as "Abul Ameer Thuaiban warned …" it names whom that sentence doesn't."""
    if subject and (pronoun := _HE_OR_SHE.match(sentence)):
        return subject + sentence[pronoun.end():], subject
    first = next(iter(people.given_in(sentence).values()), "")
    return sentence, first if first and sentence.startswith(first) else ""


def preceding(candidates: Sequence[Evidence]) -> dict[Evidence, Evidence]:
    """Each candidate sentence's neighbour just before it in its article, which may name whom its "he" or "they" is."""
    return {b: a for a, b in zip(candidates, candidates[1:]) if a.source == b.source and 0 <= b.span.start - a.span.end <= 3}


_CLOSE_RUNNER_UP = 0.9  # a runner-up scoring at least this share of the best is as likely the source


class Verifier:
    """Attributes answer sentences to evidence and keeps only the supported ones."""

    def __init__(self, embeddings: PackagedEmbeddings, judge: Callable[[str, str], float], threshold: float,
                 short_threshold: float | None = None) -> None:
        self._embed = VectorCache(embeddings)
        self._judge = judge
        self._threshold = threshold
        self._short_threshold = threshold if short_threshold is None else short_threshold

    def rank(self, claim: str, question: str, candidates: Sequence[Evidence]) -> list[tuple[float, Evidence]]:
        """Candidates scored by shared rare words (claim first, question second) and embedding similarity."""
        if not candidates:
            return []
        sentence_keys = [match_keys(c.span.text) for c in candidates]
        df: dict[str, int] = {}
        for keys in sentence_keys:
            for k in keys:
                df[k] = df.get(k, 0) + 1
        idf = {k: math.log(1 + len(candidates) / (1 + n)) for k, n in df.items()}
        claim_keys = match_keys(claim)
        question_keys = match_keys(question) - claim_keys
        question_weight = 0.5 if is_short(claim) else 0.2  # a short reply is located by the question it answers
        weights = {k: idf.get(k, 1.0) for k in claim_keys} | {k: question_weight * idf.get(k, 1.0) for k in question_keys}
        total = sum(weights.values()) or 1.0
        lexical = [sum(w for k, w in weights.items() if k in keys) / total for keys in sentence_keys]
        vectors = self._embed([f"{question} {claim}"] + [c.span.text for c in candidates])
        dense = vectors[1:] @ vectors[0]
        scored = [(0.5 * lex + 0.5 * float(sim), c) for lex, sim, c in zip(lexical, dense, candidates)]
        return sorted(scored, key=lambda pair: -pair[0])

    def attribute(self, claim: str, question: str, candidates: Sequence[Evidence]) -> tuple[Evidence, ...]:
        """The best sentence for `claim`, plus a second one when it adds claim words the first lacks."""
        return self._attributed(claim, question, self.rank(claim, question, candidates))

    @staticmethod
    def _attributed(claim: str, question: str, ranked: list[tuple[float, Evidence]]) -> tuple[Evidence, ...]:
        """`attribute` from the candidates as `rank` scored them."""
        if not ranked:
            return ()
        best_score, best = ranked[0]
        claim_keys = match_keys(claim)
        missing = claim_keys - match_keys(best.span.text) - match_keys(question)
        for score, other in ranked[1:4]:
            added = missing & match_keys(other.span.text)
            if score >= 0.6 * best_score and len(added) >= 2:
                return tuple(sorted((best, other), key=lambda e: (e.source, e.span.start)))
        return (best,)

    def pointed_at(self, claim: str, question: str, candidates: Sequence[Evidence]) -> tuple[Evidence, ...]:
        """The sentences a claim may come from: its attributed evidence, and the runner-up that matches it nearly as well.

        Why: where the claim writes a name as another sentence does ("the U.S." of "… Israel and the United States as
        liable for recent strikes on Iran"), the word alone can lift a sentence that shares it above the one the claim
        restates (0.59 vs 0.56)."""
        ranked = self.rank(claim, question, candidates)
        evidence = self._attributed(claim, question, ranked)
        close = [e for score, e in ranked[1:2] if score >= _CLOSE_RUNNER_UP * ranked[0][0] and e not in evidence]
        return (*evidence, *close)

    @staticmethod
    def lexically_grounded(claim: str, question: str, evidence: Sequence[Evidence], people: Names = _NO_NAMES,
                           before: str = "") -> bool:
        """Numbers, units of time and names of the claim occur in the evidence or question, and so do half of its new words
        (all but a few) and half of those of each further thing it says its subject did ("… and warns …"); a claim with no
        new words must be a yes or a no, to a question about something the evidence says. The people and groups it names
        (`people`, see `full_names`) must be in the evidence, or in the sentence `before` it; a name the evidence gives by
        its last word is named in full. A claim that someone said something must cite a sentence
        that reports what someone said, thinks or holds: the judge reads "Israel said that <a sentence of the article>"
        as supported by that sentence (P 0.73), while the article reports no word of Israel's."""
        passage = " ".join(e.span.text for e in evidence)
        if not numbers(claim) <= numbers(passage) | numbers(question):
            return False
        if not durations(claim) <= durations(passage) | durations(question):
            return False  # a span of time the evidence doesn't give ("Thuaiban has held the position … for several years")
        if not _named(names(claim), people.named_in(passage) | match_keys(question)):
            return False  # a person, place or date the evidence doesn't name ("… went to Riyadh")
        if not _people_named(claim, people, f"{before} {passage}"):
            return False  # "Thuaiban warned …" of a sentence about what "some coalition members fear"
        if _SPEAKS.search(claim) and not _REPORTS.search(passage):
            return False  # "Israel said that Iraq is carefully navigating …" of the article's own words
        asked, seen = match_keys(question), match_keys(passage)
        new = match_keys(YES_NO_LEAD.sub("", claim)) - asked  # "yes" is the reply, not a word to find
        if not new:  # it only restates the question: an answer only if it is a yes or a no about what the evidence says
            return bool(YES_NO_LEAD.match(claim)) and bool(asked & seen)
        if len(new - seen) > min(_MAX_UNSEEN_WORDS, 0.5 * len(new)):
            return False
        # and so must each further thing it says its subject did: the judge reads "Abul Ameer Thuaiban advises Sudani
        # and warns against interference" as supported by his sentence (P 0.80), which says nothing of interference
        for then in _AND_THEN.split(claim)[1:]:
            added = match_keys(then) - asked
            if len(added - seen) > 0.5 * len(added):
                return False
        return True

    def judge_claim(self, claim: str, question: str, evidence: Sequence[Evidence], before: str = "") -> float:
        """P(the evidence supports the claim); short claims and yes/no replies are put in the context of the question
        (a "Yes, …" asserts what the question asks, not only what follows it), but a "No, …" that goes on to say what
        is the case is judged on what it says.

        Why: a no is settled apart, by reading the cited sentence for the question's yes or no (answer.py), while the
        judge, asked whether "No, Iraq sent two diplomatic missions to Tehran." answers "Did Iraq send just one
        mission to Tehran?", must see for itself that two is not one, and reads it at P 0.57 (the fact alone: 0.80).
        The sentence `before` the evidence is shown first where the claim needs it (see `_needs_before`): alone, "…
        Thuaiban, echoed this sentiment" supports "Thuaiban echoed Kenani's sentiment" at P 0.23, after Kenani's at 0.98.
        """
        passage = " ".join(e.span.text for e in evidence)
        if _needs_before(claim, passage, before):
            passage = f"{before} {passage}"
        said = _NO_THEN.sub("", claim)
        if said != claim and not is_short(said):
            return self._judge(passage, upper_first(said))
        statement = f'The answer to "{question}" is: {claim}' if is_short(claim) or YES_NO_LEAD.match(claim) else claim
        return self._judge(passage, statement)

    def supported(self, claim: str, question: str, evidence: Sequence[Evidence], people: Names = _NO_NAMES,
                  before: str = "") -> bool:
        """Whether the claim is supported by the evidence (see `support`)."""
        return self.support(claim, question, evidence, people, before) is not None

    def support(self, claim: str, question: str, evidence: Sequence[Evidence], people: Names = _NO_NAMES,
                before: str = "") -> float | None:
        """The judge's P that the evidence supports the claim (1.0 for a claim copied from it), or None unless it is
        grounded in the evidence's words, and either copied from it or judged supported by it, and more surely so
        than the same claim with two of its parties swapped (see `swapped`) or with the passage's own doer of what it
        copies (see `substituted`).

        Why the rivals: the small judge says Yes to "Baghdad understands Washington's concerns" when the passage says
        the reverse, but it rates the claim with the roles the right way round higher; so a claim that rates lower
        than its own swap has them the wrong way round.
        """
        if not evidence or not self.lexically_grounded(claim, question, evidence, people, before):
            return None
        passage = " ".join(e.span.text for e in evidence)
        claim = people.shortened(claim, passage)  # whom it names, as the passage names them
        if copied(claim, evidence):
            return 1.0
        threshold = self._short_threshold if is_short(claim) else self._threshold
        probability = self.judge_claim(claim, question, evidence, before)
        if probability < threshold:
            return None
        rivals = (swapped(claim, passage), substituted(claim, passage))
        if any(self.judge_claim(rival, question, evidence, before) >= probability for rival in rivals if rival is not None):
            return None
        return probability

    def check(self, draft: str, question: str, candidates: Sequence[Evidence]) -> Iterator[Supported]:
        """The draft's supported sentences with their evidence, each yielded as soon as it is checked."""
        people = full_names("\n".join(c.span.text for c in candidates))
        before_each = preceding(candidates)
        subject = ""
        for sentence in split_sentences(draft):
            claim, subject = _as_named(sentence.text, subject, people)
            evidence = self.attribute(claim, question, candidates)
            before = " ".join(before_each[e].span.text for e in evidence if e in before_each)
            if (support := self.support(claim, question, evidence, people, before)) is not None:
                yield Supported(sentence.text, evidence, support)
