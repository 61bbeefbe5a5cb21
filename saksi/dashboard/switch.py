"""The contest switch: the same page in each of the election's ballots.

An election of format v2 publishes five contests (PPWP, DPR, DPD, DPRD Provinsi, DPRD
Kab/Kota, docs/recap.md); every page offers each of them, linking the same region in
that contest (a region page), the TPS's part for that contest (a TPS page) or the
contest's national page. A contest the publication does not have is not offered, so
a PPWP-only publication (format v1) shows no switch at all. A contest with nothing for
the place (a TPS that does not get that ballot) is named without a link.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from saksi.dashboard.common import Context, contest_page
from saksi.dashboard.html import Markup, esc, link
from saksi.dashboard.pictures import INTEGRITY, LAYER_PARAM
from saksi.election.codes import NASIONAL
from saksi.election.contests import ContestKind
from saksi.election.legislative import votes_in


def region_targets(ctx: Context, code: str) -> dict[str, str | None]:
    """Each contest's page of region ``code``, on the map's layer the page is on
    (``?lapisan=integritas`` kept): None where the law gives the region's province no
    such ballot (DPRD Kab/Kota in DKI Jakarta, DPD and DPRD abroad:
    :func:`~saksi.election.legislative.votes_in`). Every contest's snapshots cover the
    same regions, so no file is read to know it."""
    layer = f"?{LAYER_PARAM}={INTEGRITY}" if ctx.layer == INTEGRITY else ""
    return {
        contest: contest_page(contest, code) + layer
        if code == NASIONAL or votes_in(ContestKind(contest), code)
        else None
        for contest in ctx.contests
    }


def nation_targets(ctx: Context) -> dict[str, str | None]:
    """Each contest's national page."""
    return {contest: contest_page(contest, NASIONAL) for contest in ctx.contests}


def contest_switch(
    ctx: Context, targets: Mapping[str, str | None], current: str | None
) -> tuple[Markup, list[dict[str, Any]]]:
    """The switch (a list of links, ``current`` marked) and its twin's ``contests``;
    nothing when the publication has one contest only."""
    if len(targets) < 2:
        return Markup(""), []
    items, data = [], []
    for contest, href in targets.items():
        label = ctx.t(f"ballot.{contest}")
        title = ctx.t(f"ballot.{contest}.name")
        if href is None:
            absent = f"{label} ({ctx.t('ballot.absent')})"
            items.append(f'<li><span class="off" title="{esc(title)}">{esc(absent)}</span></li>')
        else:
            mark = "page" if contest == current else None
            items.append(f"<li>{link(href, label, title=title, aria_current=mark)}</li>")
        data.append({"contest": contest, "page": href})
    nav = (
        f'<nav class="contests" aria-label="{esc(ctx.t("contest"))}">'
        f"<ul>{''.join(items)}</ul></nav>"
    )
    return Markup(nav), data


__all__ = ["contest_switch", "nation_targets", "region_targets"]
