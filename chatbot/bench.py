"""The benchmark: where the time goes on this machine, ours beside the textbook pipeline.

Why a script and not timed asserts: machines are noisy; figures are printed and written to JSON so
a change can be compared run to run (`chatbot bench`).
"""

from __future__ import annotations

import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from chatbot.answer import Chatbot
from chatbot.corpus import scan_corpus
from chatbot.embeddings import get_embeddings
from chatbot.evaluation.items import EvalItem, load_items, split_path
from chatbot.evaluation.runner import evenly_spaced
from chatbot.evaluation.stats import percentile
from chatbot.index import Index
from chatbot.retrieve import HybridSearch
from chatbot.settings import Settings

__all__ = ["run_benchmark", "write_articles", "format_table", "save", "cold_profile"]

# Run in a fresh interpreter: what a cold `chatbot ask` spends, step by step.
_COLD_STEPS = """
import time
marks = [("start", time.perf_counter())]
def mark(name): marks.append((name, time.perf_counter()))
import sys
import chatbot.cli; mark("import the CLI")
import chatbot.startup; mark("import the chain (LangChain)")
import chromadb; mark("import chromadb")
from chatbot.answer import Chatbot
from chatbot.embeddings import get_embeddings
from chatbot.llm import build_chat_model
from chatbot.settings import get_settings
settings = get_settings()
index = chatbot.startup.ensure_index(settings); mark("open the index, staleness check")
get_embeddings(); mark("load MiniLM (numpy), checksum")
model = build_chat_model(settings); mark("map the GGUF")
bot = Chatbot(settings, index, model); mark("BM25 + saved prefix state")
bot.ask("Who is Ahmed Kenani?"); mark("answer")
for (_, before), (name, after) in zip(marks, marks[1:]):
    print(f"{after - before:6.2f} s  {name}")
print(f"torch imported: {'torch' in sys.modules}")
"""


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _stats(values: list[float]) -> dict[str, float]:
    return {"p50": round(percentile(values, 50), 4), "p95": round(percentile(values, 95), 4), "n": len(values)}


def write_articles(folder: Path, count: int, source_text: str, seed: int = 0) -> None:
    """`count` generated articles of shuffled sentences of `source_text` (the shape of real news text)."""
    sentences = [s.strip() + "." for s in source_text.replace("\n", " ").split(". ") if len(s) > 40]
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        rng = random.Random(seed * 1_000_003 + i)
        (folder / f"a{i:05d}.txt").write_text(f"Generated article {i}\n\n{' '.join(rng.sample(sentences, 6))}\n", encoding="utf-8")


def _ingest(settings: Settings, folder: Path) -> tuple[float, int]:
    report = Index(settings).ingest([folder], get_embeddings().embed_documents, log=lambda _: None)
    return report.seconds, report.chunks_added


def _retrieval_latencies(search: HybridSearch, questions: list[str], k: int) -> list[float]:
    latencies = []
    for question in questions:
        started = time.perf_counter()
        search.search([(question, 1.0)], k)
        latencies.append(time.perf_counter() - started)
    return latencies


