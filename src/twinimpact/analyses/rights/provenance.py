"""Provenance read from the published files: does each twin asset's image still say,
machine-readably, that AI made it?

The ``watermarked`` column is what the brand says; the file is what a viewer, a platform or
a regulator reads. For every twin asset (``twin_usage``) with a file in the assets folder
(:mod:`twinimpact.sources.assets`), the findings, by asset id:

Files named after a post showing twin or synthetic imagery (``<post_id>.<ext>``) are read
the same way (a post without a file is no finding).

* ``file_missing``: a twin asset without a file;
* ``unreadable``: a file that cannot be read (truncated, too large, impossible dimensions,
  a link out of the folder, a manifest the SDK rejects), with the reason;
* ``marking_invalid``: the file carries a C2PA manifest whose validation fails (its
  signature is broken, or the image changed after signing): a marking present but not to be
  trusted, and not counted as one;
* ``marking_missing``: the file carries neither a C2PA action with an AI source type nor an
  AI DigitalSourceType in its XMP (what an export tool or a CMS strips);
* ``marking_contradicts``: the file says a camera captured it, or the ``watermarked``
  column says marked while the file says nothing.

An untrusted C2PA signer is reported as such (state ``Valid``: the signature holds, its
signer is on no trust list configured here), not as a missing manifest.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import pandas as pd

from twinimpact.sources import assets

if TYPE_CHECKING:
    from twinimpact.params import Params

#: The kinds of provenance finding, in the order they are reported.
KINDS = ("file_missing", "unreadable", "marking_invalid", "marking_missing", "marking_contradicts")
#: How often a progress line is printed while files are read.
PROGRESS_EVERY = 1000


def assets_folder(params: "Params") -> Path | None:
    """The folder of asset files: ``assets_dir`` when set, else ``assets/`` beside the tables
    of a folder source; None when there is none."""
    if params.assets_dir:
        return Path(params.assets_dir).expanduser()
    if params.data_dir and not params.source_env:
        folder = Path(params.data_dir).expanduser() / "assets"
        return folder if folder.is_dir() else None
    return None


@dataclass
class Provenance:
    """Every twin asset's file as read, and the findings (results.json ``rights.provenance``)."""

    table: pd.DataFrame  # asset_id, file, media_type, c2pa, c2pa_state, claim_generator, source types, finding
    block: dict[str, Any]


def not_checked(why: str) -> Provenance:
    """The provenance block when no files were given: nothing checked, and why."""
    return Provenance(pd.DataFrame(columns=["asset_id", "file", "finding", "what_was_read"]),
                      {"checked": False, "not_checked": why, "files": 0, "with_c2pa": 0, "with_ai_source_type": 0,
                       "findings": {k: [] for k in KINDS}})


def check(usage: pd.DataFrame, folder: Path, progress: Callable[[str], None] | None = None,
          ai_posts: Callable[[set[str]], set[str]] | None = None) -> Provenance:
    """Read the file of every twin asset in ``folder`` and list the findings by asset id;
    with ``ai_posts``, the files named after posts showing AI imagery too (a post's file is
    optional: a post without one is no finding).

    Parameters
    ----------
    usage
        ``twin_usage`` (``asset_id``, ``watermarked``).
    folder
        The assets folder.
    progress
        Where a progress line goes every :data:`PROGRESS_EVERY` files.
    ai_posts
        Given the file names' stems found in the folder, the post ids among them whose
        posts show twin or synthetic imagery.

    Returns
    -------
    Provenance
        One row per twin asset, and results.json's ``rights.provenance``.
    """
    if not folder.is_dir():
        return not_checked(f"the assets folder {folder} does not exist")
    try:
        with os.scandir(folder):
            pass
    except OSError as err:  # e.g. a folder this user may not list
        return not_checked(f"the assets folder {folder} cannot be read ({err.strerror or err})")
    ids = [str(a) for a in usage["asset_id"]]
    marked = dict(zip(ids, usage["watermarked"].astype(bool)))
    posts: set[str] = set()
    if ai_posts is not None:
        with os.scandir(folder) as entries:
            stems = {os.path.splitext(e.name)[0] for e in entries} - set(ids)
        posts = ai_posts(stems) if stems else set()
    files = assets.asset_files(folder, set(ids) | posts)
    ids += sorted(posts)
    findings: dict[str, list[str]] = {k: [] for k in KINDS}
    rows = []
    with_c2pa = with_ai = 0
    for i, asset_id in enumerate(sorted(ids), 1):
        path = files.get(asset_id)
        if path is None:
            findings["file_missing"].append(asset_id)
            rows.append({"asset_id": asset_id, "file": None, "finding": "file_missing",
                         "what_was_read": f"no file {asset_id}.jpg, .png or .webp in the assets folder"})
            continue
        r = assets.read_file(path, folder)
        with_c2pa += int(r.c2pa)
        with_ai += int(r.says_ai)
        kinds = []
        if r.error:
            kinds.append("unreadable")
        elif r.invalid_marking and not r.says_ai:
            kinds.append("marking_invalid")
        elif r.says_capture:
            kinds.append("marking_contradicts")
        elif not r.says_ai:
            kinds.append("marking_missing")
            if marked.get(asset_id, False):
                kinds.append("marking_contradicts")
        if r.invalid_marking and r.says_ai and not r.error:  # marked in its XMP, but the manifest is broken
            kinds.append("marking_invalid")
        for k in kinds:
            findings[k].append(asset_id)
        rows.append({"asset_id": asset_id, "file": path.name, "media_type": r.media_type, "c2pa": r.c2pa,
                     "c2pa_state": r.c2pa_state, "claim_generator": r.claim_generator,
                     "source_types": ", ".join(r.source_types), "finding": ", ".join(kinds) or None,
                     "what_was_read": r.summary()})
        if progress and i % PROGRESS_EVERY == 0:
            progress(f"provenance: {i:,} of {len(ids):,} asset files read")
    block = {"checked": True, "files": len(files), "post_files": len(posts), "with_c2pa": with_c2pa,
             "with_ai_source_type": with_ai, "findings": findings}
    return Provenance(pd.DataFrame(rows), block)


def analyse(usage: pd.DataFrame, params: "Params", progress: Callable[[str], None] | None = None,
            ai_posts: Callable[[set[str]], set[str]] | None = None) -> Provenance:
    """:func:`check` on the run's assets folder, or :func:`not_checked` saying why not.

    Parameters
    ----------
    usage
        ``twin_usage``.
    params
        The run's parameters (``assets_dir``, ``data_dir``).
    progress
        Where progress lines go.
    ai_posts
        :func:`check`'s.

    Returns
    -------
    Provenance
    """
    folder = assets_folder(params)
    if folder is None:
        return not_checked("no asset files were given (a folder named assets beside the tables, or the assets folder "
                           "parameter)")
    return check(usage, folder, progress, ai_posts)
