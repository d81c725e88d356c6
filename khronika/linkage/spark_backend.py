"""The Spark backend of the linkage model: pyspark in local mode, for lists too large for DuckDB alone.

``model.link`` trains on DuckDB in every case and, with ``ModelOptions(backend="spark")``, hands the
trained model (Splink's settings with their m and u) to Spark for prediction and clustering. Training
stays on DuckDB because Splink samples pairs for u by hashing record ids with the engine's own hash
function: DuckDB's and Spark's differ, so a Spark-trained model would differ from the DuckDB one.

Threat: the keys compared here are decrypted identities (see the docstring of ``model``). Spark
writes shuffle files, cached tables that overflow memory and pyspark's transfer files to
``spark.local.dir``, and may write Java temporary files; all of them go to a private folder under
``/dev/shm`` (memory-backed) which is removed when the session stops. Where there is no ``/dev/shm``
the backend refuses to start rather than let those files reach a disk that could be seized.
Splink breaks the lineage of its tables by writing them as Parquet to Spark's checkpoint folder
(keeping them in memory instead lets query plans grow until the driver runs out of memory): that
folder is a per-run folder inside the same one, removed when the run ends. The web UI (which would
show the data on a port) and the event log (which records query plans to disk) are off, and the
driver listens on the loopback address only, so no other machine can reach its block manager.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pyspark loads only when the Spark backend is used (it takes seconds)
    from pyspark.sql import SparkSession
    from splink.backends.spark import SparkAPI

    from khronika.linkage.model import ModelOptions

MEMORY_DIRECTORY = Path("/dev/shm")  # noqa: S108  # memory-backed on purpose: see the module docstring
_FOLDER_PREFIX = "khronika-spark-"
_LOCAL_DIR_SETTING = "spark.local.dir"

# The model's comparisons are written in DuckDB's SQL; these two functions are all of it that Spark
# lacks. They are defined in each session under the DuckDB names, so the model stays one text for
# both engines. Jaro-Winkler is jellyfish's, which gives DuckDB's values to the last bit (checked on
# 301,002 pairs of the generator's name keys): Spark's built-in ``jaro_winkler_similarity`` and the
# Scala one in Splink's jar compute Jaro's matching window otherwise, and on 100,000 records a few pairs
# crossed a level's cut differently, so the clusters differed. A built-in function cannot be replaced
# by a session's own, so the model's SQL names ours (``settings_for``); Splink's Spark name
# ``jaro_winkler`` (its own comparisons) is replaced too.
_DUCKDB_JARO_WINKLER = "jaro_winkler_similarity("
_JARO_WINKLER_UDF = "khronika_jaro_winkler"
_JARO_WINKLER_NAMES = (_JARO_WINKLER_UDF, "jaro_winkler")
_LIST_HAS_ANY = (
    "CREATE OR REPLACE TEMPORARY FUNCTION list_has_any(a ARRAY<STRING>, b ARRAY<STRING>) "
    "RETURNS BOOLEAN RETURN arrays_overlap(a, b)"
)


class SparkUnavailable(RuntimeError):
    """The Spark backend cannot run on this machine; the message says why in plain words."""


class NoMemoryFolder(SparkUnavailable):
    """There is no memory-backed folder for Spark's working files."""


class NoJava(SparkUnavailable):
    """Java, which Spark runs on, is not installed."""


def memory_directory() -> Path:
    """The memory-backed folder for Spark's working files, or a refusal when there is none."""
    if not MEMORY_DIRECTORY.is_dir() or not os.access(MEMORY_DIRECTORY, os.W_OK):
        raise NoMemoryFolder(
            f"The Spark backend needs the memory-backed folder {MEMORY_DIRECTORY}, and this machine "
            "has none that it may write to. Spark writes working files that hold the names being "
            "linked; without a memory-backed folder they would be written to disk. Link with the "
            "default backend instead, or run on a machine with /dev/shm."
        )
    return MEMORY_DIRECTORY


def java_command() -> str:
    """The ``java`` that pyspark will start, or a refusal naming how to install it."""
    java_home = os.environ.get("JAVA_HOME")
    if java_home and Path(java_home, "bin", "java").is_file():
        return str(Path(java_home, "bin", "java"))
    found = shutil.which("java")
    if found is None:
        raise NoJava(
            "The Spark backend needs Java, and none is installed. Install it with "
            "scripts/install-system-packages (Debian's openjdk-17-jre-headless), or link with the "
            "default backend."
        )
    return found


def check() -> None:
    """Refuse (``NoJava``, ``NoMemoryFolder``) when this machine cannot run the backend safely."""
    java_command()
    memory_directory()


def driver_memory(size: str) -> str:
    """``ModelOptions.memory_limit`` ("4GB", "512MB") in Spark's notation ("4g", "512m")."""
    match = re.fullmatch(r"(\d+)\s*([KMGT])i?B", size.strip())
    if match is None:
        raise ValueError(f"“{size}” is not a whole memory size such as 4GB.")
    return f"{match.group(1)}{match.group(2).lower()}"