def _synthetic_index(settings: Settings, chunks: int, dim: int = 384) -> Index:
    """An index of `chunks` random unit vectors with random-word documents (for retrieval at scale)."""
    index = Index(settings)
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(20_000)]
    per_source = 10
    for first in range(0, chunks, 5000):
        count = min(5000, chunks - first)
        vectors = rng.standard_normal((count, dim)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        ids = range(first, first + count)
        index._chunks.upsert(ids=[f"s:{i}" for i in ids], embeddings=vectors.tolist(),
                             documents=[" ".join(rng.choice(words, 30)) for _ in ids],
                             metadatas=[{"source": f"synthetic/{i // per_source}", "index": i % per_source, "start": 0,
                                         "end": 1, "sha256": "s"} for i in ids])
    sources = sorted({f"synthetic/{i // per_source}" for i in range(chunks)})
    for first in range(0, len(sources), 5000):
        part = sources[first:first + 5000]
        index._manifest.upsert(ids=part, embeddings=[[1.0]] * len(part), metadatas=[{"sha256": "s", "chunks": per_source}] * len(part))
    return index


def _answer_latencies(ask_stream: Callable[..., Any], items: list[EvalItem]) -> dict[str, list[float]]:
    """Seconds to the first streamed text (for ours: the first verified sentence) and to the whole answer."""
    first, full = [], []
    for item in items:
        started = time.perf_counter()
        first_at = None
        for part in ask_stream(item.question, item.history):
            if first_at is None and isinstance(part, str) and part.strip():
                first_at = time.perf_counter() - started
        full.append(time.perf_counter() - started)
        first.append(first_at if first_at is not None else full[-1])
    return {"first_token_s": first, "full_answer_s": full}


def _long_history(turns: int, item: EvalItem, fillers: list[EvalItem]) -> list[dict[str, str]]:
    """`turns` earlier exchanges ending with the follow-up item's own: other questions with their reference answers first."""
    earlier = [m for f in fillers[: max(0, turns - 1)] for m in ({"role": "user", "content": f.question},
                                                                  {"role": "assistant", "content": f.reference})]
    return earlier + item.history


def _follow_up_latencies(ask_stream: Callable[..., Any], items: list[EvalItem], fillers: list[EvalItem],
                         turns: list[int]) -> dict[str, dict[str, float]]:
    """A follow-up's full-answer seconds after 1, 10, 50 … earlier exchanges (same follow-ups at every length)."""
    results = {}
    for count in turns:
        grown = [EvalItem(**{**vars(i), "history": _long_history(count, i, fillers)}) for i in items]
        results[str(count)] = _stats(_answer_latencies(ask_stream, grown)["full_answer_s"])
    return results


def _tokens_per_second(bot: Chatbot) -> float | None:
    engine = getattr(bot.model, "engine", None)
    if engine is None:
        return None
    prompt = "<|im_start|>user\nWrite a long paragraph about rivers.<|im_end|>\n<|im_start|>assistant\n"
    pieces, first = 0, None
    for _ in engine.stream(prompt, 128):
        pieces += 1
        first = first or time.perf_counter()
    return (pieces - 1) / (time.perf_counter() - first) if first and pieces > 1 else None


def _cold_start(settings: Settings, question: str, runs: int) -> list[float]:
    env = {**os.environ, "CHATBOT_INDEX_DIR": str(settings.index_dir), "CHATBOT_CORPUS_DIR": str(settings.corpus_dir)}
    times = []
    for _ in range(runs + 1):  # the first run may assemble the model and write the prefix state
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "chatbot.cli", "ask", "--json", question], env=env, check=True,
                       capture_output=True, timeout=900)
        times.append(time.perf_counter() - started)
    return times[1:]


