"""The Spark session and file-system helpers the batch jobs share (PySpark imported lazily: an optional extra)."""

from __future__ import annotations

import os
import sys
from typing import Any

from chainatlas.messages import Message


def session(master: str | None = None, *, app: str = "chainatlas") -> Any:
    """The process's Spark session (created on first use, reused after): ``master`` or the ``spark_master`` setting.

    Python workers run the driver's interpreter, so the executors of a local master see the same packages.
    Against a cluster, ship the wheel and ``highspy`` to the executors (docs/spark.md)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:  # pragma: no cover - the extra is installed by make test
        raise RuntimeError(str(Message("未安装 PySpark：pip install 'chainatlas[spark]'（还需 Java 17）",
                                       "PySpark is not installed: pip install 'chainatlas[spark]' (Java 17 needed too)"))) from exc
    from chainatlas.settings import get_settings

    active = SparkSession.getActiveSession()
    wanted = master or get_settings().spark_master
    if active is not None and (master is None or active.sparkContext.master == wanted):
        return active
    if active is not None:
        active.stop()
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    builder = (SparkSession.builder.master(wanted).appName(app)
               .config("spark.sql.session.timeZone", "UTC")
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.shuffle.partitions", str(get_settings().spark_shuffle_partitions))
               .config("spark.driver.memory", get_settings().spark_driver_memory))
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def file_system(spark: Any, uri: str) -> tuple[Any, Any]:
    """Hadoop's file system for ``uri`` and the ``Path`` of it (local paths, ``hdfs://``, ``s3a://`` alike)."""
    jvm = spark.sparkContext._jvm
    path = jvm.org.apache.hadoop.fs.Path(uri)
    return path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration()), path


def write_text(spark: Any, uri: str, text: str) -> None:
    """Write ``text`` (UTF-8) to the file ``uri``, replacing it."""
    fs, path = file_system(spark, uri)
    out = fs.create(path, True)
    try:
        out.write(bytearray(text.encode("utf-8")))
    finally:
        out.close()


def read_text(spark: Any, uri: str) -> str | None:
    """The UTF-8 text of file ``uri``, or None where there is none."""
    fs, path = file_system(spark, uri)
    if not fs.exists(path):
        return None
    stream = fs.open(path)
    try:
        jvm = spark.sparkContext._jvm
        data = jvm.org.apache.commons.io.IOUtils.toByteArray(stream)
    finally:
        stream.close()
    return bytes(data).decode("utf-8")


def delete(spark: Any, uri: str) -> None:
    """Remove ``uri`` (a file or a folder) where it exists."""
    fs, path = file_system(spark, uri)
    if fs.exists(path):
        fs.delete(path, True)
