"""``twinimpact``: run, validate, sample, sweep, contract. Exit codes (docs/DESIGN.md): 0 ok,
2 bad parameters, 3 bad data, 4 a notebook failed, 5 publish failed, 6 the engine ran out of
memory, 1 a bug of ours. Errors
are one readable paragraph on stderr."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from twinimpact import __version__, config
from twinimpact.errors import ParamsError, PublishError, TwinImpactError
from twinimpact.sample.spec import WORLDS
from twinimpact.sources.progress import stderr_line

EXIT_MEANING = {0: "ok", 1: "internal error", 2: "bad parameters", 3: "bad data", 4: "a notebook failed",
                5: "publish failed", 6: "the engine ran out of memory or disk"}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's own exit 2 = bad parameters
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: bad arguments: {message}\n")


def _add_data_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("-p", "--params", default=str(config.DEFAULT_PARAMS), metavar="FILE",
                   help="YAML parameters file (default: notebooks/params/default.yaml)")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--data", metavar="PATH", help="folder of contract tables (CSV, Parquet or .xlsx), an Excel workbook "
                                              "with a sheet per table, or a .duckdb file")
    g.add_argument("--source", metavar="ENVVAR",
                   help="NAME of an environment variable holding an ibis connection URL (never the URL itself)")
    _add_reading_options(p)


def _add_reading_options(p: argparse.ArgumentParser) -> None:
    from twinimpact.sources.textfiles import DATE_ORDERS, DECIMALS, ENCODINGS

    p.add_argument("--encoding", choices=ENCODINGS, default=None,
                   help="encoding of CSV files (default: the parameters' encoding, auto: UTF-8, or UTF-16 by its mark)")
    p.add_argument("--decimal", choices=DECIMALS, default=None,
                   help="decimal mark of semicolon- or tab-separated CSV files (default: auto, read from the numbers)")
    p.add_argument("--date-order", choices=DATE_ORDERS, default=None,
                   help="order of dates written with slashes, 5/20/2023 (default: auto, read from the dates)")


def _reading(args: argparse.Namespace) -> dict[str, str]:
    return {"encoding": args.encoding, "decimal": args.decimal, "date_order": args.date_order}


def build_parser() -> argparse.ArgumentParser:
    """The ``twinimpact`` command line: run, validate, sample, contract, sweep."""
    parser = _Parser(prog="twinimpact",
                     description="Impact of AI digital twins of fashion models: run the workbook, validate data, "
                                 "write sample data, sweep parameter sets.",
                     formatter_class=argparse.RawDescriptionHelpFormatter,
                     epilog="exit codes: " + ", ".join(f"{k} {v}" for k, v in EXIT_MEANING.items()))
    parser.add_argument("--version", action="version", version=f"twinimpact {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    run = sub.add_parser("run", help="validate, execute the notebooks, render and publish a run")
    _add_data_options(run)
    run.add_argument("--out", metavar="DIR", help="reports folder (default: reports/)")
    run.add_argument("--only", nargs="+", metavar="NAME", help="run only these notebooks (e.g. 00 or data_overview)")
    run.add_argument("--workers", type=int, default=None, metavar="N",
                     help="notebooks run at once (default: one per core)")
    run.add_argument("--pdf", action="store_true",
                     help="also print the report to report.pdf in the run folder (needs Chromium)")
    run.add_argument("--paper", default="A4", choices=["A4", "letter"], help="paper of the PDF (default: A4)")
    run.add_argument("--pdf-timeout", type=float, default=None, metavar="SECONDS",
                     help="seconds printing the PDF may take, from Chromium's start to the file (default: "
                          "$TWINIMPACT_PDF_TIMEOUT, else 180); past it the run exits 5 and publishes nothing")
    run.add_argument("--fresh", action="store_true",
                     help="run every notebook and validate the data again, reusing nothing from earlier runs")
    run.add_argument("--sweep-member", action="store_true", help=argparse.SUPPRESS)  # set by sweep: no `latest`

    stm = sub.add_parser("statements", help="write one statement per model (bookings, twin uses, fees paid vs due)")
    _add_data_options(stm)
    stm.add_argument("--out", default=str(config.REPORTS_DIR / "statements"), metavar="DIR",
                     help="folder to write <model_id>.csv and .html into (default: reports/statements)")
    stm.add_argument("--no-html", action="store_true", help="CSV files only")

    pln = sub.add_parser("plan-test", help="plan a randomised test of twin imagery: posts per arm, weeks, a seeded "
                                           "assignment of the next post slots (CSV)")
    _add_data_options(pln)
    pln.add_argument("--effect", type=float, default=None, metavar="R",
                     help="rate ratio to detect (default: the parameters' test_effect, 0.9)")
    pln.add_argument("--power", type=float, default=None, metavar="P",
                     help="chance of detecting it (default: the parameters' test_power, 0.8)")
    pln.add_argument("--out", default=str(config.REPORTS_DIR / "test_plan.csv"), metavar="FILE",
                     help="CSV of the post slots and their arms (default: reports/test_plan.csv)")
    pln.add_argument("--start", default=None, metavar="YYYY-MM-DD",
                     help="the week of the first slot (default: the Monday after the run date)")

    val = sub.add_parser("validate", help="check parameters and data only; no kernel starts")
    _add_data_options(val)

    smp = sub.add_parser("sample", help="write contract-shaped sample data with planted effects")
    smp.add_argument("--out", default=str(config.SAMPLE_DIR), metavar="DIR", help="folder to write (default: data/sample)")
    smp.add_argument("--seed", type=int, default=config.DEFAULT_SEED, metavar="N",
                     help=f"random seed (default: {config.DEFAULT_SEED})")
    smp.add_argument("--posts", type=int, default=50_000, metavar="N", help="number of posts (default: 50000)")
    smp.add_argument("--world", default="default", choices=list(WORLDS),
                     help="what to plant: the bundled sample's effects (default), no imagery or label effect "
                          "(no-effect), twins dearer than photography (costly-twin), or engagement that sells "
                          "ten times as much (costly-engagement)")

    imp = sub.add_parser("import", help="turn platform exports (Meta Business Suite, TikTok Studio, the TikTok and "
                                        "Instagram APIs) and a tagging sheet into the contract's posts.csv")
    imp.add_argument("exports", nargs="+", metavar="EXPORT", help="export files (CSV or JSON), recognised by header")
    imp.add_argument("--tags", metavar="FILE", help="the brand's tagging sheet (CSV or .xlsx): post_id, campaign_id, "
                                                    "brand, imagery, ai_label, followers")
    imp.add_argument("--out", required=True, metavar="DIR", help="folder to write posts.csv and the import's lists into")
    imp.add_argument("--timezone", default="UTC", metavar="ZONE",
                     help="time zone of export times written without an offset (default: UTC)")
    imp.add_argument("--encoding", choices=["auto", "utf-8", "utf-16", "cp1252", "latin-1"], default="auto",
                     help="encoding of CSV exports (default: auto)")

    tpl = sub.add_parser("template", help="write an Excel workbook to fill: a sheet per contract table, with each "
                                          "column's type, unit and rule")
    tpl.add_argument("file", metavar="FILE.xlsx", help="the workbook to write")

    con = sub.add_parser("contract", help="write docs/DATA_CONTRACT.md from the contract the code validates")
    con.add_argument("--out", default=None, metavar="FILE", help="file to write (default: docs/DATA_CONTRACT.md)")
    con.add_argument("--check", action="store_true", help="write nothing; exit 1 if the file differs from the code")

    prn = sub.add_parser("prune", help="remove old complete runs (never one a latest link points at)")
    prn.add_argument("--out", metavar="DIR", help="reports folder (default: reports/)")
    prn.add_argument("--keep", type=int, metavar="N", help="keep the newest N runs of each parameters file")
    prn.add_argument("--older-than", type=float, metavar="DAYS", help="remove runs started more than DAYS ago")

    swp = sub.add_parser("sweep", help="many runs, one per parameters file, in parallel")
    swp.add_argument("files", nargs="+", metavar="FILE", help="YAML parameters files")
    swp.add_argument("--workers", type=int, default=2, metavar="N", help="runs at once (default: 2)")
    swp.add_argument("--data", metavar="DIR", help="data folder for every run")
    swp.add_argument("--out", metavar="DIR", help="reports folder (default: reports/)")
    swp.add_argument("--only", nargs="+", metavar="NAME", help="run only these notebooks in every run")
    return parser


def _interrupt_on_sigterm() -> None:
    """Turn SIGTERM (a scheduler's stop) into an interruption, so that a command cleans up
    what it was writing and exits 130 with its message."""
    import signal

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


def _cmd_statements(args: argparse.Namespace) -> int:
    from twinimpact.run import model_statements
    from twinimpact.run.report import validate_only

    _interrupt_on_sigterm()
    params, dataset = validate_only(args.params, data_dir=args.data, source_env=args.source,
                                    **{k: v for k, v in _reading(args).items() if v is not None})
    if not dataset.has("bookings"):
        print("no bookings table: the statements list twin uses only (add bookings for photographed days)",
              file=sys.stderr)
    written = model_statements.write(dataset, params, Path(args.out).absolute(), html_pages=not args.no_html,
                                     progress=stderr_line)
    print(f"wrote {len(written)} files for {len({p.stem for p in written})} models into {args.out}")
    return 0


def _cmd_plan_test(args: argparse.Namespace) -> int:
    from datetime import date, timedelta

    from twinimpact.analyses.engagement import model as engagement
    from twinimpact.analyses.engagement import test_plan
    from twinimpact.run.report import validate_only

    overrides = {k: v for k, v in (("test_effect", args.effect), ("test_power", args.power)) if v is not None}
    params, dataset = validate_only(args.params, data_dir=args.data, source_env=args.source, keep_source=True,
                                    **{k: v for k, v in _reading(args).items() if v is not None},
                                    **overrides)
    try:
        start = date.fromisoformat(args.start) if args.start else None
    except ValueError:
        raise ParamsError(f"--start must be a date YYYY-MM-DD, got {args.start!r}.") from None
    stderr_line("fitting the engagement model to the brand's posts ...")
    fit = engagement.lead_fit(dataset, params)
    plan = test_plan.plan(dataset, params, getattr(fit, "alpha", None))
    if plan.get("not_available"):
        raise ParamsError(f"No test can be planned: {plan['not_available']}.")
    start = start or dataset.as_of + timedelta(days=7 - dataset.as_of.weekday())
    frame = test_plan.assignment(plan, params.seed, start)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    frame.to_csv(tmp, index=False, lineterminator="\n")
    tmp.replace(out)
    print(f"To detect a rate ratio of {plan['effect']:g} with {plan['power']:.0%} power at 5% (two-sided): "
          f"{plan['posts_per_arm']:,} posts per arm, {2 * plan['posts_per_arm']:,} in all, about "
          f"{plan['weeks'] if plan['weeks'] is not None else 'n/a'} weeks at {plan['posts_per_week']:.0f} posts a week.")
    print(f"Arms: control = {plan['arms']['control']}; treatment = {plan['arms']['treatment']}. {plan['label_note']}.")
    print(f"wrote {len(frame):,} slots to {out}")
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    from twinimpact.run.report import run

    if args.workers is not None and args.workers < 1:
        raise ParamsError("--workers must be 1 or more.")
    outcome = run(args.params, data_dir=args.data, source_env=args.source, out=args.out, only=args.only,
                  workers=args.workers, sweep=args.sweep_member, pdf=args.paper if args.pdf else None,
                  pdf_timeout=args.pdf_timeout, fresh=args.fresh, reading=_reading(args))
    print(outcome.path / "index.html")
    return outcome.exit_code


def _cmd_validate(args: argparse.Namespace) -> int:
    from twinimpact.run.report import validate_only

    params, dataset = validate_only(args.params, args.data, args.source,
                                    **{k: v for k, v in _reading(args).items() if v is not None},
                                    progress=stderr_line)
    print(f"parameters ok ({args.params}); data ok from {dataset.source_description}")
    for name, rows in dataset.row_counts().items():
        print(f"  {name:<13} {rows:>10,} rows  sha256 {dataset.fingerprints[name][:16]}")
    if not dataset.has("bookings"):
        print("  bookings: not given (optional; per-model income, gainers and losers need it)")
    from twinimpact.contract.template import EXAMPLE_PREFIX, example_rows

    for name, n in example_rows(dataset.frames).items():
        print(f"  {name}: {n} example row{'s' if n > 1 else ''} of the template (ids starting {EXAMPLE_PREFIX}); "
              f"replace {'them' if n > 1 else 'it'} with your data")
    print(f"  fingerprint {dataset.fingerprint}")
    return 0


def _cmd_sample(args: argparse.Namespace) -> int:
    from twinimpact.sample import world, write_sample

    if args.posts < 1 or args.seed < 0:
        raise ParamsError("--posts must be 1 or more and --seed 0 or more.")
    t0 = time.perf_counter()
    last = [0.0]

    def progress(done: int, total: int) -> None:
        if total > 1_000_000 and (time.perf_counter() - last[0] > 2 or done == total):
            last[0] = time.perf_counter()
            stderr_line(f"  posts {done:,}/{total:,} ({done / total:.0%})")

    truth = write_sample(args.out, seed=args.seed, n_posts=args.posts, spec=world(args.world), progress=progress)
    print(f"wrote sample ({args.world} world, seed {truth['seed']}, {truth['n_posts']:,} posts) to {args.out} "
          f"in {time.perf_counter() - t0:.1f} s; planted truth in {Path(args.out) / 'TRUTH.json'}")
    return 0


def _cmd_import(args: argparse.Namespace) -> int:
    from twinimpact.sources import exports

    result = exports.run_import([Path(p) for p in args.exports], Path(args.tags) if args.tags else None,
                                Path(args.out), zone=args.timezone, encoding=args.encoding,
                                progress=stderr_line)
    print("\n".join(exports.summary_lines(result)))
    return 0


def _cmd_template(args: argparse.Namespace) -> int:
    from twinimpact.contract import template

    path = template.write(Path(args.file))
    print(f"wrote {path}: a sheet per contract table with one example row each; fill them in and check them with "
          f"twinimpact validate --data {path}")
    return 0


def _cmd_contract(args: argparse.Namespace) -> int:
    from twinimpact.contract.page import CONTRACT_PAGE, contract_markdown, write_contract

    path = Path(args.out) if args.out else CONTRACT_PAGE
    if args.check:
        same = path.is_file() and path.read_text(encoding="utf-8") == contract_markdown()
        print(f"{path}: {'matches the code' if same else 'differs from the code; run twinimpact contract'}")
        return 0 if same else 1
    print(f"wrote {write_contract(path)}")
    return 0


def _cmd_prune(args: argparse.Namespace) -> int:
    from twinimpact.run.publish import prune

    if args.keep is None and args.older_than is None:
        raise ParamsError("prune needs --keep N, --older-than DAYS or both.")
    if (args.keep is not None and args.keep < 1) or (args.older_than is not None and args.older_than < 0):
        raise ParamsError("--keep must be 1 or more and --older-than 0 or more.")
    reports = Path(args.out) if args.out else config.REPORTS_DIR
    if not reports.is_dir():
        raise ParamsError(f"Reports folder {reports} does not exist.")
    try:
        done = prune(reports, args.keep, args.older_than)
    except OSError as err:  # the lock, the index or a stale folder could not be written or removed
        raise PublishError(f"Cannot prune {reports}: {err.strerror or err} ({err.filename or reports}). Check the "
                           "folder's permissions and free space, then run prune again.") from None
    print(f"removed {len(done['removed'])} run(s){': ' + ', '.join(done['removed']) if done['removed'] else ''}; "
          f"{len(done['stale_work'])} stale working folder(s)")
    return 0


def _cmd_sweep(args: argparse.Namespace) -> int:
    if args.workers < 1:
        raise ParamsError("--workers must be 1 or more.")
    missing = [f for f in args.files if not Path(f).is_file()]
    if missing:
        raise ParamsError(f"sweep: parameters files not found: {', '.join(missing)}.")

    def one(path: str) -> tuple[str, int, str]:
        cmd = [sys.executable, "-m", "twinimpact", "run", "-p", path, "--workers", "1",  # runs share the cores
               "--sweep-member"]
        if args.data:
            cmd += ["--data", args.data]
        if args.out:
            cmd += ["--out", args.out]
        if args.only:
            cmd += ["--only", *args.only]
        for attempt in range(3):  # parallel kernels can race for ports (papermill #511)
            proc = subprocess.run(cmd, capture_output=True, text=True, env=os.environ.copy())
            if proc.returncode == 0 or "Address already in use" not in proc.stderr:
                break
            time.sleep(1 + attempt)
        last = (proc.stderr.strip().splitlines() or [""])[-1]
        return path, proc.returncode, proc.stdout.strip() or last

    with ThreadPoolExecutor(max_workers=args.workers) as pool:
        outcomes = list(pool.map(one, args.files))
    for path, code, what in outcomes:
        print(f"{EXIT_MEANING.get(code, code)!s:<18} {path}: {what}")
    return max(code for _, code, _ in outcomes)


def main(argv: list[str] | None = None) -> int:
    """Run one command; return its exit code (errors as one paragraph on stderr)."""
    args = build_parser().parse_args(argv)
    handlers = {"run": _cmd_run, "plan-test": _cmd_plan_test, "statements": _cmd_statements, "validate": _cmd_validate, "sample": _cmd_sample, "sweep": _cmd_sweep,
                "contract": _cmd_contract, "prune": _cmd_prune, "import": _cmd_import, "template": _cmd_template}
    from twinimpact.sources.data import quiet_engine_warnings

    quiet_engine_warnings()
    try:
        return handlers[args.command](args)
    except TwinImpactError as err:
        print(f"twinimpact {args.command}: {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print(f"twinimpact {args.command}: interrupted; nothing was published.", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - a bug of ours: one paragraph, not a traceback
        where = ""
        tb = exc.__traceback__
        while tb is not None and tb.tb_next is not None:
            tb = tb.tb_next
        if tb is not None:
            where = f" at {Path(tb.tb_frame.f_code.co_filename).name}:{tb.tb_lineno}"
        print(f"twinimpact {args.command}: internal error{where}: {type(exc).__name__}: {exc}. Nothing was "
              "published. Please report it with the command you ran (set TWINIMPACT_DEBUG=1 for the traceback).",
              file=sys.stderr)
        if os.environ.get("TWINIMPACT_DEBUG"):
            raise
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
