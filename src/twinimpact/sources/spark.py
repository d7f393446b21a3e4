"""Spark as a data source: the contract tables in a Spark session, through ibis's pyspark
backend (``pip install -e ".[spark]"``, Java 17 or newer).

``--source VAR`` names an environment variable holding one of:

* ``pyspark://local[N]?tables=/path/folder`` (or ``local[*]``): a Spark session started in
  this process, the contract tables read from ``<folder>/<table>.parquet`` (a Parquet
  file or a folder of them, as Spark writes them) and registered as temporary views;
* ``pyspark://local[2]?database=brand_x``: tables of that database of the session's
  catalog (with ``warehouse=/path`` for a local warehouse folder);
* ``pyspark://host:7077?...``: the same on a standalone cluster (``spark://host:7077``);
* ``sc://host:15002/;token=...``: a Spark Connect server; its tables by
  ``?database=``-less names in the current database.

Like every URL, the variable's value is never printed, stored or passed to a notebook.
Spark runs on loopback in local mode, in UTC, with its web UI off and its log quiet.

The run starts one Spark session. It validates there, and the session also serves Spark
Connect on a free loopback port, guarded by a token made for the run
(:func:`attach`): the run's notebooks attach to that session and run their heavy work in
it (the covariate cells, the outcome cells, the seeded samples), so only aggregates and
bounded samples come back to Python, and no notebook starts a Spark session of its own.
The large tables are shared with them as global temporary views. Where the Spark Connect
client is not installed (``grpcio``), the run copies the validated tables instead, written
by Spark's executors as Parquet, and the notebooks read that copy with DuckDB.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import socket
import sys
import tempfile
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import parse_qs

from twinimpact.errors import DataError, ResourceError
from twinimpact.sources.progress import Progress, heartbeat

SCHEMES = ("pyspark://", "sc://")
_LOG4J = Path(__file__).with_name("templates") / "spark-log4j2.properties"


def is_spark(url: str) -> bool:
    return url.startswith(SCHEMES)


def _parts(url: str) -> tuple[str, dict[str, str]]:
    """The host part and the query of a ``pyspark://`` URL (``local[2]`` is no IPv6 host)."""
    rest = url.split("://", 1)[1]
    host, _, query = rest.partition("?")
    return host.rstrip("/"), {k: v[-1] for k, v in parse_qs(query).items()}


#: URL query keys that set Spark's memory, and the settings they set (Spark's defaults: 1g each).
MEMORY_SETTINGS = {"driver_memory": "spark.driver.memory", "executor_memory": "spark.executor.memory"}


_RAISE_MEMORY = ("add driver_memory=4g (and executor_memory=4g on a cluster) to the pyspark:// URL's query, which "
                 "set spark.driver.memory and spark.executor.memory (Spark's defaults: 1g each)")


def failure(exc: BaseException, step: str) -> DataError | ResourceError:
    """What to say when the Spark session fails during ``step``: out of memory (exit 6,
    naming the settings to raise and how), or a session that died or stopped answering
    (exit 3, naming the engine and the step); never a message about the disk.

    Parameters
    ----------
    exc
        What Spark or its Python bridge raised.
    step
        What the run was doing (``writing the validated posts for the notebooks``).

    Returns
    -------
    DataError or ResourceError
    """
    text = f"{type(exc).__name__}: {exc}"
    first = next((ln.strip() for ln in str(exc).splitlines() if ln.strip()), type(exc).__name__)[:300]
    raise_memory = _RAISE_MEMORY
    if "OutOfMemoryError" in text or "Java heap space" in text or "GC overhead" in text:
        return ResourceError(f"Spark ran out of memory while {step} ({first}); {raise_memory}, and run again "
                             "(the data were not found wrong).")
    return DataError(f"The Spark session failed while {step} ({first}): it died or stopped answering (a JVM out of "
                     f"memory is the usual cause; if so, {raise_memory}). Nothing was run.")


#: What a notebook's error says when the run's Spark session, not the notebook, failed.
SESSION_LOST = ("SparkConnectGrpcException", "RETRIES_EXCEEDED", "StatusCode.UNAVAILABLE", "Py4JNetworkError", "Py4JError",
                "SparkContext was shut down", "SparkContext has been shutdown", "Cannot call methods on a stopped")
OUT_OF_MEMORY = ("java.lang.OutOfMemoryError", "Java heap space", "GC overhead limit exceeded")


