"""The answering chain's own rules that need no model."""

from __future__ import annotations

import pytest

from chatbot.answer import needs_context


@pytest.mark.parametrize("question", ["What did he warn about?", "Who went on those trips?", "And the second one?",
                                      "Why?", "What about Nujaba?", "Which lawmaker is cited for that view?",
                                      "What did the first one warn the government about?", "Which other group is named?"])
def test_follow_ups_that_point_back_are_rewritten(question: str) -> None:
    assert needs_context(question)


@pytest.mark.parametrize("question", ["What is Thuaiban's date of birth?", "Which militias attack Israel from Iraq?",
                                      "How many diplomatic missions went to Tehran?"])
def test_follow_ups_that_name_their_subject_are_asked_as_they_stand(question: str) -> None:
    assert not needs_context(question)
