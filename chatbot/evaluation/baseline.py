"""The textbook conversational LangChain RAG pipeline, kept as the yardstick ours is measured against.

LangChain's documented chat-RAG recipe, on the same chat model: a history-aware retriever (a follow-up
is first rewritten into a standalone question with the contextualize prompt of
`create_history_aware_retriever`), `RecursiveCharacterTextSplitter(1000, 200)` → Chroma dense top-4 →
the "stuff" QA prompt with the chat history. No verification; its citations are the retrieved chunks.
Built from langchain-core runnables exactly as `create_history_aware_retriever` composes them, so the
eval needs no extra package.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator, Sequence
from typing import Any

from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate, MessagesPlaceholder
from langchain_core.runnables import Runnable, RunnableBranch, RunnableLambda

from chatbot.corpus import Article
from chatbot.evaluation.scoring import is_refusal
from chatbot.inputs import Message
from chatbot.reply import Citation, Passage, Reply

__all__ = ["TextbookPipeline", "CONTEXTUALIZE_PROMPT", "QA_PROMPT"]

CONTEXTUALIZE_PROMPT = ("Given a chat history and the latest user question which might reference context in the chat history, "
                        "formulate a standalone question which can be understood without the chat history. Do NOT answer the "
                        "question, just reformulate it if needed and otherwise return it as is.")
QA_PROMPT = ("You are an assistant for question-answering tasks. Use the following pieces of retrieved context to answer the "
             "question. If you don't know the answer, say that you don't know. Use three sentences maximum and keep the "
             "answer concise.\n\n{context}")


def _chat_history(history: Sequence[Message]) -> list[BaseMessage]:
    return [HumanMessage(m["content"]) if m["role"] == "user" else AIMessage(m["content"]) for m in history]


class TextbookPipeline:
    """History-aware retriever → stuff prompt → model, over an in-memory Chroma collection."""

    def __init__(self, articles: Sequence[Article], model: BaseChatModel, embeddings: Embeddings, k: int = 4) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        from langchain_chroma import Chroma
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200, add_start_index=True)
        documents = splitter.create_documents([a.text for a in articles], metadatas=[{"source": a.source} for a in articles])
        client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
        self.store = Chroma(collection_name=f"baseline-{uuid.uuid4().hex[:8]}", embedding_function=embeddings, client=client)
        self.store.add_documents(documents)
        retriever = self.store.as_retriever(search_kwargs={"k": k})
        contextualize = ChatPromptTemplate.from_messages(
            [("system", CONTEXTUALIZE_PROMPT), MessagesPlaceholder("chat_history"), ("human", "{input}")])
        self.rewrite: Runnable = contextualize | model | StrOutputParser()
        # create_history_aware_retriever: no history → the input as is; else the rewrite goes to the retriever.
        self.retriever: Runnable = RunnableBranch(
            (lambda x: not x.get("chat_history"), RunnableLambda(lambda x: x["input"]) | retriever),
            self.rewrite | retriever)
        qa = ChatPromptTemplate.from_messages([("system", QA_PROMPT), MessagesPlaceholder("chat_history"), ("human", "{input}")])
        self.generate: Runnable = qa | model | StrOutputParser()

    def _inputs(self, question: str, history: Sequence[Message] | None) -> dict[str, Any]:
        return {"input": question, "chat_history": _chat_history(history or [])}

    def retrieve(self, question: str, history: Sequence[Message] | None = None) -> tuple[list[Document], dict[str, Any]]:
        """The retrieved chunks and the inputs the answer prompt is filled with."""
        inputs = self._inputs(question, history)
        documents: list[Document] = self.retriever.invoke(inputs)
        return documents, {**inputs, "context": "\n\n".join(d.page_content for d in documents)}

    def stream(self, question: str, history: Sequence[Message] | None = None) -> Iterator[str]:
        """The answer as it is generated (for the benchmark)."""
        _, inputs = self.retrieve(question, history)
        yield from self.generate.stream(inputs)

    def ask(self, question: str, history: Sequence[Message] | None = None) -> Reply:
        """Answer `question` given the conversation so far; the citations are the retrieved chunks."""
        started = time.perf_counter()
        documents, inputs = self.retrieve(question, history)
        retrieved_at = time.perf_counter()
        answer = self.generate.invoke(inputs).strip()
        finished = time.perf_counter()
        chunks = [Passage(str(d.metadata["source"]), int(d.metadata["start_index"]),
                          int(d.metadata["start_index"]) + len(d.page_content), d.page_content, 0.0) for d in documents]
        return Reply(question=question, standalone_question=question, answer=answer, refused=is_refusal(answer),
                     citations=[Citation(n, c.source, c.start, c.end, c.text) for n, c in enumerate(chunks, 1)],
                     timings={"retrieve_s": retrieved_at - started, "generate_s": finished - retrieved_at, "total_s": finished - started},
                     retrieved=chunks)
