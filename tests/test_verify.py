import re

import pytest

from chatbot.chunks import Span, split_sentences
from chatbot.embeddings import get_embeddings
from chatbot.lexical import full_names
from chatbot.verify import Evidence, Verifier, _as_named, clean_draft, copied, is_refusal, substituted, swapped
from tests.conftest import ARTICLE


@pytest.mark.parametrize("text", ["The article doesn't say.", "The article does not mention his birth date.",
                                  "This information is not provided in the article.", ""])
def test_refusals_are_recognised(text: str) -> None:
    assert is_refusal(text)


@pytest.mark.parametrize("text", ["No, Iraq has no formal diplomatic ties with Israel.", "Two missions went to Tehran."])
def test_answers_are_not_refusals(text: str) -> None:
    assert not is_refusal(text)


def test_clean_draft_drops_model_markers_and_labels() -> None:
    assert clean_draft("Answer: Two missions [3] went [1, 2].") == "Two missions went."


def test_clean_draft_drops_a_preamble_but_keeps_the_yes_or_no_it_opened_with() -> None:
    assert clean_draft("Yes, the article states that the U.S. committed to diplomacy.") == "Yes, the U.S. committed to diplomacy."
    assert clean_draft("No the article says that nothing changed.") == "No, nothing changed."
    assert clean_draft("According to the article, the article notes that oil pays.") == "Oil pays."


def test_clean_draft_writes_initials_together_as_the_article_does() -> None:
    # the 1.5B model's tokenizer writes "U. S." for the article's "U.S."; a reader (or a checker looking for "U.S.") sees it
    assert clean_draft("The U. S. recognized Baghdad's concerns.") == "The U.S. recognized Baghdad's concerns."
    assert clean_draft("U. N. and U. S. A. officials met.") == "U.N. and U.S.A. officials met."
    assert clean_draft("Iraq sent Gen. A. Smith. Then it waited.") == "Iraq sent Gen. A. Smith. Then it waited."


def test_clean_draft_closes_a_quote_the_tokenizer_wrote_apart() -> None:
    assert clean_draft('The article states that Iraq is "carefully navigating its position. "') \
        == 'Iraq is "carefully navigating its position."'
    assert clean_draft('They vowed to "pay a price, " he said.') == 'They vowed to "pay a price," he said.'
    assert clean_draft('He left. "Then," she said.') == 'He left. "Then," she said.'


def test_clean_draft_drops_a_lead_in_to_a_list_and_the_list_s_numbers() -> None:
    assert clean_draft("The article mentions two militia groups named as attacking Israel: Kataib Hezbollah and Nujaba.") \
        == "Kataib Hezbollah and Nujaba."
    assert clean_draft("The article names two politicians: 1. Ahmed Kenani, a lawmaker. 2. Abul Ameer Thuaiban, an adviser.") \
        == "Ahmed Kenani, a lawmaker. Abul Ameer Thuaiban, an adviser."
    assert clean_draft("It began on Jan. 5. 2 missions went.") == "It began on Jan. 5. 2 missions went."
    assert clean_draft("The article mentions two militias named Kataib Hezbollah and Nujaba.") == "Kataib Hezbollah and Nujaba."
    assert clean_draft("No, the article mentions a lawmaker called Ahmed Kenani.") == "No, Ahmed Kenani."


def test_attribution_picks_the_supporting_sentence(candidates: list[Evidence]) -> None:
    verifier = Verifier(get_embeddings(), judge=lambda passage, claim: 1.0, threshold=0.5)
    evidence = verifier.attribute("Two diplomatic missions went to Tehran.", "How many missions went to Tehran?", candidates)
    assert "two recent diplomatic missions" in evidence[0].span.text