@contextmanager
def _running_app(settings: Settings) -> Iterator[tuple[str, int]]:
    """A `chatbot serve` process on a free loopback port, once it answers; yields its URL and pid."""
    import socket
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "CHATBOT_INDEX_DIR": str(settings.index_dir), "CHATBOT_CORPUS_DIR": str(settings.corpus_dir)}
    process = subprocess.Popen([sys.executable, "-m", "chatbot.cli", "serve", "--port", str(port)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        yield f"http://127.0.0.1:{port}/", process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)


def _idle_app_rss_mb(settings: Settings) -> float:
    with _running_app(settings) as (_, pid):
        time.sleep(3)
        status = Path(f"/proc/{pid}/status").read_text()
        return int(next(line for line in status.splitlines() if line.startswith("VmRSS")).split()[1]) / 1024


def _load(settings: Settings, sessions: int, questions: int) -> dict[str, Any]:
    """Concurrent gradio_client sessions against a fresh `chatbot serve` on the embedded model."""
    from chatbot.load import run_sessions

    with _running_app(settings) as (url, _):
        outcome = run_sessions(url, sessions, questions)
    return {"sessions": sessions, "questions_each": questions, "answered": outcome.answered, "errors": len(outcome.errors),
            "own_subject": outcome.own_subject, "seconds": round(outcome.seconds, 1),
            "answers_per_s": round(outcome.answered / outcome.seconds, 3), "latency_s": _stats(outcome.latencies)}


def run_benchmark(settings: Settings, bot: Chatbot, questions: int, growth: list[int], scale_chunks: int,
                  baseline: bool = True, load_sessions: int = 0, turns: tuple[int, ...] = (1, 10, 50),
                  baseline_follow_ups: int = 3) -> dict[str, Any]:
    """Every figure of the benchmark, as a JSON-ready dict."""
    from chatbot.evaluation.baseline import TextbookPipeline

    results: dict[str, Any] = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
                               "date": time.strftime("%Y-%m-%d")}
    texts = {a.source: a.text for a in scan_corpus([settings.corpus_dir]).articles}
    items = load_items(split_path("dev"), texts) + load_items(split_path("test"), texts)
    chosen = evenly_spaced(items, questions)
    follow_ups = [i for i in items if i.category == "follow-up" and len(i.history) == 2][:8]
    fillers = [i for i in items if not i.history and i.answerable]
    article_text = Path(next(iter(bot.search.chunks)).source).read_text(encoding="utf-8")

    _log("retrieval on the article …")
    results["retrieval_article_s"] = _stats(_retrieval_latencies(bot.search, [i.question for i in items] * 3, settings.top_k))
    _log(f"answers: {len(chosen)} questions of both eval splits, streamed …")
    ours = _answer_latencies(bot.stream, chosen)
    results["ours"] = {k: _stats(v) for k, v in ours.items()}
    _log(f"follow-ups after {', '.join(map(str, turns))} earlier exchanges: {len(follow_ups)} each …")
    results["ours"]["follow_up_s"] = _follow_up_latencies(bot.stream, follow_ups, fillers, list(turns))
    results["generation_tokens_per_s"] = _tokens_per_second(bot)
    if baseline:
        _log("the textbook pipeline on the same questions …")
        pipeline = TextbookPipeline(scan_corpus([settings.corpus_dir]).articles, bot.model, get_embeddings())
        theirs = _answer_latencies(pipeline.stream, chosen)
        results["baseline"] = {k: _stats(v) for k, v in theirs.items()}
        results["ratio_ours_over_baseline"] = {k: {p: round(results["ours"][k][p] / results["baseline"][k][p], 3)
                                                   for p in ("p50", "p95")} for k in ours}
        results["baseline"]["follow_up_s"] = _follow_up_latencies(pipeline.stream, follow_ups[:baseline_follow_ups], fillers,
                                                                  list(turns))
    results["peak_rss_mb_bench_process"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)

    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        _log("cold start of `chatbot ask` …")
        results["cold_ask_s"] = _stats(_cold_start(settings, "Who is Ahmed Kenani?", 3))
        results["cold_ask_steps"] = cold_profile()
        if load_sessions:
            _log(f"load: {load_sessions} concurrent sessions × 5 questions …")
            results["load"] = _load(settings, load_sessions, 5)
        _log("idle RSS of the running app …")
        results["idle_app_rss_mb"] = round(_idle_app_rss_mb(settings), 1)
        _log("ingest of the article into a fresh index …")
        (root / "one").mkdir()
        (root / "one" / "article.txt").write_text(article_text, encoding="utf-8")
        seconds, chunks = _ingest(settings.model_copy(update={"index_dir": root / "idx-one"}), root / "one")
        results["ingest_article"] = {"seconds": round(seconds, 3), "chunks": chunks}
        growth_rows = []
        for count in growth:
            _log(f"growth: {count} generated article(s) …")
            folder = root / f"corpus-{count}"
            write_articles(folder, count, article_text)
            grown = settings.model_copy(update={"index_dir": root / f"idx-{count}"})
            seconds, chunks = _ingest(grown, folder)
            search = HybridSearch(Index(grown), get_embeddings())
            latencies = _retrieval_latencies(search, [i.question for i in items], settings.top_k)
            growth_rows.append({"articles": count, "chunks": chunks, "ingest_s": round(seconds, 2),
                                "chunks_per_s": round(chunks / seconds, 1), "retrieval_p50_ms": round(1000 * percentile(latencies, 50), 2),
                                "retrieval_p95_ms": round(1000 * percentile(latencies, 95), 2)})
        results["growth"] = growth_rows
        if scale_chunks:
            _log(f"retrieval over {scale_chunks:,} synthetic chunks …")
            scaled = settings.model_copy(update={"index_dir": root / "idx-scale"})
            started = time.perf_counter()
            search = HybridSearch(_synthetic_index(scaled, scale_chunks), get_embeddings())
            results["scale"] = {"chunks": scale_chunks, "build_s": round(time.perf_counter() - started, 1),
                                "retrieval_s": _stats(_retrieval_latencies(search, [i.question for i in items], settings.top_k))}
    return results


