import pytest

from chatbot.embeddings import get_embeddings
from chatbot.metrics import Support, first_hit_rank, keyword_match, percentile, quote_recall, token_f1


def test_token_f1() -> None:
    assert token_f1("Two missions.", "two missions") == 1.0
    assert token_f1("The oil", "oil revenues") == pytest.approx(2 * 1 * 0.5 / 1.5)
    assert token_f1("", "x") == 0.0


def test_keyword_groups_need_one_alternative_each() -> None:
    assert keyword_match("Kataib Hezbollah and Nujaba", [["kataib", "hezbollah"], ["nujaba"]])
    assert not keyword_match("Kataib Hezbollah", [["kataib"], ["nujaba"]])


def test_retrieval_scores() -> None:
    assert quote_recall([(0, 100), (200, 300)], [(10, 20), (250, 260)]) == 1.0
    assert quote_recall([(0, 100)], [(10, 20), (250, 260)]) == 0.5
    assert first_hit_rank([(0, 5), (200, 300)], [(250, 260)]) == 2
    assert first_hit_rank([(0, 5)], [(250, 260)]) is None


def test_percentile() -> None:
    assert percentile([1.0, 2.0, 3.0], 50) == 2.0 and percentile([], 95) == 0.0


def test_alce_citation_scores_reward_needed_supporting_citations() -> None:
    support = Support(get_embeddings())
    good = "Two recent diplomatic missions to Tehran have not succeeded."
    noise = "High oil revenues have fueled a domestic agenda."
    statement = "Two diplomatic missions to Tehran did not succeed."
    assert support.citation_scores([(statement, [good])]) == (1.0, 1.0)
    recall, precision = support.citation_scores([(statement, [good, noise])])
    assert recall == 1.0 and precision == 0.5
    assert support.citation_scores([(statement, [noise])]) == (0.0, 0.0)
