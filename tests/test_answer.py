from __future__ import annotations

from chatbot.answer import (
    Chatbot,
    _informative,
    _is_no,
    _leaves_out_the_kind,
    _names_nothing,
    _names_word,
    _of_the_kind,
    _restates,
    _said,
    _speaks_first_of,
    _speaks_of,
    _without_lead,
    load_prompts,
)
from chatbot.chunks import Chunk, Span
from chatbot.lexical import match_keys
from chatbot.reply import Citation
from chatbot.route import Context
from chatbot.verify import Evidence, Supported
from tests.conftest import ARTICLE


def test_a_yes_or_no_whose_only_new_word_is_the_article_s_subject_says_nothing_new(candidates: list[Evidence]) -> None:
    question = "Is the ruling coalition of one mind about the attacks?"
    restated = match_keys("the ruling coalition of Iraq is not of one mind about the attacks") - match_keys(question)
    reasoned = match_keys("the escalation has sparked debate within the coalition") - match_keys(question)
    assert restated and not _informative(restated, candidates)
    assert _informative(reasoned, candidates)


def test_a_bare_yes_or_no_or_a_no_that_restates_a_yes_no_question_points_at_no_sentence(candidates: list[Evidence]) -> None:
    points = Chatbot._points
    assert not points("🤔🤔🤔", "No.", candidates)
    assert not points("Was Thuaiban educated abroad?", "No, Thuaiban was not educated abroad.", candidates)
    assert points("Have the militia leaders backed down?", "No, they have continued to press forward.", candidates)
    assert points("Is Iraq worried about Israeli retaliation?", "Yes, Iraq is worried about Israeli retaliation.", candidates)
    assert points("Who warned the government?", "Militia leaders warned the government.", candidates)


def test_a_yes_or_no_nobody_asked_for_is_dropped_but_a_no_one_is_kept() -> None:
    assert _without_lead("Yes, Ahmed Kenani wants the militias to move to Gaza.") == "Ahmed Kenani wants the militias to move to Gaza."
    assert _without_lead("no: the militias.") == "The militias."
    assert _without_lead("No one has claimed the attacks.") == "No one has claimed the attacks."  # not "One has claimed …"
    assert _without_lead("No group has claimed them.") == "No group has claimed them."


def test_a_no_is_a_no_set_off_by_a_stop_not_a_no_one() -> None:
    assert _is_no("No, they have continued.") and _is_no("No.") and _is_no("no: the militias")
    assert not _is_no("No one has claimed the attacks.") and not _is_no("Nobody did.") and not _is_no("Yes, they did.")


def test_a_reason_speaks_of_what_the_question_asks_by_a_word_s_forms_not_by_a_shared_start() -> None:
    """"military" is not "militias", though both start "milit"; "refused" is "refuse", and a name the question gives is no
    word it asks about."""
    assert not _speaks_of("Were any Israelis killed by the militias' strikes?", "Israel's military campaigns in Gaza have left Iraq …")
    assert _speaks_of("Did the U.S. refuse to help Iraq?", "The U.S. refused, it committed to efforts to help reduce escalation.")
    assert _speaks_of("Have the militia strikes stopped?", "The militias have continued their strikes.")
    assert not _speaks_of("Did Israel warn Iraq directly?", "Israel's campaigns have left Iraq balancing a complex alliance.")


def test_a_reason_speaks_first_of_whom_the_question_does_only_if_few_sentences_name_them(candidates: list[Evidence]) -> None:
    """What a party did instead can settle whether it did something else; a party most of the article names settles nothing."""
    assert _speaks_first_of("Does Kenani belong to the Sunni community?", "Kenani is a Shiite lawmaker.", candidates)
    assert _speaks_first_of("Did Tehran agree to rein in the militias?", "Tehran's stance was dismissive.", candidates)
    assert not _speaks_first_of("Did Israel's strikes hit Baghdad?", "Israel's military campaigns in Gaza have left Iraq balancing …",
                                candidates)
    assert not _speaks_first_of("Has Kataib Hezbollah lost fighters?", "According to sources, two missions to Tehran have not succeeded.",
                                candidates)


def test_a_follow_up_s_he_is_the_one_person_its_last_exchange_names() -> None:
    text = ARTICLE.read_text(encoding="utf-8")
    context = Context(text, (Chunk("a.txt", 0, 0, len(text), text),), whole=True)

    def person(asked: str, answered: str, follow_up: str = "What is his job?") -> str | None:
        return Chatbot._person(context, follow_up, [{"role": "user", "content": asked}, {"role": "assistant", "content": answered}])

    assert person("Who is Ahmed Kenani?", "A Shiite lawmaker quoted in the article [1].") == "Ahmed Kenani"
    assert person("Who is Ahmed Kenani?", "The article doesn't say.") == "Ahmed Kenani"
    assert person("Who leads Iraq's government?", "Prime Minister Mohammed Shia Al-Sudani [1].") == \
        "Prime Minister Mohammed Shia Al-Sudani"  # named only in the answer
    assert person("Who is Abul Ameer Thuaiban?", "He is a senior adviser to Prime Minister Sudani [1].") is None  # two
    assert person("Who is Ahmed Kenani?", "A Shiite lawmaker [1].", "Does he agree with Thuaiban?") is None  # names its own
    assert person("What did Iraq ask of Tehran?", "Help in controlling the militias [1].") is None  # places only