def test_invented_numbers_and_words_are_not_grounded(candidates: list[Evidence]) -> None:
    verifier = Verifier(get_embeddings(), judge=lambda passage, claim: 1.0, threshold=0.5)
    question = "What is Thuaiban's date of birth?"
    claim = "Thuaiban was born in 1965."
    evidence = verifier.attribute(claim, question, candidates)
    assert not verifier.lexically_grounded(claim, question, evidence)
    assert list(verifier.check("The militias use drones and rockets.", "What weapons do the militias use?", candidates)) == []
    claim = "Thuaiban has held the position of senior adviser to Prime Minister Sudani for several years."
    assert not verifier.lexically_grounded(claim, "How long has he held that job?", verifier.attribute(claim, "", candidates))


def test_a_claim_that_someone_said_something_must_cite_a_sentence_that_reports_words(candidates: list[Evidence]) -> None:
    verifier = Verifier(get_embeddings(), judge=lambda passage, claim: 1.0, threshold=0.5)

    def grounded(question: str, claim: str) -> bool:
        return verifier.lexically_grounded(claim, question, verifier.attribute(claim, question, candidates))

    assert not grounded("What did Israel say about Iraq?", "Israel said that Iraq is carefully navigating its position amid "
                        "rising regional tensions as Iran-backed armed groups within its borders launch attacks on Israel.")
    assert grounded("What is Iraq doing?", "Iraq is carefully navigating its position amid rising regional tensions.")
    assert grounded("What did Iran say?", "Iran said that the factions make their own decisions.")  # "Tehran's stance … emphasized"
    assert grounded("What did Thuaiban say?", "Thuaiban said that a direct conflict with Israel could prove disastrous.")


def test_judge_decides_what_is_kept(candidates: list[Evidence]) -> None:
    draft = "High oil revenues fuel the agenda. Two missions went to Tehran."
    keep_all = Verifier(get_embeddings(), judge=lambda passage, claim: 0.9, threshold=0.5)
    keep_none = Verifier(get_embeddings(), judge=lambda passage, claim: 0.1, threshold=0.5)
    assert len(list(keep_all.check(draft, "What happened?", candidates))) == 2
    assert list(keep_none.check(draft, "What happened?", candidates)) == []


@pytest.mark.slow
def test_markers_match_citations(bot) -> None:  # type: ignore[no-untyped-def]
    """Every [n] in an answer has a citation and every citation is referenced (real model)."""
    for question in ("Who is Ahmed Kenani?", "Which militias are named, and what did the U.S. commit to?"):
        reply = bot.ask(question)
        assert not reply.refused and reply.citations, (question, reply.answer)
        markers = {int(n) for n in re.findall(r"\[(\d+)\]", reply.answer)}
        assert markers == {c.n for c in reply.citations}
        assert [c.n for c in reply.citations] == list(range(1, len(reply.citations) + 1))


def test_a_bare_yes_or_no_must_answer_a_question_about_the_evidence(candidates: list[Evidence]) -> None:
    verifier = Verifier(get_embeddings(), judge=lambda passage, claim: 1.0, threshold=0.5)
    question = "Does Iraq have formal diplomatic ties with Israel?"
    assert verifier.lexically_grounded("No.", question, verifier.attribute("No.", question, candidates))
    # "yes" is the reply, not a word the evidence must hold: a yes is grounded as a no is
    assert verifier.lexically_grounded("Yes.", question, verifier.attribute("Yes.", question, candidates))
    claim = "Yes, the Iraqi government is backing the Palestinians."
    question = "Is the Iraqi government backing the Palestinians?"
    assert verifier.lexically_grounded(claim, question, verifier.attribute(claim, question, candidates))
    assert list(verifier.check("No.", "🤔🤔🤔", candidates)) == []  # a question about nothing has no yes or no


