"""Chat models behind one LangChain interface: the embedded GGUF model, or an OpenAI-compatible endpoint.

Why an adapter of our own for the embedded model: it keeps the KV state of the fixed prompt prefix
(the system prompt with the article) in memory and on disk, so a turn prefills only the question,
and it exposes P("Yes") for the support judge, which a chat-completions API can't give cheaply.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import math
import os
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator
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

__all__ = ["LocalLlama", "ChatLocalLlama", "build_chat_model", "generate", "lookup", "yes_probability"]

_ROLES = {"system": "system", "human": "user", "ai": "assistant"}
_STOP = ["<|im_end|>", "<|endoftext|>", "<|im_start|>"]
# KV states of short prompt heads kept in memory (a judged passage: ~3 MB each), least recently used dropped first.
_HEAD_CACHE_BYTES = 256 * 1024 * 1024
# Saved states on disk (article prefixes, prompt heads): the least recently used are deleted past this size.
_STATE_DIR_BYTES = 1024 * 1024 * 1024


def _shared(a: Iterable[int], b: Iterable[int]) -> int:
    """How many leading tokens two token sequences have in common."""
    count = 0
    for x, y in zip(a, b):
        if x != y:
            break
        count += 1
    return count


def lookup(tokens: list[int], count: int) -> list[int]:
    """The `count` tokens that followed the last place where the sequence's last 4, 3 or 2 tokens occurred before
    (the longest such match, latest place first): the guess that the text goes on copying the prompt.

    Why these sizes: a single shared token ("the") guesses wrong too often to pay; on 2 cores a batch of 4 (the next
    token and 3 guessed) costs ~1.7 single steps, a batch of 8 ~3 (so longer guesses pay less: measured on the dev split).
    """
    if count <= 0:
        return []
    for size in (4, 3, 2):
        tail = tokens[-size:]
        for start in range(len(tokens) - size - 1, -1, -1):
            if tokens[start: start + size] == tail:
                return tokens[start + size: start + size + count]
    return []


def chatml(messages: list[BaseMessage], open_assistant: bool = True) -> str:
    """Qwen's ChatML prompt for `messages`, ending with an open assistant turn; a last assistant message is that turn's
    start, for the model to go on from (as "No," is, to have the reason written after a bare "No.")."""
    if open_assistant and messages and messages[-1].type == "ai":
        return chatml(messages[:-1]) + str(messages[-1].content)
    parts = [f"<|im_start|>{_ROLES.get(m.type, 'user')}\n{m.content}<|im_end|>\n" for m in messages]
    return "".join(parts) + ("<|im_start|>assistant\n" if open_assistant else "")


class LocalLlama:
    """The embedded model: one llama.cpp context, shared by all callers under a lock."""

    def __init__(self, model_path: Path, n_ctx: int, n_threads: int, state_dir: Path, lookup_tokens: int = 0) -> None:
        try:
            import llama_cpp
        except ImportError:
            raise ChatbotError("llama-cpp-python is missing: reinstall the project (see README)") from None
        self._llm = llama_cpp.Llama(model_path=str(model_path), n_ctx=n_ctx, n_threads=n_threads, n_batch=512, verbose=False)
        # Part of every saved state's key: a state another build computed (AVX2 or AVX-512, another version) differs in
        # its last digits, so loading it would change answers (or fail to load).
        self._build = f"{llama_cpp.__version__} {llama_cpp.llama_print_system_info().decode()}"
        self._state_dir = state_dir
        self._lock = threading.RLock()
        self._pinned: tuple[tuple[int, ...], bytes] | None = None  # the article prefix: never evicted
        self._base: tuple[int, ...] = ()  # the kept state the context was computed on from (empty: from nothing)
        self._heads: OrderedDict[tuple[int, ...], bytes] = OrderedDict()
        self._lookup_tokens = lookup_tokens
        self._stop = {t for text in _STOP for t in self._llm.tokenize(text.encode(), add_bos=False, special=True)}
        self._yes = self._single_tokens(("Yes", " Yes", "yes", " yes"))
        self._no = self._single_tokens(("No", " No", "no", " no"))

    def _single_tokens(self, words: tuple[str, ...]) -> list[int]:
        ids = [self._llm.tokenize(w.encode(), add_bos=False, special=False) for w in words]
        return [t[0] for t in ids if len(t) == 1]

    def tokenize(self, text: str) -> list[int]:
        return self._llm.tokenize(text.encode("utf-8"), add_bos=False, special=True)

    def count_tokens(self, text: str) -> int:
        return len(self._llm.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def _start(self, tokens: list[int]) -> int:
        """Put the context at the longest kept state that `tokens` start with (the article prefix, a cached prompt head), or
        empty when none does; how many of `tokens` it then holds.

        Why only kept states, not whatever the last call left: where a prefill starts changes llama.cpp's batches and so
        the last digits of the logits, enough to flip a greedy token or a judgement near its bar; from a kept state the
        same prompt is computed the same way whatever was asked before, so a question gets the same answer every time.
        """
        kept = [*self._heads.items(), *([self._pinned] if self._pinned is not None else [])]
        best = max(((head, state) for head, state in kept if len(head) <= len(tokens) and tuple(tokens[: len(head)]) == head),
                   key=lambda k: len(k[0]), default=None)
        if best is None:
            self._base = ()
            self._llm.n_tokens = 0
            return 0
        head, state = best
        if self._base != head or _shared(self._llm.input_ids[: self._llm.n_tokens], head) < len(head):
            self._restore(head, state)
        self._llm.n_tokens = len(head)
        if head in self._heads:
            self._heads.move_to_end(head)
        return len(head)

    def _restore(self, tokens: tuple[int, ...], state: bytes) -> None:
        import llama_cpp

        llm = self._llm
        buffer = (ctypes.c_uint8 * len(state)).from_buffer_copy(state)
        llama_cpp.llama_state_set_data(llm._ctx.ctx, buffer, len(state))
        llm.input_ids[: len(tokens)] = tokens
        llm.n_tokens = len(tokens)
        self._base = tokens

    def _decode_prefix(self, tokens: list[int]) -> None:
        """Make the context hold `tokens` with live logits, from the longest kept state they start with."""
        llm = self._llm
        llm.n_tokens = min(self._start(tokens), len(tokens) - 1)
        llm.eval(tokens[llm.n_tokens:])  # drops the cache past n_tokens first

    def _state(self) -> bytes:
        import llama_cpp

        size = llama_cpp.llama_state_get_size(self._llm._ctx.ctx)
        buffer = (ctypes.c_uint8 * size)()
        used = llama_cpp.llama_state_get_data(self._llm._ctx.ctx, buffer, size)
        return ctypes.string_at(buffer, used)  # not bytes(buffer[:used]): that goes through a list of ints (0.4 s for 18 MB)

    def _pin(self, tokens: list[int]) -> None:
        """Keep a copy of the context's state for `tokens` in memory, so other prompts can't evict it."""
        self._pinned = (tuple(tokens), self._state())

    def _state_path(self, kind: str, tokens: list[int]) -> Path:
        key = hashlib.sha256(f"{CHAT_MODEL_SHA256}\n{self._build}\n{self._llm.n_ctx()}\n{tokens}".encode()).hexdigest()[:20]
        return self._state_dir / f"{kind}-{key}.state"

    def _hold(self, tokens: list[int], path: Path) -> None:
        """Make the context hold `tokens`: from the state saved at `path`, or computed and saved there for the next process."""
        import llama_cpp

        llm = self._llm
        if path.exists():
            out = (llama_cpp.llama_token * len(tokens))()
            count = ctypes.c_size_t(0)
            if llama_cpp.llama_state_load_file(llm._ctx.ctx, str(path).encode(), out, len(tokens), ctypes.byref(count)) \
                    and list(out[: count.value]) == tokens:
                llm.input_ids[: len(tokens)] = tokens
                llm.n_tokens = len(tokens)
                self._base = tuple(tokens)
                self._touch(path)
                return
        llm.reset()  # computed from nothing, as in any other process: a kept state doesn't depend on what was asked before
        llm.eval(tokens)
        self._base = tuple(tokens)
        self._state_dir.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".partial-{os.getpid()}")
        array = (llama_cpp.llama_token * len(tokens))(*tokens)
        if llama_cpp.llama_state_save_file(llm._ctx.ctx, str(partial).encode(), array, len(tokens)):
            os.replace(partial, path)
            self._prune_states()

    @staticmethod
    def _touch(path: Path) -> None:
        """Mark a saved state as just used: pruning goes by last use, so the article every question reads stays on disk
        however many passage states are written after it (by write time it was the first to go, ~8 s to prefill again)."""
        with contextlib.suppress(OSError):  # pruned by another process meanwhile: saved again when next needed
            os.utime(path)

    def _prune_states(self) -> None:
        """Delete the least recently used saved states past `_STATE_DIR_BYTES`."""
        try:  # another process may be pruning the same folder
            files = sorted(((f.stat().st_mtime, f.stat().st_size, f) for f in self._state_dir.glob("*.state")), reverse=True)
            total = 0
            for _, size, file in files:
                total += size
                if total > _STATE_DIR_BYTES:
                    file.unlink(missing_ok=True)
        except OSError:
            pass

    def _keep_head(self, tokens: list[int]) -> None:
        """Keep the state of a prompt head in memory (and on disk), so later prompts that start with it skip its prefill."""
        if tuple(tokens) in self._heads:
            return
        self._hold(tokens, self._state_path("head", tokens))
        self._heads[tuple(tokens)] = self._state()
        while sum(len(v) for v in self._heads.values()) > _HEAD_CACHE_BYTES:
            self._heads.popitem(last=False)

    def warm_prefix(self, prefix: str) -> None:
        """Load the KV state of `prefix` from disk, or compute and save it, so a new process skips its prefill."""
        tokens = self.tokenize(prefix)
        with self._lock:
            if self._pinned is None or self._pinned[0] != tuple(tokens):
                self._hold(tokens, self._state_path("prefix", tokens))
                self._pin(tokens)

    def _logits(self, i: int) -> Any:
        """The logits computed for position `i` of the last batch (-1: its last), as a numpy view (no copy)."""
        import llama_cpp
        import numpy as np

        return np.ctypeslib.as_array(llama_cpp.llama_get_logits_ith(self._llm._ctx.ctx, i), shape=(self._llm.n_vocab(),))

    def _keep_shared_head(self, tokens: list[int], head: str) -> None:
        """Keep the state of the tokens `tokens` share with `head` (a fixed prompt head), for the next prompt that starts
        the same; the head's last token may merge with what follows it, so only the shared tokens count."""
        shared = _shared(self.tokenize(head), tokens) if head else 0
        if 0 < shared < len(tokens):
            self._keep_head(tokens[:shared])

    def stream(self, prompt: str, max_tokens: int, head: str = "") -> Iterator[str]:
        """Greedy completion of `prompt`, piece by piece, each step checking the tokens that follow the last words
        where they occur earlier in the prompt (prompt-lookup drafting; see `lookup`); the state of its `head` is kept.

        Why: an answer mostly copies the article's words, and on 2 cores decoding 4 tokens in one batch costs less than
        2 one at a time (~130 ms against ~75 ms each, measured here); a token is kept only where it is the one greedy
        decoding picks there, so the answer is the plain greedy one but for the last digits of batched logits.
        """
        llm = self._llm
        tokens = self.tokenize(prompt)
        with self._lock:
            self._keep_shared_head(tokens, head)
            self._decode_prefix(tokens)

            def best(i: int) -> int:
                return int(self._logits(i).argmax())

            limit = min(max_tokens, llm.n_ctx() - len(tokens) - 1)
            text, out, token = "", list[int](), best(-1)
            while token not in self._stop and len(out) < limit:
                out.append(token)
                draft = lookup([*tokens, *out], self._lookup_tokens)[: limit - len(out)]
                start = llm.n_tokens
                llm._ctx.kv_cache_seq_rm(-1, start, -1)
                llm._batch.set_batch(batch=[token, *draft], n_past=start, logits_all=True)
                llm._ctx.decode(llm._batch)
                kept = 0
                while kept < len(draft) and draft[kept] not in self._stop and best(kept) == draft[kept]:
                    kept += 1
                out.extend(draft[:kept])
                llm.input_ids[start: start + 1 + kept] = [token, *draft[:kept]]
                llm.n_tokens = start + 1 + kept
                token = best(kept)
                piece = llm.detokenize(out).decode("utf-8", errors="ignore")  # a character split over tokens waits for its end
                if len(piece) > len(text):
                    yield piece[len(text):]
                    text = piece

    def yes_probability(self, prompt: str, head: str = "") -> float:
        """P(Yes) / (P(Yes) + P(No)) for the next token after `prompt`; the KV state of its `head` is kept for reuse.

        Why keep heads: the support judge asks about the same article passages again and again; with the
        passage's state kept, a call prefills only the claim (~0.5 s on 2 cores instead of ~1.2 s).
        """
        import numpy as np

        with self._lock:
            tokens = self.tokenize(prompt)
            self._keep_shared_head(tokens, head)
            self._decode_prefix(tokens)
            logits = self._logits(-1)
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
        prompt = chatml(messages)
        for piece in self.engine.stream(prompt, kwargs.get("max_tokens", self.max_tokens), _head(prompt, kwargs.get("reuse_until", ""))):
            chunk = ChatGenerationChunk(message=AIMessageChunk(content=piece))
            if run_manager:
                run_manager.on_llm_new_token(piece, chunk=chunk)
            yield chunk

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> ChatResult:
        text = "".join(c.text for c in self._stream(messages, stop, run_manager, **kwargs))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])


