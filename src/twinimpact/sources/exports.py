"""Platform exports to the contract's posts table (``twinimpact import``).

A brand's posts come as the platforms export them; each file is recognised by its header
(:data:`FORMATS`):

* Meta Business Suite's Instagram post export (CSV): ``Post ID, ..., Publish time, Post type,
  ..., Views, Reach, Likes, Shares, Follows, Comments, Saves`` (older exports count
  ``Impressions`` instead of ``Views``);
* TikTok Studio's export (CSV): ``Video title, Video link, Post time, Total likes, ...``;
* TikTok API v2 video objects (JSON list): ``id, create_time, like_count, comment_count,
  share_count, view_count, is_aigc``;
* Instagram Graph API media with their insights (JSON list, or ``{"data": [...]}``): ``id,
  timestamp, media_product_type, views`` (or ``impressions``), ``likes, comments, saved,
  shares, is_ai_generated``;
* rows already in the contract's posts form (CSV).

None of the exports says which campaign a post belongs to or what imagery it shows: the
brand's tagging sheet does (``post_id, campaign_id, brand, imagery, ai_label, followers``).
Every id stays text. Counts as the exports write them are read (``"15,000"``, ``1.2M``),
and a count an export rounded (``1.2M``) is flagged. Each post's exposure metric is marked
(views, or impressions for exports from before the platforms' switch), and the platforms' own
AI label becomes ``platform_ai_label``. Every row that cannot be imported is listed with its
reason; nothing is dropped silently.
"""

from __future__ import annotations

import csv
import json
import math
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

from twinimpact.contract.spec import CONTRACT, ENGAGEMENT_COUNTS, IMAGERY
from twinimpact.errors import DataError, ParamsError, PublishError
from twinimpact.sources import textfiles

POSTS_COLUMNS = [*CONTRACT["posts"].column_names]
TAG_COLUMNS = ("post_id", "campaign_id", "brand", "imagery", "ai_label", "followers")

#: Each export's header: the columns that recognise it.
META_IG = "Meta Business Suite Instagram post export"
TIKTOK_STUDIO = "TikTok Studio export"
TIKTOK_API = "TikTok API v2 video objects"
IG_GRAPH = "Instagram Graph API media with insights"
CONTRACT_ROWS = "contract posts rows"
FORMATS = {
    META_IG: {"Post ID", "Publish time", "Post type", "Likes", "Comments", "Shares", "Saves"},
    TIKTOK_STUDIO: {"Video link", "Post time", "Total likes", "Total comments", "Total shares", "Total views"},
    TIKTOK_API: {"id", "create_time", "like_count", "comment_count", "share_count", "view_count"},
    IG_GRAPH: {"id", "timestamp", "media_product_type", "likes", "comments", "saved", "shares"},
    CONTRACT_ROWS: set(CONTRACT["posts"].required_names),
}
META_POST_TYPES = {"ig image": "image", "ig carousel": "carousel", "ig reel": "video", "ig video": "video"}
GRAPH_MEDIA_TYPES = {"IMAGE": "image", "CAROUSEL_ALBUM": "carousel", "VIDEO": "video", "REELS": "video"}

_COUNT = re.compile(r"^([0-9]+(?:[.,][0-9]+)?)\s*([KMB])$", re.IGNORECASE)
_DURATION = re.compile(r"^(?:(\d+)h:)?(?:(\d+)m:)?(\d+(?:\.\d+)?)s$")
_TIKTOK_ID = re.compile(r"/video/(\d+)")


