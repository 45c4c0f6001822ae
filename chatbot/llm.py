"""Chat models behind one LangChain interface: the embedded GGUF model, or an OpenAI-compatible endpoint.

Why an adapter of our own for the embedded model: it keeps the KV state of the fixed prompt prefix
(the system prompt with the article) in memory and on disk, so a turn prefills only the question,
and it exposes P("Yes") for the support judge, which a chat-completions API can't give cheaply.
"""

from __future__ import annotations

import ctypes
import hashlib
import math
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import ConfigDict

from chatbot.checksums import CHAT_MODEL_SHA256
from chatbot.errors import ChatbotError
from chatbot.model_files import chat_model_path
from chatbot.settings import Settings

__all__ = ["LocalLlama", "ChatLocalLlama", "build_chat_model", "yes_probability"]

_ROLES = {"system": "system", "human": "user", "ai": "assistant"}
_STOP = ["<|im_end|>", "<|endoftext|>", "<|im_start|>"]


def chatml(messages: list[BaseMessage], open_assistant: bool = True) -> str:
    """Qwen's ChatML prompt for `messages`, ending with an open assistant turn."""
    parts = [f"<|im_start|>{_ROLES.get(m.type, 'user')}\n{m.content}<|im_end|>\n" for m in messages]
    return "".join(parts) + ("<|im_start|>assistant\n" if open_assistant else "")


