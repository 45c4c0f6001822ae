import pytest

from chatbot.embeddings import get_embeddings
from chatbot.index import Index
from chatbot.retrieve import BM25, HybridRetriever, HybridSearch
from chatbot.settings import Settings


def test_bm25_ranks_rare_terms_first() -> None:
    bm25 = BM25([["iraq", "oil"], ["iraq", "thuaiban"], ["iraq", "iran"]])
    assert bm25.top(["thuaiban"], 3)[0][0] == 1
    assert bm25.top(["absent"], 3) == []
    assert bm25.idf("absent") > bm25.idf("thuaiban") > bm25.idf("iraq") > 0  # rarity, as routing weighs words


def test_a_short_headline_sharing_a_common_word_does_not_outrank_the_chunk_naming_the_person() -> None:
    """A library's headlines are five-word chunks: with full length normalisation (b = 0.75) one shared word ("rules")
    ranked them above the long chunk that names Thuaiban."""
    filler = [f"w{i}" for i in range(30)]
    docs = [["india", "calls", "fair", "trade", "rules"], ["court", "ruling", "rules"], ["thuaiban", "adviser", "sudani", *filler],
            *[["rules", f"z{i}", *filler] for i in range(8)], *[[f"x{i}", "iraq", *filler[:10]] for i in range(190)]]
    query = ["ignore", "rules", "thuaiban"]
    assert BM25(docs).top(query, 1)[0][0] == 2
    assert BM25(docs, b=0.75).top(query, 1)[0][0] != 2  # what the default guards against


@pytest.fixture(scope="module")
def search(real_settings: Settings) -> HybridSearch:
    from chatbot.startup import ensure_index

    return HybridSearch(ensure_index(real_settings), get_embeddings())


@pytest.mark.slow
def test_paraphrase_without_shared_words_finds_the_chunk(search: HybridSearch) -> None:
    # Answer sentence: "High oil revenues have fueled a domestic agenda focused on rebuilding infrastructure ..."
    passages = search.search([("What pays for reconstruction at home?", 1.0)], 3)
    assert any("High oil revenues" in p.chunk.text for p in passages)


@pytest.mark.slow
def test_rare_name_alone_finds_the_chunk(search: HybridSearch) -> None:
    passages = search.search([("Thuaiban", 1.0)], 1)
    assert "Abul Ameer Thuaiban" in passages[0].chunk.text


@pytest.mark.slow
def test_langchain_retriever_returns_documents_with_offsets(search: HybridSearch) -> None:
    docs = HybridRetriever(search=search, k=2).invoke("Who is Ahmed Kenani?")
    assert len(docs) == 2 and "Kenani" in docs[0].page_content
    assert {"source", "start", "end", "score"} <= set(docs[0].metadata)


def test_search_ignores_chunks_of_a_stale_version(settings: Settings) -> None:
    settings.corpus_dir.mkdir()
    (settings.corpus_dir / "a.txt").write_text("Alpha beta gamma. Delta epsilon.", encoding="utf-8")
    index = Index(settings)
    embeddings = get_embeddings()
    index.ingest([settings.corpus_dir], embeddings.embed_documents, log=lambda _: None)
    index._chunks.upsert(ids=["orphan"], embeddings=embeddings.embed_documents(["Alpha beta gamma orphan."]),
                         documents=["Alpha beta gamma orphan."],
                         metadatas=[{"source": "x", "index": 0, "start": 0, "end": 1, "sha256": "old"}])
    texts = [p.chunk.text for p in HybridSearch(index, embeddings).search([("alpha orphan", 1.0)], 5)]
    assert texts and all("orphan" not in t for t in texts)
