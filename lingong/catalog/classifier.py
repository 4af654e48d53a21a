"""Occupation auto-coding: free text (a gig title, or what a worker says they can do) → ranked 2022 codes.

This module is the pure core: no Django imports, so it can be tested and benchmarked alone. The adapter
that loads it from the database and keeps it current is lingong/catalog/autocode.py.

How a query is scored (each part gives a per-code value in 0–1, combined by noisy-OR so that independent
evidence adds up without passing 1):

1. Term coverage (strongest). Every synonym, gig name and level-4 name is a term. The query is scanned
   for terms; overlapping matches are resolved longest-first, and a code's coverage is the share of the
   query's characters explained by its terms (matches hidden inside a longer term count at a discount;
   generic words such as 普工 count at 0.4 so an industry word next to them decides). An exact synonym or
   name match covers the whole query and scores about 1.
2. Token overlap. jieba tokens (search mode) weighted by IDF over the occupations' vocabularies: the
   share of the query's information found in an occupation's name, synonyms and gig names.
3. Character bigram overlap, IDF-weighted the same way: catches compounds jieba does not know.
4. Pinyin, only for queries written in Latin letters: full pinyin and initials (bj → 保洁, jzfw → 家政服务员),
   exact before prefix, gig names before names before synonyms.

Recruitment filler (急招, 日结, 2名 …) and Zhongshan place names are removed first, unless they are part of
an occupation term. A small prior favours occupations common in gig work when the evidence ties.
"""

from __future__ import annotations

import logging
import math
import re
import threading
import unicodedata
import warnings
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

# Weights of the four kinds of evidence in the noisy-OR. Term coverage dominates: a whole-query term
# match alone gives 0.97; token and bigram overlap are there for text no term explains.
W_COVERAGE = 0.97
W_TOKENS = 0.6
W_BIGRAMS = 0.4
# A term found inside a longer term that wins the position (e.g. 保洁 inside 家庭保洁) still hints at its
# own occupation, but much less than the winner.
CONTAINED_FACTOR = 0.35
GENERIC_WEIGHT = 0.4
CONTEXT_WEIGHT = 0.5  # the bracketed part of a gig name, e.g. “（吊顶/隔墙）”
PARENT_WEIGHT = 0.4  # the 小类 name, shared by its 细类
TASK_WEIGHT = 0.9
WORKPLACE_WEIGHT = 0.7
AGENT_SUFFIXES = ("工", "员", "师", "姆", "嫂", "手", "匠", "司机", "阿姨", "小哥")
WORKPLACE_SUFFIXES = ("厂", "店")
# A term right before one of these names the workplace (腊味厂, 家具城), not the job.
WORKPLACE_CHARS = frozenset("厂店城场")
# A term right before one of these is the stem of the job noun itself (抛光工, 喷油工, 搬运师傅): Chinese
# job titles are head-final, so it outranks workplace and product words earlier in the title.
AGENT_TAILS = ("师傅", "工", "员", "师", "手", "匠")
MIN_SCORE = 0.05
# Type-ahead: while the text is short (the first keystrokes), terms it begins also count, in proportion
# to how much of the term has been typed (厨 → 厨师 at half weight).
PREFIX_MAX_CHARS = 4
W_PREFIX = 0.7
MAX_QUERY_CHARS = 200
MIN_TERM_CHARS = 2

# Words that name no particular trade: alone they map to a default code, next to an industry word they
# yield to it (大典 has no 普工 细类; the employer's industry decides).
GENERIC_TERMS = frozenset({"普工", "流水线", "操作工", "杂工", "小时工", "司机", "服务员", "阿姨"})