@pytest.mark.parametrize(("claim", "is_copied"), [
    ("Two recent diplomatic missions to Tehran by Iraq's top security representatives have not succeeded.", True),
    ("The factions in question make their own decisions.", True),
    ("Two recent diplomatic missions to Tehran by Iraq's top security representatives have succeeded.", False),  # negation lost
    ("Three recent diplomatic missions to Tehran by Iraq's top security representatives have not succeeded.", False),  # number
    ("Two recent diplomatic missions to Baghdad by Tehran's top security representatives have not succeeded.", False),  # roles swapped
    ("Yes, the factions in question make their own decisions.", False),  # a yes/no reply always goes to the judge
    ("Two missions.", False),  # so does a short one
])
def test_only_claims_copied_in_order_skip_the_judge(candidates: list[Evidence], claim: str, is_copied: bool) -> None:
    evidence = [c for c in candidates if "diplomatic missions to Tehran" in c.span.text or "make their own decisions" in c.span.text]
    assert copied(claim, evidence) is is_copied


def test_copied_sentences_are_kept_without_asking_the_judge(candidates: list[Evidence]) -> None:
    asked: list[str] = []
    verifier = Verifier(get_embeddings(), judge=lambda passage, claim: asked.append(claim) or 0.0, threshold=0.5)
    copy = "High oil revenues have fueled a domestic agenda focused on rebuilding infrastructure."
    assert [s.text for s in verifier.check(copy, "What has fueled Iraq's domestic agenda?", candidates)] == [copy]
    assert asked == []
    swapped = "Rebuilding infrastructure has fueled high oil revenues."
    assert list(verifier.check(swapped, "What has fueled Iraq's domestic agenda?", candidates)) == []
    assert asked  # the same words with the roles swapped: the judge decided (and said no)


def test_a_name_or_negation_the_evidence_lacks_is_caught(candidates: list[Evidence]) -> None:
    missions = [c for c in candidates if "diplomatic missions to Tehran" in c.span.text]
    question = "Where did Iraq's security chiefs go?"
    assert Verifier.lexically_grounded("Iraq's top security representatives went to Tehran.", question, missions)
    assert not Verifier.lexically_grounded("Iraq's top security representatives went to Riyadh.", question, missions)
    ties = [c for c in candidates if "no formal diplomatic ties" in c.span.text]
    assert not copied("Iraq has formal diplomatic ties with Israel and keenly aware of the potential risks.", ties)


def test_a_person_is_only_credited_with_what_a_sentence_naming_them_says(candidates: list[Evidence]) -> None:
    """The claim reuses the article's words, so only the name shows whose fear it was: not Thuaiban's."""
    def judge(passage: str, claim: str) -> float:  # says Yes to anything, surest of claims with their party first
        return 0.9 if claim.startswith(("Thuaiban", "Kenani")) else 0.8

    verifier = Verifier(get_embeddings(), judge=judge, threshold=0.5)
    question = "What did Thuaiban warn about?"
    wrong = "Thuaiban warned that Iraq could face severe consequences from Israel if these attacks persist."
    assert list(verifier.check(wrong, question, candidates)) == []
    right = "Thuaiban warned that involvement in a direct conflict with Israel could prove disastrous."
    assert [s.text for s in verifier.check(right, question, candidates)] == [right]
    said = [Evidence("b.txt", s) for s in split_sentences("Ahmed Kenani spoke in Baghdad on Monday. He said the militias should leave.")]
    claim = "Kenani said the militias should leave."  # the sentence before the cited one names whom "he" is
    assert [s.text for s in verifier.check(claim, "What did Kenani say?", said)] == [claim]
    text = "Ahmed Kenani spoke in Baghdad. Oil prices rose. He said the militias should leave."
    apart = [Evidence("c.txt", s) for s in split_sentences(text)]
    assert list(verifier.check(claim, "What did Kenani say?", apart)) == []


