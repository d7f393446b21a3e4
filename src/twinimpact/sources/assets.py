"""The image files behind the assets, and what each carries about how it was made.

An optional folder holds one file per asset, ``<asset_id>.<ext>`` (JPEG, PNG, WebP): by
default ``assets/`` beside the tables of a folder source, else the parameter ``assets_dir``.
For each file this module reads, without decoding a pixel:

* the **C2PA manifest** (Content Credentials), with the maintained ``c2pa-python`` bindings:
  whether one is embedded, its claim generator, the ``digitalSourceType`` of its actions and
  its validation state (``Trusted``; ``Valid``, a valid signature whose signer is not on a
  trust list; ``Invalid``);
* the **IPTC DigitalSourceType** in the file's XMP packet (JPEG APP1, PNG iTXt, WebP
  ``XMP `` chunk), with a small parser of ours: the packet is found by walking the file's
  segments or chunks, never by loading the file.

Files are visited one at a time (``os.scandir``), each read by seeking between segment
headers; a file that is truncated, too large, of impossible dimensions (a decompression
bomb is never decoded), or a link pointing out of the folder is reported as unreadable with
the reason, never raised.
"""

from __future__ import annotations

import io
import os
import re
import stat
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Iterator

#: IPTC's vocabulary of digital source types.
IPTC = "http://cv.iptc.org/newscodes/digitalsourcetype/"
#: Source types that say AI made (or composited) the image.
AI_SOURCE_TYPES = ("trainedAlgorithmicMedia", "compositeWithTrainedAlgorithmicMedia", "algorithmicMedia",
                   "compositeSynthetic")
#: Source types that say a camera (or a scan of film or a print) captured it.
CAPTURE_SOURCE_TYPES = ("digitalCapture", "negativeFilm", "positiveFilm", "print", "minorHumanEdits",
                        "compositeCapture")
#: File endings read, and their media types.
MEDIA_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp"}
#: Files larger than this are not read (bytes).
MAX_BYTES = 200 * 2**20
#: Images with more pixels than this are reported, not read further (a decompression bomb).
MAX_PIXELS = 40_000 * 40_000
#: The most bytes of one XMP packet read.
MAX_XMP = 4 * 2**20


class Unreadable(Exception):
    """Why a file cannot be read (the message is the finding)."""


@dataclass
class FileReading:
    """What one asset file carries."""

    path: str
    media_type: str | None = None
    width: int | None = None
    height: int | None = None
    c2pa: bool = False
    c2pa_state: str | None = None  # Trusted, Valid (signer not trusted), Invalid
    claim_generator: str | None = None
    c2pa_source_types: list[str] = field(default_factory=list)
    xmp_source_types: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def source_types(self) -> list[str]:
        """Every source type the file states (C2PA actions first, then XMP), short names; a
        C2PA manifest whose signature does not validate states nothing."""
        return [*(self.c2pa_source_types if self.c2pa_state != "Invalid" else []), *self.xmp_source_types]

    @property
    def invalid_marking(self) -> bool:
        """Whether the file carries a C2PA manifest whose validation fails (a broken signature
        or an image changed after signing)."""
        return self.c2pa and self.c2pa_state == "Invalid"

    @property
    def says_ai(self) -> bool:
        """Whether the file is marked as AI-made, machine-readably."""
        return any(t in AI_SOURCE_TYPES for t in self.source_types)

    @property
    def says_capture(self) -> bool:
        """Whether the file says a camera captured it (and nothing says AI)."""
        return not self.says_ai and any(t in CAPTURE_SOURCE_TYPES for t in self.source_types)

    def summary(self) -> str:
        """What was read, in words, for a finding."""
        if self.error:
            return f"{self.path}: {self.error}"
        c2pa = (f"C2PA manifest ({self.c2pa_state or 'state unknown'}"
                + (", signer not on a trust list" if self.c2pa_state == "Valid" else "")
                + (f", by {self.claim_generator}" if self.claim_generator else "")
                + (f", source type {', '.join(self.c2pa_source_types)}" if self.c2pa_source_types else
                   ", no source type") + ")") if self.c2pa else "no C2PA manifest"
        xmp = (f"XMP source type {', '.join(self.xmp_source_types)}" if self.xmp_source_types else
               "no XMP source type")
        return f"{self.path}: {c2pa}; {xmp}"


def short_type(value: str) -> str:
    """``http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia`` ->
    ``trainedAlgorithmicMedia``."""
    value = value.strip()
    return value[len(IPTC):] if value.startswith(IPTC) else value.rsplit("/", 1)[-1]


