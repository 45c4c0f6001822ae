from chatbot.chunks import chunk_article, split_sentences
from chatbot.corpus import Article
from tests.conftest import ARTICLE


def _article(text: str) -> Article:
    return Article("a.txt", text, "x")


def test_chunk_offsets_are_exact_on_the_article() -> None:
    text = ARTICLE.read_text(encoding="utf-8")
    chunks = chunk_article(_article(text))
    assert len(chunks) >= 5
    for chunk in chunks:
        assert text[chunk.start:chunk.end] == chunk.text
        for sentence in split_sentences(chunk.text, chunk.start):
            assert text[sentence.start:sentence.end] == sentence.text


def test_chunks_never_cut_a_sentence() -> None:
    text = ARTICLE.read_text(encoding="utf-8")
    sentence_spans = {(s.start, s.end) for s in split_sentences(text)}
    for chunk in chunk_article(_article(text), max_sentences=2):
        inside = split_sentences(chunk.text, chunk.start)
        assert len(inside) <= 2
        assert all((s.start, s.end) in sentence_spans for s in inside)


def test_abbreviations_and_quotes_do_not_split() -> None:
    text = "Ties between the U.S. and Iran matter. He said “pay a price.” Then Dr. Smith left."
    assert [s.text for s in split_sentences(text)] == [
        "Ties between the U.S. and Iran matter.", "He said “pay a price.”", "Then Dr. Smith left."]


def test_line_breaks_end_sentences_and_offsets_shift() -> None:
    text = "Title line\nSection\n\nBody one. Body two."
    spans = split_sentences(text, offset=10)
    assert [s.text for s in spans] == ["Title line", "Section", "Body one.", "Body two."]
    assert all(text[s.start - 10:s.end - 10] == s.text for s in spans)


def test_long_paragraph_is_split_into_balanced_chunks() -> None:
    text = " ".join(f"Sentence number {i} is here." for i in range(7))
    chunks = chunk_article(_article(text), max_sentences=3)
    assert [len(split_sentences(c.text)) for c in chunks] == [3, 3, 1] or [len(split_sentences(c.text)) for c in chunks] == [3, 2, 2]
    assert "".join(c.text for c in chunks).replace(" ", "") == text.replace(" ", "")
