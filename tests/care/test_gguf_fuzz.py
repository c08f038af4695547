"""The .gguf pre-check under fuzzing: random bytes, mutated real headers, headers built
field by field with hostile values, and files of every size. It may only answer with a
GGUFInfo or a GGUFError (a UserError: one line, exit 2), and quickly."""

from __future__ import annotations

import struct
import time
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from soulchat_local.errors import UserError
from soulchat_local.gguf_check import GGUFError, GGUFInfo, check_gguf

# Generous for a loaded 2-core machine; a healthy check takes milliseconds.
PER_EXAMPLE_S = 2.0
FUZZ = settings(
    max_examples=150,
    deadline=timedelta(seconds=PER_EXAMPLE_S),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
)
HEAD_BYTES = 8192
EXTREMES = [0, 1, 2, 3, 4, 31, 32, 33, 255, 2**31 - 1, 2**31, 2**32 - 1, 2**32, 2**40,
            2**63 - 1, 2**63, 2**64 - 1]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@pytest.fixture(scope="module")
def tiny_gguf(workdir: Path) -> bytes:
    """A small but complete GGUF (every metadata type, two tensors), from the gguf library."""
    import gguf

    path = workdir / "tiny.gguf"
    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_name("tiny")
    writer.add_context_length(128)
    writer.add_uint32("x.u32", 7)
    writer.add_int64("x.i64", -5)
    writer.add_float32("x.f32", 1.5)
    writer.add_float64("x.f64", 2.5)
    writer.add_bool("x.bool", True)
    writer.add_array("x.ints", [1, 2, 3])
    writer.add_array("x.many", list(range(100)))
    writer.add_array("x.strings", ["a", "bb", "ccc"])
    writer.add_string("tokenizer.chat_template", "{{ messages }}")
    writer.add_tensor("a", np.zeros((4, 32), dtype=np.float32))
    writer.add_tensor("b", np.ones((32,), dtype=np.float16))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    data = path.read_bytes()
    assert check_gguf(path).n_tensors == 2
    return data


@pytest.fixture(scope="module")
def demo_head(demo_gguf: Path) -> bytes:
    with open(demo_gguf, "rb") as handle:
        return handle.read(HEAD_BYTES)


@pytest.fixture(scope="module")
def demo_header(demo_gguf: Path) -> tuple[bytes, int]:
    """The demo model's whole header (metadata and tensor infos) and the size it needs."""
    info = check_gguf(demo_gguf)
    with open(demo_gguf, "rb") as handle:
        return handle.read(info.data_offset), info.data_offset + info.data_size


def run_check(path: Path) -> GGUFInfo | None:
    """The property every example must keep."""
    started = time.monotonic()
    try:
        info = check_gguf(path)
    except GGUFError as exc:
        message = str(exc)
        assert isinstance(exc, UserError)
        assert message and "\n" not in message.strip()
        info = None
    else:
        # A file that passes is one the rest of the program can use.
        assert info.data_offset + info.data_size <= info.file_size
        assert info.data_offset % 1 == 0 and info.n_tensors >= 1
        for value in (info.architecture, info.name, info.chat_template, info.context_length):
            str(value)
    assert time.monotonic() - started < PER_EXAMPLE_S
    return info


def write(path: Path, data: bytes, size: int | None = None) -> Path:
    path.write_bytes(data)
    if size is not None:
        with open(path, "r+b") as handle:
            handle.truncate(size)  # sparse when it grows: cheap even for huge sizes
    return path


mutation = st.tuples(
    st.integers(min_value=0, max_value=HEAD_BYTES - 1),
    st.one_of(
        st.binary(min_size=1, max_size=8),
        st.sampled_from(EXTREMES).map(lambda n: n.to_bytes(8, "little")),
        st.sampled_from(EXTREMES).map(lambda n: (n % 2**32).to_bytes(4, "little")),
    ),
)


def mutate(data: bytes, mutations: list[tuple[int, bytes]]) -> bytes:
    out = bytearray(data)
    for at, chunk in mutations:
        at %= max(len(out), 1)
        out[at : at + len(chunk)] = chunk
    return bytes(out)


@pytest.mark.timeout(300)
@FUZZ
@given(data=st.binary(max_size=4096), magic=st.booleans(), version=st.sampled_from([1, 2, 3, 4]))
def test_random_bytes(workdir: Path, data: bytes, magic: bool, version: int) -> None:
    prefix = b"GGUF" + struct.pack("<I", version) if magic else b""
    run_check(write(workdir / "random.gguf", prefix + data))


@pytest.mark.timeout(300)
@FUZZ
@given(
    mutations=st.lists(mutation, max_size=6),
    cut=st.integers(min_value=0, max_value=HEAD_BYTES),
)
def test_mutated_demo_header(workdir: Path, demo_head: bytes, mutations, cut: int) -> None:
    run_check(write(workdir / "demo-head.gguf", mutate(demo_head, mutations)[:cut]))


@pytest.mark.timeout(300)
@FUZZ
@given(
    mutations=st.lists(mutation, max_size=4),
    size_change=st.one_of(st.none(), st.integers(min_value=-1000, max_value=2**20)),
)
def test_mutated_complete_file(workdir: Path, tiny_gguf: bytes, mutations, size_change) -> None:
    data = mutate(tiny_gguf, [(at % len(tiny_gguf), chunk) for at, chunk in mutations])
    size = None if size_change is None else max(0, len(data) + size_change)
    run_check(write(workdir / "tiny-mutated.gguf", data, size))


