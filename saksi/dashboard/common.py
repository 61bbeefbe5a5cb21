"""What every page builder shares: the request's context and a few common blocks."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Final
from urllib.parse import urlencode

from saksi.dashboard.html import Markup, Page, badge, esc, link, m, num, pct
from saksi.dashboard.source import Doc, Published
from saksi.dashboard.strings import STRINGS, Lang, number, pick, t
from saksi.dashboard.times import local, parse_utc
from saksi.election.codes import NASIONAL
from saksi.election.rule_catalog import field_label

FORMAT: Final = "saksi-dashboard/1"
"""The ``format`` of every JSON twin."""
CONTEST_ORDER: Final = ("ppwp", "dpr", "dpd", "dprd-prov", "dprd-kabkota")
"""The five ballots, in the order the pages offer them."""
LEGISLATIVE: Final = CONTEST_ORDER[1:]


@dataclass(frozen=True)
class Pair:
    number: str
    president: str
    vice_president: str

    @property
    def label(self) -> str:
        return f"{self.number} · {self.president} – {self.vice_president}"


@dataclass(frozen=True)
class Context:
    """One request: the reader's language and the publication as it is now."""

    lang: Lang
    published: Published
    latest: Doc | None
    contest: str | None  # the contest shown (the first of latest.json), None before any
    region: str | None = None  # the region or TPS the page is about (its times' zone)
    layer: str = "hasil"  # the map's layer: hasil (results) or integritas (?lapisan=)

    @classmethod
    def of(cls, published: Published, lang: Lang, contest: str | None = None) -> Context:
        """The context of a page of ``contest`` (None: PPWP, the first of ``contests``);
        its ``contest`` is None when the publication has no such contest."""
        latest = published.latest()
        if contest is not None:
            legislative = (latest.get("legislative") or {}) if latest else {}
            return cls(lang, published, latest, contest if contest in legislative else None)
        contests = list(latest.get("contests", {})) if latest else []
        return cls(lang, published, latest, contests[0] if contests else None)

    @property
    def contests(self) -> list[str]:
        """Every contest the publication has: PPWP, then the legislative ones, in the
        order of the ballots (:data:`CONTEST_ORDER`)."""
        if self.latest is None:
            return []
        have = {*self.latest.get("contests", {}), *(self.latest.get("legislative") or {})}
        return [c for c in CONTEST_ORDER if c in have]

    def t(self, key: str, **fields: object) -> str:
        return t(key, self.lang, **fields)

    def about(self, region: str) -> Context:
        """This context for a page about ``region`` (a region or TPS code)."""
        return replace(self, region=region)

    def on_layer(self, layer: str | None) -> Context:
        """This context with the map's layer asked for (``integritas``, else the results)."""
        return replace(self, layer="integritas" if layer == "integritas" else "hasil")

    def time(self, moment: datetime | str | None) -> Markup:
        """An instant in the local time of the page's region (:func:`time_tag`)."""
        return time_tag(moment, self.region)

    @property
    def size(self) -> int | None:
        return int(self.latest["tree_size"]) if self.latest else None

    def election_name(self) -> str | None:
        """The election's name as its manifest gives it (from the summary), or None."""
        if self.latest is None:
            return None
        name = (self.published.summary(self.latest) or {}).get("election", {}).get("name")
        return name if isinstance(name, str) and name.strip() else None

    def pairs(self) -> list[Pair]:
        """The contest's pairs, from the summary (in ballot order)."""
        if self.latest is None:
            return []
        summary = self.published.summary(self.latest) or {}
        for contest in summary.get("contests", ()):
            if contest.get("contest") == self.contest:
                return [
                    Pair(str(p["number"]), str(p["president"]), str(p["vice_president"]))
                    for p in contest.get("pairs", ())
                ]
        return []


def twin(kind: str, ctx: Context, **fields: Any) -> dict[str, Any]:
    """The JSON twin's frame: format, page, language, checkpoint, then ``fields``."""
    checkpoint = ctx.latest.get("checkpoint") if ctx.latest else None
    return {
        "format": FORMAT,
        "page": kind,
        "lang": ctx.lang,
        "contest": ctx.contest,
        "checkpoint": checkpoint,
        **fields,
    }


def shares(totals: Doc) -> dict[str, float]:
    """Each pair's share of the valid votes, in percent (0 with no valid vote)."""
    valid = int(totals.get("suara_sah", 0))
    votes = totals.get("suara_paslon", {})
    return {p: (100.0 * int(v) / valid if valid else 0.0) for p, v in sorted(votes.items())}


def checkpoint_line(ctx: Context, source: str | None) -> Markup:
    """ "Checkpoint N · root … · published at … · source" under a page's title."""
    if ctx.latest is None:
        return m("")
    size = int(ctx.latest["tree_size"])
    root = str(ctx.latest.get("root_hash", ""))
    parts = [
        f"{esc(ctx.t('checkpoint'))} {num(size, ctx.lang)} "
        f'(<span class="hash" title="{esc(root)}">{esc(root[:12])}…</span>)'
    ]
    stamp = ctx.published.published_at()
    if stamp is not None:
        parts.append(f"{esc(ctx.t('published.at'))} {ctx.time(stamp)}")
    if source is not None:
        parts.append(f"{esc(ctx.t('source'))}: {link('/results/' + source, source)}")
    return Markup(f'<p class="meta" id="checkpoint-line" data-live>{" · ".join(parts)}</p>')


def field_words(name: str, lang: Lang) -> str:
    """A box or total in words (``suara_paslon_02`` -> "suara paslon 02")."""
    key = f"field.{name}"
    return t(key, lang) if key in STRINGS else pick(field_label(name), lang)


