from pathlib import Path

import pytest

from chatbot.index import Index
from chatbot.settings import Settings
from tests.conftest import ARTICLE, fake_embed


class CountingEmbed:
    def __init__(self) -> None:
        self.texts = 0

    def __call__(self, texts: list[str]) -> list[list[float]]:
        self.texts += len(texts)
        return fake_embed(texts)


@pytest.fixture
def corpus(settings: Settings) -> Path:
    settings.corpus_dir.mkdir()
    (settings.corpus_dir / "one.txt").write_text(ARTICLE.read_text(encoding="utf-8"), encoding="utf-8")
    (settings.corpus_dir / "two.txt").write_text("Second article. It is short.\n\nA second paragraph here.", encoding="utf-8")
    return settings.corpus_dir


def test_reingest_of_unchanged_text_embeds_nothing(settings: Settings, corpus: Path) -> None:
    embed = CountingEmbed()
    first = Index(settings).ingest([corpus], embed, log=lambda _: None)
    assert first.chunks_added > 0 and embed.texts == first.chunks_added
    again = Index(settings).ingest([corpus], embed, log=lambda _: None)
    assert (again.chunks_added, again.chunks_removed, again.chunks_kept) == (0, 0, first.chunks_added)
    assert embed.texts == first.chunks_added


def test_the_same_text_under_another_name_is_pointed_out(settings: Settings, corpus: Path, tmp_path: Path) -> None:
    """A copy of an indexed article (another folder, or the same file by another path) is indexed, and named in a note."""
    index = Index(settings)
    quiet: list[str] = []
    index.ingest([corpus], fake_embed, log=quiet.append)
    assert not [m for m in quiet if m.startswith("note:")]
    copies = tmp_path / "copies"
    copies.mkdir()
    (copies / "again.txt").write_text((corpus / "two.txt").read_text(encoding="utf-8"), encoding="utf-8")
    said: list[str] = []
    index.ingest([copies], fake_embed, log=said.append)
    notes = [m for m in said if m.startswith("note:")]
    assert len(notes) == 1 and "again.txt" in notes[0] and "two.txt" in notes[0], said
    assert {c.source.rsplit("/", 1)[-1] for c in index.live_chunks()} == {"one.txt", "two.txt", "again.txt"}
    again: list[str] = []
    index.ingest([corpus, copies], fake_embed, log=again.append)  # both already indexed: said once, when it was added
    assert not [m for m in again if m.startswith("note:")], again


def test_changed_file_is_replaced_and_deleted_file_removed(settings: Settings, corpus: Path) -> None:
    index = Index(settings)
    index.ingest([corpus], fake_embed, log=lambda _: None)
    (corpus / "two.txt").write_text("Changed article. Only this now.", encoding="utf-8")
    report = index.ingest([corpus], fake_embed, log=lambda _: None)
    assert report.chunks_added == 1 and report.chunks_removed == 2
    texts = [c.text for c in index.live_chunks() if c.source.endswith("two.txt")]
    assert texts == ["Changed article. Only this now."]
    (corpus / "one.txt").unlink()
    report = index.ingest([corpus], fake_embed, log=lambda _: None)
    assert report.chunks_removed > 0
    assert {c.source.rsplit("/", 1)[-1] for c in index.live_chunks()} == {"two.txt"}


def test_live_chunks_carry_exact_offsets(settings: Settings, corpus: Path) -> None:
    index = Index(settings)
    index.ingest([corpus], fake_embed, log=lambda _: None)
    for chunk in index.live_chunks():
        assert Path(chunk.source).read_text(encoding="utf-8")[chunk.start:chunk.end] == chunk.text


def test_bad_file_is_skipped_and_its_old_version_kept(settings: Settings, corpus: Path) -> None:
    index = Index(settings)
    index.ingest([corpus], fake_embed, log=lambda _: None)
    (corpus / "two.txt").write_bytes(b"\xff\xfe broken")
    report = index.ingest([corpus], fake_embed, log=lambda _: None)
    assert any(s.endswith("two.txt") for s in report.skipped)
    assert any(c.source.endswith("two.txt") for c in index.live_chunks())


def test_large_index_is_read_in_pages(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    import chatbot.index

    monkeypatch.setattr(chatbot.index, "_PAGE", 7)  # far fewer rows a page than chunks, as with 100,000 chunks
    settings.corpus_dir.mkdir()
    for i in range(12):
        (settings.corpus_dir / f"a{i}.txt").write_text(f"Article {i}. It has two sentences.\n\nAnd a paragraph.", encoding="utf-8")
    index = Index(settings)
    report = index.ingest([settings.corpus_dir], fake_embed, log=lambda _: None)
    assert len(index.live_chunks()) == report.chunks_added == 24 and len(index.manifest()) == 12
    (settings.corpus_dir / "a0.txt").unlink()
    assert index.ingest([settings.corpus_dir], fake_embed, log=lambda _: None).chunks_removed == 2
