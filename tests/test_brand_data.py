"""The data a brand actually has: platform exports imported with a tagging sheet, Excel
workbooks, European and US Excel CSV files, and the template to start from. Fixtures are
written here from generated data, so the truth of every row is known."""

from __future__ import annotations

import csv
import json
import shutil
import sys
from datetime import date, datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from twinimpact import cli, sample
from twinimpact.analyses.engagement import model as engagement
from twinimpact.errors import DataError
from twinimpact.params import Params
from twinimpact.sources import data, exports, textfiles

sys.path.insert(0, str(Path(__file__).parent))
import spreadsheets  # noqa: E402

AS_OF = "2026-11-28"


# --- values as the exports write them --------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("15,000", (15000, False)), ("1,234", (1234, False)), ("12", (12, False)), ("1.2M", (1_200_000, True)),
    ("3.4K", (3400, True)), ("2B", (2_000_000_000, True)), ("", (None, False)), ("n/a", (None, False)),
    (42, (42, False)), ("1,2M", (1_200_000, True)),
])
def test_counts_are_read_as_the_exports_write_them(text, expected):
    assert exports.parse_count(text) == expected


def test_percentages_durations_and_times_are_read():
    assert exports.parse_percent("42%") == pytest.approx(0.42)
    assert exports.parse_duration("0h:04m:38s") == 278.0
    assert exports.parse_duration("3.4s") == pytest.approx(3.4)
    assert exports.parse_time("05/20/2025 14:30") == datetime(2025, 5, 20, 14, 30, tzinfo=timezone.utc)
    # Berlin is two hours ahead of UTC in May
    assert exports.parse_time("05/20/2025 14:30", "Europe/Berlin") == datetime(2025, 5, 20, 12, 30,
                                                                                  tzinfo=timezone.utc)
    assert exports.parse_time("2025-05-01T12:00:00+0000") == datetime(2025, 5, 1, 12, tzinfo=timezone.utc)
    assert exports.parse_time(1746100800) == datetime(2025, 5, 1, 12, tzinfo=timezone.utc)
    assert exports.parse_time("yesterday") is None


def test_dates_and_booleans_as_excel_writes_them():
    assert textfiles.as_date("5/20/2023", "mdy") == "2023-05-20"
    assert textfiles.as_date("20/05/2023", "dmy") == "2023-05-20"
    assert textfiles.as_date("02.01.2023", None) == "2023-01-02"
    assert textfiles.as_date("45000", None) == "2023-03-15"  # Excel's serial 45000 (1899-12-30 + 45000 days)
    assert textfiles.as_date("5/20/2023 14:30", "mdy", timestamp=True) == "2023-05-20T14:30:00Z"
    assert textfiles.as_date("2023-05-20 00:00:00", None) == "2023-05-20"
    assert [textfiles.as_bool(v) for v in ("WAHR", "FALSCH", "VRAI", "faux", "TRUE", "maybe")] == \
        ["true", "false", "true", "false", "true", "maybe"]
    assert textfiles.as_number("1.234,56", ",") == "1234.56"
    assert textfiles.as_number("2,5", ",") == "2.5"
    assert textfiles.date_order_of(["5/20/2023", "1/2/2023"], "f.csv") == "mdy"
    assert textfiles.date_order_of(["20/5/2023", "1/2/2023"], "f.csv") == "dmy"
    with pytest.raises(textfiles.ReadProblem, match="--date-order mdy or --date-order dmy"):
        textfiles.date_order_of(["1/2/2023", "3/4/2023"], "f.csv")
    with pytest.raises(textfiles.ReadProblem, match=r"f.csv is separated by semicolons.*2,5.*1\.5.*--decimal"):
        textfiles.decimal_of(["2,5", "1.5"], "f.csv", ";")


