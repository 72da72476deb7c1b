"""The REI / TTS fan-out on Spark: the network broadcast once, one Spark task per chunk of per-node LPs.

The chunks never span two components (:func:`chainatlas.risk.rei.by_component`); inside a task the component's model is
built once and its nodes are solved in order of t from the previous basis, as on one machine. A Python worker keeps
its models between the tasks of one run. Answers stream back as chunks finish (progress), in the chunks' order.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

from chainatlas.risk.rei import Answer, ChunkMap, Task, solve_chunk


def spark_chunk_map(spark: Any) -> ChunkMap:
    """A :data:`~chainatlas.risk.rei.ChunkMap` that runs each chunk as a task on ``spark``'s executors."""

    def run(state: Any, chunks: list[list[Task]]) -> Iterator[list[Answer]]:
        sc = spark.sparkContext
        shared = sc.broadcast(state)
        key = uuid.uuid4().hex  # a worker reused by a later run must not take this run's models

        def solve(part: Iterator[tuple[int, list[Task]]]) -> Iterator[tuple[int, list[Answer]]]:
            for index, chunk in part:
                yield index, solve_chunk(shared.value, key, chunk)

        try:
            rdd = sc.parallelize(list(enumerate(chunks)), max(1, len(chunks)))
            for _, answers in rdd.mapPartitions(solve).toLocalIterator(prefetchPartitions=True):
                yield answers
        finally:
            shared.unpersist()

    return run
