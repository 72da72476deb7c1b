"""Fair cost sharing (费用分摊): each exporter's share of each unit's price, what it would have paid alone, and the
Shapley value of the pooling saving.

* **Basis.** Air: chargeable weight = max(gross kg, volume cm³ ÷ 6,000) (IATA TACT Rules 3.4, volumetric divisor
  6,000 cm³/kg). Sea and rail: revenue tons = max(gross t, volume m³) (the W/M rule of LCL tariffs). A unit's price
  is shared in proportion to the basis of the shipments in it.
* **Alone.** The cheapest single unit that could carry the shipment by itself (compatible, and its cartons pack).
* **Shapley.** The cost game c(S) = the cheapest assignment of coalition S (the assignment model with its volume and
  weight limits); each exporter pays φ_s = Σ_{S ∌ s} |S|!(n−|S|−1)!/n! · (c(S ∪ {s}) − c(S)), so Σ φ_s = c(N)
  (Shapley, 1953, "A value for n-person games"). Exact for groups of at most ``EXACT_MAX`` shipments; larger groups
  average the marginal costs over random orders (Castro, Gómez & Tejada, "Polynomial calculation of the Shapley
  value based on sampling", *Computers & OR* 36(5), 2009) and state each share's standard error.
"""

from __future__ import annotations

import math
import random
import statistics
from collections.abc import Callable, Sequence
from itertools import combinations

from chainatlas.consolidation.model import VOLUMETRIC_DIVISOR_CM3_PER_KG, Shipment

EXACT_MAX = 8


def basis(s: Shipment) -> tuple[str, float]:
    """(name, value) of the shipment's charging basis.

    >>> import datetime as dt
    >>> from chainatlas.consolidation.model import Carton
    >>> d = dt.date(2026, 1, 1)
    >>> air = Shipment("a", "", "CGO", "LUX", "air", d, d, (Carton(100, 60, 50, 40.0),))
    >>> basis(air)  # 300,000 cm³ ÷ 6,000 = 50 kg > 40 kg
    ('chargeable_kg', 50.0)
    >>> sea = Shipment("s", "", "CNTAO", "NLRTM", "sea", d, d, (Carton(100, 100, 100, 1500.0),))
    >>> basis(sea)  # 1.5 t > 1 m³
    ('revenue_ton', 1.5)
    """
    if s.mode == "air":
        return "chargeable_kg", max(s.gross_kg, s.volume_cm3 / VOLUMETRIC_DIVISOR_CM3_PER_KG)
    return "revenue_ton", max(s.gross_kg / 1000.0, s.volume_cm3 / 1e6)


def proportional(price: float, members: Sequence[Shipment]) -> dict[str, float]:
    """A unit's price split in proportion to the members' basis.

    >>> import datetime as dt
    >>> from chainatlas.consolidation.model import Carton
    >>> d = dt.date(2026, 1, 1)
    >>> a = Shipment("a", "", "CNTAO", "NLRTM", "sea", d, d, (Carton(100, 100, 100, 500.0),))      # 1 RT
    >>> b = Shipment("b", "", "CNTAO", "NLRTM", "sea", d, d, (Carton(100, 100, 300, 500.0),))      # 3 RT
    >>> proportional(2000.0, [a, b])
    {'a': 500.0, 'b': 1500.0}
    """
    weights = {s.id: basis(s)[1] for s in members}
    total = sum(weights.values())
    return {sid: price * w / total for sid, w in weights.items()}


def shapley(players: Sequence[str], cost: Callable[[frozenset[str]], float], *, samples: int = 200,
            seed: int = 7) -> dict[str, tuple[float, float]]:
    """Each player's Shapley cost share and its standard error (0 when exact).

    >>> c = {frozenset(): 0, frozenset("a"): 10, frozenset("b"): 10, frozenset("ab"): 12}
    >>> shapley(["a", "b"], lambda s: c[s])
    {'a': (6.0, 0.0), 'b': (6.0, 0.0)}
    """
    n = len(players)
    memo: dict[frozenset[str], float] = {}

    def c(s: frozenset[str]) -> float:
        if s not in memo:
            memo[s] = cost(s) if s else 0.0
        return memo[s]

    if n <= EXACT_MAX:
        out = {}
        for p in players:
            others = [q for q in players if q != p]
            value = 0.0
            for k in range(n):
                weight = math.factorial(k) * math.factorial(n - k - 1) / math.factorial(n)
                for group in combinations(others, k):
                    without = frozenset(group)
                    value += weight * (c(without | {p}) - c(without))
            out[p] = (value, 0.0)
        return out
    rng = random.Random(seed)
    marginals: dict[str, list[float]] = {p: [] for p in players}
    order = list(players)
    for _ in range(samples):
        rng.shuffle(order)
        s: frozenset[str] = frozenset()
        for p in order:
            marginals[p].append(c(s | {p}) - c(s))
            s = s | {p}
    return {p: (statistics.fmean(v), statistics.stdev(v) / math.sqrt(len(v))) for p, v in marginals.items()}