@pytest.mark.parametrize(("claim", "swap"), [
    ("Baghdad has expressed an understanding of the U.S.'s concerns.", "The U.S. has expressed an understanding of Baghdad's concerns."),
    ("Israel and the United States hold Kataib Hezbollah liable.", "Kataib Hezbollah hold Israel and the United States liable."),
    ("Abul Ameer Thuaiban advises Prime Minister Sudani.", "Prime Minister Sudani advises Abul Ameer Thuaiban."),
    ("The Iraqi government warned the militia leaders.", "The militia leaders warned the Iraqi government."),
    ("The government's warning reached the militias.", "The militias' warning reached the government."),
    ("Prime Minister Sudani advises Abul Ameer Thuaiban.", "Abul Ameer Thuaiban advises Prime Minister Sudani."),  # two names
    ("The militia leaders warned the Iraqi government.", None),  # the passage's order, not two names: no second judgement
    ("The militias warned the government.", None),
    ("Iraq reached out to Riyadh.", None),  # a party the passage doesn't name is no role to swap
])
def test_a_claims_parties_are_swapped_when_named_the_other_way_round_or_both_names(claim: str, swap: str | None) -> None:
    passage = ("The U.S., recognizing the delicacy of Iraq’s position, has expressed an understanding of Baghdad’s concerns. "
               "Kataib Hezbollah view Israel and the United States as liable. A senior adviser to Prime Minister Sudani, "
               "Abul Ameer Thuaiban, echoed this sentiment. Militia leaders pressed on, warning the Iraqi government.")
    assert swapped(claim, passage) == swap


def test_a_word_a_name_qualifies_is_no_party_to_swap() -> None:
    """"Iran-backed" says who backs the groups: swapped as a party it made "Kataib Hezbollah and Nujaba are Iraq armed groups
    within Iran-backed.", which the judge rated above the claim (0.94 to 0.91), and the right claim was dropped."""
    passage = "Iraq is wary as Iran-backed armed groups within its borders launch attacks on Israel."
    assert swapped("Kataib Hezbollah and Nujaba are Iran-backed armed groups within Iraq.", passage) is None
    assert swapped("Israel launches attacks on Iran-backed armed groups within Iraq.", passage) == \
        "Iraq launches attacks on Iran-backed armed groups within Israel."


_PREFERENCE = ("According to Shiite lawmaker Ahmed Kenani and several other coalition figures, the preference among many "
               "Iraqi leaders is for militias to relocate their activities to the active combat zones in Gaza or Lebanon, "
               "thereby sparing Iraq the risks associated with a direct confrontation with Israel.")


@pytest.mark.parametrize(("claim", "passage", "rival"), [
    ("Ahmed Kenani wants Iraq to relocate its activities to the active combat zones in Gaza or Lebanon.", _PREFERENCE,
     "Ahmed Kenani wants militias to relocate its activities to the active combat zones in Gaza or Lebanon."),
    ("The coalition members disagree about whether Iraq should relocate its activities to the combat zones.", _PREFERENCE,
     "The coalition members disagree about whether militias should relocate its activities to the combat zones."),
    ("Many Iraqi leaders prefer that the militias relocate their activities to Gaza or Lebanon.", _PREFERENCE, None),
    ("According to Ahmed Kenani, many Iraqi leaders want the militias to move.", _PREFERENCE, None),  # not his doing
    ("Iran-backed armed groups inside Iraq are launching attacks on Israel.",  # a place, not the doer
     "Iraq is wary as Iran-backed armed groups within its borders launch attacks on Israel.", None),
    ("The factions make their own decisions.",  # "in question" is no doer
     "Tehran emphasized that the factions in question make their own decisions.", None),
    ("Iraq wants the militias to relocate.", _PREFERENCE, None),  # too few words copied to say whose doing it is
])
def test_a_claims_doer_of_a_copied_predicate_is_put_back_as_the_passage_has_it(claim: str, passage: str,
                                                                               rival: str | None) -> None:
    assert substituted(claim, passage) == rival


def test_a_claim_rated_below_the_passage_s_own_doer_gives_it_to_the_wrong_party() -> None:
    """The judge says Yes to both, but rates the doer the passage has higher: the claim that moved Iraq is dropped."""
    def judge(passage: str, claim: str) -> float:
        return 0.9 if claim.startswith("Ahmed Kenani") and "militias to relocate" in claim else 0.8

    verifier = Verifier(get_embeddings(), judge=judge, threshold=0.5)
    evidence = [Evidence("a.txt", Span(0, len(_PREFERENCE), _PREFERENCE))]
    question = "What does Ahmed Kenani want?"
    wrong = "Ahmed Kenani wants Iraq to relocate its activities to the active combat zones in Gaza or Lebanon."
    assert not verifier.supported(wrong, question, evidence)
    right = "Ahmed Kenani wants the militias to relocate their activities to Gaza or Lebanon."
    assert verifier.supported(right, question, evidence)


