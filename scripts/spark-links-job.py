"""A spark-submit entry point for the links job on a cluster (docs/spark.md):

    spark-submit --master yarn scripts/spark-links-job.py --input hdfs:///…/period=2025Q3 \
        --enterprises hdfs:///…/enterprises --output hdfs:///chainatlas/links/2025Q3 [--period quarter] [--keep-valid]

The session is the one spark-submit configured; the rules compile to Spark SQL, so the executors need no Python
packages for this job (the driver needs ChainAtlas and PySpark). Exit code 1 when lines were rejected.
"""

from __future__ import annotations

import argparse
import sys

from pyspark.sql import SparkSession

from chainatlas.batch.links import batch_context, spark_links


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--input", action="append", required=True)
    ap.add_argument("--output", required=True)
    ap.add_argument("--enterprises", required=True, help="Parquet/CSV with a uscc column")
    ap.add_argument("--period", default="year", choices=["year", "quarter"])
    ap.add_argument("--keep-valid", action="store_true")
    args = ap.parse_args()
    spark = SparkSession.builder.appName("chainatlas-links").getOrCreate()
    summary = spark_links(spark, args.input, args.output, batch_context([]), known=args.enterprises,
                          period=args.period, keep_valid=args.keep_valid, phase=lambda p: print(f"· {p}", flush=True))
    print(summary.to_json())
    return 1 if summary.problems else 0


if __name__ == "__main__":
    sys.exit(main())
