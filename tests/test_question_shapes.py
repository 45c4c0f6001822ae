"""One test per question shape that a small model used to refuse or answer beside the point, worded the way a reader
would put it (few of the article's own words). Real model, real index.

Each case but one failed on the pipeline before issue 13 (its note shows the run). The cases marked `xfail(strict=True)` are
still wrong after it, recorded as such: they must start failing the mark (and lose it) when they are fixed.
"""

from __future__ import annotations

import re

import pytest

from tests.test_answer_quality import _correct, _streamed

pytestmark = pytest.mark.slow

_US = ["united states", "u.s", "u. s", "washington", "america*"]
_NO = ["no", "not", "hasn't", "haven't", "wasn't", "didn't", "doesn't"]


def _still_wrong(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=True, reason=f"still wrong after issue 13: {reason}")


def _check(bot, question: str, keywords: list[list[str]], history: list[dict] | None = None) -> None:  # type: ignore[no-untyped-def]
    """Answered, cited, and naming every keyword group (strict eval scoring)."""
    reply = _streamed(bot, question, history)
    assert _correct(reply, keywords) and reply.citations, reply.answer


@pytest.mark.parametrize(("question", "keywords"), [
    ("What is bankrolling the reconstruction drive?", [["oil"]]),
    # refused before 2026-12-07: the draft, the article's sentence on Tehran's stance, read alone as no answer (P 0.30);
    # after the sentence before it in its paragraph (the failed missions to Tehran), as the answer (P 0.63)
    ("How did Tehran react to Baghdad's appeals?", [["dismiss*", "own decisions"]]),
    # refused before 2026-12-07 (session 34): the same draft, read after its paragraph's first sentence only for a question
    # that opened "How" or "Why", not one that asks for the reaction in other words
    ("Describe Tehran's response to Iraq.", [["dismiss*", "own decisions"]]),
    ("What was Iran's reaction to Iraq's request for help?", [["dismiss*", "own decisions"]]),
    pytest.param("Which country did the government approach after the trips to Iran went nowhere?", [_US],
                 marks=_still_wrong("refused: no sentence judged to answer it")),
    pytest.param("What are the gunmen's bosses telling the authorities in Baghdad?", [["interfer*"]],
                 marks=_still_wrong("a regression: refused, where the old chain answered it")),
    pytest.param("How did the Islamic Republic's leaders answer Iraq's pleas?", [["dismiss*", "own decisions"]],
                 marks=_still_wrong("refused: no sentence judged to answer it")),
])
def test_paraphrased_questions_are_answered(bot, question: str, keywords: list[list[str]]) -> None:  # type: ignore[no-untyped-def]
    _check(bot, question, keywords)