# --- platform exports ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def brand(tmp_path_factory):
    """A generated brand: its tables, and its posts split into a Meta Business Suite export
    (Instagram), a TikTok Studio export (TikTok) and contract rows (the rest), with a
    tagging sheet."""
    root = tmp_path_factory.mktemp("brand")
    s = sample.generate(seed=21, n_posts=20_000)
    posts = s.tables["posts"]
    ig, tt = posts[posts.platform == "instagram"], posts[posts.platform == "tiktok"]
    rest = posts[~posts.platform.isin(["instagram", "tiktok"])]
    meta = pd.DataFrame({
        "Post ID": ig.post_id, "Account ID": "17841400000000000", "Account username": "brand",
        "Account name": "Brand", "Description": "a post, with a comma", "Duration (sec)": "0",
        "Publish time": ig.posted_at.dt.strftime("%m/%d/%Y %H:%M"), "Permalink": "https://instagram.com/p/x",
        "Post type": ig.format.map({"image": "IG image", "carousel": "IG carousel", "video": "IG reel"}),
        "Data comment": "", "Date": "Lifetime", "Views": ig.impressions.map("{:,}".format), "Reach": "1",
        "Likes": ig.likes.map("{:,}".format), "Shares": ig.shares.map("{:,}".format), "Follows": "0",
        "Comments": ig.comments.map("{:,}".format), "Saves": ig.saves.map("{:,}".format)})
    meta.to_csv(root / "instagram.csv", index=False, quoting=csv.QUOTE_NONNUMERIC)
    studio = pd.DataFrame({
        "Video title": "a video", "Video link": "https://www.tiktok.com/@brand/video/" + tt.post_id.str[1:] + "0",
        "Post time": tt.posted_at.dt.strftime("%Y-%m-%d %H:%M:%S"), "Total likes": tt.likes.map("{:,}".format),
        "Total comments": tt.comments.astype(str), "Total shares": tt.shares.astype(str),
        "Total views": tt.impressions.map("{:,}".format), "Total play time": "0h:04m:38s",
        "Average watch time": "3.4s", "Watched full video": "42%", "Add to favorites": tt.saves.astype(str)})
    studio.to_csv(root / "tiktok.csv", index=False)
    spreadsheets._write(rest.assign(posted_at=rest.posted_at.dt.strftime("%Y-%m-%dT%H:%M:%SZ"),
                                    ai_label=rest.ai_label.map({True: "true", False: "false"}))
                        .fillna(""), root / "other.csv", "utf-8", ",", "\n")
    tiktok_ids = tt.post_id.str[1:] + "0"
    tags = pd.concat([ig.assign(tag_id=ig.post_id), tt.assign(tag_id=tiktok_ids)])
    tags = pd.DataFrame({"post_id": tags.tag_id, "campaign_id": tags.campaign_id.fillna(""), "brand": tags.brand,
                         "imagery": tags.imagery, "ai_label": tags.ai_label.map({True: "true", False: "false"}),
                         "followers": tags.followers})
    tags.to_csv(root / "tags.csv", index=False)
    return {"root": root, "sample": s, "tiktok_ids": dict(zip(tiktok_ids, tt.post_id))}


def test_exports_and_contract_rows_are_imported_row_for_row(brand, capsys):
    root, s = brand["root"], brand["sample"]
    out = root / "imported"
    code = cli.main(["import", str(root / "instagram.csv"), str(root / "tiktok.csv"), str(root / "other.csv"),
                     "--tags", str(root / "tags.csv"), "--out", str(out)])
    assert code == 0
    shown = capsys.readouterr().out
    assert "instagram.csv: Meta Business Suite Instagram post export" in shown
    assert "tiktok.csv: TikTok Studio export" in shown
    got = pd.read_csv(out / "posts.csv", dtype=str, keep_default_na=False)
    assert pd.read_csv(out / "import_skipped.csv").empty
    original = s.tables["posts"]
    got["original_id"] = got.post_id.map(lambda p: brand["tiktok_ids"].get(p, p))
    merged = original.merge(got, left_on="post_id", right_on="original_id", suffixes=("", "_got"))
    assert len(got) == len(original) == len(merged)
    for col in ("impressions", "likes", "comments", "shares", "saves", "followers"):
        assert (merged[col].astype(str) == merged[f"{col}_got"]).all(), col
    assert (merged.posted_at.dt.strftime("%Y-%m-%d") == merged.posted_at_got.str[:10]).all()
    for col in ("brand", "imagery", "format", "platform"):
        assert (merged[col] == merged[f"{col}_got"]).all(), col
    metric = merged.set_index("post_id").exposure_metric
    assert (metric[original.platform.isin(["instagram", "tiktok"]).to_numpy()] == "views").all()
    assert (metric[~original.platform.isin(["instagram", "tiktok"]).to_numpy()] == "impressions").all()
    assert got.post_id.str.match(r"^\d+0$|^P\d{8}$").all()  # ids kept as text