def notebook_failure(text: str, reason: str, notebook: str) -> DataError | ResourceError | None:
    """What to say when a notebook attached to the run's Spark session failed because the
    session did: out of memory (exit 6, naming the settings to raise), or a session that died
    or stopped answering (exit 3, naming the engine and the notebook); None when the error is
    the notebook's own.

    Parameters
    ----------
    text
        The notebook's whole error.
    reason
        Its last line, as the run reports it.
    notebook
        The notebook's file name.

    Returns
    -------
    DataError, ResourceError or None
    """
    tail = " Nothing was published; the previous report is intact."
    if any(m in text for m in OUT_OF_MEMORY):
        return ResourceError(f"Spark ran out of memory while notebook {notebook} ran ({reason[:200]}); "
                             f"{_RAISE_MEMORY}, and run again (the data were not found wrong).{tail}")
    if any(m in text for m in SESSION_LOST):
        return DataError(f"The run's Spark session failed while notebook {notebook} ran ({reason[:200]}): it died "
                         f"or stopped answering (a JVM out of memory is the usual cause; if so, {_RAISE_MEMORY})."
                         f"{tail}")
    return None


def _java_missing() -> str | None:
    if shutil.which("java") or os.environ.get("JAVA_HOME"):
        return None
    return ("Spark needs Java 17 or newer and none was found (no java on PATH, JAVA_HOME unset); "
            "on Debian: apt-get install -y openjdk-17-jre-headless")


def available() -> str | None:
    """Why Spark cannot run here, or ``None`` when it can (pyspark installed, Java found)."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return 'pyspark is not installed; install the Spark extra: pip install -e ".[spark]"'
    return _java_missing()


def attachable() -> bool:
    """Whether the Spark Connect client can be used here (pyspark's ``connect`` extra:
    grpcio and its protocol buffers), so that notebooks can attach to the run's session."""
    try:
        from pyspark.sql.connect.utils import check_dependencies

        check_dependencies("pyspark.sql.connect")
    except Exception:  # noqa: BLE001 - missing or broken client libraries: copy instead
        return False
    return True


def _free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def session(url: str, serve: tuple[int, str] | None = None) -> Any:
    """A SparkSession for the URL (see the module's doc); errors never echo the URL.
    ``serve`` = (port, token): the session also serves Spark Connect on that loopback port,
    to clients holding the token."""
    why = available()
    if why:
        raise DataError(why)
    from pyspark.sql import SparkSession

    if url.startswith("sc://"):
        return SparkSession.builder.remote(url).getOrCreate()
    host, query = _parts(url)
    host = host or "local[*]"
    master = host if host.startswith("local") else f"spark://{host}"
    builder = (SparkSession.builder.master(master).appName("twinimpact")
               .config("spark.ui.enabled", "false")
               .config("spark.sql.session.timeZone", "UTC")
               .config("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")  # copies DuckDB reads as UTC
               .config("spark.sql.shuffle.partitions", query.get("partitions", "8"))
               .config("spark.driver.extraJavaOptions",
                       f"-Dlog4j2.configurationFile=file:{_LOG4J} -Duser.timezone=UTC"))
    if serve is not None:
        builder = (builder.config("spark.plugins", "org.apache.spark.sql.connect.SparkConnectPlugin")
                   .config("spark.connect.grpc.binding.address", "127.0.0.1")
                   .config("spark.connect.grpc.binding.port", str(serve[0]))
                   .config("spark.connect.authenticate.token", serve[1]))
    for key, setting in MEMORY_SETTINGS.items():  # before the JVM starts: the driver's heap is fixed then
        if key in query:
            builder = builder.config(setting, query[key])
    if master.startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        builder = builder.config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "127.0.0.1")
    # Spark writes what ibis creates into its warehouse: a named folder, else a temporary one
    # (never the working directory's spark-warehouse/)
    warehouse = Path(query["warehouse"]).expanduser() if "warehouse" in query else \
        Path(tempfile.gettempdir()) / "twinimpact-spark-warehouse"
    builder = builder.config("spark.sql.warehouse.dir", str(warehouse.absolute()))
    with _quiet_start() as log:
        try:
            spark = builder.getOrCreate()
        except Exception as exc:  # noqa: BLE001 - the JVM did not start: say why, from its log
            log.seek(0)
            tail = " ".join(log.read().decode("utf-8", "replace").split()[-60:])
            raise DataError(f"Spark did not start ({type(exc).__name__}): {tail or exc}") from None
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def serving(spark: Any, port: int) -> bool:
    """Whether ``spark`` serves Spark Connect on ``port`` (a session this process had already
    started, without it, is returned as it is by Spark)."""
    conf = spark.sparkContext.getConf()
    return ("SparkConnectPlugin" in (conf.get("spark.plugins") or "")
            and conf.get("spark.connect.grpc.binding.port") == str(port))


