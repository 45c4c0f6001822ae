"""The textbook LangChain RAG pipeline, kept as the yardstick our pipeline is measured against.

RecursiveCharacterTextSplitter(1000, 200) → Chroma dense top-4 → the classic "stuff" prompt → the
same chat model; no rewriting, no verification. Its "citations" are the four retrieved chunks.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence

from langchain_core.documents import Document
from langchain_core.language_models import BaseChatModel
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import Runnable

from chatbot.corpus import Article
from chatbot.embeddings import PackagedEmbeddings
from chatbot.inputs import Message
from chatbot.reply import Citation, Passage, Reply
from chatbot.verify import is_refusal

__all__ = ["TextbookPipeline"]

STUFF_PROMPT = ("You are an assistant for question-answering tasks. Use the following pieces of retrieved context to "
                "answer the question. If you don't know the answer, just say that you don't know. Use three sentences "
                "maximum and keep the answer concise.\n\nContext: {context}")


class TextbookPipeline:
    """Splitter → Chroma top-4 → stuff prompt → model, over an in-memory Chroma collection."""

    def __init__(self, articles: Sequence[Article], model: BaseChatModel, embeddings: PackagedEmbeddings, k: int = 4) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        from langchain_chroma import Chroma
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200, add_start_index=True)
        documents = splitter.create_documents([a.text for a in articles], metadatas=[{"source": a.source} for a in articles])
        client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
        self.store = Chroma(collection_name=f"baseline-{uuid.uuid4().hex[:8]}", embedding_function=embeddings, client=client)
        self.store.add_documents(documents)
        self.retriever = self.store.as_retriever(search_kwargs={"k": k})
        prompt = ChatPromptTemplate.from_messages([("system", STUFF_PROMPT), ("human", "{question}")])
        self.generate: Runnable = prompt | model | StrOutputParser()

    def ask(self, question: str, history: list[Message] | None = None) -> Reply:
        """Answer without history (the textbook chain has no rewriting step)."""
        started = time.perf_counter()
        documents: list[Document] = self.retriever.invoke(question)
        retrieved_at = time.perf_counter()
        answer = self.generate.invoke({"context": "\n\n".join(d.page_content for d in documents), "question": question}).strip()
        finished = time.perf_counter()
        chunks = [Passage(str(d.metadata["source"]), int(d.metadata["start_index"]),
                          int(d.metadata["start_index"]) + len(d.page_content), d.page_content, 0.0) for d in documents]
        return Reply(question=question, standalone_question=question, answer=answer, refused=is_refusal(answer),
                     citations=[Citation(n, c.source, c.start, c.end, c.text) for n, c in enumerate(chunks, 1)],
                     timings={"retrieve_s": retrieved_at - started, "generate_s": finished - retrieved_at, "total_s": finished - started},
                     retrieved=chunks)
