"""Provenance: reading 10,000 asset files for their C2PA manifest and XMP source type
(target: 10,000 files <= 60 s), plain XMP files and C2PA-signed ones."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from tests.benchmarks.harness import measure

N = 10_000


def _folder(root: Path, signed_every: int) -> tuple[Path, list[str]]:
    from tests import images

    folder = root / "assets"
    folder.mkdir()
    plain, signed = images.png("trainedAlgorithmicMedia"), images.c2pa_signed_png()
    ids = [f"A{i:06d}" for i in range(N)]
    for i, asset in enumerate(ids):
        (folder / f"{asset}.png").write_bytes(signed if signed_every and i % signed_every == 0 else plain)
    return folder, ids


def _check(folder: Path, ids: list[str]) -> int:
    import pandas as pd

    from twinimpact.analyses.rights import provenance

    u = pd.DataFrame({"asset_id": ids, "watermarked": True})
    return provenance.check(u, folder).block["files"]


def run() -> None:
    print(f"provenance: {N:,} asset files read for C2PA and XMP")
    for label, every in (("XMP only", 0), ("one in ten C2PA-signed", 10)):
        root = Path(tempfile.mkdtemp())
        try:
            folder, ids = _folder(root, every)
            m = measure(f"{label}, {N:,} files", _check, folder, ids)
            print(m.line() + ("  target <= 60 s: met" if m.seconds <= 60 else "  target <= 60 s: MISSED")
                  + f"  ({N / m.seconds:,.0f} files/s)")
        finally:
            shutil.rmtree(root, ignore_errors=True)