def _head(prompt: str, reuse_until: str) -> str:
    """The prompt up to `reuse_until` (empty when it isn't there): the part whose KV state is kept for reuse."""
    return prompt[: prompt.index(reuse_until)] if reuse_until and reuse_until in prompt else ""


def generate(model: BaseChatModel, messages: list[BaseMessage], max_tokens: int, reuse_until: str = "") -> str:
    """The model's reply to `messages`. `reuse_until`: the embedded model keeps the KV state of the prompt up to this
    text (a fixed instruction after the article), for the next call that starts the same; other backends ignore it."""
    if isinstance(model, ChatLocalLlama):
        return str(model.invoke(messages, max_tokens=max_tokens, reuse_until=reuse_until).content)
    return str(model.invoke(messages, max_tokens=max_tokens).content)


def yes_probability(model: BaseChatModel, messages: list[BaseMessage], reuse_until: str = "") -> float:
    """How sure the model is that the answer to `messages` is Yes; exact for the embedded model, 0/1 elsewhere.
    `reuse_until`: the embedded model keeps the KV state of the prompt up to this text, for the next call that starts the same."""
    if isinstance(model, ChatLocalLlama):
        prompt = chatml(messages)
        return float(model.engine.yes_probability(prompt, _head(prompt, reuse_until)))
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
    engine = LocalLlama(path, settings.n_ctx, settings.n_threads, settings.cache_dir / "states", settings.lookup_tokens)
    return ChatLocalLlama(engine=engine, max_tokens=settings.max_answer_tokens)


