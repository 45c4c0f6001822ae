import json
from pathlib import Path

import pytest

from chatbot.errors import ChatbotError
from chatbot.evaluate import CATEGORIES, check_thresholds, load_items, summarise, write_outputs
from tests.conftest import ARTICLE, ROOT

TEXTS = {"corpus/iraq-militias-israel.txt": ARTICLE.read_text(encoding="utf-8")}


def test_the_set_is_well_formed_and_quotes_are_in_the_article() -> None:
    items = load_items(ROOT / "evals" / "questions.jsonl", TEXTS)
    assert len(items) >= 60
    assert {i.category for i in items} == set(CATEGORIES)
    assert len({i.id for i in items}) == len(items)
    for item in items:
        assert all(q in TEXTS["corpus/iraq-militias-israel.txt"] for q in item.quotes)
        assert all(m["role"] in ("user", "assistant") for m in item.history)
        assert item.answerable == bool(item.quotes)
    assert sum(i.category == "follow-up" for i in items) >= 10 and sum(not i.answerable for i in items) >= 12


def test_bad_items_are_reported_with_their_line(tmp_path: Path) -> None:
    bad = tmp_path / "set.jsonl"
    bad.write_text(json.dumps({"id": "x", "category": "fact", "question": "q", "reference": "r",
                               "quotes": ["not in the article"], "answerable": True}) + "\n", encoding="utf-8")
    with pytest.raises(ChatbotError, match="set.jsonl:1: quote not found"):
        load_items(bad, TEXTS)


@pytest.mark.slow
def test_eval_cli_writes_report_results_chart_and_ragas_export(tmp_path: Path, real_settings) -> None:  # type: ignore[no-untyped-def]
    from tests.test_cli import run_cli

    subset = tmp_path / "subset.jsonl"
    lines = (ROOT / "evals" / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    subset.write_text("\n".join([lines[0], lines[40], lines[44]]) + "\n", encoding="utf-8")
    thresholds = tmp_path / "thresholds.toml"
    thresholds.write_text("[min]\nanswer_correct = 1.01\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("eval", "--set", str(subset), "--out", str(out), "--thresholds", str(thresholds), settings=real_settings)
    assert result.returncode == 1, result.stderr  # the impossible floor must fail the gate
    assert "below threshold: answer_correct" in result.stderr
    for name in ("report.md", "results.json", "summary.json", "metrics.png", "ragas-ours.jsonl", "ragas-baseline.jsonl"):
        assert (out / name).stat().st_size > 0, name
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "| metric | ours | baseline |" in report and "citation_precision" in report
    rows = [json.loads(line) for line in (out / "ragas-ours.jsonl").read_text(encoding="utf-8").splitlines()]
    assert set(rows[0]) == {"question", "answer", "contexts", "ground_truth"} and rows[0]["contexts"]


def test_thresholds_gate(tmp_path: Path) -> None:
    from chatbot.evaluate import ItemResult

    result = ItemResult("a", "fact", "ours", "q", "r", "ans", False, True, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 2.0, [])
    summary = summarise([result])
    floors = tmp_path / "t.toml"
    floors.write_text("[min]\nanswer_correct = 0.9\nrefusal_recall = 0.5\n[max]\nlatency_p95_s = 1.0\n", encoding="utf-8")
    assert check_thresholds(summary["ours"]["overall"], floors) == ["refusal_recall = None < 0.5", "latency_p95_s = 2.0 > 1.0"]
    write_outputs([result], summary, [], tmp_path / "out")
    assert "All thresholds met." in (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
