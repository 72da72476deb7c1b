"""Segment inference from goods names and tax classification codes (used when aggregating invoice lines)."""

from __future__ import annotations

from dataclasses import dataclass

from chainatlas.chains.templates import Chain


@dataclass(frozen=True)
class SegmentMatcher:
    """Finds the segment of a goods line: longest matching tax-code prefix first, else the longest
    product keyword contained in the goods name (ties: template order).

    >>> from chainatlas.chains.templates import load_chains
    >>> m = SegmentMatcher.from_chains(load_chains())
    >>> m.match("磷酸铁锂正极材料（示例）", None)
    'nev.cathode'
    >>> m.match("办公用纸", None)
    ''
    """

    prefixes: tuple[tuple[str, str], ...]
    keywords: tuple[tuple[str, str], ...]

    @classmethod
    def from_chains(cls, chains: tuple[Chain, ...]) -> SegmentMatcher:
        prefixes = [(p, c.full_code(s.code)) for c in chains for s in c.segments for p in s.tax_code_prefixes]
        keywords = [(k, c.full_code(s.code)) for c in chains for s in c.segments for k in s.keywords]
        prefixes.sort(key=lambda t: -len(t[0]))
        keywords.sort(key=lambda t: -len(t[0]))  # stable: template order within one length
        return cls(tuple(prefixes), tuple(keywords))

    def match(self, goods_name: str | None, tax_code: str | None) -> str:
        if tax_code:
            for prefix, seg in self.prefixes:
                if tax_code.startswith(prefix):
                    return seg
        if goods_name:
            for kw, seg in self.keywords:
                if kw in goods_name:
                    return seg
        return ""