def test_the_imported_posts_still_recover_the_planted_ratios(brand):
    root, s = brand["root"], brand["sample"]
    folder = root / "folder"
    folder.mkdir(exist_ok=True)
    for name, frame in s.tables.items():
        if name not in ("posts", "post_outcomes"):
            sample._to_csv(frame, folder / f"{name}.csv")
    shutil.copy(root / "imported" / "posts.csv", folder / "posts.csv")
    ds = data.load(Params(data_dir=str(folder), as_of=AS_OF), keep_source=True)
    fit = engagement.analyse(ds, Params(data_dir=str(folder), as_of=AS_OF, nb_max_rows=0))
    truth = s.truth["engagement"]
    for key in ("irr_twin_vs_human", "irr_ai_label"):
        assert fit.block[key]["ci_low"] <= truth[key] <= fit.block[key]["ci_high"], key


def test_json_exports_carry_the_platform_label_and_impressions_before_2025(tmp_path, capsys):
    api = [{"id": "7300000000000000001", "create_time": 1746100800, "like_count": 120, "comment_count": 4,
            "share_count": 2, "view_count": 5000, "is_aigc": True},
           {"id": "7300000000000000002", "create_time": 1746187200, "like_count": 80, "comment_count": 1,
            "share_count": 0, "view_count": 4000, "is_aigc": False}]
    graph = {"data": [{"id": "18000000000000001", "timestamp": "2024-06-01T10:00:00+0000",
                       "media_product_type": "FEED", "media_type": "CAROUSEL_ALBUM", "impressions": 9000,
                       "likes": 300, "comments": 12, "saved": 30, "shares": 5}]}
    (tmp_path / "tiktok.json").write_text(json.dumps(api))
    (tmp_path / "instagram.json").write_text(json.dumps(graph))
    (tmp_path / "tags.csv").write_text(
        "post_id,campaign_id,brand,imagery,ai_label,followers\n"
        "7300000000000000001,C1,Brand,twin,,50000\n"          # ai_label blank: the platform says
        "7300000000000000002,C1,Brand,twin,true,50000\n"      # the brand labelled it, TikTok did not
        "18000000000000001,,Brand,human,false,\"120,000\"\n"
        "99,C1,Brand,human,false,1\n")                         # tagged but in no export
    code = cli.main(["import", str(tmp_path / "tiktok.json"), str(tmp_path / "instagram.json"),
                     "--tags", str(tmp_path / "tags.csv"), "--out", str(tmp_path / "out")])
    assert code == 0
    got = pd.read_csv(tmp_path / "out" / "posts.csv", dtype=str, keep_default_na=False).set_index("post_id")
    assert got.loc["7300000000000000001", "ai_label"] == "true"
    assert got.loc["7300000000000000001", "platform_ai_label"] == "true"
    assert got.loc["7300000000000000002", ["ai_label", "platform_ai_label"]].tolist() == ["true", "false"]
    assert got.loc["7300000000000000001", "posted_at"] == "2025-05-01T12:00:00Z"
    assert got.loc["7300000000000000001", "saves"] == "0"
    ig = got.loc["18000000000000001"]
    assert (ig["exposure_metric"], ig["impressions"], ig["format"], ig["saves"], ig["followers"]) == \
        ("impressions", "9000", "carousel", "30", "120000")
    assert ig["platform_ai_label"] == ""
    skipped = pd.read_csv(tmp_path / "out" / "import_skipped.csv", dtype=str)
    assert skipped.to_dict("records") == [{"file": "tags.csv", "where": "line 5", "post_id": "99",
                                           "reason": "tagged, but in none of the exports"}]
    shown = capsys.readouterr().out
    assert "1 x tagged, but in none of the exports" in shown
    assert "saves set to 0" in shown


