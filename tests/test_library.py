"""A library: the article beside real news articles (BBC distractors), answered by routing (real model, real Chroma)."""

from __future__ import annotations

from pathlib import Path

import pytest

from chatbot.answer import Chatbot
from chatbot.corpus import source_id
from chatbot.errors import ChatbotError
from chatbot.evaluation.distractors import bbc_articles, hardness
from chatbot.settings import Settings
from tests.conftest import ARTICLE

pytestmark = pytest.mark.slow


def test_the_bbc_library_is_verified_and_hard_distractors_come_first() -> None:
    articles = bbc_articles()
    assert len(articles) == 2224 and len({a.name for a in articles}) == 2224  # 2,225 files, one not UTF-8
    ranked = sorted(articles, key=lambda a: -hardness(a.text))
    assert hardness(ranked[0].text) > 10 and "Iraq" in ranked[0].text


@pytest.fixture(scope="module")
def library(bot, tmp_path_factory: pytest.TempPathFactory) -> Chatbot:  # type: ignore[no-untyped-def]
    """The article and the three hardest BBC distractors: more than the context budget holds at once."""
    from chatbot.startup import ensure_index

    corpus = tmp_path_factory.mktemp("library")
    (corpus / ARTICLE.name).write_text(ARTICLE.read_text(encoding="utf-8"), encoding="utf-8")
    for article in sorted(bbc_articles(), key=lambda a: -hardness(a.text))[:3]:
        (corpus / article.name).write_text(article.text, encoding="utf-8")
    settings = Settings(index_dir=tmp_path_factory.mktemp("library-index"), corpus_dir=corpus)
    chatbot = Chatbot(settings, ensure_index(settings, log=lambda _: None), bot.model, bot.embeddings)
    assert chatbot.router.whole(chatbot.router.sources) is None  # the library takes the routed path
    return chatbot


def _article(library: Chatbot) -> str:
    return next(s for s in library.router.sources if s.endswith(ARTICLE.name))


def test_a_question_about_the_article_is_answered_from_it_whole(library: Chatbot) -> None:
    reply = library.ask("Who is Ahmed Kenani?")
    assert not reply.refused and "lawmaker" in reply.answer.lower()
    assert {c.source for c in reply.citations} == {_article(library)}


def test_a_follow_up_stays_with_the_article_of_its_conversation(library: Chatbot, bot) -> None:  # type: ignore[no-untyped-def]
    history = [{"role": "user", "content": "Who is Abul Ameer Thuaiban?"},
               {"role": "assistant", "content": "A senior adviser to Prime Minister Sudani [1]."}]
    reply = library.ask("What did he warn about?", history)  # type: ignore[arg-type]
    assert not reply.refused and "disastrous" in reply.answer.lower()
    assert {c.source for c in reply.citations} == {_article(library)}
    # its rewrite was shown that article, as it would be with the article alone (not a bare "rewrite this")
    state = library._inputs("What did he warn about?", history)
    state["earlier"] = library._earlier(state)
    assert library.router.article(state["earlier"]).sources == [_article(library)]  # type: ignore[union-attr]
    context = library.router.route(state["scope"], state["earlier"])
    assert "Thuaiban" in str(library._rewrite_system(context).content)
    assert bot._earlier(bot._inputs("What did he warn about?", history)) == []  # one article, shown whole: no search


def test_a_question_sent_to_another_article_is_answered_from_the_passage_retrieved_from_this_one(library: Chatbot) -> None:
    question = "What did America say it would do for Baghdad?"  # its words are nearer a BBC report on Iraq's economy
    state = library._inputs(question, [])
    state.update(earlier=[], standalone_question=question)
    passages = library._retrieve(state)
    assert library._route({**state, "passages": passages}).sources != [_article(library)]
    reply = library.ask(question)
    assert not reply.refused and "diplomatic" in reply.answer
    assert {c.source for c in reply.citations} == {_article(library)}


def test_a_question_naming_someone_only_the_article_names_is_sent_to_it(library: Chatbot) -> None:
    reply = library.ask("Thuaiban's job?")  # its other word is a BBC report's, whose passages outvote his one passage
    assert not reply.refused and "adviser" in reply.answer
    assert {c.source for c in reply.citations} == {_article(library)}


def test_scoped_to_another_article_the_question_is_refused(library: Chatbot) -> None:
    other = next(s for s in library.router.sources if s != _article(library))
    reply = library.ask("Who is Ahmed Kenani?", sources=[other])
    assert reply.refused and not reply.citations


def test_an_unknown_source_is_a_clear_error(library: Chatbot, tmp_path: Path) -> None:
    with pytest.raises(ChatbotError, match="not an indexed article"):
        library.ask("Who is Ahmed Kenani?", sources=[source_id(tmp_path / "nowhere.txt")])
