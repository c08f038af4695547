import struct

import pytest

from soulchat_local.gguf_check import GGUFError, check_gguf


def test_demo_model_passes_and_reports_metadata(demo_gguf):
    info = check_gguf(demo_gguf)
    assert info.version == 3
    assert info.architecture == "llama"
    assert info.context_length == 8192
    assert "<|im_start|>" in (info.chat_template or "")
    assert info.data_offset + info.data_size <= info.file_size


def header(n_tensors=1, n_kv=0, version=3):
    return b"GGUF" + struct.pack("<IQQ", version, n_tensors, n_kv)


@pytest.mark.parametrize(
    "content, fragment",
    [
        (b"", "only 0 bytes"),
        (b"\x00" * 100, "magic"),
        (b"GGML" + b"\x00" * 60, "magic"),
        (header(version=9) + b"\x00" * 40, "version 9"),
        (header(n_tensors=0) + b"\x00" * 40, "declares 0 tensors"),
        (header(n_tensors=2**60) + b"\x00" * 40, "tensors"),
        (header(n_kv=2**40) + b"\x00" * 40, "metadata keys"),
        # one key whose string length points far past the end of the file
        (header(n_kv=1) + struct.pack("<Q", 2**62) + b"\x00" * 40, "past the end"),
        # one key of an unknown value type
        (
            header(n_kv=1) + struct.pack("<Q", 1) + b"k" + struct.pack("<I", 77) + b"\x00" * 40,
            "unknown value type",
        ),
        # an array claiming 2**50 elements
        (
            header(n_kv=1)
            + struct.pack("<Q", 1)
            + b"k"
            + struct.pack("<IIQ", 9, 4, 2**50)
            + b"\x00" * 40,
            "past the end",
        ),
    ],
)
def test_broken_headers_are_refused(tmp_path, content, fragment):
    path = tmp_path / "bad.gguf"
    path.write_bytes(content)
    with pytest.raises(GGUFError, match=fragment):
        check_gguf(path)


def test_truncated_model_is_refused(tmp_path, demo_gguf):
    path = tmp_path / "cut.gguf"
    data = demo_gguf.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(GGUFError, match="truncated"):
        check_gguf(path)


def test_tensor_with_absurd_shape_is_refused(tmp_path):
    tensor = (
        struct.pack("<Q", 1)
        + b"t"
        + struct.pack("<I", 2)
        + struct.pack("<QQ", 2**40, 2**40)
        + struct.pack("<IQ", 0, 0)
    )
    path = tmp_path / "huge.gguf"
    path.write_bytes(header() + tensor + b"\x00" * 64)
    with pytest.raises(GGUFError, match="truncated"):
        check_gguf(path)


def test_missing_file(tmp_path):
    with pytest.raises(GGUFError, match="not found"):
        check_gguf(tmp_path / "nope.gguf")


def test_type_sizes_match_gguf():
    from gguf.constants import GGML_QUANT_SIZES

    from soulchat_local.gguf_check import GGML_TYPE_SIZES

    assert {int(k): tuple(v) for k, v in GGML_QUANT_SIZES.items()} == GGML_TYPE_SIZES


def test_long_string_arrays_are_walked_with_their_bounds(tmp_path):
    # 100 strings (more than are kept), the last one claiming to run past the end
    strings = b"".join(struct.pack("<Q", 1) + b"a" for _ in range(99))
    strings += struct.pack("<Q", 2**40)
    content = (
        header(n_kv=1)
        + struct.pack("<Q", 1)
        + b"k"
        + struct.pack("<IIQ", 9, 8, 100)
        + strings
        + b"\x00" * 40
    )
    path = tmp_path / "bad.gguf"
    path.write_bytes(content)
    with pytest.raises(GGUFError, match="past the end"):
        check_gguf(path)
    cut = header(n_kv=1) + struct.pack("<Q", 1) + b"k" + struct.pack("<IIQ", 9, 8, 100)
    path.write_bytes(cut + strings[:50] + b"\x00" * 3)
    with pytest.raises(GGUFError, match="truncated|past the end"):
        check_gguf(path)
