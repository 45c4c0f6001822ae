import json
import re
import subprocess
import tomllib
from collections import Counter
from pathlib import Path

import pytest

from chatbot.errors import ChatbotError
from chatbot.evaluation.items import CATEGORIES, TAGS, load_items, seal_digest, split_path
from chatbot.evaluation.report import write_outputs
from chatbot.evaluation.runner import ItemResult, Scorer, check_thresholds, summarise
from chatbot.reply import Citation, Reply
from tests.conftest import ARTICLE, ROOT

TEXTS = {"corpus/iraq-militias-israel.txt": ARTICLE.read_text(encoding="utf-8")}
THRESHOLDS = ROOT / "evals" / "thresholds.toml"


def test_a_part_the_article_doesnt_answer_is_not_scored_as_an_uncited_claim() -> None:
    """Like a whole refusal, "The article doesn't say: …" for one part of a question claims nothing a passage could
    support; counted as a statement, it cost the answers that say it their citation recall and faithfulness."""
    passage = "two recent diplomatic missions to Tehran by Iraq’s top security representatives"
    reply = Reply(question="How many missions went, and who led them by name?", standalone_question="",
                  answer='Two missions went to Tehran [1]. The article doesn\'t say: "Who led them by name?" It was hot.',
                  refused=False, citations=[Citation(1, "a.txt", 0, len(passage), passage)])
    assert Scorer.statements(reply, per_sentence_markers=True) == [("Two missions went to Tehran.", [passage]), ("It was hot.", [])]
    assert Scorer.statements(reply, per_sentence_markers=False) == [("Two missions went to Tehran.", [passage]),
                                                                     ("It was hot.", [passage])]


@pytest.mark.parametrize("split", ["dev", "test"])
def test_each_split_is_well_formed_and_quotes_are_in_the_article(split: str) -> None:
    items = load_items(ROOT / split_path(split), TEXTS)
    assert len(items) >= 60
    assert {i.category for i in items} >= set(CATEGORIES) - {"yes-no"}
    for item in items:
        assert all(q in TEXTS["corpus/iraq-militias-israel.txt"] for q in item.quotes)
        assert all(m["role"] in ("user", "assistant") for m in item.history)
        assert item.answerable == bool(item.quotes) == bool(item.keywords)
    assert sum(i.category == "follow-up" for i in items) >= 10 and sum(not i.answerable for i in items) >= 12


def test_the_test_split_has_every_question_shape_and_shares_no_question_with_dev() -> None:
    test = load_items(ROOT / split_path("test"), TEXTS)
    dev = load_items(ROOT / split_path("dev"), TEXTS)
    assert {t for i in test for t in i.tags} == set(TAGS) and {i.category for i in test} == set(CATEGORIES)
    assert sum("two-deep" in i.tags and len(i.history) >= 4 for i in test) >= 5
    assert not {i.question.lower() for i in test} & {i.question.lower() for i in dev}


def test_the_test_split_is_sealed() -> None:
    """The test split changes only together with its seal (and a line in the README's eval section saying why)."""
    sealed = (ROOT / "evals" / "test.sha256").read_text(encoding="utf-8").split()[0]
    assert seal_digest(ROOT / split_path("test")) == sealed, "evals/test.jsonl changed: the sealed split must not be tuned on"


def test_bad_items_are_reported_with_their_line(tmp_path: Path) -> None:
    bad = tmp_path / "set.jsonl"
    bad.write_text(json.dumps({"id": "x", "category": "fact", "question": "q", "reference": "r",
                               "quotes": ["not in the article"], "keywords": [["r"]], "answerable": True}) + "\n", encoding="utf-8")
    with pytest.raises(ChatbotError, match="set.jsonl:1: quote not found"):
        load_items(bad, TEXTS)
    bad.write_text(json.dumps({"id": "x", "category": "fact", "question": "q", "reference": "r", "tags": ["nonsense"],
                               "quotes": [], "keywords": [], "answerable": False}) + "\n", encoding="utf-8")
    with pytest.raises(ChatbotError, match="unknown tag"):
        load_items(bad, TEXTS)


def _result(item_id: str, pipeline: str, correct: float, answerable: bool = True, refused: bool = False) -> ItemResult:
    return ItemResult(item_id, "test", "fact", pipeline, "q", "r", "a", refused, answerable, correct, 2.0)


