"""Quant tags in GGUF file names, split GGUF groups, and which quant to pull.

The hub has no field for a file's quantization: by convention the name carries it
(`Model.Q4_K_M.gguf`, `model-q4_k_m.gguf`, `Model-Q8_0-00001-of-00002.gguf`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

DEFAULT_QUANT = "Q4_K_M"

# Best first. Unquantized floats come after every quant: "the best that fits" means
# the best quantized file, not a 16-bit copy several times slower on a CPU.
QUALITY_ORDER = [
    "Q8_0", "Q6_K_L", "Q6_K", "Q5_K_L", "Q5_K_M", "Q5_K_S", "Q5_1", "Q5_0",
    "Q4_K_L", "Q4_K_M", "Q4_K_S", "IQ4_NL", "IQ4_XS", "Q4_1", "Q4_0", "MXFP4",
    "Q3_K_XL", "Q3_K_L", "Q3_K_M", "IQ3_M", "Q3_K_S", "IQ3_S", "IQ3_XS", "IQ3_XXS",
    "Q2_K_L", "Q2_K", "Q2_K_S", "IQ2_M", "IQ2_S", "IQ2_XS", "IQ2_XXS",
    "IQ1_M", "IQ1_S", "TQ2_0", "TQ1_0",
    "BF16", "F16", "F32",
]

# A quant tag stands between separators: "Model.Q4_K_M.gguf", "model-q8_0-00001-of-...".
_TAG = re.compile(
    r"(?:^|[._\-/])((?:i?q[1-8](?:_[a-z0-9]{1,3})*)|tq[12]_0|mxfp4|bf16|fp16|f16|f32)(?=[._\-]|$)"
)
_SPLIT = re.compile(r"^(?P<stem>.+)-(?P<no>\d{5})-of-(?P<count>\d{5})\.gguf$", re.IGNORECASE)


def quant_tag(filename: str) -> str | None:
    """The quant named in a GGUF file name, upper case (`Q4_K_M`), or None."""
    base = filename.rsplit("/", 1)[-1]
    base = re.sub(r"\.gguf$", "", base, flags=re.IGNORECASE)
    base = re.sub(r"-\d{5}-of-\d{5}$", "", base)
    tags = _TAG.findall(base.lower())
    if not tags:
        return None
    tag = tags[-1].upper()
    return "F16" if tag == "FP16" else tag


@dataclass(frozen=True)
class RemoteFile:
    path: str
    size: int
    sha256: str = ""  # LFS files: the hub's sha256 of the content
    blob_id: str = ""  # files kept in git itself: the git blob sha1


@dataclass
class GGUFChoice:
    """One model as a list of files: one, or every part of a split GGUF in order."""

    files: list[RemoteFile]
    quant: str | None

    @property
    def size(self) -> int:
        return sum(f.size for f in self.files)

    @property
    def first(self) -> RemoteFile:
        return self.files[0]

    @property
    def label(self) -> str:
        return self.quant or self.first.path


@dataclass
class Grouping:
    models: list[GGUFChoice] = field(default_factory=list)
    incomplete: list[str] = field(default_factory=list)


def group_gguf(files: list[RemoteFile]) -> Grouping:
    """Turn a repository listing into models: single files and complete split sets."""
    result = Grouping()
    splits: dict[tuple[str, int], dict[int, RemoteFile]] = {}
    for file in files:
        if not file.path.lower().endswith(".gguf"):
            continue
        base = file.path.rsplit("/", 1)[-1].lower()
        # Projector and imatrix files sit beside models; they are not chat models.
        if base.startswith("mmproj") or "imatrix" in base:
            continue
        match = _SPLIT.match(file.path)
        if match:
            key = (match["stem"], int(match["count"]))
            splits.setdefault(key, {})[int(match["no"])] = file
        else:
            result.models.append(GGUFChoice([file], quant_tag(file.path)))
    for (stem, count), parts in sorted(splits.items()):
        if sorted(parts) != list(range(1, count + 1)):
            result.incomplete.append(f"{stem} ({len(parts)} of {count} parts)")
            continue
        ordered = [parts[i] for i in range(1, count + 1)]
        result.models.append(GGUFChoice(ordered, quant_tag(ordered[0].path)))
    return result


def split_siblings(files: list[RemoteFile], wanted: str) -> list[RemoteFile]:
    """All parts of the split set `wanted` belongs to (or just `wanted`)."""
    match = _SPLIT.match(wanted)
    if not match:
        return [f for f in files if f.path == wanted]
    for model in group_gguf(files).models:
        if any(f.path == wanted for f in model.files):
            return model.files
    return []


def rank(quant: str | None) -> int:
    try:
        return QUALITY_ORDER.index((quant or "").upper())
    except ValueError:
        return len(QUALITY_ORDER)


def choose(
    models: list[GGUFChoice], wanted: str | None, fits: Callable[[GGUFChoice], bool]
) -> tuple[GGUFChoice | None, str]:
    """Pick a model; returns (choice, why). None when `wanted` is not there or nothing fits."""
    if wanted:
        for model in models:
            if model.quant and model.quant.lower() == wanted.lower():
                return model, f"{model.quant} as asked"
        return None, "not found"
    for model in models:
        if model.quant == DEFAULT_QUANT:
            return model, f"{DEFAULT_QUANT}, the default"
    ordered = sorted(models, key=lambda m: (rank(m.quant), m.size))
    for model in ordered:
        if fits(model):
            return model, f"{model.label}, the best that fits ({DEFAULT_QUANT} is not in the repository)"
    return None, "nothing fits"


def available(models: list[GGUFChoice]) -> str:
    labels = sorted({m.label for m in models}, key=lambda q: (rank(q), q))
    return ", ".join(labels)
