from chatbot.lexical import content_terms, full_names, match_keys, numbers


def test_content_terms_drop_stopwords_and_fold_forms() -> None:
    terms = content_terms("Did the missions to Tehran’s leaders succeed?")
    assert len(terms) == 4 and "the" not in terms and "did" not in terms
    assert terms == content_terms("mission Tehran leader succeeds")
    assert content_terms("retaliation")[0][:5] == content_terms("retaliatory")[0][:5]


def test_numbers_read_digits_and_small_number_words() -> None:
    assert numbers("two missions in 2024 and 3.5 million") == {"2", "2024", "3.5"}


def test_full_names_are_the_people_and_groups_named_in_several_words_not_places_or_headline_words() -> None:
    text = ("Iraq Caught Between Regional Tensions as Militias Target Israel\n"
            "A senior adviser to Prime Minister Sudani, Abul Ameer Thuaiban, echoed this sentiment. Nonetheless, Kataib "
            "Hezbollah view Israel as liable for strikes on Iran. While Iraq has no formal ties, The U.S. has expressed concern.")
    assert full_names(text) == match_keys("Prime Minister Sudani Abul Ameer Thuaiban Kataib Hezbollah")