def test_a_claim_rated_below_its_own_swap_has_the_roles_reversed(candidates: list[Evidence]) -> None:
    """The judge says Yes to both, but rates the roles the passage has higher: the reversed claim is dropped."""
    def judge(passage: str, claim: str) -> float:
        return 0.95 if claim.startswith("The U.S.") else 0.9

    verifier = Verifier(get_embeddings(), judge=judge, threshold=0.5)
    question = "Who understands whose concerns?"
    right = "The U.S. has expressed an understanding of the worries in Baghdad."
    wrong = "Baghdad has expressed an understanding of the worries of the U.S."
    evidence = verifier.attribute(right, question, candidates)
    assert verifier.supported(right, question, evidence)
    assert not verifier.supported(wrong, question, evidence)


def test_a_yes_or_no_reply_is_judged_as_the_answer_to_its_question(candidates: list[Evidence]) -> None:
    statements: list[str] = []
    verifier = Verifier(get_embeddings(), judge=lambda passage, claim: statements.append(claim) or 1.0, threshold=0.5)
    question = "Did Iran agree to rein in the armed groups?"
    verifier.judge_claim("Yes, Iran-backed armed groups launched attacks on Israel.", question, candidates[:1])
    verifier.judge_claim("Iran-backed armed groups launched attacks on Israel.", question, candidates[:1])
    assert statements == [f'The answer to "{question}" is: Yes, Iran-backed armed groups launched attacks on Israel.',
                          "Iran-backed armed groups launched attacks on Israel."]


def test_a_claim_may_give_in_full_a_name_its_evidence_shortens(candidates: list[Evidence]) -> None:
    """The draft copies the adviser's sentence but names the prime minister as the article does elsewhere: still his
    sentence. Another person's name is still refused."""
    verifier = Verifier(get_embeddings(), judge=lambda passage, claim: 0.9 if claim.startswith("Abul") else 0.8, threshold=0.5)
    question = "How did Sudani's adviser react to the idea of moving militia operations to Gaza or Lebanon?"
    claim = ("Abul Ameer Thuaiban, a senior adviser to Prime Minister Mohammed Shia Al-Sudani, echoed this sentiment, "
             "emphasizing that involvement in a direct conflict with Israel could prove disastrous.")
    assert [s.text for s in verifier.check(claim, question, candidates)] == [claim]
    other = claim.replace("Prime Minister Mohammed Shia Al-Sudani", "lawmaker Ahmed Kenani")
    assert list(verifier.check(other, question, candidates)) == []


def test_a_no_that_goes_on_to_a_fact_is_judged_on_the_fact_and_a_no_one_claim_as_written(candidates: list[Evidence]) -> None:
    judged: list[str] = []
    verifier = Verifier(get_embeddings(), judge=lambda passage, claim: judged.append(claim) or 1.0, threshold=0.5)
    question = "Did Iraq send just one mission to Tehran?"
    evidence = verifier.attribute("Iraq sent two diplomatic missions to Tehran.", question, candidates)
    verifier.judge_claim("No, Iraq sent two diplomatic missions to Tehran.", question, evidence)
    verifier.judge_claim("No one has claimed the attacks on Israel yet.", "Has anyone claimed the attacks?", evidence)
    # the no is settled apart (answer.py); "No one …" is a claim of its own, judged as written: not a no to put in the
    # context of its question, nor a no and its opposite "One …"
    assert judged == ["Iraq sent two diplomatic missions to Tehran.", "No one has claimed the attacks on Israel yet."]


