"""For journalists: the files to download, a citation of the page, an embeddable chart.

- **Downloads** (:func:`downloads`): the CSV of the region's level and of the level
  below, every other CSV of the contest, its NIST report and (PPWP) the anomalies, as
  ``latest.json``'s ``exports`` link them (``/results/<N>/export/...``), saying which
  checkpoint they describe when it is older than the page's.
- **Cite this** (:func:`cite_block`): the page's checkpoint (tree size, root hash) and
  the page's URL *at that checkpoint*, ``<path>?checkpoint=N``, which renders the page
  from generation ``N`` for as long as the results are kept (``saksi.dashboard.history``).
- **Embed** (``/embed/wilayah/<code>``, ``/embed/<contest>/wilayah/<code>``:
  :func:`embed_page`, :func:`render_embed`): one region's shares and progress, no
  navigation and no script, the one page other sites may frame.

Every part is a function of the published files.
"""

from __future__ import annotations

import re
from typing import Any, Final

from saksi.dashboard.common import Context, contest_page, progress_text, shares
from saksi.dashboard.html import Markup, Page, bars, esc, link, num
from saksi.dashboard.names import names_of
from saksi.dashboard.source import contest_files
from saksi.dashboard.strings import Lang, t
from saksi.election.codes import NASIONAL

CHILD_CSV: Final = {
    "nasional": ("provinsi",),
    "provinsi": ("provinsi", "kabkota"),
    "kabkota": ("kabkota", "kecamatan"),
    "kecamatan": ("kecamatan", "desa"),
    "desa": ("desa", "tps"),
}
"""The CSV files of a region's level and of the level below (its children)."""


def prefixed(prefix: str, contest: str, code: str) -> str:
    """A page of the dashboard's own about a region, under ``prefix`` (``embed``,
    ``perubahan``, ``umpan``): ``/<prefix>/wilayah/<code>`` for PPWP,
    ``/<prefix>/<contest>/wilayah/<code>`` for a legislative contest (``0``: the nation)."""
    return (
        f"/{prefix}/wilayah/{code}" if contest == "ppwp" else f"/{prefix}/{contest}/wilayah/{code}"
    )


def region_path(contest: str, code: str) -> str:
    """The region page's own path (``/``, ``/wilayah/32``, ``/dpr``, ``/dpr/wilayah/32``)."""
    return contest_page(contest, code)


def cited_url(base: str | None, path: str, size: int) -> str:
    """The page's URL at checkpoint ``size``: ``<base><path>?checkpoint=<size>``."""
    return f"{(base or '').rstrip('/')}{path}?checkpoint={size}"


def citation(ctx: Context, title: str, path: str, base: str | None) -> dict[str, Any] | None:
    """The citation of a page (None before the first publication)."""
    if ctx.latest is None:
        return None
    size = int(ctx.latest["tree_size"])
    root = str(ctx.latest.get("root_hash", ""))
    url = cited_url(base, path, size)
    election = ctx.election_name()
    text = ctx.t(
        "cite.text",
        title=title,
        election=election or ctx.t("cite.election"),
        size=size,
        root=root,
        url=url,
    )
    return {"tree_size": size, "root_hash": root, "url": url, "text": text}


def cite_block(ctx: Context, cite: dict[str, Any]) -> Markup:
    """ "Kutip halaman ini": the checkpoint and the text to copy."""
    return Markup(
        f'<section id="kutip" aria-labelledby="kutip-h"><h2 id="kutip-h">'
        f"{esc(ctx.t('cite.title'))}</h2><p>{esc(ctx.t('cite.intro'))}</p>"
        f'<p class="cite"><code>{esc(cite["text"])}</code></p>'
        f"<p>{link(cite['url'], ctx.t('cite.link', size=cite['tree_size']))}</p></section>"
    )


