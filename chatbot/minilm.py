"""all-MiniLM-L6-v2 sentence vectors with numpy alone, for answering queries without torch.

Why: on a cold start, importing torch + transformers + sentence-transformers costs about 5 s before the
first question can be embedded. This module runs the same weights (``model.safetensors``) and the same
tokenizer (``tokenizer.json``) with numpy, so its vectors match sentence-transformers' to cosine ~0.9999999
and can be used against an index that sentence-transformers built.

The pipeline is sentence-transformers' for this model: BERT forward pass, mean pooling over the attention
mask, L2 normalisation.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
from safetensors.numpy import load_file
from threadpoolctl import threadpool_limits
from tokenizers import Tokenizer

__all__ = ["MiniLM"]

Array = npt.NDArray[np.float32]

# Abramowitz & Stegun 7.1.26: |error| <= 1.5e-7, below float32 resolution of GELU's output here.
_ERF_P = np.float32(0.3275911)
_ERF_A = tuple(np.float32(a) for a in (0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429))
_INV_SQRT2 = np.float32(1.0 / math.sqrt(2.0))


def _erf(x: Array) -> Array:
    """erf for float32 arrays: numpy has none, and `math.erf` per element is far too slow. In place where it can: GELU is hot."""
    a = np.abs(x)
    t = a * _ERF_P
    t += 1.0
    np.reciprocal(t, out=t)
    a1, a2, a3, a4, a5 = _ERF_A
    poly = t * a5
    for coefficient in (a4, a3, a2, a1):
        poly += coefficient
        poly *= t
    np.multiply(a, a, out=a)
    np.negative(a, out=a)
    np.exp(a, out=a)
    poly *= a
    np.subtract(1.0, poly, out=poly)
    return np.copysign(poly, x, out=poly)


def _gelu(x: Array) -> Array:
    """Exact (erf) GELU, as BERT's "gelu" activation; the tanh approximation would cost match quality."""
    y = _erf(x * _INV_SQRT2)
    y += 1.0
    y *= x
    y *= 0.5
    return y


def _layer_norm(x: Array, weight: Array, bias: Array, eps: float) -> Array:
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    var = (centred * centred).mean(axis=-1, keepdims=True)
    return np.asarray(centred / np.sqrt(var + np.float32(eps)) * weight + bias, dtype=np.float32)


class _Layer:
    """One encoder layer's weights, transposed once (x @ W) and with Q, K, V fused into one matmul."""

    def __init__(self, w: dict[str, Array], prefix: str) -> None:
        def get(name: str) -> Array:
            return np.ascontiguousarray(w[prefix + name], dtype=np.float32)

        att = "attention.self."
        self.qkv_w = np.ascontiguousarray(np.concatenate([get(att + n + ".weight") for n in ("query", "key", "value")], axis=0).T)
        self.qkv_b = np.concatenate([get(att + n + ".bias") for n in ("query", "key", "value")])
        self.out_w = np.ascontiguousarray(get("attention.output.dense.weight").T)
        self.out_b = get("attention.output.dense.bias")
        self.ln1_w = get("attention.output.LayerNorm.weight")
        self.ln1_b = get("attention.output.LayerNorm.bias")
        self.mid_w = np.ascontiguousarray(get("intermediate.dense.weight").T)
        self.mid_b = get("intermediate.dense.bias")
        self.ffn_w = np.ascontiguousarray(get("output.dense.weight").T)
        self.ffn_b = get("output.dense.bias")
        self.ln2_w = get("output.LayerNorm.weight")
        self.ln2_b = get("output.LayerNorm.bias")