class LocalLlama:
    """The embedded model: one llama.cpp context, shared by all callers under a lock."""

    def __init__(self, model_path: Path, n_ctx: int, n_threads: int, state_dir: Path) -> None:
        try:
            from llama_cpp import Llama
        except ImportError:
            raise ChatbotError("llama-cpp-python is missing: reinstall the project (see README)") from None
        self._llm = Llama(model_path=str(model_path), n_ctx=n_ctx, n_threads=n_threads, n_batch=512, verbose=False)
        self._state_dir = state_dir
        self._lock = threading.RLock()
        self._pinned: tuple[list[int], bytes] | None = None
        self._yes = self._single_tokens(("Yes", " Yes", "yes", " yes"))
        self._no = self._single_tokens(("No", " No", "no", " no"))

    def _single_tokens(self, words: tuple[str, ...]) -> list[int]:
        ids = [self._llm.tokenize(w.encode(), add_bos=False, special=False) for w in words]
        return [t[0] for t in ids if len(t) == 1]

    def tokenize(self, text: str) -> list[int]:
        return self._llm.tokenize(text.encode("utf-8"), add_bos=False, special=True)

    def count_tokens(self, text: str) -> int:
        return len(self._llm.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def _cached_prefix(self, tokens: list[int]) -> int:
        """How many leading `tokens` the context already holds, after restoring the pinned prefix if it helps."""
        import llama_cpp

        llm = self._llm
        common = 0
        for cached, wanted in zip(llm.input_ids[: llm.n_tokens], tokens):
            if cached != wanted:
                break
            common += 1
        if self._pinned is not None:
            pinned, state = self._pinned
            if common < len(pinned) <= len(tokens) and tokens[: len(pinned)] == pinned:
                buffer = (ctypes.c_uint8 * len(state)).from_buffer_copy(state)
                llama_cpp.llama_state_set_data(llm._ctx.ctx, buffer, len(state))
                llm.input_ids[: len(pinned)] = pinned
                llm.n_tokens = common = len(pinned)
                llm._requires_eval = True
        return common

    def _decode_prefix(self, tokens: list[int]) -> None:
        """Make the context hold `tokens` with live logits, reusing the longest cached prefix."""
        llm = self._llm
        keep = min(self._cached_prefix(tokens), len(tokens) - 1)
        llm._ctx.kv_cache_seq_rm(-1, keep, -1)
        llm.n_tokens = keep
        llm.eval(tokens[keep:])

    def _pin(self, tokens: list[int]) -> None:
        """Keep a copy of the context's state for `tokens` in memory, so other prompts can't evict it."""
        import llama_cpp

        size = llama_cpp.llama_state_get_size(self._llm._ctx.ctx)
        buffer = (ctypes.c_uint8 * size)()
        used = llama_cpp.llama_state_get_data(self._llm._ctx.ctx, buffer, size)
        self._pinned = (list(tokens), bytes(buffer[:used]))

    def warm_prefix(self, prefix: str) -> None:
        """Load the KV state of `prefix` from disk, or compute and save it, so a new process skips its prefill."""
        import llama_cpp

        tokens = self.tokenize(prefix)
        key = hashlib.sha256(f"{CHAT_MODEL_SHA256}\n{self._llm.n_ctx()}\n{prefix}".encode()).hexdigest()[:20]
        path = self._state_dir / f"prefix-{key}.state"
        with self._lock:
            llm = self._llm
            if self._pinned is not None and self._pinned[0] == tokens:
                return
            if path.exists():
                out = (llama_cpp.llama_token * len(tokens))()
                count = ctypes.c_size_t(0)
                if llama_cpp.llama_state_load_file(llm._ctx.ctx, str(path).encode(), out, len(tokens), ctypes.byref(count)) \
                        and list(out[: count.value]) == tokens:
                    llm.input_ids[: len(tokens)] = tokens
                    llm.n_tokens = len(tokens)
                    llm._requires_eval = True
                    self._pin(tokens)
                    return
                llm.reset()
            self._decode_prefix(tokens)
            self._state_dir.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(f".partial-{os.getpid()}")
            array = (llama_cpp.llama_token * len(tokens))(*tokens)
            if llama_cpp.llama_state_save_file(llm._ctx.ctx, str(partial).encode(), array, len(tokens)):
                os.replace(partial, path)
            self._pin(tokens)

    def stream(self, prompt: str, max_tokens: int) -> Iterator[str]:
        """Greedy completion of `prompt`, piece by piece."""
        tokens = self.tokenize(prompt)
        with self._lock:
            self._cached_prefix(tokens)
            for piece in self._llm.create_completion(tokens, max_tokens=max_tokens, temperature=0.0,
                                                     stop=_STOP, stream=True):
                text = piece["choices"][0]["text"]  # type: ignore[index]
                if text:
                    yield text

    def yes_probability(self, prompt: str) -> float:
        """P(Yes) / (P(Yes) + P(No)) for the next token after `prompt`."""
        import llama_cpp
        import numpy as np

        with self._lock:
            self._decode_prefix(self.tokenize(prompt))
            self._llm._requires_eval = True
            logits = np.ctypeslib.as_array(llama_cpp.llama_get_logits_ith(self._llm._ctx.ctx, -1), shape=(self._llm.n_vocab(),))
            yes = float(np.logaddexp.reduce(logits[self._yes]))
            no = float(np.logaddexp.reduce(logits[self._no]))
        return 1.0 / (1.0 + math.exp(no - yes))


class ChatLocalLlama(BaseChatModel):
    """LangChain chat model over `LocalLlama`, so the chain doesn't care which backend answers."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    engine: Any
    max_tokens: int = 120

    @property
    def _llm_type(self) -> str:
        return "local-llama-cpp"

    def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None,
                run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        for piece in self.engine.stream(chatml(messages), kwargs.get("max_tokens", self.max_tokens)):
            chunk = ChatGenerationChunk(message=AIMessageChunk(content=piece))
            if run_manager:
                run_manager.on_llm_new_token(piece, chunk=chunk)
            yield chunk

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> ChatResult:
        text = "".join(c.text for c in self._stream(messages, stop, run_manager, **kwargs))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])


def yes_probability(model: BaseChatModel, messages: list[BaseMessage]) -> float:
    """How sure the model is that the answer to `messages` is Yes; exact for the embedded model, 0/1 elsewhere."""
    if isinstance(model, ChatLocalLlama):
        return float(model.engine.yes_probability(chatml(messages)))
    reply = str(model.invoke(messages, max_tokens=3).content).strip().lower()
    return 1.0 if reply.startswith("yes") else 0.0


def build_chat_model(settings: Settings) -> BaseChatModel:
    """The chat model chosen by `settings.backend`."""
    if settings.backend == "openai":
        from langchain_openai import ChatOpenAI

        if not settings.openai_base_url:
            raise ChatbotError("backend 'openai' needs CHATBOT_OPENAI_BASE_URL (e.g. http://127.0.0.1:11434/v1)")
        key = os.environ.get(settings.openai_api_key_env, "not-needed")
        return ChatOpenAI(base_url=settings.openai_base_url, model=settings.openai_model, api_key=key,  # type: ignore[arg-type]
                          temperature=0.0, max_tokens=settings.max_answer_tokens, timeout=120, max_retries=1)  # type: ignore[call-arg]
    path = chat_model_path(settings.cache_dir)
    engine = LocalLlama(path, settings.n_ctx, settings.n_threads, settings.cache_dir / "states")
    return ChatLocalLlama(engine=engine, max_tokens=settings.max_answer_tokens)