# --- values --------------------------------------------------------------------------------------
def parse_count(text: Any) -> tuple[int | None, bool]:
    """A count as an export writes it, and whether the export rounded it: ``"15,000"`` ->
    (15000, False), ``1.2M`` -> (1200000, True), ``3.4K`` -> (3400, True), ``""`` -> (None,
    False). A text that is no count gives (None, False)."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return None, False
    if isinstance(text, bool):
        return None, False
    if isinstance(text, (int, float)):
        return (int(text), False) if float(text).is_integer() and text >= 0 else (None, False)
    v = str(text).strip().replace("\u00a0", "").replace(" ", "")
    if not v:
        return None, False
    if re.fullmatch(r"\d{1,3}(,\d{3})+|\d+", v):
        return int(v.replace(",", "")), False
    m = _COUNT.match(v)
    if m:
        scale = {"K": 10**3, "M": 10**6, "B": 10**9}[m.group(2).upper()]
        return int(round(float(m.group(1).replace(",", ".")) * scale)), True
    return None, False


def parse_percent(text: str) -> float | None:
    """``42%`` -> 0.42 (None when it is not a percentage)."""
    m = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*%\s*", str(text))
    return float(m.group(1)) / 100 if m else None


def parse_duration(text: str) -> float | None:
    """``0h:04m:38s`` -> 278.0 and ``3.4s`` -> 3.4 seconds (None otherwise)."""
    m = _DURATION.fullmatch(str(text).strip())
    if not m:
        return None
    return int(m.group(1) or 0) * 3600 + int(m.group(2) or 0) * 60 + float(m.group(3))


def parse_time(value: Any, zone: str = "UTC") -> datetime | None:
    """A publication time as the exports write it, in UTC: ``MM/DD/YYYY HH:MM`` (Meta),
    ISO 8601 with or without an offset (``2025-05-01T12:00:00+0000``), ``YYYY-MM-DD HH:MM``,
    or Unix seconds (TikTok's ``create_time``). A time without an offset is in ``zone``."""
    from zoneinfo import ZoneInfo

    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.fromtimestamp(float(value), tz=timezone.utc)
    v = str(value).strip()
    if re.fullmatch(r"\d{9,11}", v):
        return datetime.fromtimestamp(int(v), tz=timezone.utc)
    moment = None
    for pattern in ("%m/%d/%Y %H:%M", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M",
                    "%Y-%m-%d"):
        try:
            moment = datetime.strptime(v, pattern)
            break
        except ValueError:
            continue
    if moment is None:
        try:
            moment = datetime.fromisoformat(v.replace("Z", "+00:00"))
        except ValueError:
            m = re.fullmatch(r"(.+[T ]\d{2}:\d{2}:\d{2})([+-]\d{2})(\d{2})", v)  # +0000, as the Graph API writes it
            if not m:
                return None
            moment = datetime.fromisoformat(f"{m.group(1)}{m.group(2)}:{m.group(3)}")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    return moment.astimezone(timezone.utc)


def parse_flag(value: Any) -> bool | None:
    """A platform's true/false field (JSON booleans, or text as Excel or an export writes it)."""
    if isinstance(value, bool):
        return value
    if value is None:
        return None
    low = str(value).strip().lower()
    if low in textfiles.EXCEL_TRUE or low in ("1", "yes", "t"):
        return True
    if low in textfiles.EXCEL_FALSE or low in ("0", "no", "f"):
        return False
    return None


# --- files ---------------------------------------------------------------------------------------
@dataclass
class Rows:
    """The records of one input file: dicts by column, and where each came from."""

    path: Path
    kind: str
    records: list[dict[str, Any]]
    where: list[str]  # "line 12" or "item 3"


def _csv_rows(path: Path, encoding: str) -> tuple[list[str], list[dict[str, Any]], list[str]]:
    try:
        text, _ = textfiles.decode(path, encoding)
    except textfiles.ReadProblem as problem:
        raise DataError(f"Cannot import {path}: {problem}.") from None
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    expected = sorted(set().union(*FORMATS.values()) | set(TAG_COLUMNS))
    header, records, lines = textfiles.csv_records(text, textfiles.separator_of(first, expected))
    rows = [{h: (r[i] if i < len(r) else None) for i, h in enumerate(header)} for r in records]
    return header, rows, [f"line {n}" for n in lines]


def read_input(path: Path, encoding: str = "auto") -> Rows:
    """One export file, recognised by its header (or its JSON objects' keys).

    Raises
    ------
    DataError
        The file cannot be read, or its header is none of :data:`FORMATS` (naming the header
        found and what each format needs).
    """
    if not path.is_file():
        raise DataError(f"Cannot import {path}: no such file.")
    if path.suffix.lower() == ".json":
        try:
            items = json.loads(path.read_text(encoding="utf-8-sig"))
        except (ValueError, UnicodeDecodeError) as err:
            raise DataError(f"Cannot import {path}: it is not JSON ({err}).") from None
        if isinstance(items, dict):  # the Graph API pages its media as {"data": [...]}, TikTok as {"data": {"videos"}}
            items = items.get("data", items)
            if isinstance(items, dict):
                items = items.get("videos", [])
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise DataError(f"Cannot import {path}: expected a list of objects (or {{\"data\": [...]}}).")
        keys = set().union(*(i.keys() for i in items)) if items else set()
        kind = _kind(keys, path)
        return Rows(path, kind, items, [f"item {i + 1}" for i in range(len(items))])
    header, rows, where = _csv_rows(path, encoding)
    return Rows(path, _kind(set(header), path), rows, where)


def _kind(columns: set[str], path: Path) -> str:
    for kind, needed in FORMATS.items():
        if kind == IG_GRAPH and not ({"views", "impressions"} & columns):
            continue
        if needed <= columns:
            return kind
    if FORMATS[META_IG] - {"Saves"} <= columns or {"Post ID", "Publish time"} <= columns:
        missing = sorted(FORMATS[META_IG] - columns)
        raise DataError(f"Cannot import {path}: it looks like a Meta Business Suite export but lacks "
                        f"{', '.join(missing)}; export the Instagram posts again with every metric column.")
    shown = ", ".join(sorted(columns)[:20]) or "nothing"
    needs = "; ".join(f"{k}: {', '.join(sorted(v))}" for k, v in FORMATS.items() if k != CONTRACT_ROWS)
    raise DataError(f"Cannot import {path}: its columns ({shown}) are none of the formats import reads ({needs}; or "
                    "the contract's posts columns).")


# --- one post ------------------------------------------------------------------------------------
@dataclass
class Post:
    """One post read from an export, before its tags are joined."""

    post_id: str
    platform: str
    posted_at: datetime | None
    format: str | None
    exposure: int | None
    exposure_metric: str
    counts: dict[str, int | None]
    platform_ai_label: bool | None
    rounded: list[tuple[str, str]] = field(default_factory=list)  # (column, the value as exported)
    notes: list[str] = field(default_factory=list)


def _count(post: Post, column: str, value: Any) -> int | None:
    n, rounded = parse_count(value)
    if rounded:
        post.rounded.append((column, str(value)))
    return n


def from_record(kind: str, record: dict[str, Any], zone: str) -> Post | str:
    """A post of one export row, or the reason it cannot be one.

    Parameters
    ----------
    kind
        The export's format (a key of :data:`FORMATS`, not :data:`CONTRACT_ROWS`).
    record
        The row: column (or JSON key) -> value.
    zone
        The time zone of times written without an offset.

    Returns
    -------
    Post or str
    """
    if kind == META_IG:
        exposure_col = "Views" if record.get("Views") not in (None, "") else "Impressions"
        metric = "views" if exposure_col == "Views" else "impressions"
        fmt = META_POST_TYPES.get(str(record.get("Post type") or "").strip().lower())
        post = Post(str(record.get("Post ID") or "").strip(), "instagram", parse_time(record.get("Publish time"), zone),
                    fmt, None, metric, {}, None)
        if fmt is None:
            return f"Post type {record.get('Post type')!r} is none of IG image, IG carousel, IG reel"
        post.exposure = _count(post, "impressions", record.get(exposure_col))
        post.counts = {n: _count(post, n, record.get(n.capitalize())) for n in ENGAGEMENT_COUNTS}
    elif kind == TIKTOK_STUDIO:
        link = str(record.get("Video link") or "")
        m = _TIKTOK_ID.search(link)
        post = Post(m.group(1) if m else "", "tiktok", parse_time(record.get("Post time"), zone), "video", None,
                    "views", {}, None)
        if not m:
            return f"Video link {link!r} holds no video id (…/video/<digits>)"
        post.exposure = _count(post, "impressions", record.get("Total views"))
        post.counts = {"likes": _count(post, "likes", record.get("Total likes")),
                       "comments": _count(post, "comments", record.get("Total comments")),
                       "shares": _count(post, "shares", record.get("Total shares")),
                       "saves": _count(post, "saves", record.get("Add to favorites"))}
        for column in ("Watched full video", "Average watch time", "Total play time"):  # read, to say so if broken
            value = record.get(column)
            if value not in (None, "") and parse_percent(value) is None and parse_duration(value) is None:
                post.notes.append(f"{column} {value!r} is not a percentage or a duration (not imported)")
    elif kind == TIKTOK_API:
        post = Post(str(record.get("id") or "").strip(), "tiktok", parse_time(record.get("create_time"), zone),
                    "video", None, "views", {}, parse_flag(record.get("is_aigc")))
        post.exposure = _count(post, "impressions", record.get("view_count"))
        post.counts = {"likes": _count(post, "likes", record.get("like_count")),
                       "comments": _count(post, "comments", record.get("comment_count")),
                       "shares": _count(post, "shares", record.get("share_count")), "saves": 0}
        post.notes.append("saves set to 0: TikTok's video object has no favourites count")
    elif kind == IG_GRAPH:
        metric = "views" if record.get("views") is not None else "impressions"
        media = str(record.get("media_type") or record.get("media_product_type") or "").upper()
        fmt = GRAPH_MEDIA_TYPES.get(media, "image" if media == "FEED" else None)
        post = Post(str(record.get("id") or "").strip(), "instagram", parse_time(record.get("timestamp"), zone), fmt,
                    None, metric, {}, parse_flag(record.get("is_ai_generated")))
        if fmt is None:
            return f"media type {media or 'empty'!r} is none of IMAGE, CAROUSEL_ALBUM, VIDEO, REELS, FEED"
        if media == "FEED" and not record.get("media_type"):
            post.notes.append("format read as image: a FEED item without media_type may be a carousel")
        post.exposure = _count(post, "impressions", record.get(metric))
        post.counts = {"likes": _count(post, "likes", record.get("likes")),
                       "comments": _count(post, "comments", record.get("comments")),
                       "shares": _count(post, "shares", record.get("shares")),
                       "saves": _count(post, "saves", record.get("saved"))}
    else:
        raise ValueError(kind)
    if not post.post_id:
        return "no post id"
    if post.posted_at is None:
        return "the publication time is empty or not a time (expected MM/DD/YYYY HH:MM, ISO 8601 or Unix seconds)"
    if post.exposure is None:
        return "the exposure count (views or impressions) is empty or not a count"
    empty = [n for n, v in post.counts.items() if v is None]
    if empty:
        return f"{', '.join(empty)} {'is' if len(empty) == 1 else 'are'} empty or not a count"
    return post


# --- the import ----------------------------------------------------------------------------------
@dataclass
class Imported:
    """What an import wrote and skipped."""

    posts: int
    by_file: dict[str, tuple[str, int]]  # file -> (its format, posts imported from it)
    skipped: list[dict[str, str]]  # file, where, post_id, reason
    rounded: list[dict[str, str]]  # post_id, column, exported
    notes: dict[str, int]  # note -> posts it applies to
    out: Path


def read_tags(path: Path, encoding: str = "auto") -> tuple[dict[str, dict[str, Any]], list[dict[str, str]]]:
    """The brand's tagging sheet by post id (CSV, or the first sheet of an .xlsx), and the
    rows that cannot be used (a repeated or empty post id).

    Raises
    ------
    DataError
        The file cannot be read or lacks a column of :data:`TAG_COLUMNS`.
    """
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            sheets = textfiles.workbook_sheets(path)
        except textfiles.ReadProblem as problem:
            raise DataError(f"Cannot read the tagging sheet: {problem}.") from None
        sheet = sheets.get("tags") or next(iter(sheets.values()))
        rows_iter = sheet.iter_rows(values_only=True)
        header = [str(h).strip() if h is not None else "" for h in (next(rows_iter, None) or ())]
        rows, where = [], []
        for number, row in enumerate(rows_iter, start=2):
            if all(c is None or str(c).strip() == "" for c in row):
                continue
            rows.append({h: textfiles.cell_text(row[i] if i < len(row) else None, None)
                         for i, h in enumerate(header)})
            where.append(f"row {number}")
    elif path.is_file():
        header, rows, where = _csv_rows(path, encoding)
    else:
        raise DataError(f"Cannot read the tagging sheet {path}: no such file.")
    missing = [c for c in TAG_COLUMNS if c not in header]
    if missing:
        raise DataError(f"The tagging sheet {path} lacks {', '.join(missing)} (columns found: "
                        f"{', '.join(h for h in header if h) or 'none'}); it needs {', '.join(TAG_COLUMNS)}.")
    tags: dict[str, dict[str, Any]] = {}
    bad: list[dict[str, str]] = []
    for row, at in zip(rows, where):
        pid = str(row.get("post_id") or "").strip()
        if not pid:
            bad.append({"file": path.name, "where": at, "post_id": "", "reason": "tagging row without a post id"})
        elif pid in tags:
            bad.append({"file": path.name, "where": at, "post_id": pid,
                        "reason": f"post id tagged twice (first at {tags[pid]['_where']}); this row is not used"})
        else:
            tags[pid] = {**row, "_where": at}
    return tags, bad


def _tag_reason(tag: dict[str, Any], platform_label: bool | None) -> str | None:
    if not str(tag.get("brand") or "").strip():
        return "the tagging sheet gives no brand"
    if str(tag.get("imagery") or "").strip() not in IMAGERY:
        return f"the tagging sheet's imagery {tag.get('imagery')!r} is none of {', '.join(IMAGERY)}"
    if parse_count(tag.get("followers"))[0] is None:
        return f"the tagging sheet's followers {tag.get('followers')!r} is not a count"
    label = str(tag.get("ai_label") or "").strip()
    if label and parse_flag(label) is None:
        return f"the tagging sheet's ai_label {label!r} is not true or false"
    if not label and platform_label is None:
        return "ai_label is empty in the tagging sheet and the platform does not say"
    return None


def run_import(inputs: list[Path], tags_file: Path | None, out: Path, zone: str = "UTC", encoding: str = "auto",
               progress: Callable[[str], None] | None = None) -> Imported:
    """Import platform exports (and contract posts rows) into ``out/posts.csv``, joined with
    the tagging sheet, listing every row not imported in ``out/import_skipped.csv`` and every
    count an export rounded in ``out/import_rounded.csv``. Files are written whole or not at
    all (each to a temporary name, then renamed).

    Parameters
    ----------
    inputs
        The export files.
    tags_file
        The brand's tagging sheet (needed for any export that is not contract rows).
    out
        The folder to write into (made if absent).
    zone
        The time zone of times written without an offset (an IANA name, e.g. Europe/Berlin).
    encoding
        The encoding of CSV inputs (:data:`twinimpact.sources.textfiles.ENCODINGS`).
    progress
        Where a line goes as each file is read.

    Returns
    -------
    Imported

    Raises
    ------
    ParamsError
        An unknown time zone.
    DataError
        An input cannot be read or recognised; the tagging sheet is missing where needed.
    """
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ParamsError(f"--timezone {zone!r} is not a time zone name like UTC or Europe/Berlin.") from None
    files = [read_input(p, encoding) for p in inputs]
    needs_tags = [f.path.name for f in files if f.kind != CONTRACT_ROWS]
    tags: dict[str, dict[str, Any]] = {}
    skipped: list[dict[str, str]] = []
    if needs_tags:
        if tags_file is None:
            raise DataError(f"{', '.join(needs_tags)} carr{'y' if len(needs_tags) > 1 else 'ies'} no campaign or "
                            "imagery: give the brand's tagging sheet with --tags (columns "
                            f"{', '.join(TAG_COLUMNS)}).")
        tags, skipped = read_tags(tags_file, encoding)
    rows: list[dict[str, Any]] = []
    seen: dict[str, str] = {}
    rounded: list[dict[str, str]] = []
    notes: dict[str, int] = {}
    by_file: dict[str, tuple[str, int]] = {}
    in_exports: set[str] = set()
    for f in files:
        if progress:
            progress(f"reading {f.path.name}: {f.kind}, {len(f.records):,} rows")
        count = 0
        for record, at in zip(f.records, f.where):
            if f.kind == CONTRACT_ROWS:
                pid = str(record.get("post_id") or "").strip()
                row = {c: record.get(c) for c in POSTS_COLUMNS}
                if not row.get("exposure_metric"):
                    row["exposure_metric"] = "impressions"
                reason = None if pid else "no post_id"
            else:
                post = from_record(f.kind, record, zone)
                if isinstance(post, str):
                    in_exports.add(_raw_id(f.kind, record))
                    skipped.append({"file": f.path.name, "where": at, "post_id": _raw_id(f.kind, record),
                                    "reason": post})
                    continue
                pid = post.post_id
                in_exports.add(pid)
                tag = tags.get(pid)
                reason = ("no row in the tagging sheet" if tag is None else
                          _tag_reason(tag, post.platform_ai_label))
                row = None
                if reason is None:
                    label = str(tag.get("ai_label") or "").strip()  # type: ignore[union-attr]
                    row = {
                        "post_id": pid, "campaign_id": str(tag.get("campaign_id") or "").strip() or None,  # type: ignore[union-attr]
                        "brand": str(tag["brand"]).strip(), "platform": post.platform,  # type: ignore[index]
                        "posted_at": post.posted_at.strftime("%Y-%m-%dT%H:%M:%SZ"),  # type: ignore[union-attr]
                        "format": post.format, "imagery": str(tag["imagery"]).strip(),  # type: ignore[index]
                        "ai_label": _bool_text(parse_flag(label) if label else post.platform_ai_label),
                        "followers": str(parse_count(tag.get("followers"))[0]),  # type: ignore[union-attr]
                        "impressions": str(post.exposure),
                        **{n: str(post.counts[n]) for n in ENGAGEMENT_COUNTS},
                        "exposure_metric": post.exposure_metric,
                        "platform_ai_label": _bool_text(post.platform_ai_label),
                    }
                    rounded += [{"post_id": pid, "column": c, "exported": v} for c, v in post.rounded]
                    for note in post.notes:
                        notes[note] = notes.get(note, 0) + 1
            if reason is None and pid in seen:
                reason = f"post id already imported from {seen[pid]}"
            if reason is not None:
                skipped.append({"file": f.path.name, "where": at, "post_id": pid, "reason": reason})
                continue
            seen[pid] = f"{f.path.name} {at}"
            rows.append(row)  # type: ignore[arg-type]
            count += 1
        by_file[f.path.name] = (f.kind, count)
    for pid, tag in tags.items():
        if pid not in in_exports and pid not in seen:
            skipped.append({"file": tags_file.name if tags_file else "", "where": tag["_where"], "post_id": pid,
                            "reason": "tagged, but in none of the exports"})
    _write_all(out, rows, skipped, rounded)
    return Imported(len(rows), by_file, skipped, rounded, notes, out)


def _raw_id(kind: str, record: dict[str, Any]) -> str:
    if kind == TIKTOK_STUDIO:
        m = _TIKTOK_ID.search(str(record.get("Video link") or ""))
        return m.group(1) if m else ""
    return str(record.get("Post ID") or record.get("id") or record.get("post_id") or "").strip()


def _bool_text(value: bool | None) -> str | None:
    return None if value is None else ("true" if value else "false")


def _write_csv(path: Path, columns: list[str], rows: list[dict[str, Any]]) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows({k: ("" if v is None else v) for k, v in r.items()} for r in rows)
    tmp.replace(path)


def _write_all(out: Path, rows: list[dict[str, Any]], skipped: list[dict[str, str]],
               rounded: list[dict[str, str]]) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
        _write_csv(out / "import_skipped.csv", ["file", "where", "post_id", "reason"], skipped)
        _write_csv(out / "import_rounded.csv", ["post_id", "column", "exported"], rounded)
        _write_csv(out / "posts.csv", POSTS_COLUMNS, rows)
    except OSError as err:
        raise PublishError(f"Cannot write the import into {out}: {err.strerror or err}. Choose another --out.") \
            from None


def summary_lines(result: Imported) -> list[str]:
    """What an import did, for the screen: per file its format and posts, then one line per
    reason rows were skipped, the rounded counts and the notes.

    Parameters
    ----------
    result
        :func:`run_import`'s outcome.

    Returns
    -------
    list of str
    """
    lines = [f"imported {result.posts:,} posts into {result.out / 'posts.csv'}"]
    lines += [f"  {name}: {kind}, {n:,} posts" for name, (kind, n) in result.by_file.items()]
    reasons: dict[str, int] = {}
    for s in result.skipped:
        key = re.sub(r"first at (line|row|item) \d+", r"first at another \1", s["reason"])
        key = re.sub(r"imported from .*$", "imported from another row", key)
        reasons[key] = reasons.get(key, 0) + 1
    if reasons:
        lines.append(f"skipped {len(result.skipped):,} rows (each listed in {result.out / 'import_skipped.csv'}):")
        lines += [f"  {n:,} x {reason}" for reason, n in sorted(reasons.items(), key=lambda kv: -kv[1])]
    if result.rounded:
        lines.append(f"{len(result.rounded):,} counts were rounded by the export (like 1.2M), listed in "
                     f"{result.out / 'import_rounded.csv'}: rates from them are approximate")
    lines += [f"note: {note} ({n:,} posts)" for note, n in result.notes.items()]
    return lines
