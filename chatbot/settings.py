"""All configuration in one place: a typed settings object read from env vars and chatbot.toml.

Why one object: every stage (ingest, retrieval, the model, the app) takes its knobs from here, so a
deployment changes behaviour by configuration alone (`CHATBOT_*` variables or `chatbot.toml`).
"""

from __future__ import annotations

import os
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource

from chatbot.errors import ChatbotError

__all__ = ["Settings", "get_settings"]


def _default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "ask-the-article"


class Settings(BaseSettings):
    """Knobs of the chatbot; each field can be set as CHATBOT_<NAME> or in chatbot.toml."""

    model_config = SettingsConfigDict(env_prefix="CHATBOT_", toml_file="chatbot.toml", extra="ignore")

    corpus_dir: Path = Field(Path("corpus"), description="Folder of .txt/.md articles ingested by default.")
    index_dir: Path = Field(Path(".chroma"), description="Folder of the embedded (persistent) Chroma store.")
    chroma_url: str | None = Field(None, description="URL of a Chroma server; when set it replaces index_dir.")
    collection: str = Field("articles", description="Chroma collection holding the chunks.")
    cache_dir: Path = Field(_default_cache_dir(), description="Where the assembled GGUF model and prefix states live.")

    max_sentences_per_chunk: int = Field(3, ge=1, description="Chunks hold at most this many whole sentences.")
    max_chunk_chars: int = Field(600, ge=100, description="Chunks stop growing past this many characters.")
    ingest_batch_chunks: int = Field(512, ge=1, description="Chunks embedded and stored per ingest batch; a batch is "
                                     "durable once stored, so an ingest stopped midway keeps what it finished.")
    top_k: int = Field(4, ge=1, description="Chunks retrieved per question after fusion.")
    rrf_k: int = Field(60, ge=1, description="Reciprocal-rank-fusion constant.")

    backend: Literal["llamacpp", "openai"] = Field("llamacpp",
                                                   description="Chat model: embedded GGUF or an OpenAI-compatible endpoint.")
    openai_base_url: str | None = Field(None, description="Base URL of the OpenAI-compatible endpoint.")
    openai_model: str = Field("gpt-4o-mini", description="Model name sent to the OpenAI-compatible endpoint.")
    openai_api_key_env: str = Field("OPENAI_API_KEY", description="Environment variable that holds the endpoint's key.")
    n_ctx: int = Field(4096, ge=512, description="Context window of the embedded model.")
    n_threads: int = Field(max(1, os.cpu_count() or 1), ge=1, description="CPU threads for the embedded model.")
    lookup_tokens: int = Field(3, ge=0, le=32, description="Tokens of the prompt guessed to come next in an answer that copies "
                               "it, checked in one batch with the next (0: one token at a time; 3 measured best on 2 cores; "
                               "at most 32, well within llama.cpp's batch).")
    max_answer_tokens: int = Field(120, ge=8, description="Longest answer the model may write.")
    context_token_budget: int = Field(1800, ge=0, description="The articles in scope up to this many tokens are shown whole, as a "
                                                              "cached prefix; past it, the one article retrieval points to "
                                                              "is, if it fits; else retrieved passages.")
    history_token_budget: int = Field(400, ge=0, description="Most recent chat turns kept for the model, in tokens.")
    history_turns: int = Field(2, ge=0, description="Earlier exchanges (question and answer) a follow-up is read with: "
                                                   "a fixed window keeps its cost flat however long the chat.")
    max_question_chars: int = Field(2000, ge=10, description="Longer questions are rejected with a message.")
    support_threshold: float = Field(0.6, ge=0.0, le=1.0, description="Least judged probability that an answer is stated in the article.")
    answerable_threshold: float = Field(0.5, ge=0.0, le=1.0, description="Least probability that a draft's sentence answers "
                                        "the question (not just says something true nearby) for it to be the answer.")
    reason_threshold: float = Field(0.75, ge=0.0, le=1.0, description="Least probability that a drafted yes or no, with its "
                                    "reason, answers the question as its evidence says (not just something true nearby).")
    extract_threshold: float = Field(0.75, ge=0.0, le=1.0, description="Least probability that an article sentence answers the "
                                     "question for it to be quoted as the answer when the draft gives none (1.0: never).")
    extract_pointed_threshold: float = Field(0.6, ge=0.0, le=1.0, description="The same for a sentence a failed draft was "
                                             "cited to: the model's answer and its reading of the sentence agree (1.0: never).")
    extract_margin: float = Field(0.1, ge=0.0, le=1.0, description="How much surer that sentence must be than the other "
                                  "best-matching ones: every sentence looks alike to a question the article doesn't answer.")
    yes_threshold: float = Field(0.75, ge=0.0, le=1.0, description="Least probability of Yes for a yes/no answer (drafted or "
                                 "quoted) to lead with Yes: the small model leans to Yes (P 0.34–0.59 where the passage says no).")
    extract_candidates: int = Field(4, ge=1, description="Best-matching sentences asked whether they answer the question.")
    short_answer_threshold: float = Field(0.45, ge=0.0, le=1.0,
                                          description="The same for answers of a few words, which the judge rates lower even when right.")

    upload_dir: Path = Field(Path("uploads"), description="Where articles added in the browser are kept, a folder per "
                             "browser session, until the session expires.")
    shared_uploads: bool = Field(False, description="Articles added in the browser are seen by every reader, not only by "
                                 "the browser session that added them.")
    max_upload_bytes: int = Field(1_000_000, ge=1, description="Largest article a reader may add in the browser.")
    max_uploads: int = Field(5, ge=0, description="Most articles one browser session may add.")
    upload_ttl_s: int = Field(3600, ge=1, description="A browser session unused this long has its articles removed.")

    host: str = Field("127.0.0.1", description="Address the app binds to.")
    port: int = Field(7860, description="Port the app listens on.")
    share: bool = Field(False, description="Ask Gradio for a public share link (off by default).")
    auth: str | None = Field(None, description="Optional 'user:password' required to use the app.")
    concurrency_limit: int = Field(1, ge=1, description="Answers generated at once by the app (one model, 2 cores).")
    max_queue: int = Field(64, ge=1, description="Requests the app queues before turning new ones away.")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once; a bad value is one line naming where it is set, not a traceback."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            name = "_".join(str(part) for part in error["loc"])
            problems.append(f"CHATBOT_{name.upper()} (or {name} in chatbot.toml): {error['msg']}")
        raise ChatbotError(f"invalid setting {'; '.join(problems)}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ChatbotError(f"chatbot.toml is not valid TOML: {exc}") from None
