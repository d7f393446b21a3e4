"""Provenance read from the asset files (C2PA manifests, XMP DigitalSourceType), hostile
files as findings, and the regulation checklist's statuses as of the run date."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from tests import images
from tests.conftest import TINY, TINY_PARAMS
from twinimpact.analyses.rights import provenance
from twinimpact.analyses.rights import regulation
from twinimpact.analyses.rights import findings as rights
from twinimpact.params import Params
from twinimpact.sources import assets, data, reference


def usage(ids: list[str], marked: bool = True) -> pd.DataFrame:
    return pd.DataFrame({"asset_id": ids, "watermarked": [marked] * len(ids)})


# --- reading one file ---------------------------------------------------------------------------
@pytest.mark.parametrize("make,media", [(images.png, "image/png"), (images.jpeg, "image/jpeg"),
                                        (images.webp, "image/webp")])
def test_the_xmp_source_type_is_read_from_png_jpeg_and_webp(tmp_path: Path, make, media):
    f = tmp_path / "a"
    f.write_bytes(make("trainedAlgorithmicMedia"))
    r = assets.read_file(f, tmp_path)
    assert r.error is None and r.media_type == media and r.xmp_source_types == ["trainedAlgorithmicMedia"]
    assert r.says_ai and not r.c2pa
    f.write_bytes(make(None))  # stripped
    stripped = assets.read_file(f, tmp_path)
    assert stripped.error is None and stripped.source_types == [] and not stripped.says_ai


def test_a_c2pa_signed_file_is_read_as_signed_by_an_untrusted_signer_with_its_ai_source_type(tmp_path: Path):
    f = tmp_path / "A1.png"
    f.write_bytes(images.c2pa_signed_png("compositeWithTrainedAlgorithmicMedia"))
    r = assets.read_file(f, tmp_path)
    assert r.error is None and r.c2pa and r.claim_generator == "twinimpact-tests"
    assert r.c2pa_source_types == ["compositeWithTrainedAlgorithmicMedia"] and r.says_ai
    assert r.c2pa_state == "Valid"  # the signature holds; the throwaway signer is on no trust list
    assert "signer not on a trust list" in r.summary()


@pytest.mark.parametrize("name,data,reason", [
    ("truncated.png", images.png("trainedAlgorithmicMedia")[:40], "truncated"),
    ("bomb.png", images.png(width=100_000, height=100_000, pixels=False), "dimensions 100,000 x 100,000"),
    ("noise.jpg", os.urandom(2048), "not a JPEG, PNG or WebP"),
    ("empty.png", b"", "not a JPEG, PNG or WebP"),
    ("bad.jpg", b"\xff\xd8\xff\xe1\x00", "truncated"),
])
def test_a_corrupt_or_hostile_file_is_a_finding_never_a_crash(tmp_path: Path, name, data, reason):
    (tmp_path / name).write_bytes(data)
    r = assets.read_file(tmp_path / name, tmp_path)
    assert r.error and reason in r.error, r.error


def test_a_link_out_of_the_assets_folder_is_not_followed(tmp_path: Path):
    outside = tmp_path / "secret.png"
    outside.write_bytes(images.png("trainedAlgorithmicMedia"))
    folder = tmp_path / "assets"
    folder.mkdir()
    (folder / "A1.png").symlink_to(outside)
    r = assets.read_file(folder / "A1.png", folder)
    assert r.error and "outside the assets folder" in r.error and not r.xmp_source_types


# --- the findings by asset id -------------------------------------------------------------------------
def fixture_folder(folder: Path) -> Path:
    """A1 signed (C2PA, AI), A2 XMP AI, A3 stripped, A4 says camera, A5 truncated, A6 missing."""
    return images.write(folder, {
        "A1.png": images.c2pa_signed_png(), "A2.jpg": images.jpeg("trainedAlgorithmicMedia"),
        "A3.png": images.png(None), "A4.webp": images.webp("digitalCapture"),
        "A5.png": images.png("trainedAlgorithmicMedia")[:30], "unrelated.png": images.png(None)})


def test_the_findings_list_exactly_the_assets_that_lost_or_contradict_their_marking(tmp_path: Path):
    folder = fixture_folder(tmp_path / "assets")
    u = pd.DataFrame({"asset_id": ["A1", "A2", "A3", "A4", "A5", "A6"],
                      "watermarked": [True, True, False, True, True, True]})
    prov = provenance.check(u, folder)
    f = prov.block["findings"]
    assert f == {"file_missing": ["A6"], "unreadable": ["A5"], "marking_invalid": [], "marking_missing": ["A3"],
                 "marking_contradicts": ["A4"]}
    assert prov.block["files"] == 5 and prov.block["with_c2pa"] == 1 and prov.block["with_ai_source_type"] == 2
    u.loc[u["asset_id"] == "A3", "watermarked"] = True  # recorded as watermarked, the file says nothing
    assert provenance.check(u, folder).block["findings"]["marking_contradicts"] == ["A3", "A4"]
    row = prov.table.set_index("asset_id").loc["A4"]
    assert row["file"] == "A4.webp" and "XMP source type digitalCapture" in row["what_was_read"]


def test_two_thousand_files_stream_with_a_progress_line_every_thousand(tmp_path: Path):
    """The benchmark (make bench BENCH=provenance) reads 10,000; here, enough for two lines."""
    folder = tmp_path / "assets"
    folder.mkdir()
    blob = images.png("trainedAlgorithmicMedia")
    ids = [f"A{i:05d}" for i in range(2_000)]
    for i in ids:
        (folder / f"{i}.png").write_bytes(blob)
    lines: list[str] = []
    prov = provenance.check(usage(ids), folder, progress=lines.append)
    assert prov.block["files"] == 2_000 and not any(prov.block["findings"].values())
    assert lines == ["provenance: 1,000 of 2,000 asset files read", "provenance: 2,000 of 2,000 asset files read"]


# --- the checklist as of the run date ------------------------------------------------------------------
def statuses(as_of: date) -> dict[str, str]:
    regs = reference.regulations()
    return {r.rule_id: regulation.status(r.applies_from, r.pending, as_of) for r in regs.itertuples()}


def test_the_checklist_has_its_rows_with_a_source_each_and_statuses_that_follow_the_run_date():
    regs = reference.regulations()
    assert len(regs) >= 12 and regs["source"].notna().all() and regs["confidence"].isin(list("ABCU")).all()
    assert set(regs["check"]) <= set(regulation.OBLIGATIONS)
    may, dec = statuses(date(2026, 5, 1)), statuses(date(2026, 12, 3))
    for rule in ("eu_ai_act_art50_4", "eu_ai_act_art50_2", "ny_gbl_396b"):
        assert may[rule] == "upcoming" and dec[rule] == "in force", rule
    assert may["us_no_fakes_act"] == dec["us_no_fakes_act"] == "pending"
    assert dec["ny_gol_5_302"] == "in force (date not verified)"
    assert may["ny_fashion_workers_act_replica"] == "in force"


def test_a_run_with_asset_files_reports_provenance_and_the_regulation_by_run_date(tmp_path: Path):
    folder = tmp_path / "data"
    shutil.copytree(TINY, folder)
    images.write(folder / "assets", {"A1.png": images.c2pa_signed_png(), "A2.png": images.png(None),
                                     "A3.jpg": images.jpeg("digitalCapture"),
                                     "P3.png": images.png(None),  # a post showing a twin, its file stripped
                                     "P1.png": images.png(None)})  # a post photographing people: not checked
    proc = subprocess.run([sys.executable, "-m", "twinimpact", "run", "-p", str(TINY_PARAMS), "--data", str(folder),
                           "--out", str(tmp_path / "r")], capture_output=True, text=True, env=os.environ.copy(),
                          timeout=600)
    assert proc.returncode == 0, proc.stderr
    res = json.loads((Path(proc.stdout.strip()).parent / "results.json").read_text())
    prov = res["rights"]["provenance"]
    assert prov["checked"] and prov["files"] == 4 and prov["post_files"] == 1 and prov["with_c2pa"] == 1
    assert prov["findings"]["marking_missing"] == ["A2", "P3"]
    assert set(prov["findings"]["marking_contradicts"]) == {"A2", "A3"}
    statement = res["conclusions"]["rights_findings"]["statement"]
    assert "2 carry no machine-readable AI marking" in statement and "2 contradict it" in statement
    rows = {r["id"]: r for r in res["rights"]["regulation"]}
    assert rows["eu_ai_act_art50_2"]["status"] == "in force"  # the tiny fixture runs as of 2026-11-28
    assert all({"id", "jurisdiction", "source", "effective", "status", "result"} <= set(r) for r in rows.values())


def test_without_asset_files_the_first_page_says_the_marking_was_not_checked():
    p = Params(data_dir=str(TINY), fx_rates={"EUR": 1.0, "GBP": 1.2, "USD": 0.9}, as_of="2026-11-28")
    ra = rights.analyse(data.load(p), p)
    assert ra.block["provenance"]["checked"] is False
    assert "machine-readable AI marking was not checked" in ra.conclusions["rights_findings"]["statement"]
    marking = {r["id"]: r for r in ra.block["regulation"]}["eu_ai_act_art50_2"]
    assert marking["result"].startswith("not tested: no asset files were given")


def test_a_c2pa_marking_whose_signature_is_invalid_is_a_finding_and_not_a_marking(tmp_path: Path):
    """The probe's case: a manifest c2pa reports Invalid was counted as a valid machine-readable
    marking. Here the image is changed after signing (its hash no longer matches)."""
    signed = bytearray(images.c2pa_signed_png())
    idat = signed.find(b"IDAT")
    signed[idat + 8] ^= 0xFF
    folder = tmp_path / "assets"
    folder.mkdir()
    (folder / "A1.png").write_bytes(bytes(signed))
    (folder / "A2.png").write_bytes(images.c2pa_signed_png())
    prov = provenance.check(usage(["A1", "A2"]), folder)
    assert prov.block["findings"]["marking_invalid"] == ["A1"] and prov.block["with_ai_source_type"] == 1
    row = prov.table.set_index("asset_id").loc["A1"]
    assert row["c2pa_state"] == "Invalid" and "marking_invalid" in row["finding"]
    from twinimpact.words import statements

    sentence, flagged = statements.provenance_sentence(prov.block, 2)
    assert "1 carry a C2PA marking whose signature is invalid" in sentence and flagged == 1


def test_a_named_pipe_among_the_asset_files_is_unreadable_not_a_hang(tmp_path: Path):
    """The probe's case: a FIFO called A1.png blocked the run forever. Read in a child process
    with a deadline, so that a regression fails instead of hanging the suite."""
    import os
    import subprocess
    import sys

    folder = tmp_path / "assets"
    folder.mkdir()
    os.mkfifo(folder / "A1.png")
    code = ("import sys; from pathlib import Path; from twinimpact.sources import assets; "
            "r = assets.read_file(Path(sys.argv[1]) / 'A1.png', Path(sys.argv[1])); print(r.error)")
    proc = subprocess.run([sys.executable, "-c", code, str(folder)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "not a regular file" in proc.stdout, proc.stderr


def test_an_assets_folder_that_cannot_be_listed_is_not_checked_and_says_why(tmp_path: Path, monkeypatch):
    """The probe's case (mode 000, a user other than its owner): a PermissionError had ended the
    run as an internal error. Root lists any folder, so the refusal is simulated."""
    import os

    from twinimpact.run import reuse

    folder = tmp_path / "assets"
    folder.mkdir()
    real_scandir = os.scandir

    def refuse(path=".", *a, **k):
        if Path(path) == folder:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path, *a, **k)

    monkeypatch.setattr(os, "scandir", refuse)
    monkeypatch.setattr(Path, "iterdir", lambda self: (_ for _ in ()).throw(PermissionError(13, "Permission denied")))
    prov = provenance.check(usage(["A1"]), folder)
    assert prov.block["checked"] is False and "cannot be read (Permission denied)" in prov.block["not_checked"]
    first, second = reuse.assets_identity(folder), reuse.assets_identity(folder)
    assert first.startswith("unreadable") and first != second  # never the same: the chapter is never reused
