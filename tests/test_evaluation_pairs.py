"""The minimal-pairs score: a pair counts only when its right claim is kept and its wrong one rejected (a fake judge:
this checks the bookkeeping; the real verifier's score on the set is in the eval report)."""

from __future__ import annotations

from chatbot.embeddings import get_embeddings
from chatbot.evaluation.pairs import PAIRS_PATH, MinimalPair, load_pairs, score_pairs
from chatbot.verify import Verifier
from tests.conftest import ROOT

PASSAGE = "Baghdad sent two diplomatic missions to Tehran last month."


def test_the_set_holds_at_least_twenty_pairs_each_with_two_different_claims() -> None:
    pairs = load_pairs(ROOT / PAIRS_PATH)
    assert len(pairs) >= 20 and len({p.id for p in pairs}) == len(pairs)
    assert all(p.right.strip() and p.wrong.strip() and p.right != p.wrong and p.passage.strip() for p in pairs)


def test_a_pair_passes_only_when_its_right_claim_is_kept_and_its_wrong_one_rejected() -> None:
    pairs = [MinimalPair("copied", "number", PASSAGE, "How many missions went to Tehran?",
                         "Baghdad sent two diplomatic missions to Tehran.", "Baghdad sent five diplomatic missions to Tehran."),
             MinimalPair("reworded", "place", PASSAGE, "Where did the missions go?",
                         "Tehran received the missions from Baghdad.", "Baghdad sent two diplomatic missions to Cairo.")]
    never = Verifier(get_embeddings(), judge=lambda passage, claim: 0.0, threshold=0.5)  # keeps only copied words
    scores = score_pairs(never, pairs)
    assert scores["pairs"] == 2 and scores["accuracy"] == 0.5
    assert scores["right_kept"] == 1 and scores["wrong_rejected"] == 2
    assert scores["by_kind"] == {"number": 1.0, "place": 0.0}
    assert list(scores["missed"]) == ["reworded"] and "right rejected" in scores["missed"]["reworded"]
