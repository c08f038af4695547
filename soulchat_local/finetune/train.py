"""The training loop, on one CPU or GPU or on whatever `accelerate launch` set up (DDP,
DeepSpeed ZeRO, FSDP): the same code, through accelerate's Accelerator.

Checkpoints are accelerate states (model, optimizer, scheduler, every process's RNG) under
OUT/checkpoints/step-N, written under a temporary name and renamed when complete, so a
kill at any moment leaves the last complete one for `--resume`. For LoRA only the trainable
weights are stored. OUT/train_log.jsonl has one line per step.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from soulchat_local.errors import UserError

from . import schedule
from .model import add_lora, device_precision, load_model
from .samples import Sample

IGNORE = -100


@dataclass
class TrainConfig:
    base: Path
    out: Path
    lora: bool = True
    epochs: int = 3
    lr: float | None = None  # None: 1e-4 for LoRA, 1e-5 for full (SoulChat2.0's recipe)
    batch_size: int = 8
    micro_batch: int = 1
    seed: int = 42
    save_every: int = 100
    keep: int = 2
    resume: bool = False
    precision: str = "auto"
    gradient_checkpointing: bool = True
    lora_rank: int = 16
    lora_alpha: float = 32.0
    lora_dropout: float = 0.05
    lora_target: list[str] | None = None
    warmup_ratio: float = 0.03
    weight_decay: float = 0.0
    max_grad_norm: float = 1.0
    max_steps: int | None = None
    log_every: int = 1

    @property
    def learning_rate(self) -> float:
        return self.lr if self.lr is not None else (1e-4 if self.lora else 1e-5)


@dataclass
class TrainResult:
    steps: int
    losses: list[float] = field(default_factory=list)
    tokens_per_s: float = 0.0
    weights: Path | None = None  # OUT/adapter (LoRA) or OUT/model (full)


def _fingerprint(cfg: TrainConfig, samples: list[Sample]) -> dict[str, Any]:
    import hashlib

    h = hashlib.sha256()
    for s in samples:
        h.update(json.dumps([s.input_ids, s.trained]).encode())
    keep = {
        k: v
        for k, v in asdict(cfg).items()
        if k not in ("out", "resume", "save_every", "keep", "log_every")
    }
    keep["base"] = str(Path(cfg.base).resolve())
    keep["learning_rate"] = cfg.learning_rate
    return {"config": keep, "samples": len(samples), "samples_sha256": h.hexdigest()}


def _checkpoints(out: Path) -> list[tuple[int, Path]]:
    root = out / "checkpoints"
    found = []
    for p in root.glob("step-*") if root.is_dir() else []:
        if p.name[5:].isdigit() and (p / "trainer.json").is_file():
            found.append((int(p.name[5:]), p))
    return sorted(found)


def check_run(cfg: TrainConfig, samples: list[Sample]) -> tuple[int, Path | None]:
    """Step to start from and the checkpoint to load; refuses to mix two runs in one --out."""
    print_ = _fingerprint(cfg, samples)
    run_file = cfg.out / "run.json"
    found = _checkpoints(cfg.out)
    if not cfg.resume:
        if found or run_file.exists():
            raise UserError(
                f"{cfg.out} holds an earlier run; pass --resume to continue it or choose another --out"
            )
        return 0, None
    if not run_file.exists():
        raise UserError(f"--resume: {cfg.out} has no run to resume (no run.json)")
    before = json.loads(run_file.read_text(encoding="utf-8"))
    if before != print_:
        diff = [
            k
            for k in set(before["config"]) | set(print_["config"])
            if before["config"].get(k) != print_["config"].get(k)
        ]
        if before["samples_sha256"] != print_["samples_sha256"]:
            diff.append("the data / samples")
        raise UserError(
            f"--resume: this run differs from the one in {cfg.out} in {', '.join(sorted(diff))}"
        )
    if not found:
        return 0, None
    return found[-1]


class _Meter:
    """One progress line on stderr: step, loss, tokens/s, ETA."""

    def __init__(self, total: int, start: int, every: int) -> None:
        self.total, self.start, self.every = total, start, every
        self.t0 = time.monotonic()
        self.tokens = 0
        self.tty = sys.stderr.isatty()

    def rate(self) -> float:
        return self.tokens / max(time.monotonic() - self.t0, 1e-9)

    def show(self, step: int, loss: float, lr: float, tokens: int) -> None:
        self.tokens += tokens
        if not (self.tty or step % self.every == 0 or step == self.total):
            return
        elapsed = time.monotonic() - self.t0
        done = step - self.start
        eta = elapsed / done * (self.total - step) if done else 0.0
        line = (
            f"step {step}/{self.total}  loss {loss:.4f}  lr {lr:.2e}  "
            f"{self.rate():.0f} tok/s  ETA {_duration(eta)}"
        )
        sys.stderr.write(("\r" + line + "\x1b[K") if self.tty else line + "\n")
        if self.tty and step == self.total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def _duration(s: float) -> str:
    s = int(s)
    return f"{s // 3600}h{s % 3600 // 60:02d}m" if s >= 3600 else f"{s // 60}m{s % 60:02d}s"


def collate(batch: list[Sample], pad_id: int):
    import torch

    n = max(len(s.input_ids) for s in batch)
    ids = torch.full((len(batch), n), pad_id, dtype=torch.long)
    mask = torch.zeros((len(batch), n), dtype=torch.long)
    labels = torch.full((len(batch), n), IGNORE, dtype=torch.long)
    for i, s in enumerate(batch):
        k = len(s.input_ids)
        ids[i, :k] = torch.tensor(s.input_ids)
        mask[i, :k] = 1
        labels[i, :k] = torch.tensor(
            [t if on else IGNORE for t, on in zip(s.input_ids, s.trained, strict=True)]
        )
    return ids, mask, labels


def token_loss_sum(model: Any, ids, mask, labels):
    """Sum of the cross-entropy over the trained tokens (label p is predicted at p - 1)."""
    import torch.nn.functional as F

    logits = model(input_ids=ids, attention_mask=mask).logits[:, :-1]
    target = labels[:, 1:]
    return F.cross_entropy(
        logits.float().reshape(-1, logits.shape[-1]),
        target.reshape(-1),
        ignore_index=IGNORE,
        reduction="sum",
    )


def train(cfg: TrainConfig, samples: list[Sample], tokenizer: Any) -> TrainResult:
    import torch
    from accelerate import Accelerator, PartialState
    from accelerate.utils import DistributedType, set_seed
    from transformers import get_cosine_schedule_with_warmup

    if not samples:
        raise UserError("no training samples: the data holds no counsellor turn that fits --cutoff")
    state = PartialState()
    world, rank = state.num_processes, state.process_index
    accum = schedule.accumulation(cfg.batch_size, cfg.micro_batch, world)
    plan = schedule.steps(len(samples), cfg.batch_size, cfg.epochs, cfg.seed, cfg.max_steps)
    total = len(plan)
    print_ = _fingerprint(cfg, samples)
    start, ckpt = check_run(cfg, samples)
    precision = device_precision(cfg.precision)
    acc = Accelerator(
        gradient_accumulation_steps=accum,
        mixed_precision=None if precision == "fp32" else precision,
    )
    if acc.is_main_process:
        cfg.out.mkdir(parents=True, exist_ok=True)
        (cfg.out / "run.json").write_text(json.dumps(print_, indent=2) + "\n", encoding="utf-8")

    set_seed(cfg.seed)
    model = load_model(
        cfg.base,
        lora=cfg.lora,
        precision=precision,
        gradient_checkpointing=cfg.gradient_checkpointing,
    )
    if cfg.lora:
        model = add_lora(
            model,
            rank=cfg.lora_rank,
            alpha=cfg.lora_alpha,
            dropout=cfg.lora_dropout,
            targets=cfg.lora_target,
        )
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=cfg.learning_rate, weight_decay=cfg.weight_decay)
    # stepped here once per optimizer step (accelerate's prepared scheduler steps once per process)
    scheduler = get_cosine_schedule_with_warmup(
        optimizer, schedule.warmup_steps(total, cfg.warmup_ratio), total
    )
    if acc.distributed_type == DistributedType.DEEPSPEED:
        # DeepSpeed's own config must agree with ours (the loss scale assumes `accum`)
        ds = acc.state.deepspeed_plugin.deepspeed_config
        ds.update(
            train_micro_batch_size_per_gpu=cfg.micro_batch,
            gradient_accumulation_steps=accum,
            gradient_clipping=cfg.max_grad_norm,
        )
    model, optimizer = acc.prepare(model, optimizer)
    acc.register_for_checkpointing(scheduler)
    # Plain and DDP runs keep only LoRA's weights in a checkpoint (DeepSpeed and FSDP save shards)
    slim = cfg.lora and acc.distributed_type not in (
        DistributedType.DEEPSPEED,
        DistributedType.FSDP,
    )
    if slim:
        names = {n for n, p in acc.unwrap_model(model).named_parameters() if p.requires_grad}
        acc.register_save_state_pre_hook(_trainable_only(names))
    if ckpt is not None:
        acc.load_state(str(ckpt), **({"strict": False} if slim else {}))
        if acc.is_main_process:
            print(f"resuming from step {start} ({ckpt})", file=sys.stderr, flush=True)

    pad_id = (
        tokenizer.pad_token_id
        if tokenizer.pad_token_id is not None
        else (tokenizer.eos_token_id or 0)
    )
    log_path = cfg.out / "train_log.jsonl"
    if acc.is_main_process:
        _truncate_log(log_path, start)
    meter = _Meter(total, start, cfg.log_every)
    losses: list[float] = []
    t0 = time.monotonic()
    model.train()
    for step_no in range(start + 1, total + 1):
        step = plan[step_no - 1]
        n_trained = sum(samples[i].n_trained for i in step)
        scale = world * accum / max(n_trained, 1)
        local = torch.zeros((), device=acc.device)
        for micro in schedule.share(step, rank, world, cfg.micro_batch, accum):
            batch = [samples[i] for i in micro] or [_ghost(samples[step[0]])]
            ids, mask, labels = (t.to(acc.device) for t in collate(batch, pad_id))
            with acc.accumulate(model):
                loss_sum = token_loss_sum(model, ids, mask, labels)
                acc.backward(loss_sum * scale)
                if acc.sync_gradients and cfg.max_grad_norm:
                    acc.clip_grad_norm_(model.parameters(), cfg.max_grad_norm)
                optimizer.step()
                optimizer.zero_grad()
            local += loss_sum.detach()
        scheduler.step()
        loss = (acc.reduce(local, reduction="sum") / max(n_trained, 1)).item()
        losses.append(loss)
        tokens = sum(len(samples[i].input_ids) for i in step)
        lr = scheduler.get_last_lr()[0]
        if acc.is_main_process:
            meter.show(step_no, loss, lr, tokens)
            with open(log_path, "a", encoding="utf-8") as fh:
                fh.write(
                    json.dumps(
                        {
                            "step": step_no,
                            "loss": loss,
                            "lr": lr,
                            "tokens": tokens,
                            "trained_tokens": n_trained,
                            "elapsed_s": round(time.monotonic() - t0, 4),
                        }
                    )
                    + "\n"
                )
        if cfg.save_every and step_no % cfg.save_every == 0 and step_no < total:
            _save_checkpoint(acc, cfg, step_no)

    weights = _save_weights(acc, model, tokenizer, cfg)
    return TrainResult(total, losses, meter.rate(), weights)


def _ghost(sample: Sample) -> Sample:
    """A micro-batch with nothing trained: every process must run one per accumulation slot."""
    n = min(8, len(sample.input_ids))
    return Sample(sample.input_ids[:n], [False] * n, sample.dialogue)


def _trainable_only(names: set[str]):
    def hook(models: list, weights: list, output_dir: str) -> None:
        for i, w in enumerate(weights):
            weights[i] = {
                k: v for k, v in w.items() if k in names or k.removeprefix("module.") in names
            }

    return hook


def _truncate_log(path: Path, upto: int) -> None:
    if not path.exists():
        return
    kept = [
        ln
        for ln in path.read_text(encoding="utf-8").splitlines()
        if ln.strip() and json.loads(ln)["step"] <= upto
    ]
    path.write_text("".join(ln + "\n" for ln in kept), encoding="utf-8")


def _save_checkpoint(acc: Any, cfg: TrainConfig, step: int) -> None:
    root = cfg.out / "checkpoints"
    tmp = root / f"step-{step}.partial"
    if acc.is_main_process:
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
    acc.wait_for_everyone()
    acc.save_state(str(tmp))
    acc.wait_for_everyone()
    if acc.is_main_process:
        (tmp / "trainer.json").write_text(json.dumps({"step": step}) + "\n", encoding="utf-8")
        final = root / f"step-{step}"
        shutil.rmtree(final, ignore_errors=True)
        tmp.rename(final)
        for _, old in _checkpoints(cfg.out)[: -cfg.keep] if cfg.keep else []:
            shutil.rmtree(old, ignore_errors=True)
    acc.wait_for_everyone()


def _save_weights(acc: Any, model: Any, tokenizer: Any, cfg: TrainConfig) -> Path:
    acc.wait_for_everyone()
    state = acc.get_state_dict(model)  # gathers ZeRO-3 / FSDP shards; every process must call it
    target = cfg.out / ("adapter" if cfg.lora else "model")
    if acc.is_main_process:
        tmp = target.with_name(target.name + ".partial")
        shutil.rmtree(tmp, ignore_errors=True)
        acc.unwrap_model(model).save_pretrained(str(tmp), state_dict=state, safe_serialization=True)
        if not cfg.lora:
            _copy_tokenizer(cfg.base, tmp)
        shutil.rmtree(target, ignore_errors=True)
        tmp.rename(target)
    acc.wait_for_everyone()
    return target


def _copy_tokenizer(base: Path, dest: Path) -> None:
    """The base's own tokenizer files, byte for byte (the converter reads them)."""
    skip = {
        "config.json",
        "generation_config.json",
        "model.safetensors.index.json",
        "pytorch_model.bin.index.json",
    }
    for p in Path(base).iterdir():
        if (
            p.is_file()
            and p.name not in skip
            and p.suffix not in (".safetensors", ".bin", ".pt", ".pth", ".gguf")
        ):
            shutil.copy2(p, dest / p.name)
