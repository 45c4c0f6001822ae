from __future__ import annotations

from chatbot.answer import _informative
from chatbot.lexical import match_keys
from chatbot.verify import Evidence


def test_a_yes_or_no_whose_only_new_word_is_the_article_s_subject_says_nothing_new(candidates: list[Evidence]) -> None:
    question = "Is the ruling coalition of one mind about the attacks?"
    restated = match_keys("the ruling coalition of Iraq is not of one mind about the attacks") - match_keys(question)
    reasoned = match_keys("the escalation has sparked debate within the coalition") - match_keys(question)
    assert restated and not _informative(restated, candidates)
    assert _informative(reasoned, candidates)
