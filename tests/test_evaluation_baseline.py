"""The textbook baseline is the conversational recipe: a follow-up is rewritten before retrieval."""

from __future__ import annotations

from typing import Any

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage

from chatbot.corpus import Article
from chatbot.evaluation.baseline import CONTEXTUALIZE_PROMPT, TextbookPipeline
from tests.conftest import ARTICLE, fake_embed


class _Embeddings:
    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return fake_embed(texts)

    def embed_query(self, text: str) -> list[float]:
        return fake_embed([text])[0]


class _Recording(GenericFakeChatModel):
    """Replies in turn, and keeps every prompt it was sent."""

    prompts: list[list[BaseMessage]] = []

    def _generate(self, messages: list[BaseMessage], *args: Any, **kwargs: Any) -> Any:
        self.prompts.append(messages)
        return super()._generate(messages, *args, **kwargs)


def _pipeline(replies: list[str]) -> tuple[TextbookPipeline, _Recording]:
    model = _Recording(messages=iter(AIMessage(r) for r in replies))
    model.prompts = []
    article = Article("corpus/a.txt", ARTICLE.read_text(encoding="utf-8"), "0")
    return TextbookPipeline([article], model, _Embeddings()), model  # type: ignore[arg-type]


def test_first_question_goes_straight_to_retrieval() -> None:
    pipeline, model = _pipeline(["A senior adviser.", "A senior adviser, streamed."])
    reply = pipeline.ask("Who is Abul Ameer Thuaiban?")
    assert reply.answer == "A senior adviser." and len(model.prompts) == 1 and len(reply.citations) == 4
    assert all(len(c.text) <= 1000 for c in reply.citations)
    assert "".join(pipeline.stream("Who is Abul Ameer Thuaiban?")) == "A senior adviser, streamed."  # what the benchmark times


def test_follow_up_is_rewritten_with_the_history_then_answered_with_it() -> None:
    pipeline, model = _pipeline(["What did Abul Ameer Thuaiban warn about?", "That a conflict could prove disastrous."])
    history = [{"role": "user", "content": "Who is Abul Ameer Thuaiban?"}, {"role": "assistant", "content": "A senior adviser."}]
    reply = pipeline.ask("What did he warn about?", history)  # type: ignore[arg-type]
    rewrite, answer = model.prompts
    assert rewrite[0].content == CONTEXTUALIZE_PROMPT and [m.content for m in rewrite[1:]] == [
        "Who is Abul Ameer Thuaiban?", "A senior adviser.", "What did he warn about?"]
    assert [m.content for m in answer[1:]] == ["Who is Abul Ameer Thuaiban?", "A senior adviser.", "What did he warn about?"]
    assert reply.answer == "That a conflict could prove disastrous." and not reply.refused
