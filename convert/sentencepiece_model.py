"""Read a SentencePiece `tokenizer.model` (a protobuf ModelProto) without the sentencepiece package.

Only what GGUF needs: each piece's text, score and type, and two normaliser flags.
Field numbers are those of sentencepiece_model.proto: ModelProto.pieces = 1,
.trainer_spec = 2, .normalizer_spec = 3; SentencePiece.piece = 1, .score = 2,
.type = 3; TrainerSpec.model_type = 3, .byte_fallback = 35;
NormalizerSpec.add_dummy_prefix = 3, .remove_extra_whitespaces = 4.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass, field


class ProtoError(ValueError):
    pass


def _varint(buf: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(buf):
            raise ProtoError("truncated varint")
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, pos
        shift += 7
        if shift > 70:
            raise ProtoError("varint too long")


def fields(buf: bytes) -> Iterator[tuple[int, int, object]]:
    """(field number, wire type, value) for each field of one message."""
    pos = 0
    while pos < len(buf):
        key, pos = _varint(buf, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(buf, pos)
        elif wire == 1:
            value, pos = buf[pos:pos + 8], pos + 8
        elif wire == 2:
            n, pos = _varint(buf, pos)
            value, pos = buf[pos:pos + n], pos + n
        elif wire == 5:
            value, pos = buf[pos:pos + 4], pos + 4
        else:
            raise ProtoError(f"unsupported wire type {wire}")
        if pos > len(buf):
            raise ProtoError("truncated message")
        yield number, wire, value


@dataclass
class SentencePieceModel:
    pieces: list[str] = field(default_factory=list)
    scores: list[float] = field(default_factory=list)
    types: list[int] = field(default_factory=list)  # 1 normal, 2 unknown, 3 control, 4 user, 5 unused, 6 byte
    model_type: int = 1  # 1 unigram, 2 bpe
    byte_fallback: bool = False
    add_dummy_prefix: bool = True
    remove_extra_whitespaces: bool = True


def parse(data: bytes) -> SentencePieceModel:
    model = SentencePieceModel()
    for number, wire, value in fields(data):
        if number == 1 and wire == 2:
            piece, score, kind = "", 0.0, 1
            for n, w, v in fields(value):  # type: ignore[arg-type]
                if n == 1 and w == 2:
                    piece = bytes(v).decode("utf-8")  # type: ignore[arg-type]
                elif n == 2 and w == 5:
                    score = struct.unpack("<f", v)[0]  # type: ignore[arg-type]
                elif n == 3 and w == 0:
                    kind = int(v)  # type: ignore[arg-type]
            model.pieces.append(piece)
            model.scores.append(score)
            model.types.append(kind)
        elif number == 2 and wire == 2:
            for n, w, v in fields(value):  # type: ignore[arg-type]
                if n == 3 and w == 0:
                    model.model_type = int(v)  # type: ignore[arg-type]
                elif n == 35 and w == 0:
                    model.byte_fallback = bool(v)
        elif number == 3 and wire == 2:
            for n, w, v in fields(value):  # type: ignore[arg-type]
                if n == 3 and w == 0:
                    model.add_dummy_prefix = bool(v)
                elif n == 4 and w == 0:
                    model.remove_extra_whitespaces = bool(v)
    if not model.pieces:
        raise ProtoError("no pieces")
    return model