@pytest.mark.parametrize(("question", "keywords"), [
    ("Has Tehran been helpful in reining in the factions?", [_NO, ["dismiss*", "succeed*", "own decisions", "resist*"]]),
    ("Does Baghdad maintain official diplomatic relations with the Israelis?", [_NO, ["ties", "relations"]]),  # refused before 0704081
    # refused before the draft was made to go on from "No, the article says": its draft "No." went on "No, the article doesn't say."
    ("Does Iraq have an embassy relationship with Israel?", [_NO, ["diplomatic"]]),
    # refused before a "No, …" was judged on what it says: "No, Iraq sent two diplomatic missions to Tehran." read at 0.57
    ("Did Iraq send just one mission to Tehran?", [_NO, ["two"]]),
    ("Was it Iraq's foreign ministry that went to Tehran?", [_NO, ["security"]]),
    # refused before a no that only restates the question was made to go on from "No, the article says"
    ("Have the militias stopped their strikes?", [_NO, ["continu*", "press*"]]),
    ("Is oil money paying for reconstruction in Iraq?", [["yes"], ["oil"]]),
    # before 2026-12-07 "No, the factions … have continued to press forward …, warning the Iraqi government against
    # interference.": a no read from a sentence beside the point, while the vow that both "would pay a price" reads yes
    ("Did the factions promise revenge on Israel and the U.S.?", [["yes"], ["price", "vow*"]]),
    # refused on ad2ee69: its draft was "No." alone; then, with the AVX-512 build, until 2efa0d7 (session 34): the right
    # draft "No, the factions have continued to attack Israel." is supported (judge 0.71) but judged not to answer it
    # (P < 0.75); handed "No, the article says" once more, the model writes what settles it
    ("Have the factions stopped their attacks?", [_NO, ["continu*", "press*"]]),
    # refused before 2026-12-07 (session 31): the draft "Yes, the U.S. expressed an understanding of Baghdad's concerns and
    # committed to diplomatic efforts …" fails as a whole; its reason is the article's, and reads as a no
    ("Did the Americans refuse to help Iraq?", [_NO, ["understanding", "committed", "diplomatic"]]),
    # refused before 2026-12-07 (session 33): the draft "No, Kenani does not belong to the Sunni community." restates the
    # question, and what the model went on to say the article says ("Kenani is a Shiite lawmaker") shares no word with it
    # besides the name
    ("Does Kenani belong to the Sunni community?", [_NO, ["shiite"]]),
    ("Did Tehran agree to rein in the militias?", [_NO, ["dismiss*", "own decisions"]]),
    # refused before 2026-12-07 (session 33): the draft "Yes, … sent two diplomatic missions …" fails, and the sentence
    # that gives the other count reads as no answer (P 0.28)
    ("Did Iraq send three missions to Tehran?", [_NO, ["two"]]),
    # refused before 2026-12-07 (session 34): the draft "Yes, <a reason from elsewhere>" fails, the sentence on oil
    # revenues reads as no answer alone (P 0.60), and the model was made to say what the article says only after a bare
    # yes or no, a restated no or a refusal
    ("Has Iraq run short of oil money?", [_NO, ["oil"], ["high"]]),
    ("Would Iraq's leaders prefer the gunmen took their fight somewhere else?", [["yes"], ["relocat*", "gaza", "lebanon"]]),
    # before 9433d0b "No, the governing coalition of Iraq is not one mind on the attacks.": the question again, no reason
    ("Is the governing coalition of one mind on the attacks?", [_NO, ["fear*", "debate*", "consequence*"]]),
    # before the failure rule (questions.reports_failure) "Yes: Efforts … have encountered resistance [1].": a yes read
    # from the sentence that restates the effort and says it failed
    ("Has the Iraqi government managed to get the armed groups to agree to a truce?", [_NO, ["resist*"]]),
    ("Did the Iraqi government's push for a truce work?", [_NO, ["resist*"]]),
    pytest.param("Do some Iraqi politicians worry that Israel could hit back?", [["yes"], ["fear*", "retaliat*", "consequence*"]],
                 marks=_still_wrong("quotes a sentence beside the point (a preference, not the fear)")),
])
def test_yes_no_questions_get_a_yes_or_no_and_the_sentence_that_settles_it(bot, question: str,  # type: ignore[no-untyped-def]
                                                                          keywords: list[list[str]]) -> None:
    _check(bot, question, keywords)


@pytest.mark.parametrize(("question", "keywords"), [
    ("Why would Baghdad like the gunmen to take their fight elsewhere?", [["spar*", "risk*", "confront*", "avoid*"]]),
    ("Why do the factions keep up their strikes?", [["gaza", "lebanon", "campaign*"]]),
    ("Why did Iraq go to the Americans for help?", [["retaliat*", "limited success"]]),
    # refused before 2026-12-08 (session 37): the draft joined two sentences in its own words and failed; each of the four
    # best sentences read as the answer (P 0.90-0.97), too alike for the margin that keeps unanswered questions refused
    ("Why is Iraq worried about the attacks?", [["consequence*", "retaliat*", "repercussion*", "risk*"]]),
])
def test_why_questions_are_answered_with_the_reason(bot, question: str, keywords: list[list[str]]) -> None:  # type: ignore[no-untyped-def]
    _check(bot, question, keywords)


@pytest.mark.parametrize(("question", "keywords"), [
    # refused before 2026-12-07 (session 34): no sentence gives a reason for what didn't happen
    ("Why did Tehran agree to rein in the militias?", [["not according"], ["dismiss*", "own decisions"]]),
    ("Why does Iraq want to join the war against Israel?", [["not according"], ["disast*"]]),
])
def test_a_why_question_that_takes_for_granted_what_did_not_happen_gets_what_did(bot, question: str,  # type: ignore[no-untyped-def]
                                                                                 keywords: list[list[str]]) -> None:
    _check(bot, question, keywords)


