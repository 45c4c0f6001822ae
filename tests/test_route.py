import pytest

from chatbot.chunks import Chunk
from chatbot.errors import ChatbotError
from chatbot.retrieve import Passage
from chatbot.route import Router


def _chunks() -> list[Chunk]:
    return [Chunk("a.txt", 0, 0, 20, "Alpha headline\nFirst."), Chunk("a.txt", 1, 21, 40, "Alpha second chunk."),
            Chunk("b.txt", 0, 0, 30, "Beta headline\nA much longer beta article text."),
            Chunk("c.txt", 0, 0, 12, "Gamma short.")]


def _words(text: str) -> int:
    return len(text.split())


def _passage(source: str, index: int, score: float) -> Passage:
    chunk = next(c for c in _chunks() if c.source == source and c.index == index)
    return Passage(chunk, score, 0.0)


def test_a_scope_that_fits_is_shown_whole_with_a_name_per_article() -> None:
    context = Router(_chunks(), _words, budget=100).route(["a.txt", "c.txt"], [])
    assert context.whole and context.sources == ["a.txt", "c.txt"]
    assert context.text == "[a.txt]\nAlpha headline\nFirst.\nAlpha second chunk.\n[c.txt]\nGamma short."


def test_one_article_is_shown_as_it_is_so_its_cached_prefix_stays_valid() -> None:
    context = Router(_chunks(), _words, budget=100).route(["a.txt"], [])
    assert context.text == "Alpha headline\nFirst.\nAlpha second chunk."


def test_a_library_past_the_budget_shows_the_article_its_best_passages_come_from() -> None:
    router = Router(_chunks(), _words, budget=9)
    passages = [_passage("b.txt", 0, 0.03), _passage("a.txt", 0, 0.02), _passage("a.txt", 1, 0.02)]
    context = router.route(router.sources, passages)
    assert context.whole and context.sources == ["a.txt"] and len(context.chunks) == 2


def test_a_follow_up_stays_with_the_article_the_chat_was_about_unless_its_own_passages_outvote_it() -> None:
    router = Router(_chunks(), _words, budget=9)
    own = [_passage("b.txt", 0, 0.03), _passage("a.txt", 1, 0.02)]  # "What is his job?" alone points at b
    earlier = [_passage("a.txt", 0, 0.03), _passage("a.txt", 1, 0.01)]  # the last exchange was about a
    assert router.route(router.sources, own).sources == ["b.txt"]
    assert router.route(router.sources, own, earlier).sources == ["a.txt"]
    assert router.route(router.sources, [_passage("b.txt", 0, 0.09)], earlier).sources == ["b.txt"]
    assert router.article(earlier) is not None and router.article(earlier).sources == ["a.txt"]  # what a rewrite is shown
    assert router.article([]) is None and Router(_chunks(), _words, budget=2).article(earlier) is None


def test_articles_are_ranked_by_their_passages_votes_and_the_question_words_they_hold() -> None:
    router = Router(_chunks(), _words, budget=9)
    passages = [_passage("b.txt", 0, 0.03), _passage("a.txt", 0, 0.02), _passage("c.txt", 0, 0.015)]
    assert router.ranked(passages) == ["b.txt", "a.txt", "c.txt"]
    assert router.ranked(passages, {"gamma"}) == ["c.txt", "b.txt", "a.txt"]  # only c holds the question's word
    assert router.ranked([]) == []


def test_an_article_that_alone_names_someone_the_question_names_comes_first_within_the_scope() -> None:
    chunks = [*_chunks(), Chunk("d.txt", 0, 0, 40, "Delta headline\nThe lawmaker Kenani met Beta.")]
    router = Router(chunks, _words, budget=9)
    passages = [_passage("b.txt", 0, 0.03), _passage("a.txt", 0, 0.02)]  # no passage of d was retrieved
    assert router.ranked(passages, {"kenani", "headline"}) == ["d.txt", "b.txt", "a.txt"]
    assert router.route(router.sources, passages, terms={"kenani"}).sources == ["d.txt"]
    assert router.ranked(passages, {"kenani"}, within=["a.txt", "b.txt"]) == ["b.txt", "a.txt"]
    assert router.ranked(passages, {"beta"}) == ["b.txt", "a.txt"]  # "Beta" is in two articles: no one article names it
    assert router.ranked(passages, {"lawmaker"}) == ["b.txt", "a.txt"]  # only d holds "lawmaker", but not as a name
    common = Router(chunks, _words, budget=9, common=lambda word: word == "Kenani")  # as "Washington" is
    assert common.ranked(passages, {"kenani"}) == ["b.txt", "a.txt"]


def test_an_article_past_the_budget_is_answered_from_its_passages() -> None:
    router = Router(_chunks(), _words, budget=2)
    context = router.route(router.sources, [_passage("b.txt", 0, 0.03), _passage("a.txt", 1, 0.01)])
    assert not context.whole and context.sources == ["a.txt", "b.txt"]  # the passages retrieved, whichever article
    assert context.text == "[a.txt] Alpha second chunk.\n[b.txt] Beta headline\nA much longer beta article text."


def test_scope_names_only_indexed_articles_and_titles_are_headlines() -> None:
    router = Router(_chunks(), _words, budget=100)
    assert router.scope(None) == ["a.txt", "b.txt", "c.txt"] and router.scope(["c.txt"]) == ["c.txt"]
    assert router.title("b.txt") == "Beta headline"
    with pytest.raises(ChatbotError, match="not an indexed article: z.txt"):
        router.scope(["z.txt", "a.txt"])


def test_the_article_holding_the_questions_rare_words_outvotes_more_passages_without_them() -> None:
    """Fusion keeps ranks, not strengths: a list of names near any "Who is X?" can bring two passages of an article
    that never names X; the article that does is the one asked about."""
    rarity = {"alpha": 3.0, "headline": 0.5}.get
    router = Router(_chunks(), _words, budget=9, rarity=lambda term: rarity(term, 1.0))
    passages = [_passage("a.txt", 0, 0.016), _passage("c.txt", 0, 0.016), _passage("c.txt", 0, 0.015)]
    assert router.route(router.sources, passages).sources == ["c.txt"]
    assert router.route(router.sources, passages, terms={"alpha"}).sources == ["a.txt"]
    assert router.route(router.sources, passages, terms={"headline"}).sources == ["a.txt"]  # c has no headline
    assert router.route(router.sources, passages, terms={"gamma"}).sources == ["c.txt"]
    assert router.route(router.sources, passages, terms={"zeta"}).sources == ["c.txt"]  # in no article: votes decide


def test_retrieved_passages_of_an_article_not_shown_are_unshown() -> None:
    router = Router(_chunks(), _words, budget=9)
    passages = [_passage("b.txt", 0, 0.03), _passage("a.txt", 0, 0.02), _passage("a.txt", 1, 0.02)]
    context = router.route(router.sources, passages)
    assert context.unshown(passages) == [_passage("b.txt", 0, 0.0).chunk]
    assert Router(_chunks(), _words, budget=100).route(["a.txt", "b.txt"], passages).unshown(passages) == []  # all shown