def test_every_row_not_imported_is_listed_with_its_reason_and_rounded_counts_are_flagged(tmp_path, capsys):
    (tmp_path / "studio.csv").write_text(
        "Video title,Video link,Post time,Total likes,Total comments,Total shares,Total views,Total play time,"
        "Average watch time,Watched full video,Add to favorites\n"
        "a,https://www.tiktok.com/@b/video/111,2025-05-01 10:00:00,\"1,234\",5,6,1.2M,0h:04m:38s,3.4s,42%,7\n"
        "b,https://www.tiktok.com/@b/video/222,2025-05-02 10:00:00,lots,5,6,100,0h:00m:10s,3.4s,42%,7\n"
        "c,https://www.tiktok.com/@b/video/333,2025-05-03 10:00:00,1,5,6,100,0h:00m:10s,3.4s,42%,7\n"
        "d,https://www.tiktok.com/@b/video/111,2025-05-04 10:00:00,1,5,6,100,0h:00m:10s,3.4s,42%,7\n"
        "e,not a link,2025-05-04 10:00:00,1,5,6,100,0h:00m:10s,3.4s,42%,7\n"
        "f,https://www.tiktok.com/@b/video/444,2025-05-04 10:00:00,1,5,6,100,0h:00m:10s,3.4s,42%,7\n")
    (tmp_path / "tags.csv").write_text("post_id,campaign_id,brand,imagery,ai_label,followers\n"
                                       "111,C1,B,twin,true,10\n222,C1,B,twin,true,10\n333,C1,B,robot,true,10\n"
                                       "444,C1,B,twin,,10\n")
    assert cli.main(["import", str(tmp_path / "studio.csv"), "--tags", str(tmp_path / "tags.csv"),
                     "--out", str(tmp_path / "out")]) == 0
    got = pd.read_csv(tmp_path / "out" / "posts.csv", dtype=str)
    assert got.post_id.tolist() == ["111"] and got.impressions.tolist() == ["1200000"] and got.likes.tolist() == ["1234"]
    skipped = pd.read_csv(tmp_path / "out" / "import_skipped.csv", dtype=str)
    assert set(skipped.file) == {"studio.csv"}
    reasons = skipped.set_index("where")["reason"].to_dict()
    assert reasons["line 3"] == "likes is empty or not a count"
    assert reasons["line 4"].startswith("the tagging sheet's imagery 'robot' is none of")
    assert reasons["line 5"].startswith("post id already imported from studio.csv line 2")
    assert reasons["line 6"].startswith("Video link 'not a link' holds no video id")
    assert reasons["line 7"] == "ai_label is empty in the tagging sheet and the platform does not say"
    rounded = pd.read_csv(tmp_path / "out" / "import_rounded.csv", dtype=str)
    assert rounded.to_dict("records") == [{"post_id": "111", "column": "impressions", "exported": "1.2M"}]
    shown = capsys.readouterr().out
    assert "skipped 5 rows" in shown and "1 counts were rounded by the export" in shown


def test_a_file_of_no_known_format_is_refused_naming_its_columns(tmp_path, capsys):
    (tmp_path / "x.csv").write_text("when,what\n1,2\n")
    assert cli.main(["import", str(tmp_path / "x.csv"), "--out", str(tmp_path / "out")]) == 3
    err = capsys.readouterr().err
    assert "its columns (what, when) are none of the formats" in err and "Total views" in err
    assert not (tmp_path / "out").exists()
    (tmp_path / "meta.csv").write_text("Post ID,Publish time,Post type,Views\n1,05/01/2025 10:00,IG image,5\n")
    assert cli.main(["import", str(tmp_path / "meta.csv"), "--out", str(tmp_path / "out")]) == 3
    assert "looks like a Meta Business Suite export but lacks Comments, Likes, Saves, Shares" in capsys.readouterr().err


