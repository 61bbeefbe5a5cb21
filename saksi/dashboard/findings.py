"""What the checks found in a region, rolled up from the TPS and D.Hasil below it.

Every region's snapshot counts the items of the anomaly list within it
(``anomalies``: held forms, flags, differing witness copies, differing D.Hasil,
corrections) and names the first D.Hasil within it that differ from their forms
(``recap_differences``), docs/recap.md. A page says them in words, from the nation
down ("1 kecamatan: D.Hasil berbeda dengan jumlah formulirnya"), each count a link to
the Anomali list it counts (which has exactly that many items) and each differing
D.Hasil a link down to its region's page. A legislative contest's snapshots say the
same of its findings (docs/recap.md), a differing D.Hasil naming its dapil, and add
``cross-form`` (a TPS whose forms of two contests disagree); the links go to that
contest's Anomali list and pages.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from saksi.dashboard.common import (
    Context,
    anomali_href,
    contest_page,
    counted_link,
    field_words,
    signed,
)
from saksi.dashboard.html import Markup, esc, link
from saksi.dashboard.names import names_of
from saksi.dashboard.source import Doc
from saksi.dashboard.strings import Lang, counted, number

FINDING_ORDER: Final = (
    "recap-difference",
    "inconsistent",
    "witness-dispute",
    "cross-form",
    "correction",
    "flag",
)
"""The kinds of finding, the gravest first (the anomaly types of docs/recap.md;
``cross-form`` a legislative contest's only)."""

TPS_COUNTER: Final = {"witness-dispute": "witness_dispute", "correction": "corrected"}
"""The TPS counter beside a kind counted per item (a TPS may have several)."""


def differences_in_words(differences: Iterable[Doc], lang: Lang) -> str:
    """``+37 suara paslon 02, +37 suara sah``: what the D.Hasil says beyond its forms."""
    return ", ".join(
        f"{signed(int(d['recap']) - int(d['forms']), lang)} {field_words(str(d['field']), lang)}"
        for d in differences
    )


def _recap_sentence(ctx: Context, snap: Doc, n: int) -> Markup:
    """The differing D.Hasil within the region: how many at which level, each listed
    one in words with a link to its page."""
    found = snap.get("recap_differences") or {}
    where = ", ".join(
        f"{number(int(k), ctx.lang)} {ctx.t('count.' + level)}"
        for level, k in found.get("by_level", {}).items()
    )
    contest = ctx.contest or "ppwp"
    head = counted_link(
        anomali_href(str(snap["region"]["code"]), "recap-difference", contest),
        ctx.t("finding.recap-difference", where=where),
        n,
    )
    items = []
    for region in found.get("first", ()):
        text = ctx.t(
            "finding.recap-region",
            level=ctx.t(f"level.{region['level']}"),
            name=region["name"],
            what=differences_in_words(region.get("differences", ()), ctx.lang),
        )
        if region.get("dapil"):  # a legislative D.Hasil: the part of one dapil
            text += f" ({ctx.t('finding.dapil', name=_dapil_name(ctx, str(region['dapil'])))})"
        if not region.get("complete", False):
            text += f" ({ctx.t('finding.incomplete')})"
        page = contest_page(contest, str(region["code"]))
        items.append(f"<li>{link(page, text)}</li>")
    listed = len(found.get("first", ()))
    if listed < n:
        items.append(f"<li>{esc(ctx.t('finding.recap-more', n=number(n - listed, ctx.lang)))}</li>")
    return Markup(f"{head}<ul>{''.join(items)}</ul>")


def _dapil_name(ctx: Context, code: str) -> str:
    return names_of(ctx, ctx.contest).dapil_name(code) if ctx.contest else code


def findings_block(ctx: Context, snap: Doc, extra: list[str] | None = None) -> Markup:
    """The region's findings, in words, each count a link to its list (``extra``: more
    list items, after them)."""
    code = str(snap["region"]["code"])
    contest = ctx.contest or "ppwp"
    counts = {k: int(v) for k, v in (snap.get("anomalies") or {}).items()}
    counters = snap.get("counters", {})
    items = []
    for kind in FINDING_ORDER:
        n = counts.get(kind, 0)
        if not n:
            continue
        if kind == "recap-difference":
            items.append(f'<li class="bad">{_recap_sentence(ctx, snap, n)}</li>')
            continue
        tps = int(counters.get(TPS_COUNTER.get(kind, ""), n))
        text = counted(f"finding.{kind}", n, ctx.lang, m=number(tps, ctx.lang))
        tone = ' class="bad"' if kind in ("inconsistent", "witness-dispute") else ""
        items.append(f"<li{tone}>{counted_link(anomali_href(code, kind, contest), text, n)}</li>")
    parts = [
        f'<section id="findings" data-live aria-labelledby="h-findings">'
        f'<h2 id="h-findings">{esc(ctx.t("findings"))}</h2>'
    ]
    total = sum(counts.values())
    items += extra or []
    if items:
        every = f"{ctx.t('findings.all')} ({number(total, ctx.lang)})"
        parts.append(f'<p class="meta">{esc(ctx.t("findings.intro"))}</p>')
        parts.append(f'<ul class="findings">{"".join(items)}</ul>')
        if total:
            all_link = counted_link(anomali_href(code, contest=contest), every, total)
            parts.append(f"<p>{all_link}</p>")
    else:
        parts.append(f"<p>{esc(ctx.t('findings.none'))}</p>")
    parts.append("</section>")
    return Markup("".join(parts))


def child_findings(ctx: Context, child: Doc) -> Markup:
    """A child region's findings in a few words (``D.Hasil berbeda 1 · ditahan 1``), each
    a link to its list; empty when it has none."""
    code = str(child["code"])
    counts = child.get("anomalies") or {}
    links = [
        counted_link(
            anomali_href(code, kind, ctx.contest),
            f"{ctx.t('short.' + kind)} {number(n, ctx.lang)}",
            n,
        )
        for kind in FINDING_ORDER
        if (n := int(counts.get(kind, 0)))
    ]
    if not links:
        return Markup("")
    return Markup(f'<br><span class="findings">{" · ".join(links)}</span>')


__all__ = ["FINDING_ORDER", "child_findings", "differences_in_words", "findings_block"]
