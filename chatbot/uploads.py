"""Articles readers bring in the browser: checked, kept per browser session, indexed at once, removed when it expires.

Why per session: a reader's article is theirs. Another reader's "All articles" never sees it (unless the app is
started with shared uploads), and it lives only while its session is in use, so the index doesn't fill up with
strangers' text. A session's articles are files under `upload_dir/<session>/` (citations point into them like any
article's); the folder's modification time is the session's last use, so expiry survives a restart of the app.
"""

from __future__ import annotations

import re
import shutil
import threading
import time
import uuid
from pathlib import Path

from chatbot.answer import Chatbot
from chatbot.corpus import source_id
from chatbot.errors import ChatbotError
from chatbot.settings import Settings

__all__ = ["Uploads", "check_upload", "new_session", "is_session"]

SHARED = "shared"  # the one folder every reader's uploads go to when uploads are shared
_SESSION = re.compile(r"^[0-9a-f]{32}$")


def new_session() -> str:
    """A browser session id: random, so no one can name another reader's uploads."""
    return uuid.uuid4().hex


def is_session(session: str) -> bool:
    return bool(_SESSION.match(session))


def check_upload(data: bytes, limit: int) -> str:
    """The text of an uploaded article, or a ChatbotError saying in one line why it can't be used."""
    if len(data) > limit:
        raise ChatbotError(f"the file is too large ({len(data) / 1e6:.1f} MB; the limit is {limit / 1e6:.1f} MB)")
    if b"\0" in data[:65536]:
        raise ChatbotError("that is a binary file, not text: add a .txt or .md article")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ChatbotError(f"the file is not UTF-8 text (bad byte at {exc.start}): save it as UTF-8 and add it again") from None
    if not text.strip():
        raise ChatbotError("the article is empty")
    return text


def _slug(name: str) -> str:
    words = re.findall(r"[A-Za-z0-9]+", Path(name).stem.lower())[:8]
    return "-".join(words) or "article"


class Uploads:
    """The uploaded articles of every browser session, indexed into the chatbot's index."""

    def __init__(self, settings: Settings, bot: Chatbot) -> None:
        self.settings = settings
        self.bot = bot
        self.root = settings.upload_dir
        self._lock = threading.Lock()

    def _folder(self, session: str) -> Path:
        if not is_session(session):
            raise ChatbotError("this browser session is unknown: reload the page")
        return self.root / (SHARED if self.settings.shared_uploads else session)

    def _sources(self, folder: Path) -> list[str]:
        return sorted(source_id(f) for f in folder.glob("*.txt")) if folder.is_dir() else []

    def visible(self, session: str) -> list[str]:
        """The sources a session may ask about: the library, and its own uploads (every upload, when shared)."""
        library, indexed = self.bot.router.library, set(self.bot.router.sources)
        return library + [s for s in self._sources(self._folder(session)) if s in indexed and s not in library]

    def touch(self, session: str) -> None:
        """Mark the session as in use (its uploads' clock restarts)."""
        folder = self._folder(session)
        if folder.is_dir():
            folder.touch()

    def add(self, session: str, name: str, data: bytes, title: str = "") -> str:
        """Check, store and index one article for `session`; its source id. Nothing already indexed is touched."""
        from chatbot.embeddings import get_embeddings
        from chatbot.index import Index

        text = check_upload(data, self.settings.max_upload_bytes)
        folder = self._folder(session)
        with self._lock:
            if len(self._sources(folder)) >= self.settings.max_uploads:
                raise ChatbotError(f"this session already has {self.settings.max_uploads} articles, the most it may add")
            if title.strip():
                text = f"{title.strip()}\n\n{text}"
            folder.mkdir(parents=True, exist_ok=True)
            stem = _slug(title or name)
            path = folder / f"{stem}.txt"
            number = 2
            while path.exists():
                path, number = folder / f"{stem}-{number}.txt", number + 1
            path.write_text(text, encoding="utf-8")
            try:
                Index(self.settings).ingest([path], get_embeddings().embed_documents, log=lambda _: None)
            except Exception:
                path.unlink(missing_ok=True)
                raise
            self.bot.reload()
        return source_id(path)

    def sweep(self) -> list[str]:
        """Remove the uploads of sessions idle longer than `upload_ttl_s` from the index and the disk; their sources."""
        from chatbot.index import Index

        if not self.root.is_dir():
            return []
        cutoff = time.time() - self.settings.upload_ttl_s
        with self._lock:
            expired = [f for f in self.root.iterdir() if f.is_dir() and f.stat().st_mtime < cutoff]
            sources = [s for folder in expired for s in self._sources(folder)]
            if sources:
                Index(self.settings).forget(sources)
            for folder in expired:
                shutil.rmtree(folder, ignore_errors=True)
            if sources:
                self.bot.reload()
        return sources
