"""Generated REI networks shared by the tests of ``risk`` and ``batch``."""

from __future__ import annotations

import random

from chainatlas.risk.rei import Edge, Network, Node


def layered_network(components: int = 3, layers: int = 5, width: int = 30, seed: int = 7) -> Network:
    """Separate layered chains (suppliers in layer L feed layer L+1, the last layer sells), plus an ``orphan`` that
    reaches no product."""
    rng = random.Random(seed)
    nodes, edges = [], []
    for c in range(components):
        layer = [[f"c{c}n{i}" for i in range(k * width, k * width + width)] for k in range(layers)]
        for k, ids in enumerate(layer):
            for node in ids:
                nodes.append(Node(node, capacity=rng.uniform(5, 20), inventory=rng.uniform(0, 10),
                                  demand=rng.uniform(1, 5) if k == layers - 1 else 0.0, unit_profit=rng.uniform(1, 3),
                                  ttr=rng.choice([1.0, 2.0, 4.0])))
                if k:
                    for s in rng.sample(layer[k - 1], 3):
                        edges.append(Edge(s, node, f"m{k}", rng.uniform(0.5, 2)))
    nodes.append(Node("orphan", capacity=1, ttr=3.0))  # reaches no product
    return Network(nodes, edges)