# --- Excel workbooks and European CSV ---------------------------------------------------------------
@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    """A small brand's tables as a CSV folder (posts as CSV too), with a market of non-ASCII text."""
    root = tmp_path_factory.mktemp("tables")
    sample.write_sample(root / "csv", seed=7, n_posts=3000)
    posts = pd.read_parquet(root / "csv" / "posts.parquet")
    (root / "csv" / "posts.parquet").unlink()
    sample._to_csv(posts.assign(posted_at=posts.posted_at.dt.strftime("%Y-%m-%dT%H:%M:%SZ")), root / "csv" / "posts.csv")
    campaigns = pd.read_csv(root / "csv" / "campaigns.csv", dtype=str)
    campaigns.loc[0, "market"] = "DE-Köln"
    campaigns.to_csv(root / "csv" / "campaigns.csv", index=False, lineterminator="\n")
    for name in ("post_outcomes", "experiments"):
        (root / "csv" / f"{name}.parquet").unlink(missing_ok=True)
    (root / "csv" / "TRUTH.json").unlink()
    return root


def _prints(**kw) -> dict[str, str]:
    loaded = data.load(Params(as_of=AS_OF, **kw))
    if "base" in _FRAMES:  # the typed tables themselves are equal, not only their fingerprints
        for name, frame in loaded.frames.items():
            pd.testing.assert_frame_equal(frame, _FRAMES["base"][name], check_dtype=False)
    else:
        _FRAMES["base"] = loaded.frames
    return loaded.fingerprints


_FRAMES: dict[str, dict[str, pd.DataFrame]] = {}


def test_a_workbook_and_european_and_us_excel_csv_give_the_same_tables(tables):
    _FRAMES.clear()
    base = _prints(data_dir=str(tables / "csv"))
    book = spreadsheets.workbook(tables / "csv", tables / "brand.xlsx")
    german = spreadsheets.german_csv(tables / "csv", tables / "de")
    us = spreadsheets.us_excel_csv(tables / "csv", tables / "us")
    assert spreadsheets.latin_bytes(german / "campaigns.csv")
    assert _prints(data_dir=str(book)) == base
    assert _prints(data_dir=str(german), encoding="cp1252") == base
    assert _prints(data_dir=str(us)) == base
    # one table of a folder as a workbook is read too
    mixed = tables / "mixed"
    shutil.copytree(tables / "csv", mixed)
    (mixed / "staffing.csv").unlink()
    spreadsheets.workbook(tables / "csv", mixed / "staffing.xlsx")
    assert _prints(data_dir=str(mixed)) == base