def format_table(results: dict[str, Any]) -> str:
    """The benchmark's figures as a Markdown table."""
    article = results["retrieval_article_s"]
    rows = [("retrieval on the article p50 / p95", f"{1000 * article['p50']:.1f} / {1000 * article['p95']:.1f} ms")]
    if "scale" in results:
        s = results["scale"]["retrieval_s"]
        rows.append((f"retrieval at {results['scale']['chunks']:,} chunks p50 / p95", f"{1000 * s['p50']:.1f} / {1000 * s['p95']:.1f} ms"))
    for key, label in (("first_token_s", "first verified sentence (baseline: first unchecked token)"),
                       ("full_answer_s", "full answer")):
        ours = results["ours"][key]
        line = f"{ours['p50']:.2f} / {ours['p95']:.2f} s"
        if "baseline" in results:
            theirs = results["baseline"][key]
            ratio = results["ratio_ours_over_baseline"][key]["p50"]
            line += f" (baseline {theirs['p50']:.2f} / {theirs['p95']:.2f} s; ours/baseline p50 {ratio:.2f})"
        rows.append((f"{label} p50 / p95", line))
    for turns, ours in results["ours"].get("follow_up_s", {}).items():
        line = f"{ours['p50']:.2f} s (n={ours['n']})"
        theirs = results.get("baseline", {}).get("follow_up_s", {}).get(turns)
        if theirs:
            line += f" (baseline {theirs['p50']:.2f} s, n={theirs['n']})"
        rows.append((f"follow-up after {turns} earlier exchange{'s' if turns != '1' else ''}, full answer p50", line))
    rows.append(("`chatbot ask` cold, p50", f"{results['cold_ask_s']['p50']:.2f} s"))
    if results.get("generation_tokens_per_s"):
        rows.append(("generation", f"{results['generation_tokens_per_s']:.1f} tokens/s"))
    rows.append(("idle RSS of the running app", f"{results['idle_app_rss_mb']:.0f} MB"))
    if "load" in results:
        load = results["load"]
        rows.append((f"load: {load['sessions']} sessions × {load['questions_each']} questions",
                     f"{load['answered']} answered, {load['errors']} errors, {load['answers_per_s']:.2f} answers/s, "
                     f"p50 {load['latency_s']['p50']:.0f} s, p95 {load['latency_s']['p95']:.0f} s"))
    rows.append(("peak RSS of the benchmark process", f"{results['peak_rss_mb_bench_process']:.0f} MB"))
    rows.append(("ingest of the article", f"{results['ingest_article']['seconds']:.2f} s ({results['ingest_article']['chunks']} chunks)"))
    lines = [f"Measured {results.get('date', '')} on {results['machine']['cpus']} CPU cores, no GPU.", "",
             "| measure | value |", "|---|---|", *(f"| {a} | {b} |" for a, b in rows)]
    if results.get("cold_ask_steps"):
        lines += ["", "Cold `chatbot ask`, step by step:", "", "```", results["cold_ask_steps"].rstrip(), "```"]
    lines += ["", "| articles | chunks | ingest | chunks/s | retrieval p50 | retrieval p95 |", "|---|---|---|---|---|---|"]
    lines += [f"| {g['articles']:,} | {g['chunks']:,} | {g['ingest_s']:.1f} s | {g['chunks_per_s']:.0f} | {g['retrieval_p50_ms']:.1f} ms | "
              f"{g['retrieval_p95_ms']:.1f} ms |" for g in results["growth"]]
    return "\n".join(lines)


def cold_profile() -> str:
    """Seconds per step of a cold `chatbot ask`, measured in a fresh interpreter."""
    started = time.perf_counter()
    steps = subprocess.run([sys.executable, "-c", _COLD_STEPS], capture_output=True, text=True, check=True, timeout=900).stdout
    return steps + f"{time.perf_counter() - started:6.2f} s  in all, interpreter start and exit included\n"


def save(results: dict[str, Any], out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "bench.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    (out_dir / "bench.md").write_text(format_table(results) + "\n", encoding="utf-8")
