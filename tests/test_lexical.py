from chatbot.lexical import (
    capitalised_keys,
    content_terms,
    counts,
    durations,
    first_capitalised_key,
    full_names,
    match_keys,
    name_words,
    names,
    numbers,
)


def test_content_terms_drop_stopwords_and_fold_forms() -> None:
    terms = content_terms("Did the missions to Tehran’s leaders succeed?")
    assert len(terms) == 4 and "the" not in terms and "did" not in terms
    assert terms == content_terms("mission Tehran leader succeeds")
    assert content_terms("retaliation")[0][:5] == content_terms("retaliatory")[0][:5]


def test_a_count_is_a_number_with_the_words_after_it_not_a_bound_a_part_or_a_rank() -> None:
    assert counts("Did Iraq send three missions to Tehran?") == [("3", {"missi"})]
    assert counts("two recent diplomatic missions to Tehran") == [("2", {"recen", "diplo", "missi"})]
    assert counts("Did Iraq send more than one delegation?") == []
    assert counts("Is Kataib Hezbollah one of the militias?") == []
    assert counts("the first mission, in 2024 the talks") == []


def test_numbers_read_digits_and_small_number_words() -> None:
    assert numbers("two missions in 2024 and 3.5 million") == {"2", "2024", "3.5"}


def test_durations_read_units_of_time_in_any_number() -> None:
    assert durations("for several years, a decade and three months") == {"year", "decade", "month"}
    assert durations("today's daily talks") == set()


def test_full_names_are_the_people_and_groups_named_in_several_words_not_places_or_headline_words() -> None:
    text = ("Iraq Caught Between Regional Tensions as Militias Target Israel\n"
            "A senior adviser to Prime Minister Sudani, Abul Ameer Thuaiban, echoed this sentiment. Nonetheless, Kataib "
            "Hezbollah view Israel as liable for strikes on Iran. While Iraq has no formal ties, The U.S. has expressed concern.")
    assert full_names(text).words == match_keys("Prime Minister Sudani Abul Ameer Thuaiban Kataib Hezbollah")


def test_a_name_given_by_its_last_word_names_the_whole_name_and_no_one_else() -> None:
    people = full_names("Prime Minister Mohammed Shia Al-Sudani’s government is aware. Ahmed Kenani spoke.")
    assert match_keys("Mohammed Shia Al-Sudani") <= people.named_in("A senior adviser to Prime Minister Sudani spoke.")
    assert people.named_in("Kenani spoke.") == match_keys("Ahmed Kenani spoke.")
    assert not match_keys("Ahmed") & people.named_in("Prime Minister Sudani spoke.")
    assert people.named_in("Ahmed spoke.") == match_keys("Ahmed spoke.")  # a first name doesn't stand for the whole name
    assert not match_keys("Ahmed") & full_names("Ahmed Kenani spoke.").named_in("Words kenani.")  # a name is capitalised


def test_a_claim_is_read_with_the_names_its_passage_gives() -> None:
    people = full_names("Prime Minister Mohammed Shia Al-Sudani’s government is aware. Kataib Hezbollah and Ahmed Kenani spoke.")
    passage = "A senior adviser to Prime Minister Sudani echoed it; Kataib Hezbollah pressed on."
    assert people.shortened("An adviser to Prime Minister Mohammed Shia Al-Sudani’s office spoke.", passage) == \
        "An adviser to Prime Minister Sudani’s office spoke."
    assert people.shortened("Iran-backed Kataib Hezbollah pressed on.", passage) == "Iran-backed Kataib Hezbollah pressed on."
    assert people.shortened("Ahmed Kenani spoke.", passage) == "Ahmed Kenani spoke."  # the passage doesn't name him
    assert people.shortened("In The end, Kenani spoke.", "A senior adviser spoke.") == "In The end, Kenani spoke."  # no name


def test_the_people_a_text_gives_are_keyed_by_last_word_and_written_at_their_longest() -> None:
    people = full_names("Prime Minister Mohammed Shia Al-Sudani’s government is aware. Kataib Hezbollah and Ahmed Kenani spoke.")
    assert people.given_in("Who is Ahmed Kenani?") == {"kenan": "Ahmed Kenani"}
    assert people.given_in("Mainly Kataib Hezbollah’s leaders [1].") == {"hezbo": "Kataib Hezbollah"}  # the name's own words
    assert people.given_in("Sudani met Prime Minister Sudani.") == {"sudan": "Prime Minister Sudani"}
    assert people.given_in("Kenani met Sudani in Baghdad.").keys() == {"kenan", "sudan"}  # a place is no person
    assert people.given_in("A Shiite lawmaker quoted in the article.") == {}


def test_the_first_capitalised_key_skips_stopwords_and_is_among_the_capitalised_keys() -> None:
    assert first_capitalised_key("The U.S. expressed an understanding of Baghdad's concerns.") == "u"
    assert first_capitalised_key("How did Israel react to Iraq's outreach?") == "israe"
    assert first_capitalised_key("no name here") is None
    assert first_capitalised_key("How did Israel react to Iraq?") in capitalised_keys("How did Israel react to Iraq?")


def test_name_words_are_the_capitalised_words_after_a_sentences_first_and_names_their_keys() -> None:
    text = "Militias attacked. Shiite lawmaker Ahmed Kenani spoke to Thuaiban in January."
    assert name_words(text) == ["Ahmed", "Kenani", "Thuaiban", "January"]
    assert names(text) == match_keys("Ahmed Kenani Thuaiban January")