def downloads(ctx: Context, contest: str, level: str) -> list[dict[str, Any]]:
    """The export files of ``contest`` for a page of a region of ``level``: the level's
    and its children's CSV first, then the other CSV, NIST and the anomalies."""
    if ctx.latest is None:
        return []
    files = contest_files(ctx.latest, contest) or {}
    exports = files.get("exports")
    if not isinstance(exports, dict):
        return []
    size = int(exports.get("tree_size", 0))
    csv = exports.get("csv") or {}
    first = [k for k in CHILD_CSV.get(level, ()) if k in csv]
    out = [
        {"kind": "csv", "name": k, "href": f"/results/{csv[k]}", "tree_size": size, "main": True}
        for k in first
    ]
    out += [
        {"kind": "csv", "name": k, "href": f"/results/{v}", "tree_size": size, "main": False}
        for k, v in csv.items()
        if k not in first
    ]
    for kind in ("nist", "anomalies"):
        if isinstance(exports.get(kind), str):
            href = f"/results/{exports[kind]}"
            out.append({"kind": kind, "name": kind, "href": href, "tree_size": size, "main": True})
    return out


def downloads_block(ctx: Context, files: list[dict[str, Any]]) -> Markup:
    if not files:
        return Markup(f"<p>{esc(ctx.t('download.none'))}</p>")

    def item(f: dict[str, Any]) -> str:
        if f["kind"] != "csv":
            text = ctx.t(f"download.{f['kind']}")
        elif f["name"] in CHILD_CSV or f["name"] == "tps":
            text = ctx.t("download.csv", level=ctx.t(f"level.{f['name']}"))
        else:
            text = ctx.t(f"download.csv.{f['name']}")
        return f"<li>{link(f['href'], text, download=True)}</li>"

    main = "".join(item(f) for f in files if f["main"])
    more = "".join(item(f) for f in files if not f["main"])
    size = files[0]["tree_size"]
    older = ctx.latest is not None and size != int(ctx.latest["tree_size"])
    note = f'<p class="meta">{esc(ctx.t("download.older", size=size))}</p>' if older else ""
    rest = (
        f"<details><summary>{esc(ctx.t('download.more'))}</summary><ul>{more}</ul></details>"
        if more
        else ""
    )
    return Markup(f"<ul>{main}</ul>{rest}{note}")


def journalist_block(
    ctx: Context, contest: str, code: str, level: str, title: str, *, base: str | None
) -> tuple[Markup, dict[str, Any]]:
    """The "Untuk jurnalis" section of a region page, and what the twin adds."""
    files = downloads(ctx, contest, level)
    path = region_path(contest, code)
    cite = citation(ctx, title, path, base)
    links = {
        "changes": prefixed("perubahan", contest, code),
        "feed": prefixed("umpan", contest, code) + ".atom",
        "embed": prefixed("embed", contest, code),
    }
    more = (
        f"<ul>"
        f"<li>{link(links['changes'], ctx.t('changes.link'))}</li>"
        f"<li>{link(links['feed'], ctx.t('feed.link'), type='application/atom+xml')}</li>"
        f"<li>{link(links['embed'], ctx.t('embed.link'))}</li></ul>"
    )
    body = Markup(
        f'<section id="jurnalis" aria-labelledby="jurnalis-h"><h2 id="jurnalis-h">'
        f"{esc(ctx.t('journalists'))}</h2><h3>{esc(ctx.t('download.title'))}</h3>"
        f"{downloads_block(ctx, files)}{more}"
        f"{cite_block(ctx, cite) if cite else ''}</section>"
    )
    return body, {"downloads": files, "cite": cite, **links}


AT_NEWEST: Final = ("/results/", "/v1/", "/static/", "/log/", "/umpan/", "/cari", "/verifikasi")
"""Links a page at a checkpoint leaves as they are: files named by their generation or
by their content, the feeds (which follow the newest), search and Verifikasi."""
_PAGE_HREF: Final = re.compile(r'href="(/[^"#]*)(#[^"]*)?"')


