"""Quality report: perplexity, mean KL divergence against the F16 file, and top-1 agreement,
measured by llama.cpp itself on the built-in counselling dialogues.

The reference's log-probabilities are kept in a temporary memory-mapped file, so only
one model is loaded at a time.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from .dialogues import DIALOGUES, Dialogue, render_plain
from .native_log import capture_stderr


@dataclass
class QualityRow:
    file: str
    type: str
    size_bytes: int
    perplexity: float
    mean_kl: float | None
    top1_agreement: float | None
    tokens: int = 0


def _log_softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits.astype(np.float32) - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True, dtype=np.float64)).astype(np.float32)


def _render(llm, dialogue: Dialogue) -> str:
    template = llm.metadata.get("tokenizer.chat_template")
    if template:
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        def text(key: str) -> str:
            tid = llm.metadata.get(key)
            return llm.detokenize([int(tid)], special=True).decode("utf-8", "replace") if tid is not None else ""

        try:
            fmt = Jinja2ChatFormatter(template, eos_token=text("tokenizer.ggml.eos_token_id"),
                                      bos_token=text("tokenizer.ggml.bos_token_id"))
            return fmt(messages=dialogue).prompt
        except Exception:  # noqa: BLE001 - a template we cannot render: fall back to plain text
            pass
    return render_plain(dialogue)


def _open(path: Path, n_ctx: int):
    from soulchat_local.llama_engine import open_llama

    with capture_stderr():
        return open_llama(str(path), n_ctx=n_ctx, logits_all=True, verbose=False,
                          n_threads=os.cpu_count() or 1, n_gpu_layers=0)


def _tokens(llm) -> list[list[int]]:
    out = []
    for dialogue in DIALOGUES:
        toks = llm.tokenize(_render(llm, dialogue).encode("utf-8"), add_bos=True, special=True)
        if len(toks) > 1 and toks[0] == toks[1] == llm.token_bos():
            toks = toks[1:]
        out.append(toks)
    return out


def _logprobs(llm, tokens: list[int]) -> np.ndarray:
    llm.reset()
    llm.eval(tokens)
    return _log_softmax(np.asarray(llm.scores[: len(tokens)]))


def _ppl(logp: np.ndarray, tokens: list[int]) -> tuple[float, int]:
    nll = -logp[np.arange(len(tokens) - 1), tokens[1:]]
    return float(nll.sum()), len(tokens) - 1


def evaluate(reference: Path, others: list[tuple[str, Path]], ref_type: str = "F16") -> list[QualityRow]:
    """Score `reference` and each (type, path) in `others` against it."""
    llm = _open(reference, 512)
    token_sets = _tokens(llm)
    n_ctx = max(len(t) for t in token_sets) + 8
    del llm
    llm = _open(reference, n_ctx)
    n_vocab = llm.n_vocab()
    total = sum(len(t) for t in token_sets)
    rows: list[QualityRow] = []
    with tempfile.TemporaryDirectory(prefix="soulchat-quality-", dir=reference.parent) as tmp:
        ref = np.memmap(Path(tmp) / "ref.f32", dtype=np.float32, mode="w+", shape=(total, n_vocab))
        nll = count = 0.0
        pos = 0
        for toks in token_sets:
            logp = _logprobs(llm, toks)
            ref[pos:pos + len(toks)] = logp
            s, c = _ppl(logp, toks)
            nll, count, pos = nll + s, count + c, pos + len(toks)
        del llm
        rows.append(QualityRow(reference.name, ref_type, reference.stat().st_size,
                               math.exp(nll / count), None, None, total))
        for qtype, path in others:
            llm = _open(path, n_ctx)
            nll = count = kl_sum = agree = 0.0
            pos = 0
            for toks in token_sets:
                logp = _logprobs(llm, toks)
                r = np.asarray(ref[pos:pos + len(toks)])
                kl_sum += float((np.exp(r) * (r - logp)).sum(axis=-1).sum())
                agree += float((r.argmax(axis=-1) == logp.argmax(axis=-1)).sum())
                s, c = _ppl(logp, toks)
                nll, count, pos = nll + s, count + c, pos + len(toks)
            del llm
            rows.append(QualityRow(path.name, qtype.upper(), path.stat().st_size,
                                   math.exp(nll / count), kl_sum / total, agree / total, total))
        del ref
    return rows


def format_table(rows: list[QualityRow]) -> str:
    header = f"{'type':<8} {'size':>10} {'perplexity':>11} {'mean KL':>9} {'top-1':>7}  file"
    lines = [header, "-" * len(header)]
    for r in rows:
        kl = "ref" if r.mean_kl is None else f"{r.mean_kl:.5f}"
        top1 = "ref" if r.top1_agreement is None else f"{r.top1_agreement * 100:.1f}%"
        lines.append(f"{r.type:<8} {r.size_bytes / 2**20:>8.1f}MB {r.perplexity:>11.4f} {kl:>9} {top1:>7}  {r.file}")
    return "\n".join(lines)


def save_report(path: Path, rows: list[QualityRow], source: str) -> None:
    payload = {
        "source": source,
        "reference": rows[0].file,
        "dialogues": len(DIALOGUES),
        "languages": ["zh", "en"],
        "results": [asdict(r) for r in rows],
    }
    tmp = path.with_name(f".{path.name}.partial")
    tmp.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)