# Recruitment filler: says how the job is offered, not what it is.
NOISE_WORDS = (
    "急招",
    "急聘",
    "招聘",
    "诚聘",
    "诚招",
    "高薪",
    "直招",
    "厂直招",
    "招工",
    "招人",
    "日结",
    "周结",
    "月结",
    "当天结",
    "现结",
    "完工结",
    "日薪",
    "时薪",
    "月薪",
    "底薪",
    "提成",
    "兼职",
    "全职",
    "长期",
    "短期",
    "临时",
    "临时工",
    "零工",
    "计件",
    "计时",
    "包吃住",
    "包食宿",
    "包吃",
    "包住",
    "男女不限",
    "不限",
    "若干",
    "多名",
    "数名",
    "周末",
    "节假日",
    "长白班",
    "夜班",
    "白班",
    "晚班",
    "早班",
    "两班倒",
    "倒班",
    "持证上岗",
    "持证",
    "有证",
    "熟手",
    "有经验",
    "经验",
    "优先",
    "工资",
    "待遇",
    "小时",
    "每天",
    "以上",
    "以下",
    "左右",
    "要求",
    "需要",
    "工作",
    "上班",
    "附近",
    "本地",
    "马上",
    "立即",
    "到岗",
    "可预支",
    "男工",
    "女工",
    "大姐",
    "大叔",
    "师傅",
    "学徒",
    "工人",
    "人员",
)
# Zhongshan's towns, their official names and aliases (data/towns.csv), and a few district words.
PLACE_WORDS = (
    "中山市",
    "中山",
    "石岐",
    "铁城",
    "东区",
    "南区",
    "西区",
    "环城",
    "小榄",
    "东升",
    "中山港",
    "火炬开发区",
    "火炬区",
    "火炬",
    "开发区",
    "南朗",
    "翠亨",
    "民众",
    "五桂山",
    "古镇",
    "灯都",
    "横栏",
    "港口",
    "沙溪",
    "大涌",
    "黄圃",
    "南头",
    "东凤",
    "东风",
    "阜沙",
    "三角",
    "三乡",
    "坦洲",
    "板芙",
    "神湾",
    "张家边",
    "工业区",
    "工业园",
    "镇区",
    "市区",
)
# Verbs that open a posting (招保洁 …): dropped only at the start of a segment.
LEADING_VERBS = frozenset("招聘找请急寻")
_NUMBER_RE = re.compile(
    r"(?<![a-z])\d+(?:\.\d+)?(?:\s*[-~至到]\s*\d+(?:\.\d+)?)?\s*(?:名|人|位|个|元|块|岁|天|号|点|k|w)?(?![a-z])"
)
_NOT_TEXT_RE = re.compile(r"[^0-9a-z\u3400-\u4dbf\u4e00-\u9fff]+")
_HAN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_LATIN_RE = re.compile(r"[a-z]{2,40}")
_BRACKETS_RE = re.compile(r"[（(]([^）)]*)[）)]")

KIND_PINYIN_WEIGHT = {"gig": 1.0, "name": 0.97, "synonym": 0.95}


class Match(NamedTuple):
    code: str
    name: str
    score: float


@dataclass(frozen=True)
class OccupationRecord:
    """A level-4 occupation the classifier may return."""

    code: str
    name: str
    parent_name: str = ""


@dataclass(frozen=True)
class Surface:
    """A way of writing an occupation. kind: "synonym", "gig", "name" or "context" (tokens only)."""

    text: str
    code: str
    kind: str


