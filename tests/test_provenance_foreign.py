"""The asset-file reader (:mod:`twinimpact.sources.assets`) against readers and writers that
are not ours: exiftool (Debian's libimage-exiftool-perl; ``.ci/run`` installs it) and
Pillow. Files written by exiftool are read by our reader, and files written by our test
writer (tests/images.py) are read by exiftool and Pillow, so the two sides of the format
are never one author's reading alone."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest

from tests import images
from twinimpact.sources import assets

EXIFTOOL = shutil.which("exiftool")
needs_exiftool = pytest.mark.skipif(EXIFTOOL is None, reason="exiftool is not installed (apt-get install "
                                                              "libimage-exiftool-perl)")
IPTC = "http://cv.iptc.org/newscodes/digitalsourcetype/"


def _pillow_image(kind: str) -> bytes:
    """A real image made by Pillow, with no metadata of ours."""
    Image = pytest.importorskip("PIL.Image")
    out = io.BytesIO()
    Image.new("RGB", (16, 12), (180, 40, 60)).save(out, {"jpg": "JPEG", "png": "PNG", "webp": "WEBP"}[kind])
    return out.getvalue()


def _exiftool_value(path: Path) -> str:
    return subprocess.run([EXIFTOOL, "-s3", "-XMP-iptcExt:DigitalSourceType", str(path)], capture_output=True,
                          text=True, check=True).stdout.strip()


@needs_exiftool
@pytest.mark.parametrize("kind", ["jpg", "png", "webp"])
@pytest.mark.parametrize("source_type", ["trainedAlgorithmicMedia", "compositeWithTrainedAlgorithmicMedia",
                                         "digitalCapture"])
def test_our_reader_reads_what_exiftool_wrote(tmp_path: Path, kind: str, source_type: str):
    path = tmp_path / f"A1.{kind}"
    path.write_bytes(_pillow_image(kind))
    subprocess.run([EXIFTOOL, "-q", "-overwrite_original", f"-XMP-iptcExt:DigitalSourceType={IPTC}{source_type}",
                    str(path)], check=True)
    reading = assets.read_file(path, tmp_path)
    assert reading.error is None and reading.xmp_source_types == [source_type]
    assert (reading.width, reading.height) == (16, 12)
    assert reading.says_ai is (source_type != "digitalCapture")


@needs_exiftool
@pytest.mark.parametrize("kind", ["jpg", "png", "webp"])
def test_an_image_without_xmp_is_read_as_saying_nothing_by_both(tmp_path: Path, kind: str):
    path = tmp_path / f"A1.{kind}"
    path.write_bytes(_pillow_image(kind))
    assert _exiftool_value(path) == ""
    reading = assets.read_file(path, tmp_path)
    assert reading.error is None and reading.xmp_source_types == [] and not reading.says_ai


@needs_exiftool
@pytest.mark.parametrize("kind,write", [("jpg", images.jpeg), ("png", images.png), ("webp", images.webp)])
def test_exiftool_reads_what_our_test_writer_wrote(tmp_path: Path, kind: str, write):
    path = tmp_path / f"A1.{kind}"
    path.write_bytes(write("trainedAlgorithmicMedia"))
    assert _exiftool_value(path) == IPTC + "trainedAlgorithmicMedia"
    assert assets.read_file(path, tmp_path).xmp_source_types == ["trainedAlgorithmicMedia"]


@pytest.mark.parametrize("kind,write", [("jpg", images.jpeg), ("png", images.png)])
def test_pillow_reads_the_same_source_type_from_our_test_writers_files(tmp_path: Path, kind: str, write):
    Image = pytest.importorskip("PIL.Image")
    path = tmp_path / f"A1.{kind}"
    path.write_bytes(write("compositeWithTrainedAlgorithmicMedia"))
    description = Image.open(path).getxmp()["xmpmeta"]["RDF"]["Description"]
    assert description["DigitalSourceType"] == IPTC + "compositeWithTrainedAlgorithmicMedia"


@needs_exiftool
def test_exiftool_finds_the_c2pa_manifest_our_reader_finds(tmp_path: Path):
    path = tmp_path / "A1.png"
    path.write_bytes(images.c2pa_signed_png())
    groups = subprocess.run([EXIFTOOL, "-a", "-G1", "-s", str(path)], capture_output=True, text=True,
                            check=True).stdout
    assert "[JUMBF]" in groups and "c2pa" in groups
    assert assets.read_file(path, tmp_path).c2pa