def test_a_sentence_that_refers_back_is_judged_after_the_one_before_where_the_claim_needs_it(candidates: list[Evidence]) -> None:
    """"… Thuaiban, echoed this sentiment": the sentiment is Kenani's, in the sentence before, which the judge is shown
    only for a claim that names whom that sentence alone names, not one that shares a common word with it."""
    passages: list[str] = []
    verifier = Verifier(get_embeddings(), judge=lambda passage, claim: passages.append(passage) or 1.0, threshold=0.5)
    question = "Who echoed Kenani's sentiment?"
    claim = "Abul Ameer Thuaiban echoed Kenani's sentiment."
    assert [s.text for s in verifier.check(claim, question, candidates)] == [claim]
    assert passages[0].startswith("According to Shiite lawmaker Ahmed Kenani")
    assert passages[0].endswith("could prove disastrous.")
    passages.clear()
    list(verifier.check("Abul Ameer Thuaiban echoed the sentiment of Sudani.", question, candidates))
    assert passages and all(p.startswith("A senior adviser") for p in passages), passages
    passages.clear()
    list(verifier.check("The militias have hit Israel's ongoing campaigns in Gaza and Lebanon.", "What have the militias struck?",
                        candidates))  # "militias": a common word of the sentence before ("However, militia leaders, …")
    assert passages and all(p.startswith("For these groups") for p in passages), passages


def test_a_claim_points_at_the_runner_up_it_matches_nearly_as_well(candidates: list[Evidence]) -> None:
    # "the U.S." lifts the sentence on balancing the U.S. and Iran above the one the claim restates, which writes "United States"
    verifier = Verifier(get_embeddings(), judge=lambda passage, claim: 1.0, threshold=0.5)
    claim = "The militias blame Israel and the U.S. for recent strikes on Iran."
    question = "What do the militias blame Israel and the U.S. for?"
    assert not any("liable" in e.span.text for e in verifier.attribute(claim, question, candidates))
    pointed = verifier.pointed_at(claim, question, candidates)
    assert any("liable" in e.span.text for e in pointed)
    assert set(verifier.attribute(claim, question, candidates)) < set(pointed)


def test_each_further_thing_a_claim_says_its_subject_did_is_grounded_in_the_evidence(candidates: list[Evidence]) -> None:
    # the judge reads the whole at P 0.80 from Thuaiban's sentence, which says nothing of interference
    verifier = Verifier(get_embeddings(), judge=lambda passage, claim: 1.0, threshold=0.5)

    def grounded(question: str, claim: str) -> bool:
        return verifier.lexically_grounded(claim, question, verifier.attribute(claim, question, candidates))

    assert not grounded("Who advises Sudani and what did he warn?", "Abul Ameer Thuaiban advises Sudani and warns against interference.")
    assert grounded("Who advises Sudani and what did he warn?", "Abul Ameer Thuaiban advises Sudani and warned that a direct conflict "
                    "with Israel could prove disastrous.")
    assert grounded("How did the U.S. respond?", "The U.S. expressed an understanding of Baghdad's concerns and committed to "
                    "diplomatic efforts.")


def test_a_he_or_she_after_a_sentence_that_opens_with_a_name_is_checked_as_that_person() -> None:
    # alone, "He warned Iraq against interference." is supported by the militia leaders' warning
    people = full_names(ARTICLE.read_text())
    assert _as_named("Abul Ameer Thuaiban counsels the prime minister.", "", people) == \
        ("Abul Ameer Thuaiban counsels the prime minister.", "Abul Ameer Thuaiban")
    assert _as_named("He warned Iraq against interference.", "Abul Ameer Thuaiban", people) == \
        ("Abul Ameer Thuaiban warned Iraq against interference.", "Abul Ameer Thuaiban")
    assert _as_named("He warned Iraq.", "", people) == ("He warned Iraq.", "")
    assert _as_named("The U.S. helped.", "Ahmed Kenani", people) == ("The U.S. helped.", "")
