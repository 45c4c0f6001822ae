"""Readers' uploads: checked, private to their session, indexed at once, removed on expiry (plumbing: a fake chat model)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from chatbot.answer import Chatbot
from chatbot.embeddings import get_embeddings
from chatbot.errors import ChatbotError
from chatbot.index import Index
from chatbot.settings import Settings
from chatbot.uploads import Uploads, check_upload, new_session

ARTICLE = b"Harbour Notes\n\nThe Zorbian river festival was founded in 1871 by Mara Quell. It is held every May."


@pytest.mark.parametrize("data, message", [
    (b"", "empty"),
    (b"  \n\t ", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
    ("Café".encode("latin-1"), "not UTF-8 text (bad byte at 3)"),
    (b"x" * 10_000_000, "too large (10.0 MB; the limit is 1.0 MB)"),
])
def test_a_bad_upload_gets_one_clear_line(data: bytes, message: str) -> None:
    with pytest.raises(ChatbotError, match=message.replace("(", r"\(").replace(")", r"\)")):
        check_upload(data, 1_000_000)


@pytest.fixture
def app(settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Settings, Chatbot]:
    monkeypatch.chdir(tmp_path)  # sources are cwd-relative, as in the app
    settings = settings.model_copy(update={"upload_dir": Path("uploads"), "corpus_dir": Path("corpus"), "max_uploads": 2})
    settings.corpus_dir.mkdir()
    (settings.corpus_dir / "library.txt").write_text("Library Article\n\nThe city council met on Monday.", encoding="utf-8")
    index = Index(settings)
    index.ingest([settings.corpus_dir], get_embeddings().embed_documents, log=lambda _: None)
    return settings, Chatbot(settings, index, FakeListChatModel(responses=["unused"]))


def test_an_upload_is_indexed_at_once_and_seen_only_by_its_session(app: tuple[Settings, Chatbot]) -> None:
    settings, bot = app
    uploads, mine, theirs = Uploads(settings, bot), new_session(), new_session()
    source = uploads.add(mine, "notes.txt", ARTICLE, title="")
    assert source == f"uploads/{mine}/notes.txt" and Path(source).read_bytes() == ARTICLE
    assert source in Index(settings).manifest() and source in bot.router.sources
    assert uploads.visible(mine) == ["corpus/library.txt", source]
    assert uploads.visible(theirs) == ["corpus/library.txt"]
    assert bot.router.scope(None) == ["corpus/library.txt"] and source not in bot.articles()  # the API's default scope
    titled = uploads.add(mine, "x.md", b"Body text.", title="My Title")
    assert titled.endswith("/my-title.txt") and bot.router.title(titled) == "My Title"


def test_uploads_are_limited_and_a_refused_one_touches_nothing(app: tuple[Settings, Chatbot]) -> None:
    settings, bot = app
    uploads, session = Uploads(settings, bot), new_session()
    uploads.add(session, "a.txt", ARTICLE)
    before = Index(settings).manifest()
    with pytest.raises(ChatbotError, match="not UTF-8"):
        uploads.add(session, "b.txt", b"\xff\xfe bad")
    uploads.add(session, "a.txt", ARTICLE)
    with pytest.raises(ChatbotError, match="already has 2 articles"):
        uploads.add(session, "c.txt", ARTICLE)
    assert len(Index(settings).manifest()) == len(before) + 1
    with pytest.raises(ChatbotError, match="session is unknown"):
        uploads.add("../../etc", "d.txt", ARTICLE)


def test_shared_uploads_are_seen_by_every_session(app: tuple[Settings, Chatbot]) -> None:
    settings, bot = app
    settings = settings.model_copy(update={"shared_uploads": True})
    bot.settings = settings
    bot.reload()
    uploads = Uploads(settings, bot)
    source = uploads.add(new_session(), "notes.txt", ARTICLE)
    assert source in uploads.visible(new_session()) and source in bot.router.scope(None)


def test_an_expired_session_loses_its_uploads_from_index_and_disk(app: tuple[Settings, Chatbot]) -> None:
    settings, bot = app
    uploads, old, fresh = Uploads(settings, bot), new_session(), new_session()
    gone, kept = uploads.add(old, "a.txt", ARTICLE), uploads.add(fresh, "b.txt", ARTICLE)
    stale = time.time() - settings.upload_ttl_s - 10
    os.utime(Path(gone).parent, (stale, stale))
    assert uploads.sweep() == [gone]
    assert not Path(gone).exists() and gone not in Index(settings).manifest() and gone not in bot.router.sources
    assert kept in Index(settings).manifest() and Path(kept).exists()