@pytest.mark.parametrize("question", ["Why did Sudani fire Thuaiban?", "Why did the U.S. send troops to Baghdad?"])
def test_a_why_question_about_what_the_article_never_mentions_is_refused(bot, question: str) -> None:  # type: ignore[no-untyped-def]
    reply = _streamed(bot, question)
    assert reply.refused, reply.answer


@pytest.mark.parametrize(("question", "keywords"), [
    ("Where do Iraqi politicians want the militias to go, and which lawmaker is cited for it?", [["gaza", "lebanon"], ["kenani"]]),
    ("Who advises the prime minister, and what does he think a war with Israel would be?", [["thuaiban"], ["disast*"]]),
    ("What did Washington pledge, and what is the name of its ambassador?", [["diplomat*"], ["doesn't say"]]),
    # one question of two parties, asked of each apart: before 2026-12-07 refused, and the other got "The militias want to
    # protect their territory and their allies, while …" (an invention the judge let through)
    ("How do Kataib Hezbollah and the ruling coalition each see the attacks?", [["gaza", "lebanon", "campaign*"],
                                                                                 ["consequence*", "threat*", "risk*", "stabil*"]]),
    ("What do the militias and the Iraqi government each want?", [["israel*"], ["stabil*", "embroil*", "warfare"]]),
    # before 2026-12-08 (session 36): "Kenani is Ahmed Kenani [1]." (only the question's words, read as the answer), then
    # "Where does he want the militias to go?", asked alone, got "Iraq is considering relocating its militia activities …"
    ("Who is Kenani, and where does he want the militias to go?", [["shiite", "lawmaker"], ["gaza", "lebanon"]]),
])
def test_each_part_of_a_joined_question_is_answered_or_said_to_be_missing(bot, question: str,  # type: ignore[no-untyped-def]
                                                                          keywords: list[list[str]]) -> None:
    _check(bot, question, keywords)


@pytest.mark.parametrize(("question", "keywords"), [
    ("How does the article end?", [["crosshairs"]]),  # refused before 2026-12-08 (session 36)
    ("What is the article's conclusion?", [["crosshairs"]]),  # "The article concludes by stating that Iraq is navigating …"
    ("What does the second paragraph say?", [["formal diplomatic ties"]]),  # "… discusses Iraq's position amid …" (the first)
])
def test_a_paragraph_asked_for_by_where_it_stands_is_quoted(bot, question: str,  # type: ignore[no-untyped-def]
                                                            keywords: list[list[str]]) -> None:
    _check(bot, question, keywords)


@pytest.mark.parametrize(("question", "keywords"), [
    # before 2026-12-08 (session 36): the sentence on Iraq's outreach to the United States, quoted (read at P 0.84)
    ("What kind of ties does Iraq have with Israel?", [["no formal"]]),
    ("What kind of period is Iraq in?", [["relative stability"]]),  # the lede reworded: "carefully navigating …"
    ("How delicate is Iraq's position?", [["delicacy"]]),  # refused
])
def test_a_what_kind_of_question_is_answered_with_the_article_s_words_for_the_thing(  # type: ignore[no-untyped-def]
        bot, question: str, keywords: list[list[str]]) -> None:
    _check(bot, question, keywords)


def test_a_claim_is_not_dropped_for_a_swap_of_the_word_a_name_qualifies(bot) -> None:  # type: ignore[no-untyped-def]
    """Before 2026-12-08 (session 36) "Kataib Hezbollah and Nujaba are Iran-backed armed groups within Iraq." lost to its
    swap "… are Iraq armed groups within Iran-backed." (0.94 to 0.91), and a sentence naming them as "groups" was quoted."""
    _check(bot, "What kind of groups are Kataib Hezbollah and Nujaba?", [["iran-backed", "armed"]])


def test_a_later_part_that_points_back_is_asked_of_what_an_earlier_part_names(bot) -> None:  # type: ignore[no-untyped-def]
    """Before 2026-12-08 (session 36) "Why did Iraq ask it?" was asked alone, and refused."""
    reply = _streamed(bot, "What did the U.S. promise, and why did Iraq ask it?")
    assert "doesn't say" not in reply.answer and _correct(reply, [["diplomat*"], ["retaliat*", "limited success"]]), reply.answer