def signed(value: int, lang: Lang) -> str:
    """``+37``, ``−5`` or ``0``, written as ``lang`` writes numbers."""
    sign = "+" if value > 0 else "−" if value < 0 else ""
    return sign + number(abs(value), lang)


def anomali_path(contest: str | None) -> str:
    """The Anomali page of ``contest``: PPWP's ``/anomali``, a legislative contest's
    ``/<contest>/anomali``."""
    return "/anomali" if contest in (None, "ppwp") else f"/{contest}/anomali"


def anomali_href(region: str, kind: str = "", contest: str | None = None) -> str:
    """The Anomali list of ``contest`` (None: PPWP) of ``kind`` (every kind if empty)
    within ``region``."""
    query = {"type": kind, "region": region} if kind else {"region": region}
    return f"{anomali_path(contest)}?" + urlencode(query)


def counted_link(href: str, text: str, count: int) -> Markup:
    """A link to a list, saying how many items it holds (``data-count``: the tests
    check that the list has exactly that many)."""
    return link(href, text, data_count=str(count))


def time_tag(moment: datetime | str | None, region: str | None = None) -> Markup:
    """An instant (aware, or a statement's ``at`` text) in the local time of ``region``'s
    province, its zone named (WIB, WITA, WIT; UTC where no region): docs/dashboard.md."""
    if isinstance(moment, str):
        moment = parse_utc(moment)
    if moment is None:
        return esc("–")
    shown = local(moment, region)
    return Markup(
        f'<time datetime="{esc(shown.iso)}" title="{esc(shown.offset)}">{esc(shown.text)}</time>'
    )


def page_of(code: str) -> str:
    """The page of a region or TPS code: ``/``, ``/wilayah/<code>`` or ``/tps/<code>``."""
    if code == NASIONAL:
        return "/"
    return ("/tps/" if len(code) == 13 else "/wilayah/") + code


def contest_page(contest: str, code: str) -> str:
    """The page of a region or TPS in ``contest``: PPWP's are :func:`page_of`'s, a
    legislative contest's ``/<contest>`` (the nation), ``/<contest>/wilayah/<code>``;
    a TPS's page holds every contest (``/tps/<code>#pemilihan-<contest>``)."""
    if contest == "ppwp":
        return page_of(code)
    if len(code) == 13:
        return f"/tps/{code}#pemilihan-{contest}"
    return f"/{contest}" if code == NASIONAL else f"/{contest}/wilayah/{code}"


def dapil_page(contest: str, code: str) -> str:
    """The page of dapil ``code`` of a legislative contest."""
    return f"/{contest}/dapil/{code}"


def candidate_anchor(party: str, number_: int) -> str:
    """A candidate's row on its dapil page: ``calon-<party>-<number>`` (DPD:
    ``calon-<number>``)."""
    return f"calon-{party}-{number_}" if party else f"calon-{number_}"


def breadcrumbs(ctx: Context, path: list[Doc], last: str | None = None) -> Markup:
    """Nation > provinsi > ... as links, the last item marked as the current page."""
    items = []
    for i, step in enumerate(path):
        code, name = str(step["code"]), str(step["name"])
        href = page_of(code) if ctx.contest in (None, "ppwp") else contest_page(ctx.contest, code)
        current = i == len(path) - 1 and last is None
        items.append(f"<li>{link(href, name, aria_current='page' if current else None)}</li>")
    if last is not None:
        items.append(f'<li><span aria-current="page">{esc(last)}</span></li>')
    label = esc(ctx.t("breadcrumb"))
    return Markup(f'<nav class="crumbs" aria-label="{label}"><ol>{"".join(items)}</ol></nav>')


def progress_text(progress: Doc, lang: Lang) -> Markup:
    """``received of expected (percent)``."""
    received, expected = int(progress.get("received", 0)), int(progress.get("expected", 0))
    share = 100.0 * received / expected if expected else 0.0
    return Markup(
        f"{num(received, lang)} {esc(t('of', lang))} {num(expected, lang)} ({pct(share, lang)})"
    )


STATUS_BADGE: Final = {"missing": "", "received": "ok", "inconsistent": "bad", "corrected": "warn"}
WITNESS_BADGE: Final = {"none": "", "agree": "ok", "dispute": "bad"}


def status_badges(ctx: Context, tps: Doc) -> Markup:
    status, witness = str(tps.get("status")), str(tps.get("witness"))
    out = [badge(ctx.t(f"status.{status}"), STATUS_BADGE.get(status, ""))]
    if witness != "none" or status != "missing":
        out.append(badge(ctx.t(f"copies.{witness}"), WITNESS_BADGE.get(witness, "")))
    flags = [str(flag) for flag in tps.get("flags", ())]
    if flags:  # named on the TPS page; here one word in the reader's language
        count = f" ({len(flags)})" if len(flags) > 1 else ""
        out.append(badge(ctx.t("counters.flagged") + count, "warn"))
    return Markup("".join(out))


def not_found(ctx: Context, key: str) -> Page:
    body = Markup(
        f"<h1>{esc(ctx.t('error.title'))}</h1><p>{esc(ctx.t(key))}</p>"
        f"<p>{link('/', ctx.t('error.back'))}</p>"
    )
    return Page("error", ctx.t("error.title"), body, {}, status=404, size=ctx.size)


__all__ = [
    "CONTEST_ORDER",
    "FORMAT",
    "LEGISLATIVE",
    "STATUS_BADGE",
    "WITNESS_BADGE",
    "Context",
    "Pair",
    "anomali_href",
    "anomali_path",
    "breadcrumbs",
    "candidate_anchor",
    "checkpoint_line",
    "contest_page",
    "counted_link",
    "dapil_page",
    "field_words",
    "not_found",
    "page_of",
    "progress_text",
    "shares",
    "signed",
    "status_badges",
    "time_tag",
    "twin",
]
