"""Batch jobs that outgrow one machine, on Apache Spark (PySpark ≥ 4, Java 17): invoice lines → supply links and
the REI fan-out. The rules are those of the exchange spec, compiled from one declaration (:mod:`chainatlas.expr`);
the answers equal the local path's (tests/batch). See docs/spark.md."""