def test_summary_intervals_paired_difference_and_gate(tmp_path: Path) -> None:
    results = [_result(f"i{n}", "ours", 1.0) for n in range(30)] + [_result(f"i{n}", "baseline", float(n % 2)) for n in range(30)]
    results += [_result("u", "ours", 1.0, answerable=False, refused=True)]
    summary = summarise(results)
    ours = summary["test"]["ours"]["overall"]
    assert ours["answer_correct"]["value"] == 1.0 and ours["answer_correct"]["ci"] == (1.0, 1.0)
    difference = summary["test"]["ours-minus-baseline"]["overall"]["answer_correct"]
    assert difference["value"] == pytest.approx(0.5) and difference["significant"]
    floors = tmp_path / "t.toml"
    floors.write_text("[test.min]\nanswer_correct = 0.9\nrefusal_precision = 1.0\ngold_citation = 0.5\n"
                      "[test.max]\nlatency_p95_s = 1.0\n[dev.min]\nanswer_correct = 2.0\n", encoding="utf-8")
    assert check_thresholds(summary, floors) == ["test gold_citation = None < 0.5", "test latency_p95_s = 2.0 > 1.0"]
    write_outputs(results, summary, [], None, tmp_path / "out")
    report = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert "All thresholds met." in report and "| answer_correct | 100.0 [100, 100] | 50.0 [" in report and "+50.0 [" in report


def _floors(text: str) -> dict[tuple[str, str, str], float]:
    """(split, min|max, metric) → bound; the first file's top-level [min] was the only split then: dev."""
    config = tomllib.loads(text)
    flat = {}
    for key, section in config.items():
        split, limits = ("dev", {key: section}) if key in ("min", "max") else (key, section)
        for kind, bounds in limits.items():
            for metric, bound in bounds.items():
                flat[(split, kind, metric)] = bound
    return flat


def test_floors_only_go_up_unless_a_dated_comment_says_why() -> None:
    """Every floor (ceiling) is at least (most) what any earlier committed version had, or the file says, in a
    dated comment naming the metric, why it was lowered."""
    current_text = THRESHOLDS.read_text(encoding="utf-8")
    current = _floors(current_text)
    explained = {m for line in current_text.splitlines() if re.match(r"#\s*\d{4}-\d{2}-\d{2}\b", line.strip())
                 for m in re.findall(r"[a-z_]+", line)}
    log = subprocess.run(["git", "log", "--format=%H", "--", "evals/thresholds.toml"], cwd=ROOT, capture_output=True, text=True)
    if log.returncode != 0:
        pytest.skip("not a git checkout")
    for commit in log.stdout.split():
        old = subprocess.run(["git", "show", f"{commit}:evals/thresholds.toml"], cwd=ROOT, capture_output=True, text=True)
        for (split, kind, metric), bound in _floors(old.stdout).items():
            now = current.get((split, kind, metric))
            lowered = now is None or (now < bound if kind == "min" else now > bound)
            assert not lowered or metric in explained, f"{split} {kind} {metric}: {bound} at {commit[:8]}, now {now}, no dated reason"


@pytest.mark.slow
def test_eval_cli_writes_report_results_chart_and_exports(tmp_path: Path, real_settings) -> None:  # type: ignore[no-untyped-def]
    from tests.test_cli import run_cli

    subset = tmp_path / "subset.jsonl"
    lines = (ROOT / "evals" / "dev.jsonl").read_text(encoding="utf-8").splitlines()
    subset.write_text("\n".join([lines[0], lines[30], lines[44]]) + "\n", encoding="utf-8")
    thresholds = tmp_path / "thresholds.toml"
    thresholds.write_text("[subset.min]\nanswer_correct = 1.01\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("eval", "--set", str(subset), "--out", str(out), "--thresholds", str(thresholds), "--no-calibrate",
                     "--baseline-limit", "1", settings=real_settings)
    assert result.returncode == 1, result.stderr  # the impossible floor must fail the gate
    assert "below threshold: subset answer_correct" in result.stderr
    for name in ("report.md", "results.json", "summary.json", "metrics.png", "ragas-ours-subset.jsonl", "ragas-baseline-subset.jsonl"):
        assert (out / name).stat().st_size > 0, name
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "| metric | ours | baseline | ours − baseline |" in report and "gold_citation" in report
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert Counter(r["pipeline"] for r in results) == {"ours": 3, "baseline": 1}
    rows = [json.loads(line) for line in (out / "ragas-ours-subset.jsonl").read_text(encoding="utf-8").splitlines()]
    assert set(rows[0]) == {"question", "answer", "contexts", "ground_truth"} and rows[0]["contexts"]
