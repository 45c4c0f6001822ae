from chatbot.lexical import content_terms, numbers


def test_content_terms_drop_stopwords_and_fold_forms() -> None:
    terms = content_terms("Did the missions to Tehran’s leaders succeed?")
    assert len(terms) == 4 and "the" not in terms and "did" not in terms
    assert terms == content_terms("mission Tehran leader succeeds")
    assert content_terms("retaliation")[0][:5] == content_terms("retaliatory")[0][:5]


def test_numbers_read_digits_and_small_number_words() -> None:
    assert numbers("two missions in 2024 and 3.5 million") == {"2", "2024", "3.5"}
