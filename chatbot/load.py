"""Many readers at once: concurrent gradio_client sessions against one server (used by a test and the benchmark).

Why a module: the reliability test (on a fast fake model) and `chatbot bench --load-sessions` (on the
embedded model) run the same bounded loop against 127.0.0.1, so their figures mean the same thing.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from chatbot.evaluation.stats import percentile

__all__ = ["LoadOutcome", "run_sessions", "TOPICS"]

# Each session talks about one person; its follow-ups only make sense with its own history.
TOPICS = [("Who is Abul Ameer Thuaiban?", "What is his job?", "thuaiban", ("advis",)),
          ("Who is Ahmed Kenani?", "What is his job?", "kenani", ("lawmaker", "legislator"))]


@dataclass
class LoadOutcome:
    """What a load run saw: answers, answers about the session's own subject, errors, and timings."""

    answered: int = 0
    own_subject: int = 0
    errors: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> str:
        return (f"{self.answered} answers in {self.seconds:.0f} s ({self.answered / max(self.seconds, 1e-9):.2f}/s), "
                f"latency p50 {percentile(self.latencies, 50):.1f} s, p95 {percentile(self.latencies, 95):.1f} s, "
                f"{len(self.errors)} error(s)")


def run_sessions(url: str, sessions: int, questions: int, timeout_s: float = 3600) -> LoadOutcome:
    """`sessions` clients at once, each asking `questions` questions with its own history; bounded in count and time."""
    from gradio_client import Client

    outcome = LoadOutcome()

    def session(number: int) -> None:
        first, follow, name, expected = TOPICS[number % len(TOPICS)]
        client = Client(url, verbose=False)
        history: list[dict[str, str]] = []
        for turn in range(questions):
            question = first if turn % 3 == 0 else follow
            started = time.perf_counter()
            try:
                reply = client.predict(question, history, api_name="/ask")
            except Exception as exc:  # noqa: BLE001 - counted and reported, never raised in a worker
                outcome.errors.append(f"session {number}: {exc}")
                continue
            outcome.latencies.append(time.perf_counter() - started)
            outcome.answered += 1
            answer = reply["answer"].lower()
            others = {t[2] for t in TOPICS} - {name}
            outcome.own_subject += (name in answer or any(e in answer for e in expected)) and not any(o in answer for o in others)
            history += [{"role": "user", "content": question}, {"role": "assistant", "content": reply["answer"]}]

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=sessions) as pool:
        for future in [pool.submit(session, n) for n in range(sessions)]:
            future.result(timeout=timeout_s)
    outcome.seconds = time.perf_counter() - started
    return outcome