def test_a_question_of_pronouns_and_light_verbs_names_nothing_a_sentence_could_answer() -> None:
    assert _names_nothing("Did they get it?")
    assert _names_nothing("What happened to them?")
    assert _names_nothing("Did it work?")
    assert not _names_nothing("Did it succeed?")
    assert not _names_nothing("Did they get help from Tehran?")
    assert not _names_nothing("How many times?")


def test_a_reply_that_gives_only_the_question_s_words_and_its_names_in_full_restates_it(candidates: list[Evidence]) -> None:
    assert _restates("Who is Kenani?", "Kenani is Ahmed Kenani.", candidates)
    assert not _restates("Who is Kenani?", "Ahmed Kenani is a Shiite lawmaker.", candidates)
    assert not _restates("How many missions went to Tehran?", "Two missions went to Tehran.", candidates)
    assert not _restates("Which group, Kataib Hezbollah or Nujaba, warned Iraq?", "Kataib Hezbollah warned Iraq.", candidates)
    assert not _restates("Is Kenani a lawmaker?", "Yes, Kenani is a lawmaker.", candidates)  # a yes/no question's yes


def test_a_later_part_s_he_is_the_one_person_an_earlier_part_or_its_answer_names() -> None:
    text = ARTICLE.read_text(encoding="utf-8")
    bot = Chatbot.__new__(Chatbot)  # no model: whom "he" means is read without one
    bot.prompts = load_prompts()
    state = {"context": Context(text, (Chunk("a.txt", 0, 0, len(text), text),), whole=True)}
    assert bot._part_alone(state, "Where does he want the militias to go?", ["Who is Kenani?"], "A Shiite lawmaker [1].") == \
        "Where does Kenani want the militias to go?"
    assert bot._part_alone(state, "What did Tehran say?", ["Who went to Tehran?"], "") == "What did Tehran say?"  # points nowhere


def test_a_later_sentence_from_cited_evidence_that_adds_no_word_was_said_unless_it_is_a_yes_or_no() -> None:
    warning = Evidence("a.txt", Span(10, 90, "Militia leaders have pressed on, warning the Iraqi government against interference."))
    other = Evidence("a.txt", Span(100, 140, "Tehran's stance was dismissive."))
    citations = [Citation(1, "a.txt", 10, 90, warning.span.text)]
    pieces = ["Kataib Hezbollah's leaders are warning the Iraqi government against interference [1]."]
    assert _said(Supported("Kataib Hezbollah's leaders warned the Iraqi government against interference.", (warning,)), citations, pieces)
    assert not _said(Supported("Kataib Hezbollah's leaders warned the Iraqi government.", (other,)), citations, pieces)  # new evidence
    assert not _said(Supported("The leaders warned the government against interference in Gaza.", (warning,)), citations, pieces)
    assert not _said(Supported("No: the leaders warned the government against interference.", (warning,)), citations, pieces)


def test_a_what_kind_of_question_is_answered_from_the_sentences_that_name_the_thing(candidates: list[Evidence]) -> None:
    ties = _of_the_kind("What kind of ties does Iraq have with Israel?", candidates)
    assert len(ties) == 1 and "no formal diplomatic ties" in ties[0].span.text  # not "communities", "hostilities"
    assert _of_the_kind("What kind of weapons do the militias use?", candidates) == candidates  # none names them
    assert _of_the_kind("Who is Kenani?", candidates) == candidates
    assert _leaves_out_the_kind("What kind of period is Iraq in?", "Iraq is carefully navigating its position.", candidates)
    assert not _leaves_out_the_kind("What kind of period is Iraq in?", "A period of relative stability.", candidates)
    assert not _leaves_out_the_kind("What kind of weapons do they use?", "Rockets.", candidates)
    stable = _of_the_kind("How stable is Iraq right now?", candidates)  # "stability", by its first four letters
    assert stable != candidates and all("stability" in e.span.text for e in stable)


def test_a_word_is_named_in_its_forms_but_not_by_a_longer_word_that_ends_the_same() -> None:
    assert _names_word("stable", "its current period of relative stability")
    assert _names_word("delicate", "recognizing the delicacy of Iraq's position")
    assert _names_word("ties", "no formal diplomatic ties")
    assert not _names_word("ties", "revitalizing communities")