def at_links(html: str, size: int) -> Markup:
    """``html`` with every link to a dashboard page at checkpoint ``size`` too
    (``/wilayah/32?checkpoint=N``, ``/tps/X?checkpoint=N#pemilihan-dpr``): a page at a
    checkpoint leads to its children, its parents and the other contests as they were
    then."""

    def at(found: re.Match[str]) -> str:
        path, fragment = found.group(1), found.group(2) or ""
        if path.startswith(AT_NEWEST) or "checkpoint=" in path:
            return found.group(0)
        joint = "&amp;" if "?" in path else "?"
        return f'href="{path}{joint}checkpoint={size}{fragment}"'

    return Markup(_PAGE_HREF.sub(at, html))


def at_notice(ctx: Context, path: str) -> Markup:
    """Above a page rendered from an older generation: which, and the newest page."""
    size = ctx.size
    return Markup(
        f'<p class="at" id="at-checkpoint">{esc(ctx.t("at.notice", size=size))} '
        f"{link(path, ctx.t('at.latest'))}</p>"
    )


# --- embed -----------------------------------------------------------------------------


def embed_page(ctx: Context, code: str) -> Page:
    """Region ``code``'s shares and progress in the page's contest, for framing."""
    contest = ctx.contest
    found = (
        ctx.published.snapshot(ctx.latest, contest, code)
        if ctx.latest is not None and contest is not None
        else None
    )
    if found is None or contest is None or ctx.latest is None:
        return Page("error", ctx.t("error.title"), Markup(""), {}, status=404)
    source, snap = found
    totals = snap.get("totals") or {}
    name = str((snap.get("region") or {}).get("name", ""))
    if code == NASIONAL:
        name = ctx.t("level.nasional")
    if contest == "ppwp":
        pairs = {p.number: p.label for p in ctx.pairs()}
        votes = totals.get("suara_paslon") or {}
        items = [(pairs.get(p, p), int(votes.get(p, 0)), s) for p, s in shares(totals).items()]
    else:
        names = names_of(ctx, contest)
        valid = sum(
            int(v.get("suara_sah_partai", 0)) for v in (totals.get("partai") or {}).values()
        )
        items = [
            (names.party(p), int(v.get("suara_sah_partai", 0)),
             100.0 * int(v.get("suara_sah_partai", 0)) / valid if valid else 0.0)
            for p, v in sorted((totals.get("partai") or {}).items(), key=lambda kv: int(kv[0]))
        ]  # fmt: skip
    label = ctx.t(f"ballot.{contest}")
    size = int(ctx.latest["tree_size"])
    page = region_path(contest, code)
    cited = f"{page}?checkpoint={size}"
    body = Markup(
        f"<h1>{esc(name)} · {esc(label)}</h1>"
        f"{bars(items, ctx.lang, title=ctx.t('embed.shares'))}"
        f"<p>{esc(ctx.t('progress'))}: {progress_text(snap.get('progress') or {}, ctx.lang)}</p>"
        f'<p class="meta">{esc(ctx.t("checkpoint"))} {num(size, ctx.lang)} · '
        f"{link(cited, ctx.t('embed.open'), target='_blank', rel='noopener')}"
        f"</p>"
    )
    data = {
        "format": "saksi-dashboard/1",
        "page": "embed",
        "lang": ctx.lang,
        "contest": contest,
        "checkpoint": ctx.latest.get("checkpoint"),
        "source": f"/results/{source}",
        "region": snap.get("region"),
        "items": [{"name": n, "votes": v, "share": s} for n, v, s in items],
        "progress": snap.get("progress"),
        "full_page": page,
    }
    return Page("embed", f"{name} · {label}", body, data, size=None)


def render_embed(page: Page, lang: Lang, style: str) -> str:
    """The whole document of an embed page: the style sheet, no script, no navigation."""
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(page.title)} · Saksi</title>"
        f'<link rel="stylesheet" href="/static/{style}"></head>'
        f'<body data-page="embed" class="embed"><main id="main">{page.body}</main>'
        f"<footer><p>{esc(t('embed.footer', lang))}</p></footer></body></html>"
    )


__all__ = [
    "at_notice",
    "citation",
    "cite_block",
    "cited_url",
    "downloads",
    "embed_page",
    "journalist_block",
    "prefixed",
    "region_path",
    "render_embed",
]