def test_files_read_only_with_a_guess_are_refused_in_one_pass_with_the_option(tables):
    _FRAMES.clear()
    german = spreadsheets.german_csv(tables / "csv", tables / "de2")
    models = pd.read_csv(tables / "csv" / "models.csv", dtype=str)
    models.loc[0, "agency"] = "Agentur Müller"
    spreadsheets._write(models.fillna(""), german / "models.csv", "cp1252", ";", "\r\n")
    with pytest.raises(DataError) as err:
        _prints(data_dir=str(german))
    text = str(err.value)
    assert "holds 2 files that cannot be read" in text
    assert "campaigns.csv is not UTF-8 text" in text and "models.csv is not UTF-8 text" in text
    assert "--encoding cp1252" in text and "CSV UTF-8" in text
    # slash dates none of which tells the order
    us = spreadsheets.us_excel_csv(tables / "csv", tables / "us2")
    for name in ("campaigns", "models", "twin_usage", "posts"):
        frame = pd.read_csv(us / f"{name}.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
        for col in frame.columns:
            if frame[col].str.match(r"^\d{1,2}/\d{1,2}/\d{4}").any():
                frame[col] = frame[col].str.replace(r"^(\d{1,2})/(\d{1,2})/", lambda m: f"{int(m[1]) % 12 + 1}/"
                                                    f"{int(m[2]) % 12 + 1}/", regex=True)
        spreadsheets._write(frame, us / f"{name}.csv", "utf-8-sig", ",", "\r\n")
    with pytest.raises(DataError, match="--date-order mdy or --date-order dmy"):
        _prints(data_dir=str(us))
    assert _prints(data_dir=str(us), date_order="mdy")  # settled by the option (the values are then read)


def test_the_template_reads_back_with_only_its_example_rows_reported(tmp_path, capsys):
    import openpyxl

    path = tmp_path / "brand.xlsx"
    assert cli.main(["template", str(path)]) == 0
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[0] == "README" and set(book.sheetnames[1:]) == set(data.CONTRACT)
    posts = book["posts"]
    header = [c.value for c in posts[1]]
    assert header == data.CONTRACT["posts"].column_names
    comment = posts.cell(row=1, column=header.index("impressions") + 1).comment.text
    assert "whole number" in comment and "impressions" in comment
    assert "one of: human, twin, synthetic, none" in posts.cell(row=1, column=header.index("imagery") + 1).comment.text
    capsys.readouterr()
    assert cli.main(["validate", "--data", str(path)]) == 0
    shown = capsys.readouterr().out
    assert shown.count("example row of the template") == len(data.CONTRACT)
    assert cli.main(["template", str(tmp_path / "brand.csv")]) == 2


def test_the_readme_import_example_prints_what_the_readme_shows(tmp_path, capsys, monkeypatch):
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    command = readme.split(".venv/bin/twinimpact import ", 1)[1].split("```", 1)[0]
    args = command.replace("\\\n", " ").split()
    shown = readme.split(command, 1)[1].split("```\n")[2]  # the output block after the command's
    monkeypatch.chdir(Path(__file__).parents[1])
    out = tmp_path / "brand"
    assert cli.main(["import", *[str(out) + "/" if a == "brand/" else a for a in args]]) == 0
    printed = capsys.readouterr().out.replace(str(out) + "/", "brand/").replace(str(out), "brand")
    assert printed.strip() == shown.strip()


def test_the_new_readers_name_the_file_sheet_and_row_of_bad_input(tables, tmp_path, capsys):
    """Faults of the new inputs get the probe's treatment: a workbook that is not one, a
    broken value in a sheet named by its sheet and row, an import into a file, bad JSON."""
    broken = tmp_path / "brand.xlsx"
    broken.write_bytes(b"not a zip")
    assert cli.main(["validate", "--data", str(broken)]) == 3
    assert "brand.xlsx cannot be read as an Excel workbook" in capsys.readouterr().err
    import openpyxl

    book = openpyxl.load_workbook(spreadsheets.workbook(tables / "csv", tmp_path / "good.xlsx"))
    book["staffing"]["C3"] = "many"  # people, row 3 of the sheet
    book.save(tmp_path / "bad.xlsx")
    assert cli.main(["validate", "--data", str(tmp_path / "bad.xlsx")]) == 3
    err = capsys.readouterr().err
    assert "sheet staffing" in err and "column people" in err and "line 3" in err and "'many'" in err
    (tmp_path / "x.json").write_text("{not json")
    assert cli.main(["import", str(tmp_path / "x.json"), "--out", str(tmp_path / "o")]) == 3
    assert "x.json: it is not JSON" in capsys.readouterr().err
    (tmp_path / "file").write_text("")
    api = tmp_path / "api.json"
    api.write_text(json.dumps([{"id": "1", "create_time": 1746100800, "like_count": 1, "comment_count": 0,
                                "share_count": 0, "view_count": 10, "is_aigc": False}]))
    (tmp_path / "tags.csv").write_text("post_id,campaign_id,brand,imagery,ai_label,followers\n1,C1,B,twin,,5\n")
    assert cli.main(["import", str(api), "--tags", str(tmp_path / "tags.csv"), "--out", str(tmp_path / "file")]) == 5
    assert f"Cannot write the import into {tmp_path / 'file'}" in capsys.readouterr().err
