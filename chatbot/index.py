"""The Chroma store of chunks, and ingest: embed what changed, keep what didn't, drop what's gone.

Why a manifest: each source's live version (its sha256) is recorded in a small second collection
and switched only after all of the new version's chunks are stored. A reader trusts only chunks of
the live version, so an ingest killed half-way leaves the previous index intact; the next ingest
sweeps away the orphans.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chatbot.chunks import Chunk, chunk_article
from chatbot.corpus import Article, scan_corpus
from chatbot.errors import ChatbotError
from chatbot.settings import Settings

__all__ = ["Index", "IngestReport"]

_BATCH = 512  # rows per Chroma write or delete call (its calls have a size limit)
_PAGE = 5000  # Chroma's SQLite refuses to read too many rows in one get(): page through them


@dataclass
class IngestReport:
    """What an ingest did, for the CLI to print and tests to check."""

    files: int = 0
    chunks_added: int = 0
    chunks_kept: int = 0
    chunks_removed: int = 0
    skipped: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    def summary(self) -> str:
        return (f"{self.files} file(s): {self.chunks_added} chunk(s) added, {self.chunks_kept} kept, "
                f"{self.chunks_removed} removed, {len(self.skipped)} file(s) skipped in {self.seconds:.1f} s")


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class Index:
    """Chunks in Chroma (embedded on disk, or a Chroma server when `chroma_url` is set)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._client = self._connect()
        try:
            self._chunks = self._client.get_or_create_collection(settings.collection, embedding_function=None,
                                                                 metadata={"hnsw:space": "cosine"})
            self._manifest = self._client.get_or_create_collection(f"{settings.collection}-sources", embedding_function=None)
        except Exception as exc:  # Chroma raises many types for a damaged store
            raise ChatbotError(f"the index at {self.where} can't be opened ({type(exc).__name__}: {exc}); "
                               f"delete it and run `chatbot ingest` to rebuild it") from None

    @property
    def where(self) -> str:
        return self.settings.chroma_url or str(self.settings.index_dir)

    def _connect(self) -> Any:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        chroma_settings = ChromaSettings(anonymized_telemetry=False)
        try:
            if self.settings.chroma_url:
                from urllib.parse import urlparse

                url = urlparse(self.settings.chroma_url)
                return chromadb.HttpClient(host=url.hostname or "127.0.0.1", port=url.port or 8000,
                                           ssl=url.scheme == "https", settings=chroma_settings)
            return chromadb.PersistentClient(path=str(self.settings.index_dir), settings=chroma_settings)
        except Exception as exc:
            raise ChatbotError(f"can't open the index at {self.where} ({type(exc).__name__}: {exc}); "
                               f"check it, or delete it and run `chatbot ingest`") from None

    # --- reading -------------------------------------------------------------------------------------

    @staticmethod
    def _get_all(collection: Any, include: list[str]) -> dict[str, list[Any]]:
        """Every record of `collection`, read page by page: ids plus the `include`d fields."""
        out: dict[str, list[Any]] = {"ids": [], **{key: [] for key in include}}
        offset = 0
        while True:
            got = collection.get(include=include, limit=_PAGE, offset=offset)
            for key in out:
                out[key].extend(got[key] or [])
            if len(got["ids"]) < _PAGE:
                return out
            offset += _PAGE

    def _entries(self) -> dict[str, dict[str, Any]]:
        got = self._get_all(self._manifest, ["metadatas"])
        return {i: dict(m) for i, m in zip(got["ids"], got["metadatas"]) if m}

    def manifest(self) -> dict[str, str]:
        """Live version (sha256) of each indexed source."""
        return {source: str(entry["sha256"]) for source, entry in self._entries().items()}

    def live_chunks(self) -> list[Chunk]:
        """All chunks of the live versions, in reading order."""
        live = self.manifest()
        got = self._get_all(self._chunks, ["metadatas", "documents"])
        chunks = [Chunk(str(m["source"]), int(m["index"]), int(m["start"]), int(m["end"]), doc)
                  for m, doc in zip(got["metadatas"], got["documents"])
                  if m and live.get(str(m["source"])) == m["sha256"]]
        return sorted(chunks, key=lambda c: (c.source, c.index))

    def dense(self, vector: list[float], n: int, sources: Sequence[str] | None = None) -> list[tuple[str, float]]:
        """Chunk ids nearest to `vector` with cosine similarity, best first (live versions only; of `sources` if given)."""
        count = self._chunks.count()
        if not count:
            return []
        where = {"source": {"$in": list(sources)}} if sources else None
        got = self._chunks.query(query_embeddings=[vector], n_results=min(n, count), where=where,  # type: ignore[arg-type]
                                 include=["metadatas", "distances"])
        ids, metas, dists = got["ids"][0], (got["metadatas"] or [[]])[0], (got["distances"] or [[]])[0]
        return [(f"{m['source']}::{m['index']}", 1.0 - float(d)) for i, m, d in zip(ids, metas, dists)]

    def is_current(self, articles: Sequence[Article]) -> bool:
        """True when every article is indexed at its present version."""
        live = self.manifest()
        return bool(articles) and all(live.get(a.source) == a.sha256 for a in articles)

    # --- writing -------------------------------------------------------------------------------------

    def forget(self, sources: Sequence[str]) -> int:
        """Remove `sources` from the index (their manifest entries first, so readers stop trusting their chunks at
        once); the number of chunks deleted."""
        for i in range(0, len(sources), _BATCH):
            self._manifest.delete(ids=list(sources[i:i + _BATCH]))
        return self._sweep()

    def ingest(self, paths: Sequence[Path], embed: Callable[[list[str]], list[list[float]]],
               log: Callable[[str], None] = _stderr) -> IngestReport:
        """Bring the index in line with the articles under `paths`; unchanged ones cost nothing."""
        started = time.perf_counter()
        scan = scan_corpus(paths)
        report = IngestReport(files=len(scan.articles), skipped=scan.skipped)
        for source, reason in scan.skipped.items():
            log(f"skipped {source}: {reason} (its indexed version, if any, is kept)")
        entries = self._entries()
        live = {source: entry["sha256"] for source, entry in entries.items()}
        changed: list[tuple[Article, list[Chunk]]] = []
        for article in scan.articles:
            if live.get(article.source) == article.sha256:
                report.chunks_kept += int(entries[article.source]["chunks"])
            else:
                changed.append((article, chunk_article(article, self.settings.max_sentences_per_chunk, self.settings.max_chunk_chars)))
        self._note_copies(scan.articles, live, log)
        total = sum(len(chunks) for _, chunks in changed)
        if total:
            log(f"embedding {total} chunk(s) of {len(changed)} new or changed article(s) …")
        pending: list[tuple[Article, list[Chunk]]] = []
        for number, entry in enumerate(changed, 1):
            pending.append(entry)
            if sum(len(c) for _, c in pending) >= self.settings.ingest_batch_chunks or number == len(changed):
                self._store(pending, embed)
                report.chunks_added += sum(len(c) for _, c in pending)
                rate = report.chunks_added / (time.perf_counter() - started)
                log(f"  {report.chunks_added}/{total} chunk(s) stored ({number}/{len(changed)} article(s), {rate:.0f} chunks/s)")
                pending = []
        present = {a.source for a in scan.articles} | set(scan.skipped)
        gone = [s for s in live if s not in present and any(s.startswith(f"{folder}/") for folder in scan.folders)]
        if gone:
            for i in range(0, len(gone), _BATCH):
                self._manifest.delete(ids=gone[i:i + _BATCH])
            log(f"removed {len(gone)} deleted article(s): {', '.join(gone)}")
        report.chunks_removed = self._sweep()
        report.seconds = time.perf_counter() - started
        return report

    @staticmethod
    def _note_copies(articles: Sequence[Article], live: dict[str, str], log: Callable[[str], None]) -> None:
        """Say which articles have the same text as another under a different name (both are kept).

        Why: the same article indexed twice (copied into two folders, or ingested once by a relative and once by an
        absolute path) makes a library of two: every retrieval vote is split between them, and answers get worse.
        """
        first: dict[str, str] = {}
        for source, sha in [*live.items(), *((a.source, a.sha256) for a in articles)]:
            other = first.setdefault(sha, source)
            if other != source and source not in live:
                log(f"note: {source} has the same text as {other}, which is indexed too: a question's passages are split "
                    f"between the two; remove one if that isn't meant")

    def _store(self, batch: list[tuple[Article, list[Chunk]]], embed: Callable[[list[str]], list[list[float]]]) -> None:
        """Store the chunks of `batch`, then switch each article's manifest entry to its new version."""
        chunks = [(article, chunk) for article, article_chunks in batch for chunk in article_chunks]
        for i in range(0, len(chunks), _BATCH):
            part = chunks[i:i + _BATCH]
            self._chunks.upsert(
                ids=[f"{a.sha256[:16]}:{c.id}" for a, c in part],
                embeddings=embed([c.text for _, c in part]),  # type: ignore[arg-type]
                documents=[c.text for _, c in part],
                metadatas=[{"source": c.source, "index": c.index, "start": c.start, "end": c.end, "sha256": a.sha256}
                           for a, c in part])
        self._manifest.upsert(ids=[a.source for a, _ in batch], embeddings=[[1.0]] * len(batch),  # the switch
                              metadatas=[{"sha256": a.sha256, "chunks": len(c)} for a, c in batch])

    def _sweep(self) -> int:
        """Delete chunks that are not of a live version (replaced, deleted, or left by a killed ingest)."""
        live = self.manifest()
        got = self._get_all(self._chunks, ["metadatas"])
        dead = [i for i, m in zip(got["ids"], got["metadatas"]) if not m or live.get(str(m["source"])) != m["sha256"]]
        for i in range(0, len(dead), _BATCH):
            self._chunks.delete(ids=dead[i:i + _BATCH])
        return len(dead)
