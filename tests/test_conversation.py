"""Conversations: long histories stay within budget, and concurrent conversations never mix (real model)."""

from __future__ import annotations

import threading

import pytest

pytestmark = pytest.mark.slow


def _long_history(turns: int) -> list[dict[str, str]]:
    history = []
    for i in range(turns):
        history += [{"role": "user", "content": f"Question {i}: what does paragraph {i % 7} of the article say?"},
                    {"role": "assistant", "content": f"Answer {i}: it says something about Iraq and its neighbours [1]."}]
    return history


def test_fifty_turn_conversation_keeps_working_within_the_budget(bot) -> None:  # type: ignore[no-untyped-def]
    history = _long_history(50) + [{"role": "user", "content": "Who is Abul Ameer Thuaiban?"},
                                    {"role": "assistant", "content": "A senior adviser to Prime Minister Sudani [1]."}]
    sent = bot._history_messages(bot._inputs("x", history)["history"])
    assert 0 < len(sent) < len(history)
    assert sum(bot.count_tokens(str(m.content)) for m in sent) <= bot.settings.history_token_budget
    assert sent[-1].content.startswith("A senior adviser")
    reply = bot.ask("What did he warn about?", history)
    # His warning: a direct conflict "could prove disastrous" ("severe consequences" is the coalition's fear).
    assert not reply.refused and "disastrous" in reply.answer.lower()
    assert "Thuaiban" in reply.standalone_question  # the rewrite resolved "he" (the fallback keeps the raw follow-up)


def test_two_conversations_in_threads_never_see_each_other(bot) -> None:  # type: ignore[no-untyped-def]
    conversations = {
        "thuaiban": ([{"role": "user", "content": "Who is Abul Ameer Thuaiban?"},
                      {"role": "assistant", "content": "A senior adviser to Prime Minister Sudani [1]."}],
                     "What is his job?", ("advis",)),
        "kenani": ([{"role": "user", "content": "Who is Ahmed Kenani?"},
                    {"role": "assistant", "content": "A Shiite lawmaker [1]."}],
                   "What is his job?", ("lawmaker", "legislator")),
    }
    replies: dict[str, list[str]] = {name: [] for name in conversations}
    errors: list[BaseException] = []

    def talk(name: str) -> None:
        history, question, _ = conversations[name]
        try:
            for _ in range(2):
                replies[name].append(bot.ask(question, history).answer.lower())
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=talk, args=(name,)) for name in conversations]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    assert not errors
    for name, (_, _, expected) in conversations.items():
        assert len(replies[name]) == 2
        for answer in replies[name]:
            assert any(e in answer for e in expected), (name, answer)
            other = "kenani" if name == "thuaiban" else "thuaiban"
            assert other not in answer


def test_a_follow_up_reads_the_same_window_however_long_the_chat(bot) -> None:  # type: ignore[no-untyped-def]
    """The model sees the last `history_turns` exchanges, so a follow-up costs the same after 2 or 50 turns."""
    tail = [{"role": "user", "content": "Who is Abul Ameer Thuaiban?"},
            {"role": "assistant", "content": "A senior adviser to Prime Minister Sudani [1]."}]
    window = 2 * bot.settings.history_turns
    assert bot._recent(_long_history(1) + tail) == (_long_history(1) + tail)[-window:]
    for earlier in (9, 50):
        chat = _long_history(earlier) + tail
        assert bot._recent(chat) == chat[-window:] and bot._recent(chat)[-2:] == tail
