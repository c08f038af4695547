"""Which samples each optimizer step trains, and which of them each process takes.

The order depends on the seed and the epoch only, never on the number of processes: a step
is `batch_size` samples (the last of an epoch may be shorter); process r of W takes the r-th
contiguous share and splits it into micro-batches. The loss of a step is the sum over its
trained tokens divided by their number in the whole step, so one process and W processes
compute the same gradient.
"""

from __future__ import annotations

import math

import numpy as np

from soulchat_local.errors import UserError


def steps(
    n_samples: int, batch_size: int, epochs: int, seed: int, max_steps: int | None = None
) -> list[list[int]]:
    out: list[list[int]] = []
    for epoch in range(epochs):
        order = np.random.default_rng([seed, epoch]).permutation(n_samples).tolist()
        out += [order[i : i + batch_size] for i in range(0, n_samples, batch_size)]
    return out[:max_steps] if max_steps else out


def accumulation(batch_size: int, micro_batch: int, world: int) -> int:
    """Micro-batches per process per step."""
    if batch_size % (micro_batch * world):
        raise UserError(
            f"--batch-size {batch_size} must be a multiple of --micro-batch {micro_batch} times "
            f"the {world} process(es)"
        )
    return batch_size // (micro_batch * world)


def share(step: list[int], rank: int, world: int, micro_batch: int, accum: int) -> list[list[int]]:
    """This process's micro-batches of `step`: exactly `accum` lists, some empty at an epoch's end."""
    per = micro_batch * accum
    mine = step[rank * per : (rank + 1) * per]
    return [mine[k * micro_batch : (k + 1) * micro_batch] for k in range(accum)]


def warmup_steps(total: int, ratio: float) -> int:
    return math.ceil(total * ratio)
