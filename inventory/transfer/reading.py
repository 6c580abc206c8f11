"""Turning an uploaded file into text, or refusing it before anything changes.

A file is read once, in chunks, before its first row is imported: it must be
text, and all of it must decode as UTF-8 (with or without a byte order mark),
UTF-16 with a byte order mark, or Windows-1252 (what Excel and older
bookselling programs write on Windows).
"""

import codecs
import io
from dataclasses import dataclass
from typing import BinaryIO

EMPTY_FILE = "The file is empty."
BINARY_KIND = (
    "This file is {kind}, not a text file. Save your inventory as {format} "
    "and upload that."
)
BINARY_DATA = (
    "This file holds binary data, not text. Save your inventory as {format} "
    "and upload that."
)
UNDECODABLE = (
    "Line {line} holds a byte (0x{byte:02X}) that is neither UTF-8 nor "
    "Windows-1252 text. Save the file as UTF-8 and upload it again."
)

READ_CHUNK = 1 << 20
SNIFF_BYTES = 1 << 16
# More control characters than this share of the first bytes means binary
# data; a stray NUL inside a text row is that row's error, not the file's.
CONTROL_SHARE = 0.01

_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (an Excel or OpenDocument spreadsheet is one)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Excel or Word document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x7fELF", "a program"),
    (b"RIFF", "a sound or video file"),
)
_CONTROL = bytes(set(range(32)) - {9, 10, 12, 13})


class FileRejected(ValueError):
    """The whole file is refused; nothing was imported from it."""


@dataclass(frozen=True)
class Inspection:
    encoding: str
    lines: int
    records: int  # lines that start with "UR|": UIEE records


def inspect(stream: BinaryIO, *, format_label: str) -> Inspection:
    """Check that ``stream`` is text and find its encoding; rewinds it.

    Reads the whole stream once. Raises ``FileRejected`` with a message for
    the bookseller.
    """
    stream.seek(0)
    head = stream.read(SNIFF_BYTES)
    encoding = _bom_encoding(head)
    body = head[3:] if encoding == "utf-8-sig" else head
    if not body.strip() and len(head) < SNIFF_BYTES:
        raise FileRejected(EMPTY_FILE)
    if encoding is None:
        for signature, kind in _SIGNATURES:
            if head.startswith(signature):
                raise FileRejected(BINARY_KIND.format(kind=kind, format=format_label))
        controls = sum(head.count(byte) for byte in _CONTROL)
        if controls > len(head) * CONTROL_SHARE:
            raise FileRejected(BINARY_DATA.format(format=format_label))
    for candidate in (encoding,) if encoding else ("utf-8", "cp1252"):
        failure, lines, records = _decode_all(stream, candidate)
        if failure is None:
            stream.seek(0)
            return Inspection(encoding=candidate, lines=lines, records=records)
    line, byte = failure
    raise FileRejected(UNDECODABLE.format(line=line, byte=byte))


def open_text(stream: BinaryIO, inspection: Inspection, *, newline: str | None):
    """The stream as text; ``newline=""`` keeps line ends for csv."""
    stream.seek(0)
    buffered = io.BufferedReader(_Unclosable(stream), READ_CHUNK)
    return io.TextIOWrapper(buffered, encoding=inspection.encoding, newline=newline)


def _bom_encoding(head: bytes) -> str | None:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return None


def _decode_all(
    stream: BinaryIO, encoding: str
) -> tuple[tuple[int, int] | None, int, int]:
    """Decode every byte: (failed line and byte, or None), lines, records."""
    stream.seek(0)
    decoder = codecs.getincrementaldecoder(encoding)()
    lines = 0
    records = 0
    last = b"\n"
    while chunk := stream.read(READ_CHUNK):
        try:
            decoder.decode(chunk)
        except UnicodeDecodeError as error:
            line = lines + chunk.count(b"\n", 0, error.start) + 1
            return (line, chunk[error.start]), lines, records
        lines += chunk.count(b"\n")
        records += (last + chunk).count(b"\nUR|")
        last = chunk[-1:]
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return (lines + 1, last[0]), lines, records
    if last != b"\n":
        lines += 1
    return None, lines, records


class _Unclosable(io.RawIOBase):
    """Lets a text wrapper read a file without closing it when it is done."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)
