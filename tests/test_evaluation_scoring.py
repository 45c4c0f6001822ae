import json

import pytest

from chatbot.evaluation.scoring import cites_gold, first_hit_rank, is_refusal, keyword_match, quote_recall, strip_markers, token_f1
from chatbot.evaluation.stats import bootstrap_interval, paired_difference, percentile
from tests.conftest import ROOT


def test_token_f1_ignores_citation_markers() -> None:
    assert token_f1("Two missions [1].", "two missions") == 1.0
    assert token_f1("The oil", "oil revenues") == pytest.approx(2 * 1 * 0.5 / 1.5)
    assert token_f1("", "x") == 0.0


def test_keywords_match_whole_words_and_stems_only() -> None:
    assert keyword_match("Kataib Hezbollah and Nujaba [1].", [["kataib", "hezbollah"], ["nujaba"]])
    assert not keyword_match("Kataib Hezbollah", [["kataib"], ["nujaba"]])
    assert not keyword_match("It is disastrous because of Russia.", [["us"]])
    assert keyword_match("The U.S. committed to diplomacy.", [["u.s."]])
    assert keyword_match("It feared Israeli retaliation.", [["retaliat*"]]) and not keyword_match("It feared retaliat.", [["retaliatory"]])
    assert keyword_match("The United  States helped.", [["united states"]])


# Wrong or evasive answers, each with the keyword groups of the item it would answer: all must score incorrect.
WRONG = [
    ("I do not know.", "fact-07"),            # "no" must not match inside "not" or "know"
    ("It is disastrous.", "paraphrase-01"),   # "us" must not match inside "disastrous"
    ("They sent some missions [2].", "fact-02"),  # the only digit is a citation marker
    ("Yes, Iran agreed to help [1].", "paraphrase-02"),
    ("I'm not sure whether the trips worked.", "paraphrase-04"),
    ("They feared severe consequences [1].", "follow-up-01"),  # the coalition's fear, not his warning
    ("Kataib Hezbollah [1].", "synthesis-02"),  # half of a two-part answer
    ("Tehran [1].", "synthesis-01"),
    ("No.", "fact-07"),                       # a bare no, without the fact
]


@pytest.mark.parametrize("answer, item_id", WRONG)
def test_wrong_and_evasive_answers_fail_their_items_keywords(answer: str, item_id: str) -> None:
    items = {json.loads(line)["id"]: json.loads(line) for line in (ROOT / "evals" / "dev.jsonl").read_text(encoding="utf-8").splitlines()}
    assert not keyword_match(answer, items[item_id]["keywords"]), (answer, items[item_id]["keywords"])


@pytest.mark.parametrize("split", ["dev", "test"])
def test_every_reference_answer_passes_its_own_keywords(split: str) -> None:
    for line in (ROOT / "evals" / f"{split}.jsonl").read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        if item["answerable"]:
            assert keyword_match(item["reference"], item["keywords"]), (item["id"], item["reference"], item["keywords"])
            assert not keyword_match("I do not know.", item["keywords"]), item["id"]


@pytest.mark.parametrize("text", ["The article doesn't say.", "The article does not mention his birth date.", "",
                                  "I don't know.", "Sorry, I can't help with that. The article doesn't say."])
def test_refusals_are_recognised_on_the_final_answer(text: str) -> None:
    assert is_refusal(text)


@pytest.mark.parametrize("text", ["No, Iraq has no formal diplomatic ties with Israel [1].", "Two [1].",
                                  "Two missions went [1]. The article doesn't say who led them."])
def test_answers_are_not_refusals(text: str) -> None:
    assert not is_refusal(text)


def test_strip_markers() -> None:
    assert strip_markers("Two [1] missions [2, 3].") == "Two missions."


def test_gold_citation_needs_a_short_citation_that_covers_the_quote() -> None:
    quote = [("a.txt", 100, 200)]
    assert cites_gold([("a.txt", 90, 210)], quote)                      # contains it
    assert cites_gold([("a.txt", 130, 300)], quote)                     # covers 70% of it
    assert not cites_gold([("a.txt", 150, 300)], quote)                 # covers 50%
    assert not cites_gold([("b.txt", 90, 210)], quote)                  # another article
    assert not cites_gold([("a.txt", 0, 1000)], quote)                  # a whole chunk: over 800 characters
    assert not cites_gold([("a.txt", 90, 210), ("a.txt", 300, 1000)], quote)
    assert not cites_gold([], quote)


def test_retrieval_scores() -> None:
    assert quote_recall([(0, 100), (200, 300)], [(10, 20), (250, 260)]) == 1.0
    assert quote_recall([(0, 100)], [(10, 20), (250, 260)]) == 0.5
    assert first_hit_rank([(0, 5), (200, 300)], [(250, 260)]) == 2
    assert first_hit_rank([(0, 5)], [(250, 260)]) is None


def test_percentile_and_bootstrap_intervals() -> None:
    assert percentile([1.0, 2.0, 3.0], 50) == 2.0 and percentile([], 95) == 0.0
    values = [1.0] * 30 + [0.0] * 30

    def mean(sample: list[float]) -> float:
        return sum(sample) / len(sample)

    low, high = bootstrap_interval(values, mean)  # type: ignore[misc]
    assert 0.3 < low < 0.5 < high < 0.7
    assert bootstrap_interval([1.0] * 10, mean) == (1.0, 1.0)
    difference, ci = paired_difference([(1.0, 0.0)] * 20 + [(0.0, 0.0)] * 20, mean)
    assert difference == 0.5 and ci is not None and ci[0] > 0  # a clear, significant gain
    difference, ci = paired_difference([(1.0, 0.0), (0.0, 1.0)] * 20, mean)
    assert difference == 0.0 and ci is not None and ci[0] < 0 < ci[1]