_XMP_TYPE = re.compile(rb"DigitalSourceType(?:\s*=\s*[\"']([^\"']+)[\"']|\s*>\s*([^<\s]+)\s*<|"
                       rb"[^>]*?rdf:resource\s*=\s*[\"']([^\"']+)[\"'])")


def xmp_source_types(packet: bytes) -> list[str]:
    """The DigitalSourceType values of an XMP packet (attribute, element or resource form)."""
    out = []
    for m in _XMP_TYPE.finditer(packet):
        raw = next(g for g in m.groups() if g)
        out.append(short_type(raw.decode("utf-8", "replace")))
    return out


def _read(f: BinaryIO, n: int) -> bytes:
    data = f.read(n)
    if len(data) < n:
        raise Unreadable("truncated: the file ends inside a segment")
    return data


def _jpeg(f: BinaryIO) -> Iterator[tuple[str, bytes | tuple[int, int]]]:
    """('xmp', packet), ('c2pa', b'') and ('size', (w, h)) from a JPEG's segments."""
    _read(f, 2)
    while True:
        b = f.read(1)
        if not b:
            return
        if b != b"\xff":
            raise Unreadable("corrupt: a JPEG segment does not start with 0xFF")
        marker = _read(f, 1)[0]
        while marker == 0xFF:
            marker = _read(f, 1)[0]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            continue
        if marker in (0xD9, 0xDA):  # end, or start of scan: no metadata follows that we read
            return
        length = struct.unpack(">H", _read(f, 2))[0] - 2
        if length < 0:
            raise Unreadable("corrupt: a JPEG segment of negative length")
        if marker == 0xE1:
            head = _read(f, min(length, 29))
            if head.startswith(b"http://ns.adobe.com/xap/1.0/\x00"):
                yield "xmp", _read(f, min(length - len(head), MAX_XMP))
                f.seek(max(length - len(head) - MAX_XMP, 0), io.SEEK_CUR)
            else:
                f.seek(length - len(head), io.SEEK_CUR)
        elif marker == 0xEB:  # APP11: JUMBF boxes, where C2PA lives
            head = _read(f, min(length, 32))
            if b"jumb" in head or b"c2pa" in head:
                yield "c2pa", b""
            f.seek(length - len(head), io.SEEK_CUR)
        elif marker in (0xC0, 0xC1, 0xC2):
            h, w = struct.unpack(">xHH", _read(f, 5))
            yield "size", (w, h)
            f.seek(length - 5, io.SEEK_CUR)
        else:
            f.seek(length, io.SEEK_CUR)


def _png(f: BinaryIO) -> Iterator[tuple[str, bytes | tuple[int, int]]]:
    _read(f, 8)
    while True:
        head = f.read(8)
        if not head:
            raise Unreadable("truncated: the PNG ends before its IEND chunk")
        if len(head) < 8:
            raise Unreadable("truncated: the file ends inside a chunk header")
        length, kind = struct.unpack(">I4s", head)
        if kind == b"IHDR":
            w, h = struct.unpack(">II", _read(f, 8))
            yield "size", (w, h)
            f.seek(length - 8 + 4, io.SEEK_CUR)
        elif kind == b"iTXt" and length <= MAX_XMP:
            body = _read(f, length)
            if body.startswith(b"XML:com.adobe.xmp\x00"):
                yield "xmp", body
            f.seek(4, io.SEEK_CUR)
        elif kind == b"caBX":
            yield "c2pa", b""
            f.seek(length + 4, io.SEEK_CUR)
        elif kind == b"IEND":
            return
        else:
            f.seek(length + 4, io.SEEK_CUR)
        if f.tell() > os.fstat(f.fileno()).st_size:
            raise Unreadable("truncated: a chunk runs past the end of the file")


def _webp(f: BinaryIO) -> Iterator[tuple[str, bytes | tuple[int, int]]]:
    riff = _read(f, 12)
    end = 8 + struct.unpack("<I", riff[4:8])[0]
    while f.tell() + 8 <= end:
        kind, length = struct.unpack("<4sI", _read(f, 8))
        padded = length + (length & 1)
        if kind == b"XMP " and length <= MAX_XMP:
            yield "xmp", _read(f, length)
            f.seek(padded - length, io.SEEK_CUR)
        elif kind == b"C2PA":
            yield "c2pa", b""
            f.seek(padded, io.SEEK_CUR)
        elif kind == b"VP8X":
            body = _read(f, 10)
            w = 1 + int.from_bytes(body[4:7], "little")
            h = 1 + int.from_bytes(body[7:10], "little")
            yield "size", (w, h)
            f.seek(padded - 10, io.SEEK_CUR)
        else:
            f.seek(padded, io.SEEK_CUR)
    if f.tell() > os.fstat(f.fileno()).st_size:
        raise Unreadable("truncated: a chunk runs past the end of the file")