class MiniLM:
    """Normalised all-MiniLM-L6-v2 vectors from numpy; the same numbers sentence-transformers gives, without its imports."""

    def __init__(self, model_dir: Path) -> None:
        model_dir = Path(model_dir)
        config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
        st_config = json.loads((model_dir / "sentence_bert_config.json").read_text(encoding="utf-8"))
        self.hidden: int = int(config["hidden_size"])
        self.heads: int = int(config["num_attention_heads"])
        self.eps: float = float(config["layer_norm_eps"])
        n_layers = int(config["num_hidden_layers"])
        # sentence-transformers truncates at max_seq_length (256), not tokenizer.json's 128.
        self.max_seq_length: int = min(int(st_config["max_seq_length"]), int(config["max_position_embeddings"]))

        self._tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self._tokenizer.enable_truncation(max_length=self.max_seq_length)
        # tokenizer.json pads to a fixed 128; pad to the longest text of each batch instead.
        self._tokenizer.enable_padding(pad_id=int(config.get("pad_token_id", 0)), pad_token="[PAD]")

        weights = load_file(str(model_dir / "model.safetensors"))
        # The checkpoint may or may not carry BertModel's "bert." prefix.
        prefix = "bert." if "bert.embeddings.word_embeddings.weight" in weights else ""

        def get(name: str) -> Array:
            return np.ascontiguousarray(weights[prefix + name], dtype=np.float32)

        self._word = get("embeddings.word_embeddings.weight")
        self._position = get("embeddings.position_embeddings.weight")
        self._token_type = get("embeddings.token_type_embeddings.weight")
        self._emb_ln_w = get("embeddings.LayerNorm.weight")
        self._emb_ln_b = get("embeddings.LayerNorm.bias")
        self._layers = [_Layer(weights, f"{prefix}encoder.layer.{i}.") for i in range(n_layers)]

    @property
    def dimension(self) -> int:
        return self.hidden

    def knows(self, word: str) -> bool:
        """Whether the vocabulary holds `word` whole: a word common in English text (the names of well-known people and
        places among them), where "Kenani" is cut into pieces."""
        return self._tokenizer.token_to_id(word.lower()) is not None

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> Array:
        """One unit-length float32 row per text, in input order.

        BLAS is held to one thread: on two busy cores a threaded query took ~330 ms against ~9 ms single-threaded.
        """
        if isinstance(texts, str):
            raise TypeError("encode takes a sequence of texts, not a single string")
        out = np.zeros((len(texts), self.hidden), dtype=np.float32)
        if not texts:
            return out
        # Longest first, so each batch pads to texts of similar length (character count is a cheap proxy).
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        with threadpool_limits(1):
            for start in range(0, len(order), max(1, batch_size)):
                idx = order[start : start + batch_size]
                out[idx] = self._encode_batch([texts[i] for i in idx])
        return out

    def _encode_batch(self, texts: list[str]) -> Array:
        encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        type_ids = np.array([e.type_ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.float32)
        hidden = self._forward(ids, type_ids, mask)
        # Mean pooling over real tokens, then L2 normalisation (sentence-transformers' Pooling + Normalize).
        summed = np.einsum("bld,bl->bd", hidden, mask)
        pooled = summed / np.maximum(mask.sum(axis=1, keepdims=True), np.float32(1e-9))
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return np.asarray(pooled / np.maximum(norms, np.float32(1e-12)), dtype=np.float32)

    def _forward(self, ids: npt.NDArray[np.int64], type_ids: npt.NDArray[np.int64], mask: Array) -> Array:
        """BERT encoder: the last hidden state, shape (batch, length, hidden)."""
        batch, length = ids.shape
        heads, head_dim = self.heads, self.hidden // self.heads
        x = self._word[ids] + self._position[:length][None, :, :] + self._token_type[type_ids]
        x = _layer_norm(x, self._emb_ln_w, self._emb_ln_b, self.eps)
        # Padding keys get a large negative score, so softmax gives them ~0 weight.
        bias = ((1.0 - mask) * np.finfo(np.float32).min)[:, None, None, :].astype(np.float32)
        scale = np.float32(1.0 / math.sqrt(head_dim))
        for layer in self._layers:
            qkv = (x @ layer.qkv_w + layer.qkv_b).reshape(batch, length, 3, heads, head_dim)
            q = qkv[:, :, 0].transpose(0, 2, 1, 3)
            k = qkv[:, :, 1].transpose(0, 2, 3, 1)
            v = qkv[:, :, 2].transpose(0, 2, 1, 3)
            probs = q @ k
            probs *= scale
            probs += bias
            probs -= probs.max(axis=-1, keepdims=True)
            np.exp(probs, out=probs)
            probs /= probs.sum(axis=-1, keepdims=True)
            context = (probs @ v).transpose(0, 2, 1, 3).reshape(batch, length, self.hidden)
            x = _layer_norm(context @ layer.out_w + layer.out_b + x, layer.ln1_w, layer.ln1_b, self.eps)
            mid = _gelu(x @ layer.mid_w + layer.mid_b)
            x = _layer_norm(mid @ layer.ffn_w + layer.ffn_b + x, layer.ln2_w, layer.ln2_b, self.eps)
        return x
