"""The answering chain: condense → retrieve → route → prompt → chat model → parse → verify, as LangChain runnables.

Why this shape: the follow-up is rewritten into a standalone question, but retrieval fuses it with the
raw question and the previous turn, so a poor rewrite can't lose the topic. The router (route.py) shows
the model whole articles where it can — the scope, or the one article retrieval points to — as a fixed
prefix whose KV state the embedded model keeps (a turn then prefills only the question). Either way the
draft is checked sentence by sentence (verify.py) and cited post hoc, and a reader only ever sees
sentences that passed: `stream` yields each one, with its markers, as soon as it is checked, and the
Reply is exactly what was streamed.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Collection, Generator, Iterable, Iterator
from functools import cache, cached_property, lru_cache, partial
from importlib import resources
from typing import Any

import yaml
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from langchain_core.output_parsers import StrOutputParser
from langchain_core.runnables import Runnable, RunnableLambda, RunnablePassthrough

from chatbot.chunks import Chunk, split_sentences
from chatbot.corpus import source_id
from chatbot.embeddings import PackagedEmbeddings, get_embeddings
from chatbot.index import Index
from chatbot.inputs import Message, clean_question, parse_history, trim_history
from chatbot.lexical import (
    STOPWORDS,
    capitalised_keys,
    content_terms,
    counts,
    first_capitalised_key,
    full_names,
    is_short,
    match_keys,
    names,
    upper_first,
    words,
)
from chatbot.llm import ChatLocalLlama, chatml, generate, yes_probability
from chatbot.questions import (
    PRONOUN,
    asked_there,
    asks,
    asks_how_or_why,
    is_question,
    is_summary,
    is_yes_no,
    kind_asked,
    listed,
    named,
    needs_context,
    paragraph_asked,
    picked,
    premise,
    question_parts,
    reports_failure,
)
from chatbot.reply import Citation, Reply
from chatbot.reply import Passage as RetrievedPassage  # not retrieve.Passage, the search's own type
from chatbot.retrieve import HybridSearch, Passage
from chatbot.route import Context, Router
from chatbot.settings import Settings
from chatbot.verify import YES_NO_LEAD, Evidence, Supported, Verifier, clean_draft, is_refusal, preceding

__all__ = ["Chatbot", "load_prompts"]

# A reply's leading yes or no and the stop after it, before what it goes on to say: dropping the "No" of "No one has
# claimed the attacks." would say the opposite.
_LEAD = re.compile(YES_NO_LEAD.pattern + r"\s*[,.:;!]?\s*(?=\S)", re.IGNORECASE)
# Words that tie an article sentence to the one before it, dropped when the sentence is quoted alone.
_CONNECTIVE = re.compile(r"^(?:however|nonetheless|nevertheless|moreover|meanwhile|furthermore|still|yet|also),\s+", re.IGNORECASE)
# A line shorter than this is a label, not evidence; a sentence quoted as an answer is longer than a headline's words.
_MIN_EVIDENCE_WORDS = 4
_MIN_QUOTED_WORDS = 6
_SENTENCE_END = re.compile(r"[.!?][\"”’']?$")
# A draft that is a yes or a no and nothing more.
_BARE = re.compile(r"^\s*(yes|no)\s*[.!]?\s*$", re.IGNORECASE)
# The start of a reply that makes the model say what the article does say, where it would say what it doesn't.
_SAYS = "No, the article says"
_THAT = re.compile(r"^that\s+", re.IGNORECASE)


# Fact-checking readings kept (see `Chatbot._read_yes`): a question's run of the answer step asks a few dozen at most.
_READINGS = 1024

# Words that say little of what a follow-up asks ("Why do they keep doing it?", "Did it happen again?", "How many times?"):
# its rewrite may word them otherwise ("How many diplomatic missions did Iraq send to Tehran?").
_LIGHT = match_keys("keep keeps kept going goes went get gets got make makes made happen happens happened carry carries carried "
                    "time times work works worked")


def _terms(queries: list[tuple[str, float]]) -> set[str]:
    """The content words of search queries, for routing."""
    return {term for query, _ in queries for term in content_terms(query)}


def _informative(keys: set[str], sentences: list[Evidence]) -> bool:
    """Whether any of `keys` is missing from most of `sentences`: a word that tells something in this article."""
    sentence_keys = [match_keys(e.span.text) for e in sentences]
    return any(2 * sum(k in s for s in sentence_keys) < len(sentence_keys) for k in keys)


def _says_more(question: str, reply: str, candidates: list[Evidence]) -> bool:
    """Whether a reply says something the question didn't: after its yes or no, a word most of the article's
    sentences lack (see `_informative`)."""
    return _informative(match_keys(_LEAD.sub("", reply)) - match_keys(question), candidates)


def _speaks_of(question: str, reply: str) -> bool:
    """Whether a reply speaks of something the question asks of whom it names (a word of it besides the names), a word
    and its forms by their stems, one the start of the other ("refuse" ~ "refused": "refus"): not by the five-letter match
    key, which makes "military" one word with "militias" ("Were any Israelis killed by the militias' strikes?" got "No,
    Israel's military campaigns …")."""
    named = capitalised_keys(question)
    asked = [term for term in content_terms(question) if term[:5] not in named]
    return any(a == b or (min(len(a), len(b)) >= 4 and (a.startswith(b) or b.startswith(a)))
               for a in asked for b in content_terms(reply))


def _speaks_first_of(question: str, reply: str, candidates: list[Evidence]) -> bool:
    """Whether a reply speaks first of whom the question does, a party few of the article's sentences name (see
    `_informative`): what it did instead can settle whether it did what was asked ("Does Kenani belong to the Sunni
    community?": "Kenani is a Shiite lawmaker"), while a party most sentences name ("Israel's strikes …") says nothing of
    the question by being named."""
    subject = first_capitalised_key(question)
    return subject is not None and subject == first_capitalised_key(reply) and _informative({subject}, candidates)


_CHOICE = re.compile(r"\bor\b", re.IGNORECASE)


def _new_paragraph(before: Evidence, after: Evidence) -> bool:
    """Whether `after` opens a paragraph the sentence `before` it doesn't share: more than a space between them (a
    paragraph break is two characters)."""
    return after.span.start - before.span.end > 1


def _restates(question: str, reply: str, candidates: list[Evidence]) -> bool:
    """Whether a reply to a question that asks no yes or no, nor offers a choice ("Which group, Kataib Hezbollah or
    Nujaba, …?"), says only what the question did, with the names it gives in full: "Kenani is Ahmed Kenani." to "Who is
    Kenani?" (read as the answer at P 0.5+: it names whom it asks of)."""
    if is_yes_no(question) or _CHOICE.search(question):
        return False
    return not match_keys(reply) - full_names(" ".join(e.span.text for e in candidates)).named_in(question)


def _said(sentence: Supported, citations: list[Citation], pieces: list[str]) -> bool:
    """Whether a sentence says nothing the answer hasn't (its evidence cited, its words said), as a later part's may:
    "Kataib Hezbollah's leaders warned the Iraqi government against interference" after "… are warning the Iraqi government
    against interference" (that part is answered by what was said). Not a yes or no, which says what the sentence before
    didn't."""
    cited = {(c.source, c.start) for c in citations}
    return not YES_NO_LEAD.match(sentence.text) and all((e.source, e.span.start) in cited for e in sentence.evidence) \
        and match_keys(sentence.text) <= match_keys("".join(pieces))


def _names_word(word: str, text: str) -> bool:
    """Whether `text` names `word` in some form: the same stem, the same first five letters, or for two long words the
    same first four ("stable" ~ "stability", "delicate" ~ "delicacy"; "ties" is not "tied")."""
    stem = next(iter(content_terms(word)), word.lower())
    return any(term == stem or (len(stem) >= 5 and term[:5] == stem[:5]) or (min(len(stem), len(term)) >= 6 and term[:4] == stem[:4])
               for term in content_terms(text))


def _of_the_kind(question: str, sentences: list[Evidence]) -> list[Evidence]:
    """The sentences that name the word whose kind or degree a question asks (see `kind_asked`), where some do; else
    all of them.

    Why: the answer is the article's words for it; "What kind of ties does Iraq have with Israel?" got the sentence on
    Iraq's outreach to the United States quoted (read at P 0.84), and "What kind of period is Iraq in?" and "How stable
    is Iraq right now?" the lede, where "no formal diplomatic ties" and "its current period of relative stability"
    answer them."""
    word = kind_asked(question)
    naming = [e for e in sentences if word and _names_word(word, e.span.text)]
    return naming or sentences


def _leaves_out_the_kind(question: str, reply: str, candidates: list[Evidence]) -> bool:
    """Whether a reply doesn't name the word whose kind or degree the question asks, where some sentence does (see
    `_of_the_kind`): "Iraq is carefully navigating its position …" to "What kind of period is Iraq in?"."""
    word = kind_asked(question)
    return word is not None and _of_the_kind(question, candidates) != candidates and not _names_word(word, reply)


def _asked(question: str) -> set[str]:
    """What a question asks about: its words but the light ones, which a rewrite may word otherwise."""
    return match_keys(question) - _LIGHT


def _names_nothing(question: str) -> bool:
    """A question of pronouns and light verbs alone ("Did they get it?", a follow-up its rewrite left as asked): no
    article sentence can be read as its answer without the chat before it (each reads as one: P 0.81-0.85)."""
    return not _asked(question)


def _is_no(reply: str) -> bool:
    """Whether a reply leads with a no (not "No one …")."""
    lead = YES_NO_LEAD.match(reply)
    return lead is not None and lead[1].lower() == "no"


def _without_lead(draft: str) -> str:
    """A draft to a question that asked no yes or no, without the one it opened with ("Yes, Ahmed Kenani wants …")."""
    return upper_first(_LEAD.sub("", draft))


def load_prompts() -> dict[str, str]:
    """The prompt templates shipped as package data (prompts.yaml)."""
    return dict(yaml.safe_load(resources.files("chatbot").joinpath("prompts.yaml").read_text(encoding="utf-8")))


class Chatbot:
    """Answers questions about the indexed corpus; holds no conversation state (history comes in)."""

    def __init__(self, settings: Settings, index: Index, model: BaseChatModel,
                 embeddings: PackagedEmbeddings | None = None) -> None:
        self.settings = settings
        self.index = index
        self.model = model
        self.embeddings = embeddings or get_embeddings()
        self.prompts = load_prompts()
        # a reading asked again (the yes or no of a sentence `_releaded` just read, which `_settled` checks; the sentences
        # `_extracted` read, read again by a no's overrule) costs ~0.27 s each time on 2 cores: each prompt is read once
        self._yes = lru_cache(maxsize=_READINGS)(self._read_yes)
        self.verifier = Verifier(self.embeddings, self._judge, settings.support_threshold, settings.short_answer_threshold)
        self.reload()
        library = self.router.whole(self.router.library)
        if library is not None:
            self._warm(library)

    def reload(self) -> None:
        """Read the index again (after an article was added or removed while the app runs)."""
        uploads = f"{source_id(self.settings.upload_dir)}/"
        self.search = HybridSearch(self.index, self.embeddings, self.settings.rrf_k)
        self.router = Router(self.search.chunks, self.count_tokens, self.settings.context_token_budget,
                             private=lambda source: not self.settings.shared_uploads and source.startswith(uploads),
                             rarity=self.search.rarity, common=self.embeddings.knows)

    # --- context -------------------------------------------------------------------------------------

    def count_tokens(self, text: str) -> int:
        if isinstance(self.model, ChatLocalLlama):
            return int(self.model.engine.count_tokens(text))
        return len(text) // 4 + 1

    def _system(self, context: Context) -> SystemMessage:
        return SystemMessage(self.prompts["system"].format(context=context.text))

    def _warm(self, context: Context) -> None:
        """Hold the KV state of a whole-article prompt prefix (from disk when a process saw it before), so the
        turn prefills only the question."""
        if isinstance(self.model, ChatLocalLlama):
            self.model.engine.warm_prefix(chatml([self._system(context)], open_assistant=False))

    @staticmethod
    def _candidates(chunks: Iterable[Chunk]) -> list[Evidence]:
        """The sentences of `chunks` an answer may cite: not a dateline or section label ("Middle
        East"), which says too little to support anything yet shares a word with many a wrong claim."""
        return [Evidence(c.source, s) for c in chunks for s in split_sentences(c.text, c.start)
                if len(words(s.text)) >= _MIN_EVIDENCE_WORDS]

    # --- chain steps ---------------------------------------------------------------------------------

    @staticmethod
    def _timed(state: dict[str, Any], key: str, started: float) -> None:
        """Add the time since `started` to the call's timings (a dict carried in the chain's state)."""
        state["timings"][key] += time.perf_counter() - started

    def _recent(self, history: list[Message]) -> list[Message]:
        """The last `history_turns` exchanges, within the token budget: a fixed window, so a follow-up costs
        the same after 1 turn or 50."""
        users = [i for i, m in enumerate(history) if m["role"] == "user"]
        first = users[-self.settings.history_turns] if 0 < self.settings.history_turns <= len(users) else 0
        recent = history[first:] if self.settings.history_turns else []
        return trim_history(recent, self.settings.history_token_budget, self.count_tokens)

    def _history_messages(self, history: list[Message]) -> list[BaseMessage]:
        return [HumanMessage(m["content"]) if m["role"] == "user" else AIMessage(clean_draft(m["content"]))
                for m in self._recent(history)]

    def _condense(self, state: dict[str, Any]) -> str:
        history: list[Message] = state["history"]
        if not any(m["role"] == "user" for m in history) or not needs_context(state["question"]):
            return str(state["question"])
        context = self.router.route(state["scope"], state["earlier"], terms=_terms(self._earlier_queries(history)))
        return self._standalone(state, str(state["question"]), history, context)

    def _standalone(self, state: dict[str, Any], question: str, history: list[Message], context: Context) -> str:
        """A follow-up that points back, written to stand alone after `history`, read from `context`: the item of a list
        the last answer gave, the one person it names (no model), else the model's rewrite if it keeps what is asked."""
        last = history[-1]["content"] if history[-1]["role"] == "assistant" and not is_refusal(history[-1]["content"]) else ""
        if (resolved := picked(question, listed(clean_draft(last)))) is not None:
            return resolved  # "What is the second one's job?" after "Ahmed Kenani and Abul Ameer Thuaiban."
        person = self._person(context, question, history)
        if person is not None and (resolved := named(question, person)) is not None:
            return resolved
        started = time.perf_counter()
        text = "\n".join(f"{'User' if m['role'] == 'user' else 'Assistant'}: {clean_draft(m['content'])}"
                         for m in self._recent(history))
        prompt = self.prompts["condense"].format(history=text, question=question)
        rewrite = generate(self.model, [self._rewrite_system(context), HumanMessage(prompt)], 40, "\n\nConversation so far:")
        self._timed(state, "generate_s", started)
        rewrite = rewrite.strip().splitlines()[0].strip(' "\'') if rewrite.strip() else ""
        # A rewrite must keep what the follow-up asks about ("date of birth"; a light verb may be reworded: "Why do they keep
        # doing it?" → "Why do the militias continue to launch attacks on Israel?"), and a question must stay one; small models
        # sometimes replace the question with the previous one, or answer it ("What would they prefer the militias do?"
        # → "Some coalition members prefer the militias to relocate …", which the draft then refuses), and then the
        # follow-up itself, read after the recent turns, is safer.
        if not rewrite or len(rewrite) > 3 * len(question) + 200 or not _asked(question) <= match_keys(rewrite) \
                or (is_question(question) and not is_question(rewrite)):
            return question
        return rewrite

    def _part_alone(self, state: dict[str, Any], part: str, before: list[str], said: str) -> str:
        """A later part of a joined question that points back to an earlier one ("Who is Kenani, and where does he want
        the militias to go?"), written to stand alone as a follow-up to the parts `before` it and what was `said` to them.

        Why: each part is drafted and checked alone; "Where does he want the militias to go?" got "Iraq is considering
        relocating its militia activities …", and "Why did Iraq ask it for help?" can only be read as asking of Iraq."""
        if not PRONOUN.search(part):
            return part
        history: list[Message] = [{"role": "user", "content": " ".join(before)},
                                  {"role": "assistant", "content": said or self.prompts["refusal"]}]
        return self._standalone(state, part, history, state["context"])

    @staticmethod
    def _person(context: Context, question: str, history: list[Message]) -> str | None:
        """Whom a follow-up's "he" or "her" means: the one person (or group) its last exchange names, as named there at
        its longest, when the follow-up names none itself; None for none or several ("Who is Abul Ameer Thuaiban?" "A
        senior adviser to Prime Minister Sudani." names two). People are those the articles shown name in several words."""
        people = full_names("\n".join(c.text for c in context.chunks))
        if people.given_in(question):
            return None
        given: dict[str, str] = {}
        for message in history[-2:]:
            if message["role"] == "user" or not is_refusal(message["content"]):
                for key, name in people.given_in(clean_draft(message["content"])).items():
                    given[key] = max(given.get(key, ""), name, key=len)
        return next(iter(given.values())) if len(given) == 1 else None

    def _rewrite_system(self, context: Context) -> SystemMessage:
        """The rewrite is shown what the draft will be (`context`, routed by the last exchange): the scope whole, or in a
        library too big for that the article the chat so far points to, so "he" is read from that article as it would be
        with it alone (its cached prefix is then the draft's too, when the question is routed there)."""
        if not context.whole:
            return SystemMessage("You rewrite questions.")
        self._warm(context)
        return self._system(context)

    def _route(self, state: dict[str, Any]) -> Context:
        context = self.router.route(state["scope"], state["passages"], state["earlier"], _terms(self._queries(state)))
        if context.whole:
            self._warm(context)
        return context

    def _earlier(self, state: dict[str, Any]) -> list[Passage]:
        """Passages for the last exchange, for a follow-up that leans on it ("What is his job?") in a library too big
        to show whole: they pick the article its rewrite is shown, and vote beside the question's own, so the follow-up
        stays with the article the chat is about rather than one where "job" is frequent."""
        history = state["history"]
        if not history or not needs_context(state["question"]) or self.router.whole(state["scope"]) is not None:
            return []
        started = time.perf_counter()
        passages = self._search(state, self._earlier_queries(history))
        self._timed(state, "retrieve_s", started)
        return passages

    @staticmethod
    def _earlier_queries(history: list[Message]) -> list[tuple[str, float]]:
        """The last exchange as search queries (a refused answer names nothing)."""
        return [(m["content"] if m["role"] == "user" else clean_draft(m["content"]), 1.0) for m in history[-2:]
                if m["role"] == "user" or not is_refusal(m["content"])]

    def _search(self, state: dict[str, Any], queries: list[tuple[str, float]]) -> list[Passage]:
        """The best passages for weighted queries, within the question's scope."""
        scope = state["scope"] if len(state["scope"]) < len(self.router.sources) else None
        return self.search.search(queries, self.settings.top_k, scope)

    @staticmethod
    def _queries(state: dict[str, Any]) -> list[tuple[str, float]]:
        """The weighted search queries of a question: its standalone form, as asked, and the last exchange."""
        queries = [(state["standalone_question"], 1.0)]
        if state["question"] != state["standalone_question"]:
            queries.append((state["question"], 1.0))
        previous = [m["content"] for m in state["history"] if m["role"] == "user"]
        if previous:
            queries.append((previous[-1], 0.5))
        answers = [m["content"] for m in state["history"] if m["role"] == "assistant" and not is_refusal(m["content"])]
        if answers:  # the last answer's words are its article's: in a library, a follow-up stays with its article
            queries.append((clean_draft(answers[-1]), 0.5))
        return queries

    def _retrieve(self, state: dict[str, Any]) -> list[Passage]:
        started = time.perf_counter()
        passages = self._search(state, self._queries(state))
        self._timed(state, "retrieve_s", started)
        return passages

    def _messages(self, state: dict[str, Any], part: str | None = None) -> list[BaseMessage]:
        """The draft's prompt for the question's first part (or `part`): a follow-up that was rewritten is asked as its
        standalone question alone.

        Why: shown the earlier turns, the small model drifts to what they were about ("What did he warn
        about?" answered with the coalition's fear, not his warning); a rewrite that names who "he" is needs
        none of them, nor does a follow-up that names its subject. One whose rewrite was rejected, or still has a
        pronoun, is asked as it came, after the recent turns.
        """
        question, standalone = state["question"], state["standalone_question"]
        parts = question_parts(standalone)
        resolved = (standalone != question and not PRONOUN.search(standalone)) or not needs_context(question)
        if resolved or not state["history"]:
            return [self._system(state["context"]), HumanMessage(part or parts[0])]
        asked = part or (parts[0] if len(parts) > 1 else question)
        return [self._system(state["context"]), *self._history_messages(state["history"]), HumanMessage(asked)]

    def _first_messages(self, state: dict[str, Any]) -> list[BaseMessage]:
        state["timings"]["draft_started"] = time.perf_counter()
        return self._messages(state)

    def _judge(self, passage: str, claim: str) -> float:
        """P(Yes) that `passage` supports `claim`, asked without the article (which would let it say Yes for what
        the cited passage doesn't say). The claim closes the prompt, so the state of all before it is kept and reused."""
        return self._yes(self.prompts["judge"].format(passage=passage, claim=claim), "\n\nClaim:")

    def _read_yes(self, prompt: str, reuse_until: str) -> float:
        """P(Yes) for a fact-checking prompt, the KV state of its head (up to `reuse_until`) kept for the next that starts the same.

        Why the instructions come first in these prompts: on 2 cores a prompt token costs half as much as a written one,
        and only what follows the kept head is prefilled (the instructions last cost ~0.1 s a call, again and again).
        """
        return yes_probability(self.model, [SystemMessage(self.prompts["judge_system"]), HumanMessage(prompt)], reuse_until=reuse_until)

    def answer_probability(self, question: str, text: str, keep: bool = True) -> float:
        """P(Yes) that `text` gives the answer to `question`; `keep`: an article sentence, asked about again and again,
        whose state is kept (of a one-off answer sentence, only the instructions before it are)."""
        # a yes/no question's own wording: "give the answer" reads as "say yes" (dev, quoting the settling sentence of 18
        # yes/no questions: 13 right with "contain the answer", 9 with "say enough … whether yes or no"; no unanswerable one quoted)
        prompt = self.prompts["answerable_yes_no" if is_yes_no(question) else "answerable"]
        return self._yes(prompt.format(passage=text, question=question), "\n\nQuestion:" if keep else "Passage:")

    def _answers(self, question: str, sentence: Supported, candidates: list[Evidence]) -> bool:
        """Whether a supported draft sentence answers the question.

        Why: the verifier checks that a sentence is true, not that it is the answer; a small model that can't
        find the answer restates something nearby ("Iraq sent two missions" to "Who did Iraq send?").
        """
        if _restates(question, sentence.text, candidates) or _leaves_out_the_kind(question, sentence.text, candidates):
            return False
        if is_yes_no(question):  # "No, <the reason>" read beside its evidence: alone, a true no reads as beside the point
            prompt = self.prompts["answers_yes_no"].format(passage=" ".join(e.span.text for e in sentence.evidence),
                                                           question=question, answer=sentence.text)
            return self._yes(prompt, "\n\nQuestion:") >= self.settings.reason_threshold
        bar = self.settings.answerable_threshold
        if self.answer_probability(question, sentence.text, keep=False) >= bar:
            return True
        # a reply of a few words reads as no answer alone ("Abul Ameer Thuaiban": P 0.18 for "Who is Mohammed Shia
        # Al-Sudani's adviser?"); the judge found it to be the answer in its sentence ('The answer to "…" is: …', at the
        # short reply's lower bar), so it answers if the judge was sure of that at the full bar ("Who advises Mohammed Shia
        # Al-Sudani?": judge 0.71, while its sentence reads at P 0.36), or if that sentence is read to answer
        if is_short(sentence.text):
            return (sentence.support >= self.settings.support_threshold
                    or self.answer_probability(question, " ".join(e.span.text for e in sentence.evidence)) >= bar)
        # a reaction or a reason that answers what came before it in its paragraph reads as no answer alone ("Tehran's stance,
        # reportedly dismissive, …": P 0.30 for "How did Tehran react to Baghdad's appeals?"), and as the answer after
        # that sentence (the missions to Tehran failed: P 0.63); it answers if it adds to that sentence, read alone (P 0.54),
        # for the answer may be that sentence and not this one ("What happened when Iraq asked Iran for help?" answered
        # "Iraq reached out to the United States …", where the answer is the paragraph before, on Tehran's stance)
        # — only for a question that asks how or why (after "Iraq has reached out to the United States", "The U.S. expressed
        # an understanding …" reads as the answer to "Which American diplomat is handling Iraq's request?" too), and unless
        # it speaks first of a party the question names in another role (… and to "How did Israel react to Iraq's outreach
        # to the U.S.?", P 0.74)
        if not asks_how_or_why(question):
            return False
        before = preceding(candidates).get(sentence.evidence[0])
        if before is None or _new_paragraph(before, sentence.evidence[0]):
            return False
        subject = first_capitalised_key(sentence.text)
        if subject in capitalised_keys(question) and subject != first_capitalised_key(question):
            return False
        both = self.answer_probability(question, f"{before.span.text} {sentence.text}", keep=False)
        return both >= bar and both > self.answer_probability(question, before.span.text)

    def _settled(self, question: str, first: Supported, rest: Iterator[Supported], candidates: list[Evidence]) -> Iterator[Supported]:
        """A yes/no question's reply from the draft's checked sentences, if the first leads with the yes or no the model
        reads from the sentence it is cited to: kept when it says more than the question did (a word most of the
        article's sentences lack: "No, the ruling coalition of Iraq is not of one mind" adds only "Iraq", in an article
        about Iraq); else (it only restates the question: "No.", "Yes, <the question>") that sentence, quoted after the
        yes or no, if it is judged to answer the question: at the bar of any sentence quoted unasked if the draft doesn't
        point at it (see `_points`).

        Why: the small model's drafts lean to Yes ("Yes, Tehran's stance, reportedly dismissive, …", which the judge
        lets through) and often say no more than the question, while the sentence the verifier found for them is the
        one that settles it. A draft whose yes or no the reading contradicts is not trusted either way: below the
        bar the reading is "No" for any sentence beside the point too; and so a no cited to a sentence that reads as no
        answer gives way to the sentence that clearly answers it (see `_extracted`), if that one reads yes ("Did the
        factions promise revenge on Israel and the U.S.?": "No, the factions … have continued to press forward …", P 0.20,
        against their vow that both "would pay a price", P 0.96).
        """
        evidence = first.evidence[0]
        lead = _LEAD.match(first.text)
        said = lead[1].capitalize() if lead else ""
        if not lead or said != self._yes_or_no(question, evidence.span.text):
            return
        answering = cache(partial(self.answer_probability, question, evidence.span.text))  # read once, if at all
        if said == "No" and answering() < self.settings.answerable_threshold \
                and (settling := self._extracted(question, candidates)) is not None and settling.text.startswith("Yes"):
            yield settling  # a no read from a sentence beside the point, where another clearly answers yes
            return
        if _says_more(question, first.text, candidates):
            if self._answers(question, first, candidates):
                yield first
                yield from rest
        elif self._quotable(evidence) and answering() >= \
                (self.settings.answerable_threshold if self._points(question, first.text, candidates) else self.settings.extract_threshold):
            yield self._quoted(evidence, said)

    def _releaded(self, draft: str, question: str, candidates: list[Evidence]) -> Iterator[Supported]:
        """A yes/no draft that failed as a whole, checked without its yes or no, which the reading of the sentence the
        rest is cited to then gives (see `_yes_or_no`); `_settled` still asks whether that reply answers the question.
        Tried after the quoted sentence (see `_extracted`), which can't misstate what the article says: "Was Iran helpful
        to Iraq?" would get "No, Iran-backed armed groups within Iraq launched attacks on Israel", true but beside the point.
        And only a reason that speaks of what the question asks: "Has Kataib Hezbollah lost fighters in the attacks?"
        got "No, … two recent diplomatic missions to Tehran … have not succeeded", which the answer check let through.

        Why: the small model's reason is often right where its yes or no is a guess: "Did the U.S. refuse to help Iraq?"
        got "Yes, the U.S. expressed an understanding of Baghdad's concerns and committed to diplomatic efforts …", which
        the judge, asked whether that is the answer, rightly rejects; the reason is the article's, and it reads as "No".
        """
        checked = self._checked(_without_lead(draft), question, candidates)
        first = next(checked, None)
        if first is None or not _speaks_of(question, first.text):
            return
        said = self._yes_or_no(question, first.evidence[0].span.text)
        head, _, rest = first.text.partition(" ")
        yield Supported(f"{said}, {head.lower() if head.lower() in STOPWORDS else head} {rest}", first.evidence, first.support)
        yield from checked

    @staticmethod
    def _points(question: str, sentence: str, candidates: list[Evidence]) -> bool:
        """Whether a draft's sentence is a sign of where the answer is, in the article sentence it is cited to: not a
        bare yes or no, nor (to a yes/no question) a no that says nothing the question didn't (see `_says_more`).

        Why: such a sentence is cited to whatever sentence best matches the question's own words ("🤔🤔🤔" got "No.",
        cited to one read at P 0.62; "Did Israel warn Iraq directly?" got "No.", cited to Thuaiban's warning), and the
        judge lets a no to what the article never mentions through ("No, Thuaiban was not educated abroad."). A yes
        that restates the question is a claim the judge found a sentence to support ("Yes, Iraq is worried about Israeli
        retaliation.", cited to the concern about "retaliatory strikes")."""
        if _BARE.match(sentence):
            return False
        return not (is_yes_no(question) and _is_no(sentence)) or _says_more(question, sentence, candidates)

    def _kept(self, question: str, first: Supported, rest: Iterator[Supported], candidates: list[Evidence]) -> Iterator[Supported]:
        """The draft's checked sentences, if the first answers the question."""
        if self._answers(question, first, candidates):
            yield first
            yield from rest

    def _yes_or_no(self, question: str, passage: str) -> str:
        """"Yes" or "No" to a yes/no question, as the model reads it from an article passage (its state kept): one
        reading, with the calibrated bar, for a drafted answer and a quoted one alike; a no where the passage says the
        effort asked about failed (see `reports_failure`)."""
        if reports_failure(question, passage):
            return "No"
        yes = self._yes(self.prompts["yes_no"].format(passage=passage, question=question), "\n\nQuestion:")
        return "Yes" if yes >= self.settings.yes_threshold else "No"

    def _extracted(self, question: str, candidates: list[Evidence], pointed: Collection[Evidence] = ()) -> Supported | None:
        """The article sentence that answers the question, quoted (for a yes/no question, after the yes or no it
        settles); None unless one of the best-matching sentences, or of those a failed draft was cited to (`pointed`),
        is judged to answer it, and clearly more surely than the best-matching others (only those that name the word whose
        kind or degree the question asks, where some do: see `_of_the_kind`); None too for an input that asks
        nothing (see `asks`) or names nothing (see `_names_nothing`). A sentence the draft was cited to needs a lower P:
        the draft and the reading agree.

        Why: the small model refuses or misreads many questions put in a reader's own words, while it can tell
        well whether a given sentence answers them; the article's own sentence can't misstate who did what. The
        margin: a question the article doesn't answer tends to get the same P(Yes) from every sentence. Why the draft's
        sentences: a draft that misstates the answer still points at the sentence that holds it ("The militias say they
        will continue to strike Israel and the United States." at the one where they vow both "would pay a price"), one a
        question in other words ("… to Israel and America?") shares too few words with to rank among the best. Why their
        lower bar: the small model reads a sentence that answers a question in other words at P 0.65-0.74 ("How many times
        did Iraq send security officials to Tehran?" of the "two recent diplomatic missions" sentence), as it reads the
        closest sentence to many a question the article doesn't answer; but a draft written for such a question is a refusal
        or an invention, cited to a sentence it reads at P < 0.45 (dev and 38 questions written apart from the eval). Why
        no margin for a sentence the draft points at and the reading is sure of (at the unpointed bar): a question several
        sentences answer reads alike from each ("Why is Iraq worried about the attacks?": P 0.90-0.97 from its four best),
        and the draft, which failed only for joining two of them in its own words, picks among them: where the margin
        fails, the one it points at that reads surest is quoted.
        """
        if not asks(question) or _names_nothing(question):
            return None
        sentences = _of_the_kind(question, [c for c in candidates if self._quotable(c)])
        ranked = [e for _, e in self.verifier.rank(question, question, sentences)[: self.settings.extract_candidates]]
        scored = [(self.answer_probability(question, e.span.text), e) for e in ranked]
        others = [(self.answer_probability(question, e.span.text), e) for e in dict.fromkeys(pointed)
                  if e not in ranked and e in sentences]
        readings = [*scored, *others]
        best_p, best = max(readings, key=lambda pair: pair[0], default=(0.0, None))
        if best is not None and len(scored) > 1 and best_p - min(p for p, _ in scored) < self.settings.extract_margin:
            sure = [(p, e) for p, e in readings if e in pointed and p >= self.settings.extract_threshold]
            best_p, best = max(sure, key=lambda pair: pair[0], default=(0.0, None))
        bar = self.settings.extract_pointed_threshold if best in pointed else self.settings.extract_threshold
        if best is None or best_p < bar:
            return None
        return self._quoted(best, self._yes_or_no(question, best.span.text) if is_yes_no(question) else None)

    def _miscounted(self, question: str, candidates: list[Evidence]) -> Supported | None:
        """A yes/no question's no, quoting the article sentence that counts what the question counts by another number
        (the best-matching one, if several do): "Did Iraq send three missions to Tehran?" → "No: … two recent diplomatic
        missions to Tehran …"; None if a sentence gives the question's own count of it, or none counts it.

        Why: the small model reads a sentence that gives another count as no answer (P 0.28) and refuses, or writes
        "Yes, … sent two diplomatic missions"; a different count of the same thing settles it. What is counted is
        matched by the words after the number ("three missions" ~ "two recent diplomatic missions").
        """
        asked = counts(question) if is_yes_no(question) else []
        if not asked:
            return None
        # each sentence's counts of what the question counts, as (the same number?) flags
        recounted = {c: {n == m for n, things in asked for m, counted in counts(c.span.text) if things & counted} for c in candidates}
        if any(True in same for same in recounted.values()):
            return None
        other = [c for c in candidates if False in recounted[c] and self._quotable(c)]
        return self._quoted(self.verifier.rank(question, question, other)[0][1], "No") if other else None

    @classmethod
    def _lede(cls, candidates: list[Evidence], context: Context, passages: list[Passage]) -> Evidence | None:
        """The first whole sentence among `candidates` (the sentences of `context`, in reading order) of the article shown
        whole (of the one retrieval ranks first, if several are): a news article's lede is its writer's own summary, and
        quoted it can't misstate anything. None for retrieved passages, whose first sentence needn't be the article's."""
        if not context.whole or not context.sources:
            return None
        source = next((p.chunk.source for p in passages if p.chunk.source in context.sources), context.sources[0])
        return next((e for e in candidates if e.source == source and cls._quotable(e)), None)

    def _paragraph(self, question: str, index: int, candidates: list[Evidence], context: Context,
                   passages: list[Passage]) -> Supported | None:
        """The answer to a question about the paragraph `index` (-1: the last) of the article shown whole (see
        `paragraph_asked`): its sentence that best matches what else the question names ("Who is quoted at the end …?"),
        else its first sentence (the last, for the last paragraph: how the article ends), quoted. A text with no blank
        lines is read as a first sentence and a last. None for retrieved passages, which needn't hold the article whole,
        or a paragraph the article doesn't have."""
        lede = self._lede(candidates, context, passages)
        if lede is None:
            return None
        article = [e for e in candidates if e.source == lede.source]
        breaks = [i for i in range(1, len(article)) if _new_paragraph(article[i - 1], article[i])]
        if breaks:
            paragraphs = [kept for a, b in zip([0, *breaks], [*breaks, len(article)])
                          if (kept := [e for e in article[a:b] if self._quotable(e)])]
        elif index in (0, -1):  # no blank lines: a first sentence and a last
            paragraphs = [[lede], [e for e in article if self._quotable(e)][-1:]]
        else:
            return None
        if not -len(paragraphs) <= index < len(paragraphs):
            return None
        paragraph = paragraphs[index]
        if asked_there(question):
            return self._quoted(self.verifier.rank(question, question, paragraph)[0][1])
        return self._quoted(paragraph[-1] if index == -1 else paragraph[0])

    @staticmethod
    def _quotable(evidence: Evidence) -> bool:
        """A whole sentence, long enough to stand alone as an answer (not a headline or a label)."""
        return len(words(evidence.span.text)) >= _MIN_QUOTED_WORDS and bool(_SENTENCE_END.search(evidence.span.text))

    @staticmethod
    def _quoted(evidence: Evidence, lead: str | None = None) -> Supported:
        """An article sentence quoted as the answer, after a yes/no question's "Yes" or "No"."""
        text = _CONNECTIVE.sub("", evidence.span.text)
        text = upper_first(text)
        return Supported(f"{lead}: {text}" if lead else text, (evidence,))

    def _part(self, question: str, drafts: list[str], candidates: list[Evidence], elsewhere: list[Evidence],
              lede: Evidence | None, instead: Callable[[], str]) -> Iterator[Supported]:
        """One question's supported sentences: those of the first draft whose sentences answer it, else the quoted
        sentence that does of the article shown, else a yes/no draft's reason after the yes or no the article gives (see
        `_releaded`), else the no that `instead` writes, if any (see `_no_instead`; only now, for it costs a model call),
        else the quoted sentence that does of the passages retrieved from articles not shown (`elsewhere`);
        a request for the gist ("Summarise the article in one sentence.") whose draft fails, the article's `lede`.

        Why look elsewhere: in a library too big to show whole, routing picks the article most of the best passages
        come from; a question in a reader's own words can share more words with another article, and be sent there,
        while the passage that answers it was still retrieved. It is quoted only when nothing shown answers, and only a
        sentence that names something the question names, if it names any ("Is Iraq short of money …?" is not answered
        by a sentence on another country's spending that the model judged to settle it).
        """
        kept = (self._checked(draft if is_yes_no(question) else _without_lead(draft), question, candidates) for draft in drafts)
        if (yield from self._first_answer(question, kept, candidates)):
            return
        if (miscounted := self._miscounted(question, candidates)) is not None:
            yield miscounted
            return
        if lede is not None and is_summary(question):
            yield self._quoted(lede)
            return
        said = [s.text for draft in drafts if not is_refusal(draft) for s in split_sentences(draft)]
        pointed = [e for text in said if self._points(question, text, candidates)
                   for e in self.verifier.pointed_at(text, question, candidates)]
        if (extracted := self._extracted(question, candidates, pointed)) is not None:
            yield extracted
            return
        releaded = (self._releaded(draft, question, candidates) for draft in drafts if is_yes_no(question) and _LEAD.match(draft))
        if (yield from self._first_answer(question, releaded, candidates)):
            return
        if (no := instead()) and (yield from self._first_answer(question, [self._checked(no, question, candidates)], candidates)):
            return
        given = names(question)  # a quote from an article the question wasn't sent to must name something it names
        naming = [e for e in elsewhere if not given or given & match_keys(e.span.text)]
        if (extracted := self._extracted(question, naming)) is not None:
            yield extracted

    def _first_answer(self, question: str, checks: Iterable[Iterator[Supported]],
                      candidates: list[Evidence]) -> Generator[Supported, None, bool]:
        """The supported sentences of the first of `checks` (a draft's, checked as they come) that answer the question;
        whether there was one."""
        for checked in checks:
            first = next(checked, None)
            if first is None:
                continue
            answered = False
            for sentence in (self._settled if is_yes_no(question) else self._kept)(question, first, checked, candidates):
                answered = True
                yield sentence
            if answered:
                return True
        return False

    def _verified(self, state: dict[str, Any]) -> Iterator[str | Reply]:
        """Answer each part of the question in turn, yielding each supported sentence with its [n] markers as soon
        as it passes (a part the article doesn't answer says so); then the Reply."""
        timings = state["timings"]
        timings["generate_s"] += time.perf_counter() - timings.pop("draft_started")
        question = state["standalone_question"]
        candidates = self._candidates(state["context"].chunks)
        elsewhere = self._candidates(state["context"].unshown(state["passages"]))
        parts = question_parts(question)
        lede = self._lede(candidates, state["context"], state["passages"]) if any(map(is_summary, parts)) else None
        citations: list[Citation] = []
        pieces: list[str] = []
        unanswered: list[str] = []  # parts the article doesn't answer, said only once another part is answered
        for i, part in enumerate(parts):
            part = part if i == 0 else self._part_alone(state, part, parts[:i], "".join(pieces))
            draft = clean_draft(state["draft"] if i == 0 else self._draft(state, part))
            answered = False
            for sentence in self._answered(state, part, draft, i == 0, candidates, elsewhere, lede):
                answered = True
                if _said(sentence, citations, pieces):
                    continue
                for text in [*unanswered, self._cited(sentence, citations)]:
                    pieces.append(("" if not pieces else " ") + text)
                    timings.setdefault("first_sentence_s", time.perf_counter() - timings["started"])
                    yield pieces[-1]
                unanswered = []
            if not answered and len(parts) > 1:
                unanswered.append(self.prompts["part_refusal"].format(part=part))
        if citations:
            for text in unanswered:
                pieces.append(" " + text)
                yield pieces[-1]
        else:
            pieces = [self.prompts["refusal"]]
            timings["first_sentence_s"] = time.perf_counter() - timings["started"]
            yield pieces[0]
        timings["total_s"] = time.perf_counter() - timings["started"]
        retrieved = [RetrievedPassage(p.chunk.source, p.chunk.start, p.chunk.end, p.chunk.text, p.score) for p in state["passages"]]
        yield Reply(question=state["question"], standalone_question=question, answer="".join(pieces), refused=not citations,
                    citations=citations, retrieved=retrieved,
                    timings={k: timings.get(k, 0.0) for k in ("retrieve_s", "generate_s", "first_sentence_s", "total_s")})

    def _checked(self, draft: str, question: str, candidates: list[Evidence]) -> Iterator[Supported]:
        return iter(()) if is_refusal(draft) else self.verifier.check(draft, question, candidates)

    def _draft(self, state: dict[str, Any], question: str) -> str:
        """A draft for one more part of a multi-part question, asked like the first."""
        started = time.perf_counter()
        draft = str(self.model.invoke(self._messages(state, question)).content)
        self._timed(state, "generate_s", started)
        return draft

    def _reasoned(self, state: dict[str, Any], part: str, draft: str, first: bool, candidates: list[Evidence]) -> list[str]:
        """The drafts to check in turn: a yes/no question's draft that is a bare "Yes." or "No.", a no that only restates
        the question, or a refusal, first with the reason the article gives, written by the model after its "Yes," or
        "No," (after "No, the article says" for a refusal or a restated no), then as it was (the reason may fail where
        the bare word, quoting the sentence it rests on, passes).

        Why: the small model often answers a yes/no question with the word alone, which can be checked against nothing
        ("No." fits any sentence that doesn't say yes); made to go on after it, it writes the fact that settles it ("No,
        the militia leaders have continued to press forward"), which the verifier checks. Where it goes on "No, the
        article doesn't say.", refused, or wrote a no that says no more than the question ("No, the militias have not
        stopped their strikes.", cited to a sentence that reads as no answer), it is made to go on from "No, the
        article says" and writes what the article says instead ("Does Iraq have an embassy relationship with Israel?":
        "Iraq does not have a formal diplomatic relationship with Israel"), kept only if it speaks of something the
        question asks besides whom it names ("Did Israel warn Iraq directly?" got "Israel's military campaigns in Gaza
        and Lebanon have left Iraq balancing …", nothing of warning, which the later checks let through as a no) or,
        where the model said no rather than that the article doesn't say, if it speaks first of whom the question does
        (see `_speaks_first_of`: "Does Kenani belong to the Sunni community?" got "No, Kenani does not belong …", then
        "Kenani is a Shiite lawmaker"). Not after a refusal: "Did the United States send troops to Iraq to stop the
        attacks?", which the model rightly refused, would get "No, the United States … committed to diplomatic efforts",
        which doesn't settle it. Only the embedded model can be made to go on from a start of its reply.
        """
        if not self._continues(part) or not self._unreasoned(part, draft, candidates):
            return [draft]
        bare = _BARE.match(draft)
        lead = f"{bare.group(1).capitalize() if bare else 'No'},"
        reason = ""
        if bare:
            started = time.perf_counter()
            reason = str(self.model.invoke([*self._messages(state, None if first else part), AIMessage(lead)]).content).strip()
            self._timed(state, "generate_s", started)
        if lead == "No," and is_refusal(reason):
            said = self._article_says(state, part, first)
            denied = not is_refusal(draft)  # the model said no, rather than that the article doesn't say
            reason = said if _speaks_of(part, said) or (denied and _speaks_first_of(part, said, candidates)) else ""
        return [draft] if is_refusal(reason) else [clean_draft(f"{lead} {reason}"), draft]

    def _answered(self, state: dict[str, Any], part: str, draft: str, first: bool, candidates: list[Evidence],
                  elsewhere: list[Evidence], lede: Evidence | None) -> Iterator[Supported]:
        """One question's supported sentences (see `_part`), from its `draft` and those written after it; for a
        why-question they leave unanswered, the no to what it takes for granted (see `_denied`)."""
        if (index := paragraph_asked(part)) is not None \
                and (there := self._paragraph(part, index, candidates, state["context"], state["passages"])) is not None:
            yield there
            return
        drafts = self._reasoned(state, part, draft, first, candidates)
        instead = partial(self._no_instead, state, part, first, draft, candidates)
        sentences = self._part(part, drafts, candidates, elsewhere, lede, instead)
        if (head := next(sentences, None)) is not None:
            yield head
            yield from sentences
        elif (asked := premise(part)) is not None:
            yield from self._denied(state, asked, candidates, elsewhere)

    def _denied(self, state: dict[str, Any], asked: str, candidates: list[Evidence], elsewhere: list[Evidence]) -> Iterator[Supported]:
        """The answer to what a why-question takes for granted (`asked`, see `premise`), drafted and checked as any
        yes/no question, if it is a no: "Not according to the article: <what the article says instead>"; nothing else.

        Why: "Why did the United States turn down Iraq's request?" is refused (no sentence gives a reason for what didn't
        happen), while "Did the United States turn down Iraq's request?" gets "No, the U.S. … committed to diplomatic
        efforts …"; a yes leaves the why unanswered, and the refusal stands. Only then: it costs a draft more."""
        draft = clean_draft(self._draft(state, asked))
        sentences = self._answered(state, asked, draft, False, candidates, elsewhere, None)
        first = next(sentences, None)
        if first is None or not _is_no(first.text):
            return
        yield Supported(self.prompts["premise_denied"].format(answer=_without_lead(first.text)), first.evidence, first.support)
        yield from sentences

    def _no_instead(self, state: dict[str, Any], part: str, first: bool, draft: str, candidates: list[Evidence]) -> str:
        """For a yes/no question whose draft gave a reason (see `_unreasoned`) that failed every check: "No, <what the
        model, made to go on from "No, the article says", writes the article says instead>", if that speaks of something
        the question asks (see `_speaks_of`); "" otherwise. The verifier and the yes or no read from its evidence decide.

        Why: the small model's drafts lean to Yes, with a reason from anywhere ("Is Iraq short of money for its domestic
        plans?": "Yes, the article states that Iraq has no formal diplomatic ties with Israel, …"); made to say what the
        article says, it writes the fact that settles it ("No, Iraq has high oil revenues that fuel a domestic agenda …"),
        which the sentence it rests on, read at P 0.71, was not judged to answer alone (see `_extracted`)."""
        if not self._continues(part) or not _LEAD.match(draft) or self._unreasoned(part, draft, candidates):
            return ""
        said = self._article_says(state, part, first)
        return clean_draft(f"No, {said}") if not is_refusal(said) and _speaks_of(part, said) else ""

    def _continues(self, part: str) -> bool:
        """Whether the model can be made to go on from a start of its reply ("No,", "No, the article says") to this
        question: a yes/no question, and the embedded model (only it takes the start of its reply)."""
        return is_yes_no(part) and isinstance(self.model, ChatLocalLlama)

    def _article_says(self, state: dict[str, Any], part: str, first: bool) -> str:
        """What the model writes after "No, the article says", where it said what the article doesn't."""
        started = time.perf_counter()
        said = _THAT.sub("", str(self.model.invoke([*self._messages(state, None if first else part), AIMessage(_SAYS)]).content).strip())
        self._timed(state, "generate_s", started)
        return said

    @staticmethod
    def _unreasoned(question: str, draft: str, candidates: list[Evidence]) -> bool:
        """A yes/no draft that gives no reason: a bare "Yes." or "No.", a no that only restates the question, or a refusal."""
        return bool(_BARE.match(draft)) or is_refusal(draft) or (_is_no(draft) and not _says_more(question, draft, candidates))

    @staticmethod
    def _cited(sentence: Supported, citations: list[Citation]) -> str:
        """The sentence with its [n] markers before the final stop; new evidence is numbered on from `citations`."""
        numbered = {(c.source, c.start): c for c in citations}
        marks = []
        for evidence in sentence.evidence:
            key = (evidence.source, evidence.span.start)
            if key not in numbered:
                numbered[key] = Citation(len(citations) + 1, evidence.source, evidence.span.start, evidence.span.end, evidence.span.text)
                citations.append(numbered[key])
            marks.append(f"[{numbered[key].n}]")
        body = sentence.text.rstrip()
        end = body[-1] if body and body[-1] in ".!?" else ""
        return f"{body[:-1] if end else body} {''.join(marks)}{end or '.'}"

    @cached_property
    def draft_chain(self) -> Runnable:
        """LCEL: (the chat so far) → condense → retrieve → route → prompt → chat model → parse; the unchecked draft, never shown."""
        return (RunnablePassthrough.assign(earlier=RunnableLambda(self._earlier))
                | RunnablePassthrough.assign(standalone_question=RunnableLambda(self._condense))
                | RunnablePassthrough.assign(passages=RunnableLambda(self._retrieve))
                | RunnablePassthrough.assign(context=RunnableLambda(self._route))
                | RunnablePassthrough.assign(draft=RunnableLambda(self._first_messages) | self.model | StrOutputParser()))

    # --- public API ----------------------------------------------------------------------------------

    def _inputs(self, question: Any, history: Any, sources: Collection[str] | None = None) -> dict[str, Any]:
        return {"question": clean_question(question, self.settings.max_question_chars), "history": parse_history(history),
                "scope": self.router.scope(sources),
                "timings": {"started": time.perf_counter(), "retrieve_s": 0.0, "generate_s": 0.0}}

    def articles(self) -> dict[str, str]:
        """Each article of the library (not readers' private uploads) with its headline, for a scope picker."""
        return {source: self.router.title(source) for source in self.router.library}

    def ask(self, question: str, history: list[Message] | None = None, sources: Collection[str] | None = None) -> Reply:
        """Answer `question` given the conversation so far (a list of user/assistant messages), from the articles
        `sources` (indexed source ids; default: the library, readers' private uploads aside): the streamed Reply."""
        *_, reply = self.stream(question, history, sources)
        assert isinstance(reply, Reply)
        return reply

    def stream(self, question: str, history: list[Message] | None = None,
               sources: Collection[str] | None = None) -> Iterator[str | Reply]:
        """Yield the answer in verified sentences (each with its [n] markers, or the refusal), then the Reply,
        whose answer is exactly their concatenation. Nothing unchecked is ever yielded."""
        yield from self._verified(self.draft_chain.invoke(self._inputs(question, history, sources)))