def test_a_joined_question_the_article_answers_no_part_of_is_one_refusal(bot) -> None:  # type: ignore[no-untyped-def]
    """Nothing streams for a part until one is answered: a question with no answered part streams the refusal alone."""
    *parts, reply = list(bot.stream("What is the capital of Australia, and who won the 2022 FIFA World Cup?", []))
    assert parts == [reply.answer] and reply.refused and not reply.citations, parts


@pytest.mark.parametrize(("asked", "answered", "follow_up", "keywords"), [
    ("Which group's leaders warned the Iraqi government against interference?",
     "Kataib Hezbollah's leaders warned the Iraqi government against interference [1].",
     "Whom do they hold liable for the strikes on Iran?", [["israel*"], _US]),
    ("Who is the prime minister's senior adviser?", "Abul Ameer Thuaiban is a senior adviser to Prime Minister Sudani [1].",
     "What did he say a war with Israel could be?", [["disast*"]]),
    ("Which country did Iraq turn to after Tehran?", "Iraq reached out to the United States [1].",
     "How did that country respond?", [["understand*", "diplomat*"]]),
    # before 2026-12-07 its rewrite "Why do the militias continue to launch attacks on Israel?" was dropped (no "keep"), and
    # the follow-up, asked as it came, got "They are warning the Iraqi government against interference."
    ("What are the militias doing?", "The militias are launching attacks on Israel [1].",
     "Why do they keep doing it?", [["gaza", "lebanon", "campaign*"]]),
    # refused before 2026-12-07 (session 31): its rewrite "How many diplomatic missions did Iraq's top security
    # representatives send to Tehran?" was dropped (no "times"), and the right draft, read as the answer to "How many
    # times?" alone, at P 0.15
    ("Where did Iraq send its security officials?",
     "According to sources within these factions and Iraqi government officials, two recent diplomatic missions to Tehran by "
     "Iraq’s top security representatives seeking assistance in controlling these groups have not succeeded [1].",
     "How many times?", [["two"]]),
    # before 2026-12-07 (session 32) the rewrite "Did the diplomatic missions to Tehran succeed in controlling the Iran-backed
    # armed groups …?" was dropped for lacking "work", and the follow-up asked as it came quoted the ceasefire effort's sentence
    ("What did Iraq ask Tehran for?",
     "According to sources within these factions and Iraqi government officials, two recent diplomatic missions to Tehran by "
     "Iraq’s top security representatives seeking assistance in controlling these groups have not succeeded [1].",
     "Did it work?", [_NO, ["succeed*"]]),
])
def test_a_follow_up_about_the_previous_answer_is_understood(bot, asked: str, answered: str, follow_up: str,  # type: ignore[no-untyped-def]
                                                              keywords: list[list[str]]) -> None:
    _check(bot, follow_up, keywords, [{"role": "user", "content": asked}, {"role": "assistant", "content": answered}])


@pytest.mark.parametrize("request_", ["Summarise the article in one sentence.", "Can you sum this story up in a line?"])
def test_a_request_for_the_gist_is_answered_never_refused(bot, request_: str) -> None:  # type: ignore[no-untyped-def]
    # "Summarise … in one sentence." was refused before: the model's one-sentence summary joins three sentences' facts
    # (and adds "negotiating"), so the verifier rejects it, and no single sentence is judged to give "the answer"
    _check(bot, request_, [["iraq*"], ["militia*", "armed groups", "faction*"], ["israel*"]])


@pytest.mark.parametrize(("asked", "answered", "follow_up", "standalone", "keywords"), [
    ("Who is Ahmed Kenani?", "Ahmed Kenani is a Shiite lawmaker and coalition figure in Iraq [1].",
     "What does he think the militias should do?", "What does Ahmed Kenani think the militias should do?",
     [["relocat*", "move*"], ["gaza", "lebanon", "combat zone*"]]),
    ("Who heads the government in Baghdad?", "Prime Minister Mohammed Shia Al-Sudani [1].",
     "What is his government worried about?", "What is Prime Minister Mohammed Shia Al-Sudani's government worried about?",
     [["risk*"], ["attack*"]]),
])
def test_a_follow_up_s_he_is_the_one_person_the_last_exchange_names(bot, asked: str, answered: str,  # type: ignore[no-untyped-def]
                                                                     follow_up: str, standalone: str, keywords: list[list[str]]) -> None:
    # "he" was the model's to rewrite, which changed what was asked ("What does Ahmed Kenani think about the militias'
    # actions?", answered with what drives the militias, cited to his sentence); now it is the name, with no model call
    history = [{"role": "user", "content": asked}, {"role": "assistant", "content": answered}]
    _check(bot, follow_up, keywords, history)
    assert bot.ask(follow_up, history).standalone_question == standalone


