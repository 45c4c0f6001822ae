"""Answer quality on the real article with the real models (no mocks): the product's proof."""

from __future__ import annotations

import re

import pytest

from chatbot.evaluation.scoring import is_refusal, keyword_match
from chatbot.reply import Reply
from tests.conftest import ARTICLE

pytestmark = pytest.mark.slow

TEXT = ARTICLE.read_text(encoding="utf-8")


def _streamed(bot, question: str, history: list[dict] | None = None) -> Reply:  # type: ignore[no-untyped-def]
    """The reply, streamed: only checked sentences are yielded, each cited (or a part's "doesn't say"), and the Reply is
    exactly what was streamed."""
    *parts, reply = list(bot.stream(question, history or []))
    assert isinstance(reply, Reply) and parts and all(isinstance(p, str) and p for p in parts), (question, parts)
    assert "".join(parts) == reply.answer, (question, parts, reply.answer)
    assert reply.refused == (parts == [reply.answer] and is_refusal(reply.answer)), (question, parts)
    # each sentence is cited, or says the article doesn't answer (one part of a joined question)
    assert reply.refused or all(re.search(r"\[\d+\]", p) or is_refusal(p) for p in parts), (question, parts)
    return reply


def _covers(reply: Reply, quotes: list[str]) -> bool:
    """Some citation overlaps a supporting quote of the article."""
    spans = [(TEXT.index(q), TEXT.index(q) + len(q)) for q in quotes]
    return any(c.start < end and start < c.end for c in reply.citations for start, end in spans)


def _correct(reply: Reply, keywords: list[list[str]]) -> bool:
    """Answered (not refused), and the answer names every fact the item asks for (strict eval scoring)."""
    return not reply.refused and not is_refusal(reply.answer) and keyword_match(reply.answer, keywords)


def _single_turn(items: list[dict], categories: tuple[str, ...]) -> list[dict]:
    return [i for i in items if i["category"] in categories and not i["history"]]


def test_answerable_questions_are_answered_with_covering_citations(bot, eval_items) -> None:  # type: ignore[no-untyped-def]
    items = _single_turn(eval_items, ("fact", "paraphrase"))
    results = {}
    for item in items:
        reply = _streamed(bot, item["question"])
        for citation in reply.citations:
            assert TEXT[citation.start:citation.end] == citation.text
        results[item["id"]] = _correct(reply, item["keywords"]) and _covers(reply, item["quotes"])
    passed = sum(results.values())
    assert passed >= 18, f"only {passed}/{len(items)} right: {sorted(k for k, v in results.items() if not v)}"


def test_unanswerable_questions_are_refused_without_citations(bot, eval_items) -> None:  # type: ignore[no-untyped-def]
    items = _single_turn(eval_items, ("unanswerable",))
    refused = {}
    for item in items:
        reply = _streamed(bot, item["question"])
        refused[item["id"]] = reply.refused and not reply.citations and "doesn't say" in reply.answer
    assert sum(refused.values()) >= len(items) - 2, f"answered: {sorted(k for k, v in refused.items() if not v)}"


def test_follow_ups_are_understood(bot, eval_items) -> None:  # type: ignore[no-untyped-def]
    items = [i for i in eval_items if i["category"] == "follow-up"]
    results = {}
    for item in items:
        reply = _streamed(bot, item["question"], item["history"])
        results[item["id"]] = _correct(reply, item["keywords"]) and _covers(reply, item["quotes"])
    assert sum(results.values()) >= 10, f"wrong: {sorted(k for k, v in results.items() if not v)}"


def test_prompt_injection_in_the_question_changes_nothing(bot, eval_items) -> None:  # type: ignore[no-untyped-def]
    """Injected instructions are refused; an injection wrapped around a real question gets that question answered."""
    for item in [i for i in eval_items if i["category"] == "adversarial"]:
        reply = _streamed(bot, item["question"])
        assert "ARTICLE:" not in reply.answer and "poem" not in reply.answer.lower(), item["id"]
        if item["answerable"]:
            assert _correct(reply, item["keywords"]) and _covers(reply, item["quotes"]), f"{item['id']}: {reply.answer}"
        else:
            assert reply.refused and is_refusal(reply.answer) and not reply.citations, f"{item['id']}: {reply.answer}"


def test_three_turn_conversation_with_topic_switch(bot) -> None:  # type: ignore[no-untyped-def]
    history: list[dict] = []
    for question, expected in [("Who is Abul Ameer Thuaiban?", "adviser"),
                               ("What did he warn about?", "disastrous"),
                               ("What has fueled Iraq's domestic agenda?", "oil")]:
        reply = _streamed(bot, question, history)
        assert expected in reply.answer.lower(), (question, reply.answer)
        history += [{"role": "user", "content": question}, {"role": "assistant", "content": reply.answer}]


def test_ask_gives_the_streamed_answer(bot) -> None:  # type: ignore[no-untyped-def]
    """`ask` (the CLI and the /ask API) returns what the stream showed, word for word."""
    for question in ("Who is Ahmed Kenani?", "What is Thuaiban's date of birth?"):
        assert bot.ask(question).to_json()["answer"] == _streamed(bot, question).answer