_MAGIC = ((b"\xff\xd8\xff", "image/jpeg", _jpeg), (b"\x89PNG\r\n\x1a\n", "image/png", _png))


def _c2pa(path: Path, media_type: str, reading: FileReading) -> None:
    """Fill in the C2PA manifest of a file that embeds one (c2pa-python)."""
    import json

    import c2pa

    with open(path, "rb") as stream:
        reader = c2pa.Reader(media_type, stream)
        try:
            store = json.loads(reader.json())
            state = reader.get_validation_state()
        finally:
            reader.close()
    active = (store.get("manifests") or {}).get(store.get("active_manifest") or "", {})
    reading.c2pa, reading.c2pa_state = True, state
    gen = active.get("claim_generator_info") or []
    reading.claim_generator = (gen[0].get("name") if gen and isinstance(gen[0], dict) else None) or \
        active.get("claim_generator")
    for assertion in active.get("assertions") or []:
        if str(assertion.get("label", "")).startswith("c2pa.actions"):
            for action in (assertion.get("data") or {}).get("actions") or []:
                if action.get("digitalSourceType"):
                    reading.c2pa_source_types.append(short_type(str(action["digitalSourceType"])))


def read_file(path: Path, folder: Path) -> FileReading:
    """What one asset file carries (:class:`FileReading`); never raises for a bad file.

    Parameters
    ----------
    path
        The file.
    folder
        The assets folder: a link out of it is not followed.

    Returns
    -------
    FileReading
        Its media type, dimensions, C2PA manifest and XMP source types, or ``error``.
    """
    shown = path.name
    reading = FileReading(shown)
    try:
        real = path.resolve(strict=True)
        if not real.is_relative_to(folder.resolve()):
            raise Unreadable("a link pointing outside the assets folder (not followed)")
        info = real.stat()
        if not stat.S_ISREG(info.st_mode):  # a named pipe or a device would block the reader forever
            raise Unreadable("not a regular file (a pipe, a device or a folder), not opened")
        size = info.st_size
        if size > MAX_BYTES:
            raise Unreadable(f"{size:,} bytes, beyond the {MAX_BYTES:,} read")
        with open(real, "rb") as f:
            magic = f.read(12)
            f.seek(0)
            parse = next(((t, p) for m, t, p in _MAGIC if magic.startswith(m)), None)
            if parse is None and magic[:4] == b"RIFF" and magic[8:12] == b"WEBP":
                parse = ("image/webp", _webp)
            if parse is None:
                raise Unreadable("not a JPEG, PNG or WebP file")
            reading.media_type, walk = parse
            has_c2pa = False
            for kind, value in walk(f):
                if kind == "xmp":
                    reading.xmp_source_types += xmp_source_types(value)  # type: ignore[arg-type]
                elif kind == "c2pa":
                    has_c2pa = True
                elif kind == "size":
                    reading.width, reading.height = value  # type: ignore[misc]
                    if reading.width * reading.height > MAX_PIXELS:
                        raise Unreadable(f"dimensions {reading.width:,} x {reading.height:,}, beyond what is read "
                                         "(never decoded)")
        if has_c2pa:
            try:
                _c2pa(real, reading.media_type, reading)
            except Exception as err:  # noqa: BLE001 - the SDK's errors are findings, not crashes
                reading.c2pa, reading.c2pa_state = True, "Invalid"
                reading.error = f"a C2PA manifest that cannot be read ({str(err).splitlines()[0][:200]})"
    except Unreadable as err:
        reading.error = str(err)
    except (OSError, RuntimeError, ValueError, struct.error) as err:
        reading.error = f"cannot be read ({type(err).__name__}: {str(err)[:200]})"
    return reading


def asset_files(folder: Path, ids: set[str]) -> dict[str, Path]:
    """The file of each id in ``ids`` found in ``folder`` (``<id>.<ext>``, one scan of the
    folder, first ending in :data:`MEDIA_TYPES` order when an id has several)."""
    found: dict[str, Path] = {}
    rank = {ext: i for i, ext in enumerate(MEDIA_TYPES)}
    with os.scandir(folder) as entries:
        for entry in entries:
            stem, ext = os.path.splitext(entry.name)
            ext = ext.lower()
            if stem in ids and ext in rank:
                if stem not in found or rank[ext] < rank[found[stem].suffix.lower()]:
                    found[stem] = Path(entry.path)
    return found