def answering(url: str, seconds: float = 10.0) -> bool:
    """Whether the Spark Connect server of ``sc://host:port/...`` accepts a connection."""
    hostport = url.split("://", 1)[1].split("/", 1)[0]
    host, _, port = hostport.rpartition(":")
    try:
        with socket.create_connection((host or "localhost", int(port or 15002)), timeout=seconds):
            return True
    except OSError:
        return False


@contextlib.contextmanager
def _quiet_start() -> Iterator[Any]:
    """Send what the JVM prints while it starts (banners, default log level) to a temporary
    file instead of the run's progress; the file is read back if the start fails."""
    log = tempfile.TemporaryFile()
    saved = {fd: os.dup(fd) for fd in (1, 2)}  # the JVM's logger writes to both
    sys.stdout.flush()
    sys.stderr.flush()
    for fd in saved:
        os.dup2(log.fileno(), fd)
    try:
        yield log
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        for fd, copy in saved.items():
            os.dup2(copy, fd)
            os.close(copy)


def connect(url: str, names: list[str], progress: Progress | None = None
            ) -> tuple[Any, dict[str, Any], dict[str, Any] | None]:
    """An ibis connection to Spark, the contract tables found there (name -> ibis table),
    and how the run's notebooks attach to the same session (:func:`attach`; None where the
    Spark Connect client is missing); ``progress`` hears what the start waits for, and every
    10 s that it still does."""
    import ibis

    serve = (_free_port(), secrets.token_hex(16)) if attachable() and not url.startswith("sc://") else None
    if progress:
        progress("starting a Spark session (its Java virtual machine takes 10 to 60 s to come up) ...")
    with heartbeat(progress, lambda: "still waiting for the Spark session to start"):
        spark = session(url, serve)
    if serve is not None and not serving(spark, serve[0]):
        serve = None  # a session already running without Spark Connect: the notebooks read a copy
    if progress:
        progress("Spark session up; finding the contract tables ...")
    query = {} if url.startswith("sc://") else _parts(url)[1]
    con = ibis.pyspark.connect(session=spark)
    frames: dict[str, Any] = {}
    if "tables" in query:
        folder = Path(query["tables"]).expanduser()
        if not folder.is_dir():
            raise DataError(f"The Spark source's tables folder {folder} does not exist.")
        for name in names:
            path = folder / f"{name}.parquet"
            if path.exists():
                frames[name] = spark.read.parquet(str(path))
                frames[name].createOrReplaceTempView(name)
    else:
        database = query.get("database")
        existing = set(con.list_tables(database=database) if database else con.list_tables())
        for name in names:
            if name in existing:
                frames[name] = spark.table(f"{database}.{name}" if database else name)
    tables = {name: con.table(name) if "tables" in query else
              (con.table(name, database=query["database"]) if query.get("database") else con.table(name))
              for name in frames}
    if serve is None and not (url.startswith("sc://") and attachable()):
        return con, tables, None
    prefix = f"twinimpact_{secrets.token_hex(6)}"
    views = {}
    for name, frame in frames.items():
        views[name] = f"{prefix}_{name}"
        frame.createOrReplaceGlobalTempView(views[name])
    where = {"url": f"sc://localhost:{serve[0]}/;token={serve[1]}"} if serve else {"same_as_source": True}
    return con, tables, {**where, "views": views}


#: How an attached notebook retries a Spark Connect call that found no server: 6 times,
#: waits growing fourfold from 50 ms up to 5 s (about 15 s in all).
RETRIES, MAX_BACKOFF_MS = 6, 5_000


def attach(url: str, views: dict[str, str]) -> tuple[Any, dict[str, Any]]:
    """A notebook's ibis connection to the run's Spark session (Spark Connect) and the
    tables the run shared with it: each global temporary view made a view of this session
    under its contract name.

    Parameters
    ----------
    url
        ``sc://localhost:PORT/;token=...`` (the run's session), or the source's own
        ``sc://`` URL.
    views
        Contract table -> the run's global temporary view.

    Returns
    -------
    tuple
        (ibis connection, contract table -> ibis table).
    """
    import ibis
    from pyspark.sql import SparkSession

    if not answering(url):
        raise ConnectionRefusedError("the run's Spark session does not answer on its Spark Connect port")
    spark = SparkSession.builder.remote(url).getOrCreate()
    # a session that went away is said within about 15 s, not after the client's default of
    # retrying for ten minutes and more
    from pyspark.sql.connect.client.retries import DefaultPolicy

    spark.client.set_retry_policies([DefaultPolicy(max_retries=RETRIES, max_backoff=MAX_BACKOFF_MS)])
    con = ibis.pyspark.connect(session=spark)
    tables = {}
    for name, view in views.items():
        spark.table(f"global_temp.{view}").createOrReplaceTempView(name)
        tables[name] = con.table(name)
    return con, tables