@pytest.mark.timeout(300)
@settings(max_examples=40, deadline=timedelta(seconds=PER_EXAMPLE_S), derandomize=True)
@given(fraction=st.floats(min_value=0.0, max_value=1.2))
def test_demo_header_with_every_file_size(
    workdir: Path, demo_header: tuple[bytes, int], fraction: float
) -> None:
    """The real header with the file cut (or padded) anywhere: accepted exactly when the
    tensor data it declares fits."""
    header, needed = demo_header
    size = int(needed * fraction)
    path = workdir / "demo-sized.gguf"
    write(path, header[:size], size)
    info = run_check(path)
    assert (info is not None) == (size >= needed)


# -- headers built field by field ----------------------------------------------------------
def gguf_string(text: bytes, length: int | None = None) -> bytes:
    return struct.pack("<Q", len(text) if length is None else length) + text


scalar = st.sampled_from([0, 1, 2, 3, 4, 5, 6, 7, 10, 11, 12])
FORMATS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?",
           10: "<Q", 11: "<q", 12: "<d"}


@st.composite
def kv(draw) -> bytes:  # noqa: ANN001
    key = draw(st.sampled_from([b"general.architecture", b"general.alignment", b"llama.context_length",
                                b"tokenizer.chat_template", b"x"]))
    vtype = draw(st.integers(min_value=0, max_value=14))
    out = gguf_string(key) + struct.pack("<I", vtype)
    if vtype in FORMATS:
        return out + draw(st.binary(min_size=struct.calcsize(FORMATS[vtype]),
                                    max_size=struct.calcsize(FORMATS[vtype])))
    if vtype == 8:
        text = draw(st.binary(max_size=40))
        return out + gguf_string(text, draw(st.one_of(st.none(), st.sampled_from(EXTREMES))))
    if vtype == 9:
        item = draw(st.integers(min_value=0, max_value=14))
        count = draw(st.one_of(st.integers(min_value=0, max_value=80), st.sampled_from(EXTREMES)))
        return out + struct.pack("<IQ", item, count) + draw(st.binary(max_size=200))
    return out + draw(st.binary(max_size=16))


@st.composite
def tensor_info(draw) -> bytes:  # noqa: ANN001
    n_dims = draw(st.sampled_from([0, 1, 2, 3, 4, 5, 2**32 - 1]))
    dims = draw(st.lists(st.one_of(st.integers(min_value=0, max_value=512),
                                   st.sampled_from(EXTREMES)),
                         min_size=min(n_dims, 5), max_size=min(n_dims, 5)))
    ggml_type = draw(st.one_of(st.integers(min_value=0, max_value=40), st.sampled_from(EXTREMES)))
    offset = draw(st.one_of(st.integers(min_value=0, max_value=4096), st.sampled_from(EXTREMES)))
    return (gguf_string(b"t") + struct.pack("<I", n_dims)
            + b"".join(struct.pack("<Q", d) for d in dims)
            + struct.pack("<IQ", ggml_type % 2**32, offset))


@pytest.mark.timeout(300)
@FUZZ
@given(
    version=st.sampled_from([2, 3, 0, 2**32 - 1]),
    kvs=st.lists(kv(), max_size=5),
    tensors=st.lists(tensor_info(), max_size=4),
    n_kv=st.one_of(st.none(), st.sampled_from(EXTREMES)),
    n_tensors=st.one_of(st.none(), st.sampled_from(EXTREMES)),
    padding=st.integers(min_value=0, max_value=1 << 20),
)
def test_built_headers(workdir: Path, version, kvs, tensors, n_kv, n_tensors, padding) -> None:
    header = (b"GGUF" + struct.pack("<I", version % 2**32)
              + struct.pack("<Q", len(tensors) if n_tensors is None else n_tensors)
              + struct.pack("<Q", len(kvs) if n_kv is None else n_kv)
              + b"".join(kvs) + b"".join(tensors))
    path = workdir / "built.gguf"
    write(path, header, len(header) + padding)
    run_check(path)


def test_not_a_file(workdir: Path) -> None:
    for path in (workdir / "missing.gguf", workdir):
        with pytest.raises(GGUFError):
            check_gguf(path)


@pytest.mark.parametrize(
    ("value_type", "value", "accepted"),
    [("UINT32", 64, True), ("UINT64", 32, False), ("BOOL", True, False), ("INT32", 32, False)],
)
def test_alignment_must_be_a_u32(workdir: Path, value_type: str, value, accepted: bool) -> None:
    """Found comparing the check with llama.cpp's GGUF reader: general.alignment as a u64
    or a bool passed the check, but llama.cpp refuses any type but u32 (the spec's)."""
    import gguf

    path = workdir / f"align-{value_type}.gguf"
    writer = gguf.GGUFWriter(str(path), "llama")
    if accepted:
        writer.add_custom_alignment(value)  # also pads the data to it
    else:
        writer.add_key_value("general.alignment", value, getattr(gguf.GGUFValueType, value_type))
    writer.add_tensor("a", np.zeros((4, 32), dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    if accepted:
        assert check_gguf(path).data_offset % value == 0
    else:
        with pytest.raises(GGUFError, match="general.alignment"):
            check_gguf(path)