@pytest.mark.parametrize(("follow_up", "standalone", "keywords"), [
    ("What is the second one's job?", "What is Abul Ameer Thuaiban's job?", [["advis*"]]),
    ("What did the latter warn about?", "What did Abul Ameer Thuaiban warn about?", [["disast*"]]),
])
def test_a_follow_up_s_second_one_is_the_second_name_the_last_answer_lists(bot, follow_up: str, standalone: str,  # type: ignore[no-untyped-def]
                                                                           keywords: list[list[str]]) -> None:
    # the model's rewrite kept "the second one" ("the latter"), and the draft refused ("The article doesn't say.") or
    # answered with the coalition's fear
    history = [{"role": "user", "content": "Which two Iraqi politicians does the article quote?"},
               {"role": "assistant", "content": "Ahmed Kenani and Abul Ameer Thuaiban [1][2]."}]
    reply = _streamed(bot, follow_up, history)
    assert reply.standalone_question == standalone
    assert _correct(reply, keywords) and reply.citations, reply.answer


@pytest.mark.parametrize(("asked", "answered", "follow_up", "keywords"), [
    ("What are some coalition members afraid of?",
     "Some coalition members fear that Iraq could face severe consequences from Israel if these attacks persist [1].",
     "What would they prefer the militias do?", [["relocat*", "move*"], ["gaza", "lebanon", "combat zone*"]]),
])
def test_a_follow_up_whose_rewrite_answers_it_is_asked_as_it_came(bot, asked: str, answered: str,  # type: ignore[no-untyped-def]
                                                                  follow_up: str, keywords: list[list[str]]) -> None:
    # the model's rewrite was the answer, not a question ("Some coalition members prefer the militias to relocate …"),
    # and the draft for that statement refused
    history = [{"role": "user", "content": asked}, {"role": "assistant", "content": answered}]
    reply = _streamed(bot, follow_up, history)
    assert reply.standalone_question.endswith("?"), reply.standalone_question
    assert _correct(reply, keywords) and reply.citations, reply.answer


@pytest.mark.parametrize(("question", "history"), [
    ("Who is Mohammed Shia Al-Sudani's adviser?", []),
    # refused before 2026-12-07: the judge read 'The answer to "…" is: Abul Ameer Thuaiban' at 0.71, but the reply alone
    # and the sentence naming him were each read to answer it at P < 0.5
    ("Who advises Mohammed Shia Al-Sudani?", []),
    ("Who is his adviser?", [{"role": "user", "content": "What is the prime minister's name?"},
                             {"role": "assistant", "content": "The prime minister's name is Mohammed Shia Al-Sudani [1]."}]),
])
def test_a_reply_of_a_few_words_is_kept_when_its_sentence_answers(bot, question: str, history: list[dict]) -> None:  # type: ignore[no-untyped-def]
    # the draft "Abul Ameer Thuaiban" was judged supported, but read alone it gave no answer (P 0.18), and the sentence
    # naming him answered at 0.63, under the bar for quoting a sentence the draft didn't give: "The article doesn't say."
    _check(bot, question, [["thuaiban"]], history)


def test_a_draft_that_counts_what_it_lists_is_checked_as_the_list(bot) -> None:  # type: ignore[no-untyped-def]
    # the right draft "The article mentions two militias named Kataib Hezbollah and Nujaba." failed the checks ("two" is
    # in no sentence naming them), and a sentence beside the point (Kenani's preference) was quoted instead
    _check(bot, "Which militias are named?", [["kataib*"], ["nujaba"]])


def test_a_draft_that_misstates_the_answer_still_points_at_the_sentence_that_holds_it(bot) -> None:  # type: ignore[no-untyped-def]
    # the draft "The militias say they will continue to strike Israel and the United States." rightly fails, and the
    # sentence it was cited to (they vow both nations "would pay a price") shares too few words with "America" and
    # "militias" to rank among the three sentences asked whether they answer: "The article doesn't say."
    _check(bot, "What do the militias say they will do to Israel and America?", [["price"]])