def start(options: ModelOptions) -> SparkSession:
    """A local Spark session set up as the module docstring says; the caller stops it with ``stop``.

    Refuses (``SparkUnavailable``) before starting anything when Java or ``/dev/shm`` is missing.
    """
    check()
    # Spark picks the address of the machine's network card unless told otherwise: loopback only.
    os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"
    # Spark's Python workers (our Jaro-Winkler) run this interpreter, with its libraries, not python3.
    os.environ["PYSPARK_PYTHON"] = sys.executable
    # This variable would override spark.local.dir and send the working files to its folders.
    os.environ.pop("SPARK_LOCAL_DIRS", None)
    folder = tempfile.mkdtemp(prefix=_FOLDER_PREFIX, dir=memory_directory())  # mode 0700
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    builder = (
        SparkSession.builder.master(f"local[{int(options.threads)}]")
        .appName("khronika-linkage")
        .config("spark.driver.memory", driver_memory(options.memory_limit))
        .config("spark.jars", similarity_jar_location())
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")  # the command prints its own progress
        .config("spark.eventLog.enabled", "false")
        .config(_LOCAL_DIR_SETTING, folder)
        .config("spark.sql.warehouse.dir", str(Path(folder, "warehouse")))
        .config("spark.driver.extraJavaOptions", f"-Djava.io.tmpdir={folder}")
        # Few partitions: in local mode each costs a task per stage, and Splink runs hundreds of stages.
        .config("spark.sql.shuffle.partitions", str(2 * int(options.threads)))
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
    )
    try:
        session = builder.getOrCreate()
    except Exception:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    # Spark logs recoverable trouble (a query too long to compile falls back to slower code) at
    # ERROR level with pages of stack; a real failure still reaches Python as an exception.
    session.sparkContext.setLogLevel("FATAL")
    return session


def stop(session: SparkSession) -> None:
    """Stop the session and remove its memory-backed folder (working files included)."""
    folder = session.conf.get(_LOCAL_DIR_SETTING, None)
    session.stop()
    if folder and Path(folder).parent == MEMORY_DIRECTORY and Path(folder).name.startswith(_FOLDER_PREFIX):
        shutil.rmtree(folder, ignore_errors=True)


def _checked_session(session: SparkSession) -> None:
    """Refuse a running session whose working files would not stay in memory (see the docstring)."""
    folder = session.conf.get(_LOCAL_DIR_SETTING, None)
    if not folder or Path(folder).parent != memory_directory():
        raise SparkUnavailable(
            f"A Spark session is already running with its working files in {folder or 'the default folder'}, "
            f"not in {MEMORY_DIRECTORY}; stop it, or let Khronika start its own."
        )


@contextmanager
def api(options: ModelOptions) -> Iterator[SparkAPI]:
    """Splink's SparkAPI on the active session (one that ``start`` made), or on a new one stopped
    at the end. Tables a run cached are dropped from memory when it ends."""
    from pyspark.sql import SparkSession
    from pyspark.sql.types import DoubleType
    from splink.backends.spark import SparkAPI

    session = SparkSession.getActiveSession()
    owned = session is None
    if session is None:
        session = start(options)
    else:
        _checked_session(session)
    checkpoints = tempfile.mkdtemp(prefix="run-", dir=session.conf.get(_LOCAL_DIR_SETTING))
    try:
        session.sparkContext.setCheckpointDir(checkpoints)
        session.sql(_LIST_HAS_ANY)
        # Splink leaves SparkAPI's constructor unannotated. It registers the jar's functions, so ours
        # come after it.
        spark_api = SparkAPI(spark_session=session, break_lineage_method="parquet")  # type: ignore[no-untyped-call]
        for name in _JARO_WINKLER_NAMES:
            session.udf.register(name, jaro_winkler_similarity, DoubleType())
        yield spark_api
    finally:
        if owned:
            stop(session)
        else:
            session.catalog.clearCache()
            _drop_views(session)
            shutil.rmtree(checkpoints, ignore_errors=True)


def jaro_winkler_similarity(left: str | None, right: str | None) -> float | None:
    """DuckDB's ``jaro_winkler_similarity``, for Spark (see ``_JARO_WINKLER_NAMES``); NULL as in SQL."""
    if left is None or right is None:
        return None
    import jellyfish  # in Spark's Python workers

    return float(jellyfish.jaro_winkler_similarity(left, right))


def _drop_views(session: SparkSession) -> None:
    """Splink's temporary views of one run; left behind they would keep its tables reachable."""
    for table in session.catalog.listTables():
        if table.isTemporary and table.name.startswith("__splink"):
            session.catalog.dropTempView(table.name)


def settings_for(model: dict[str, Any], spark_api: SparkAPI) -> dict[str, Any]:
    """A trained model (``Linker.misc.save_model_to_json``) for Splink on Spark: the same m, u and
    rules; only the dialect changes."""
    spark_model: dict[str, Any] = json.loads(
        json.dumps(model).replace(_DUCKDB_JARO_WINKLER, f"{_JARO_WINKLER_UDF}(")
    )
    return spark_model | {"sql_dialect": spark_api.sql_dialect.sql_dialect_str}
