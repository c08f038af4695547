"""PyTorch `.bin` checkpoints (torch.save's zip format) read without running pickled code.

A torch.save file is an uncompressed zip: `<name>/data.pkl` pickles the state dict and
each tensor storage's bytes are the member `<name>/data/<key>`. The pickle is read by an
Unpickler whose find_class answers only the few names a state dict uses (OrderedDict,
torch._utils._rebuild_tensor_v2 / _rebuild_parameter and the float storage types), each
with a harmless stand-in here; any other global - os.system, builtins.eval, a class of
some package - is refused before anything is called. The result is one TensorRef per
tensor: where its bytes lie in the file, read later like a safetensors tensor.
"""

from __future__ import annotations

import collections
import pickle
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path

from soulchat_local.errors import UserError

from .checkpoint import TensorRef

# torch storage class -> (safetensors-style dtype name, bytes per element)
_STORAGES = {
    "HalfStorage": ("F16", 2),
    "FloatStorage": ("F32", 4),
    "BFloat16Storage": ("BF16", 2),
    "DoubleStorage": ("F64", 8),
}


@dataclass(frozen=True)
class _Storage:
    dtype: str
    width: int
    key: str
    numel: int


@dataclass(frozen=True)
class _Tensor:
    storage: _Storage
    offset: int
    shape: tuple[int, ...]
    stride: tuple[int, ...]


class _StorageType:
    def __init__(self, name: str) -> None:
        self.name = name


def _rebuild_tensor(storage, offset, size, stride, *_rest) -> _Tensor:  # noqa: ANN001
    if not isinstance(storage, _Storage):
        raise pickle.UnpicklingError("a tensor without a storage")
    return _Tensor(storage, int(offset), tuple(int(d) for d in size), tuple(int(s) for s in stride))


def _rebuild_parameter(data, *_rest) -> _Tensor:  # noqa: ANN001
    if not isinstance(data, _Tensor):
        raise pickle.UnpicklingError("a parameter without a tensor")
    return data


def _ordered_dict(*args) -> collections.OrderedDict:  # noqa: ANN002
    return collections.OrderedDict(*args)


_ALLOWED = {
    ("collections", "OrderedDict"): _ordered_dict,
    ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor,
    ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
    **{("torch", name): _StorageType(name) for name in _STORAGES},
}


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str):  # noqa: ANN201
        allowed = _ALLOWED.get((module, name))
        if allowed is None:
            raise pickle.UnpicklingError(f"refused to load {module}.{name}")
        return allowed

    def persistent_load(self, pid):  # noqa: ANN001, ANN201
        if not (isinstance(pid, tuple) and len(pid) == 5 and pid[0] == "storage"):
            raise pickle.UnpicklingError("an unknown persistent record")
        kind, key, numel = pid[1], pid[2], pid[4]
        if not isinstance(kind, _StorageType):
            raise pickle.UnpicklingError("a storage of an unknown type")
        dtype, width = _STORAGES[kind.name]
        return _Storage(dtype, width, str(key), int(numel))


def _member_offset(path: Path, info: zipfile.ZipInfo) -> int:
    """Absolute offset of a stored (uncompressed) member's bytes in the zip file."""
    with open(path, "rb") as fh:
        fh.seek(info.header_offset)
        local = fh.read(30)
    if len(local) < 30 or local[:4] != b"PK\x03\x04":
        raise UserError(f"{path} is a damaged PyTorch checkpoint; re-download it")
    name_len, extra_len = struct.unpack("<HH", local[26:30])
    return info.header_offset + 30 + name_len + extra_len


def read_torch_zip(path: Path) -> dict[str, TensorRef]:
    """Every tensor of a torch.save zip file, as TensorRefs into that file."""
    if not zipfile.is_zipfile(path):
        raise UserError(
            f"{path} is not in PyTorch's zip format (an old torch.save, or not a checkpoint); "
            "load and save it again with a current PyTorch, or as safetensors"
        )
    try:
        with zipfile.ZipFile(path) as archive:
            members = {i.filename: i for i in archive.infolist()}
            pickles = [n for n in members if n.endswith("/data.pkl") or n == "data.pkl"]
            if len(pickles) != 1:
                raise UserError(
                    f"{path} is a zip file but not a PyTorch checkpoint; re-download it"
                )
            prefix = pickles[0][: -len("data.pkl")]
            state = _Unpickler(archive.open(pickles[0])).load()
    except pickle.UnpicklingError as exc:
        raise UserError(
            f"{path} holds pickled code this program does not run ({exc}); "
            "convert it to safetensors with code you trust"
        ) from exc
    except (zipfile.BadZipFile, EOFError, ValueError, struct.error) as exc:
        raise UserError(f"{path} is a damaged PyTorch checkpoint ({exc}); re-download it") from exc
    if not isinstance(state, dict):
        raise UserError(f"{path} does not hold a state dict (tensor names -> tensors)")
    size = path.stat().st_size
    tensors: dict[str, TensorRef] = {}
    for name, tensor in state.items():
        if not isinstance(tensor, _Tensor):
            raise UserError(
                f"{path}: entry {name!r} is not a float tensor; is this a model state dict?"
            )
        info = members.get(f"{prefix}data/{tensor.storage.key}")
        if info is None or info.compress_type != zipfile.ZIP_STORED:
            raise UserError(
                f"{path}: the data of tensor {name!r} is missing or compressed; re-download it"
            )
        if not _contiguous(tensor.shape, tensor.stride):
            raise UserError(
                f"{path}: tensor {name!r} is not stored contiguously; save it with .contiguous()"
            )
        n = 1
        for d in tensor.shape:
            n *= d
        width = tensor.storage.width
        if tensor.offset + n > tensor.storage.numel or info.file_size < (tensor.offset + n) * width:
            raise UserError(
                f"{path} is truncated: tensor {name!r} lies past its storage; re-download it"
            )
        start = _member_offset(path, info) + tensor.offset * width
        if start + n * width > size:
            raise UserError(f"{path} is truncated; re-download it")
        tensors[str(name)] = TensorRef(
            str(name), tensor.storage.dtype, tensor.shape, path, start, n * width
        )
    return tensors


def _contiguous(shape: tuple[int, ...], stride: tuple[int, ...]) -> bool:
    expected = 1
    for dim, step in zip(reversed(shape), reversed(stride), strict=True):
        if dim != 1 and step != expected:
            return False
        expected *= dim
    return True