@pytest.mark.parametrize(("question", "keywords"), [
    ("How many times did Iraq send security officials to Tehran?", [["two"]]),
    ("Is Kenani Sunni or Shiite?", [["shiite"]]),
    # refused before 2026-12-07 (session 32): the draft "… for recent strikes on Iran" is cited to the sentence that writes
    # "U.S." (and "military", which matches "militias"), not the one that writes "United States", where it is not judged supported
    ("What do the militias say Israel and the U.S. are guilty of?", [["strikes"], ["iran"]]),
])
def test_a_sentence_a_failed_draft_points_at_is_quoted_when_read_as_the_answer(bot, question: str,  # type: ignore[no-untyped-def]
                                                                              keywords: list[list[str]]) -> None:
    # refused before 2410494: the drafts ("… reached out to Tehran twice for diplomatic missions.", judged 0.54; "Yes,
    # Kenani is Sunni.") fail their checks, and the sentence they are cited to, read as the answer at P 0.66 and 0.69, was
    # held to the bar for sentences nothing points at (0.75)
    _check(bot, question, keywords)


def test_a_party_the_article_names_is_not_given_what_another_party_does(bot) -> None:  # type: ignore[no-untyped-def]
    # the draft "The coalition members disagree about whether Iraq should relocate its activities to the active combat
    # zones in Gaza or Lebanon." passed the judge (P >= 0.5): in the article the militias relocate, and Iraq is spared
    reply = _streamed(bot, "What do the coalition members disagree about?")
    assert not re.search(r"\bIraq (?:\w+ )?relocates?\b", reply.answer), reply.answer


def test_a_quote_the_draft_opens_is_closed_in_the_answer(bot) -> None:  # type: ignore[no-untyped-def]
    # the draft ended 'Israel. "', the closing quote read as a sentence of its own and dropped
    reply = _streamed(bot, "Who supports the militias?")
    assert reply.answer.count('"') % 2 == 0 and reply.answer.count("“") == reply.answer.count("”"), reply.answer


@pytest.mark.parametrize("question", ["How did Israel react to Iraq's outreach to the U.S.?",
                                      "Which American diplomat is handling Iraq's request?"])
def test_a_sentence_read_after_the_one_before_it_answers_only_how_or_why_of_its_own_party(bot, question: str) -> None:  # type: ignore[no-untyped-def]
    # read after "Iraq has reached out to the United States …", the draft "The U.S. expressed an understanding of Baghdad's
    # concerns …" reads as the answer to both (P 0.74 to the first): answered so until it had to speak first of the party
    # the question asks about, and the question had to ask how or why
    reply = _streamed(bot, question)
    assert reply.refused, reply.answer


def test_no_one_is_said_to_have_said_what_the_article_says_in_its_own_words(bot) -> None:  # type: ignore[no-untyped-def]
    # before 2026-12-07: "Israel said that Iraq is carefully navigating its position amid rising regional tensions …",
    # the article's first sentence put in Israel's mouth (judge P 0.73)
    reply = _streamed(bot, "What did Israel say about Iraq?")
    assert reply.refused, reply.answer


@pytest.mark.parametrize("question", ["Was Thuaiban educated abroad?", "Did Israel warn Iraq directly?"])
def test_a_no_that_only_restates_the_question_does_not_answer_what_the_article_never_says(bot, question: str) -> None:  # type: ignore[no-untyped-def]
    # answered "No: A senior adviser to Prime Minister Sudani, Abul Ameer Thuaiban, echoed this sentiment, …" before this
    # change: the drafts "No, Thuaiban was not educated abroad." and "No." pass the judge, cited to the sentence that
    # best matches the question's words, which was then quoted at the draft's bar (P >= 0.5; read at 0.75 and 0.60)
    reply = _streamed(bot, question)
    assert reply.refused, reply.answer


def test_a_sentence_that_refers_back_is_judged_after_the_one_it_refers_to(bot) -> None:  # type: ignore[no-untyped-def]
    # before 2026-12-07 (session 31) Kenani's own sentence, quoted: the right draft "Abul Ameer Thuaiban echoed Kenani's
    # sentiment." was judged against his sentence alone ("… echoed this sentiment", P 0.23), not after Kenani's (0.98)
    _check(bot, "Who echoed Kenani's sentiment?", [["thuaiban"]])