def normalize(text: str) -> str:
    """Fold full-width forms and case; everything but Han, Latin letters and digits becomes one space."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    return _NOT_TEXT_RE.sub(" ", text).strip()


def split_gig_name(name: str) -> tuple[list[str], list[str]]:
    """“车位工/衣车工（缝纫工）” → (["车位工", "衣车工"], ["缝纫工"]): names, and the bracketed context."""
    context = [p.strip() for inner in _BRACKETS_RE.findall(name or "") for p in inner.split("/")]
    plain = _BRACKETS_RE.sub("", name or "")
    names = [p.strip() for p in plain.split("/") if p.strip()]
    return names, [c for c in context if c]


# --- jieba, loaded lazily once per process ----------------------------------------------------------

_jieba_lock = threading.Lock()
_jieba_words: set[str] = set()


def _jieba():
    with warnings.catch_warnings():
        # jieba 0.42 has regexes with invalid escapes; Python warns each time its modules are compiled.
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", SyntaxWarning)
        import jieba

    if not jieba.dt.initialized:
        with _jieba_lock:
            if not jieba.dt.initialized:
                # jieba logs the dictionary build at DEBUG/INFO through its own handler; keep it quiet.
                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
    return jieba


def add_jieba_words(words: Iterable[str]) -> None:
    """Teach jieba our terms so they come out as single tokens (idempotent; additions are process-wide)."""
    jieba = _jieba()
    with _jieba_lock:
        for word in words:
            if word not in _jieba_words and _HAN_RE.search(word):
                jieba.add_word(word)
                _jieba_words.add(word)


def tokens(text: str) -> set[str]:
    """Search-mode jieba tokens of two or more characters (single characters carry little meaning)."""
    jieba = _jieba()
    out: set[str] = set()
    for part in normalize(text).split():
        for tok in jieba.cut_for_search(part, HMM=False):
            tok = tok.strip()
            if len(tok) >= 2:
                out.add(tok)
    return out


def bigrams(text: str) -> set[str]:
    out: set[str] = set()
    for run in re.findall(r"[\u3400-\u4dbf\u4e00-\u9fff]+", text):
        out.update(run[i : i + 2] for i in range(len(run) - 1))
    return out


@lru_cache(maxsize=16384)
def pinyin_keys(text: str) -> tuple[str, str]:
    """(full pinyin, initials) of a term, lower case without tones or spaces: 保洁 → ("baojie", "bj").

    Cached: a rebuild after a synonym edit then costs almost nothing here.
    """
    from pypinyin import Style, lazy_pinyin

    syllables = [normalize(s).replace(" ", "") for s in lazy_pinyin(text, style=Style.NORMAL)]
    syllables = [s for s in syllables if s]
    return "".join(syllables), "".join(s[0] for s in syllables)


def term_weight(text: str) -> float:
    """How strongly a term names a job. Agent nouns (保姆, 搬运工) name it; task words (照顾老人) describe
    it; workplace words (灯饰厂) only say where; generic words (普工) say almost nothing."""
    if text in GENERIC_TERMS:
        return GENERIC_WEIGHT
    if text.endswith(WORKPLACE_SUFFIXES):
        return WORKPLACE_WEIGHT
    if text.endswith(AGENT_SUFFIXES):
        return 1.0
    return TASK_WEIGHT


# --- the index ----------------------------------------------------------------------------------------


@dataclass
class _Doc:
    code: str
    name: str
    prior: float = 0.0
    token_w: dict[str, float] = field(default_factory=dict)
    bigram_w: dict[str, float] = field(default_factory=dict)
    token_mass: float = 0.0
    bigram_mass: float = 0.0


@dataclass
class OccupationIndex:
    """Everything a query needs, built once; read-only afterwards, so safe to share between threads."""

    docs: list[_Doc]
    by_code: dict[str, int]
    terms: dict[str, list[tuple[int, float]]]
    max_term_len: int
    token_postings: dict[str, list[tuple[int, float]]]
    bigram_postings: dict[str, list[tuple[int, float]]]
    token_idf: dict[str, float]
    bigram_idf: dict[str, float]
    unknown_idf: float
    pinyin_exact: dict[str, list[tuple[int, float]]]
    pinyin_sorted: list[tuple[str, int, float]]
    terms_sorted: list[str]
    noise: frozenset[str]
    max_noise_len: int
    version: object = None

    def __len__(self) -> int:
        return len(self.docs)

    def classify(self, text: str, limit: int = 5) -> list[Match]:
        """Ranked [(code, name, score)], best first, scores in 0–1; [] when nothing in the text matches."""
        scores = self.scores(text)
        ranked = sorted(
            scores.items(), key=lambda kv: (-kv[1], -self.docs[kv[0]].prior, self.docs[kv[0]].code)
        )
        return [
            Match(self.docs[i].code, self.docs[i].name, round(s, 4))
            for i, s in ranked[: max(0, limit)]
            if s >= MIN_SCORE
        ]

    # The parts of a query, exposed for tests and for the benchmark's error analysis.
    def scores(self, text: str) -> dict[int, float]:
        t = normalize(text)[:MAX_QUERY_CHARS]
        if not t:
            return {}
        matches = self._term_matches(t)
        covered = {p for i, j, _ in matches for p in range(i, j)}
        removed = self._noise_positions(t, covered)
        content = [p for p, ch in enumerate(t) if ch != " " and p not in removed]
        if not content:
            return {}
        segments = _segments(t, removed)
        coverage = self._coverage(t, matches, len(content))
        tok = self._overlap(
            set().union(*(tokens(s) for s in segments)),
            self.token_postings,
            self.token_idf,
            "token",
        )
        big = self._overlap(
            set().union(*(bigrams(s) for s in segments)), self.bigram_postings, self.bigram_idf, "bigram"
        )
        compact = "".join(segments)
        pin = self._pinyin(compact) if _is_latin(compact) else {}
        pre = self._prefix(compact) if len(compact) <= PREFIX_MAX_CHARS else {}
        out: dict[int, float] = {}
        for i in set(coverage) | set(tok) | set(big) | set(pin) | set(pre):
            miss = (
                (1 - W_COVERAGE * coverage.get(i, 0.0))
                * (1 - W_TOKENS * tok.get(i, 0.0))
                * (1 - W_BIGRAMS * big.get(i, 0.0))
                * (1 - pin.get(i, 0.0))
                * (1 - pre.get(i, 0.0))
            )
            # The prior breaks near-ties in favour of occupations common in gig work.
            out[i] = min(1.0, (1 - miss) * (0.92 + 0.08 * self.docs[i].prior))
        return out

    def _term_matches(self, t: str) -> list[tuple[int, int, str]]:
        found = []
        n = len(t)
        for i in range(n):
            if t[i] == " ":
                continue
            for j in range(min(n, i + self.max_term_len), i + MIN_TERM_CHARS - 1, -1):
                piece = t[i:j]
                if piece in self.terms:
                    found.append((i, j, piece))
        return found

    def _noise_positions(self, t: str, covered: set[int]) -> set[int]:
        removed: set[int] = set()
        for m in _NUMBER_RE.finditer(t):
            span = range(m.start(), m.end())
            if not covered.intersection(span):
                removed.update(span)
        n = len(t)
        i = 0
        while i < n:
            hit = 0
            for j in range(min(n, i + self.max_noise_len), i + 1, -1):
                if t[i:j] in self.noise and not covered.intersection(range(i, j)):
                    hit = j - i
                    break
            if hit:
                removed.update(range(i, i + hit))
                i += hit
            else:
                i += 1
        # A posting verb at the start of a segment: 招保洁, 找搬运.
        for p, ch in enumerate(t):
            if ch in LEADING_VERBS and p not in covered and (p == 0 or t[p - 1] == " " or p - 1 in removed):
                removed.add(p)
        return removed

    def _coverage(self, t: str, matches: list[tuple[int, int, str]], n_content: int) -> dict[int, float]:
        # Longest match wins a position; ties go to the earlier one.
        taken: set[int] = set()
        primary = set()
        for i, j, _piece in sorted(matches, key=lambda m: (m[0] - m[1], m[0])):
            span = set(range(i, j))
            if not span & taken:
                taken |= span
                primary.add((i, j))
        best: dict[int, dict[int, float]] = defaultdict(dict)
        for i, j, piece in matches:
            factor = 1.0 if (i, j) in primary else CONTAINED_FACTOR
            end = j
            agent = False
            if j < len(t) and t[j] in WORKPLACE_CHARS:
                factor *= WORKPLACE_WEIGHT
            elif (i, j) in primary and piece not in GENERIC_TERMS:
                tail = next((a for a in AGENT_TAILS if t.startswith(a, j)), "")
                if tail and not taken.intersection(range(j, j + len(tail))):
                    agent, end = True, j + len(tail)
            for doc, weight in self.terms[piece]:
                w = (1.0 if agent else weight) * factor
                slot = best[doc]
                for p in range(i, end):
                    if w > slot.get(p, 0.0):
                        slot[p] = w
        return {doc: min(1.0, sum(slot.values()) / n_content) for doc, slot in best.items()}

    def _overlap(self, items: set[str], postings, idf, kind: str) -> dict[int, float]:
        """Share of the query's IDF mass found in each occupation, nudged by the share of the occupation's."""
        if not items:
            return {}
        q_mass = sum(idf.get(x, self.unknown_idf) for x in items)
        hits: dict[int, float] = defaultdict(float)
        for x in items:
            weight = idf.get(x)
            if weight is None:
                continue
            for doc, w in postings.get(x, ()):
                hits[doc] += weight * w
        out = {}
        for doc, mass in hits.items():
            d = self.docs[doc]
            d_mass = d.token_mass if kind == "token" else d.bigram_mass
            out[doc] = (mass / q_mass) * (0.75 + 0.25 * min(1.0, mass / d_mass if d_mass else 0.0))
        return out

    def _prefix(self, q: str) -> dict[int, float]:
        out: dict[int, float] = {}
        k = bisect_left(self.terms_sorted, q)
        for seen, term in enumerate(self.terms_sorted[k:]):
            if not term.startswith(q) or seen > 200:
                break
            if term == q:
                continue
            for doc, weight in self.terms[term]:
                s = W_PREFIX * weight * len(q) / len(term)
                if s > out.get(doc, 0.0):
                    out[doc] = s
        return out

    def _pinyin(self, q: str) -> dict[int, float]:
        q = q.replace(" ", "")
        if len(q) < 2:
            return {}
        out: dict[int, float] = {}

        def put(doc: int, s: float) -> None:
            if s > out.get(doc, 0.0):
                out[doc] = s

        for doc, w in self.pinyin_exact.get("f:" + q, ()):
            put(doc, 0.95 * w)
        for doc, w in self.pinyin_exact.get("i:" + q, ()):
            put(doc, 0.9 * w)
        for prefix, min_len in (("f:", 3), ("i:", 2)):
            if len(q) < min_len:
                continue
            key = prefix + q
            k = bisect_left(self.pinyin_sorted, (key, -1, 0.0))
            for seen, (other, doc, w) in enumerate(self.pinyin_sorted[k:]):
                if not other.startswith(key) or seen > 300:
                    break
                put(doc, 0.8 * w * len(q) / (len(other) - len(prefix)))
        return out


def _segments(t: str, removed: set[int]) -> list[str]:
    """The query without removed positions, split where something was removed (so bigrams never bridge)."""
    parts: list[str] = []
    cur: list[str] = []
    for p, ch in enumerate(t):
        if p in removed or ch == " ":
            if cur:
                parts.append("".join(cur))
                cur = []
        else:
            cur.append(ch)
    if cur:
        parts.append("".join(cur))
    return parts


def _is_latin(q: str) -> bool:
    return bool(_LATIN_RE.fullmatch(q))


def _idf(df: dict[str, int], n: int) -> dict[str, float]:
    return {x: math.log(1 + n / c) for x, c in df.items()}


def build_index(
    records: Iterable[OccupationRecord], surfaces: Iterable[Surface], *, version: object = None
) -> OccupationIndex:
    """Build the in-memory index. Surfaces for codes not among the records are ignored."""
    docs: list[_Doc] = []
    by_code: dict[str, int] = {}
    parents: dict[int, str] = {}
    for r in records:
        if r.code in by_code:
            continue
        by_code[r.code] = len(docs)
        docs.append(_Doc(r.code, r.name))
        parents[by_code[r.code]] = r.parent_name

    # (doc, kind, normalised text, weight) for every way of writing every occupation.
    entries: list[tuple[int, str, str, float]] = []
    for i, d in enumerate(docs):
        entries.append((i, "name", normalize(d.name), term_weight(normalize(d.name))))
        if parents[i]:
            entries.append((i, "parent", normalize(parents[i]), PARENT_WEIGHT))
    for s in surfaces:
        doc = by_code.get(s.code)
        text = normalize(s.text)
        if doc is None or not text:
            continue
        weight = CONTEXT_WEIGHT if s.kind == "context" else term_weight(text)
        entries.append((doc, s.kind, text, weight))
        if s.kind == "gig":
            docs[doc].prior = 1.0
        elif s.kind == "synonym":
            docs[doc].prior = max(docs[doc].prior, 0.6)

    terms: dict[str, dict[int, float]] = defaultdict(dict)
    for doc, kind, text, weight in entries:
        if kind in {"name", "gig", "synonym"} and " " not in text and len(text) >= MIN_TERM_CHARS:
            terms[text][doc] = max(terms[text].get(doc, 0.0), weight)
    add_jieba_words(terms)

    token_df: dict[str, int] = defaultdict(int)
    bigram_df: dict[str, int] = defaultdict(int)
    for doc, _kind, text, weight in entries:
        d = docs[doc]
        for tok in tokens(text):
            # A generic word inside a longer name (五金普工) is as weak there as on its own.
            w = min(weight, GENERIC_WEIGHT) if tok in GENERIC_TERMS else weight
            d.token_w[tok] = max(d.token_w.get(tok, 0.0), w)
        for bg in bigrams(text):
            d.bigram_w[bg] = max(d.bigram_w.get(bg, 0.0), weight)
    for d in docs:
        for tok in d.token_w:
            token_df[tok] += 1
        for bg in d.bigram_w:
            bigram_df[bg] += 1
    n = max(1, len(docs))
    token_idf, bigram_idf = _idf(token_df, n), _idf(bigram_df, n)
    token_postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    bigram_postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for i, d in enumerate(docs):
        for tok, w in d.token_w.items():
            token_postings[tok].append((i, w))
        for bg, w in d.bigram_w.items():
            bigram_postings[bg].append((i, w))
        d.token_mass = sum(token_idf[t] * w for t, w in d.token_w.items())
        d.bigram_mass = sum(bigram_idf[b] * w for b, w in d.bigram_w.items())

    pinyin_exact: dict[str, list[tuple[int, float]]] = defaultdict(list)
    best_pinyin: dict[tuple[str, int], float] = {}
    for doc, kind, text, _weight in entries:
        if kind not in KIND_PINYIN_WEIGHT or not _HAN_RE.search(text) or " " in text:
            continue
        full, initials = pinyin_keys(text)
        w = KIND_PINYIN_WEIGHT[kind] * (0.5 if text in GENERIC_TERMS else 1.0)
        for key in ("f:" + full, "i:" + initials):
            if w > best_pinyin.get((key, doc), 0.0):
                best_pinyin[(key, doc)] = w
    for (key, doc), w in best_pinyin.items():
        pinyin_exact[key].append((doc, w))
    pinyin_sorted = sorted((key, doc, w) for (key, doc), w in best_pinyin.items())

    noise = frozenset(normalize(w) for w in (*NOISE_WORDS, *PLACE_WORDS))
    return OccupationIndex(
        docs=docs,
        by_code=by_code,
        terms={t: list(d.items()) for t, d in terms.items()},
        max_term_len=max((len(t) for t in terms), default=MIN_TERM_CHARS),
        token_postings=dict(token_postings),
        bigram_postings=dict(bigram_postings),
        token_idf=token_idf,
        bigram_idf=bigram_idf,
        unknown_idf=math.log(1 + n),
        pinyin_exact=dict(pinyin_exact),
        pinyin_sorted=pinyin_sorted,
        terms_sorted=sorted(terms),
        noise=noise,
        max_noise_len=max(len(w) for w in noise),
        version=version,
    )


def naive_classify(records: list[OccupationRecord], aliases: dict[str, list[str]], text: str, limit: int = 5):
    """Baseline for the benchmark: occupations whose name or gig name is a substring of the text (or the
    text of it), longest name first. What a plain `name LIKE %q%` search gives."""
    t = normalize(text).replace(" ", "")
    if not t:
        return []
    found = []
    for r in records:
        best = 0
        for name in (r.name, *aliases.get(r.code, ())):
            n = normalize(name).replace(" ", "")
            if n and (n in t or t in n):
                best = max(best, len(n) if n in t else len(t))
        if best:
            found.append((best, r))
    found.sort(key=lambda x: (-x[0], x[1].code))
    return [Match(r.code, r.name, 1.0) for _, r in found[:limit]]
