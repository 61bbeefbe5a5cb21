"""The Anomali, Verifikasi and search pages.

The Anomali page lists a contest's anomalies export: PPWP's at ``/anomali``, each
legislative contest's at ``/<contest>/anomali`` (its kinds add ``cross-form``; its
places link to the contest's pages, a witness copy names its party, a D.Hasil its
dapil), filtered by kind and region, with its JSON twin.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from saksi.dashboard.common import (
    Context,
    anomali_path,
    candidate_anchor,
    checkpoint_line,
    contest_page,
    dapil_page,
    field_words,
    page_of,
    signed,
    twin,
)
from saksi.dashboard.html import Markup, Page, badge, cell, esc, link, num, row, table
from saksi.dashboard.names import names_of
from saksi.dashboard.source import Doc
from saksi.dashboard.strings import flag_text, number, pick
from saksi.election.codes import NASIONAL, Level, is_within, level_of
from saksi.election.regions import Hierarchy
from saksi.election.rule_catalog import RULES_BY_CODE
from saksi.errors import SaksiError
from saksi.recap.legislative_reconcile import ANOMALY_TYPES as LEGISLATIVE_TYPES
from saksi.recap.reconcile import ANOMALY_TYPES
from saksi.tlog.note import NoteSignature

MAX_SHOWN: Final = 1000
"""Anomalies listed on one page (the JSON twin and the export hold every one)."""
SEARCH_LIMIT: Final = 50
COSIGNATURE_SIZE: Final = 72  # cosignature/v1: 8-byte timestamp + 64-byte Ed25519 signature


# --- Anomali ------------------------------------------------------------------------


def _where(item: Doc) -> str:
    return str(item.get("tps") or item.get("region") or NASIONAL)


def _region_filter(region: str) -> str | None:
    region = region.strip()
    if not region:
        return None
    try:
        level_of(region)
    except SaksiError:
        return None
    return region


def kinds_of(contest: str | None) -> tuple[str, ...]:
    """The anomaly types of ``contest`` (None: PPWP), in the order its list gives them."""
    return ANOMALY_TYPES if contest in (None, "ppwp") else LEGISLATIVE_TYPES


def anomali_page(ctx: Context, kind: str, region: str) -> Page:
    kinds = kinds_of(ctx.contest)
    kind = kind if kind in kinds else ""
    within = _region_filter(region)
    found = ctx.published.anomalies(ctx.latest, ctx.contest) if ctx.latest and ctx.contest else None
    title = ctx.t("anomali.title")
    if ctx.contest not in (None, "ppwp"):
        title = f"{title} · {ctx.t('ballot.' + str(ctx.contest))}"
    body = [f"<h1>{esc(title)}</h1><p>{esc(ctx.t('anomali.intro'))}</p>"]
    body.append(_filter_form(ctx, kind, within or "", kinds))
    if found is None:
        notice = esc(ctx.t("anomali.unexported"))
        body.append(f'<div id="anomalies" data-live><p class="notice">{notice}</p></div>')
        data = twin(
            "anomali", ctx, source=None, filter={"type": kind, "region": within}, anomalies=[]
        )
        return Page("anomali", title, Markup("".join(body)), data, size=ctx.size)
    source, doc = found
    items = [
        a
        for a in doc.get("anomalies", [])
        if (not kind or a.get("type") == kind) and (within is None or _within(_where(a), within))
    ]
    body.insert(1, checkpoint_line(ctx, source))
    export_size = doc.get("checkpoint", {}).get("tree_size")
    if isinstance(export_size, int) and ctx.size is not None and export_size < ctx.size:
        older = ctx.t(
            "anomali.older",
            listed=number(export_size, ctx.lang),
            latest=number(ctx.size, ctx.lang),
        )
        body.insert(2, f'<p class="notice" id="anomali-older" data-live>{esc(older)}</p>')
    hierarchy = ctx.published.hierarchy(ctx.latest) if ctx.latest else None
    rows = [_anomaly_row(ctx, hierarchy, a) for a in items[:MAX_SHOWN]]
    count = (
        f"{num(len(items), ctx.lang)} {esc(ctx.t('anomali.count'))}"
        f" ({num(len(rows), ctx.lang)} {esc(ctx.t('anomali.shown'))}; "
        f"{esc(ctx.t('checkpoint'))} {num(export_size, ctx.lang)})"
    )
    head = [
        (ctx.t("anomali.type"), False),
        (ctx.t("region"), False),
        (ctx.t("anomali.details"), False),
    ]
    listing = (
        table(title, head, rows, stack=True)
        if rows
        else Markup(f"<p>{esc(ctx.t('anomali.none'))}</p>")
    )
    body.append(f'<div id="anomalies" data-live><p>{count}</p>{listing}</div>')
    data = twin(
        "anomali",
        ctx,
        source=f"/results/{source}",
        anomalies_checkpoint=doc.get("checkpoint"),
        filter={"type": kind, "region": within},
        anomalies=items,
    )
    return Page("anomali", title, Markup("".join(body)), data, size=ctx.size)


def _within(code: str, scope: str) -> bool:
    try:
        return is_within(code, scope)
    except SaksiError:
        return False


def _filter_form(ctx: Context, kind: str, region: str, kinds: tuple[str, ...]) -> Markup:
    options = [f'<option value="">{esc(ctx.t("anomali.all"))}</option>']
    for value in kinds:
        selected = " selected" if value == kind else ""
        options.append(
            f'<option value="{esc(value)}"{selected}>{esc(ctx.t("type." + value))}</option>'
        )
    select = f'<select name="type">{"".join(options)}</select>'
    return Markup(
        f'<form class="filter" method="get" action="{esc(anomali_path(ctx.contest))}">'
        f"<label>{esc(ctx.t('anomali.type'))}{select}</label>"
        f'<label>{esc(ctx.t("anomali.region"))}<input name="region" inputmode="numeric" '
        f'value="{esc(region)}" size="14"></label>'
        f"<button>{esc(ctx.t('anomali.filter'))}</button></form>"
    )


def _place_name(ctx: Context, hierarchy: Hierarchy | None, code: str) -> str:
    """``TPS 001, CIDENG``, ``Kecamatan GAMBIR``: the place as the region file names it
    (its code alone when the file is not published or does not hold it)."""
    try:
        if hierarchy is None or not hierarchy.exists(code):
            return code
        level = level_of(code)
        if level is Level.TPS:
            return f"{hierarchy.name(code)}, {hierarchy.name(code[:10])}"
        if level is Level.NASIONAL:
            return ctx.t("level.nasional")
        return f"{ctx.t('level.' + level.name.lower())} {hierarchy.name(code)}"
    except SaksiError:
        return code


def _place_link(ctx: Context, hierarchy: Hierarchy | None, code: str) -> Markup:
    href = page_of(code) if ctx.contest in (None, "ppwp") else contest_page(ctx.contest, code)
    name = _place_name(ctx, hierarchy, code)
    if name == code:
        return link(href, code)
    return Markup(f"{link(href, name)} <span class='meta'>{esc(code)}</span>")


DIFFERENCE_SIDES: Final = (("copy", "form", 1), ("recap", "forms", 1), ("before", "after", -1))
"""The two numbers of a difference by kind, in the order shown, and the sign of first
minus second in the difference shown (a copy or a D.Hasil against the forms; a
correction's after against its before)."""


def _difference(ctx: Context, d: Doc) -> Markup:
    """``suara paslon 02: D.Hasil 377 · jumlah formulir 340 (+37)``."""
    label = field_words(str(d.get("field")), ctx.lang)
    for first, second, sign in DIFFERENCE_SIDES:
        if first in d and second in d:
            a, b = d[first], d[second]
            ints = isinstance(a, int) and isinstance(b, int)
            by = f" ({esc(signed(sign * (a - b), ctx.lang))})" if ints else ""
            return Markup(
                f"{esc(label)}: {esc(ctx.t('anomali.' + first))} {num(a, ctx.lang)} · "
                f"{esc(ctx.t('anomali.' + second))} {num(b, ctx.lang)}{by}"
            )
    return esc(label)


def _named(name: str, code: str) -> Markup:
    """A name with its code beside it."""
    return Markup(f"{esc(name)} <code>{esc(code)}</code>")


def _rule(ctx: Context, found: Any) -> Markup:
    """A broken rule: its code, or (a cross-form finding's) an object with its message."""
    if isinstance(found, dict):
        message = found.get("message") or {}
        said = (
            message.get("en" if ctx.lang == "en" else "id") if isinstance(message, dict) else None
        )
        return _named(str(said or found.get("rule")), str(found.get("rule")))
    rule = RULES_BY_CODE.get(str(found))
    return _named(pick(rule.why, ctx.lang) if rule else str(found), str(found))


def _whose(ctx: Context, item: Doc) -> list[Markup]:
    """A legislative witness copy's party (or DPD candidate), a D.Hasil's dapil."""
    if ctx.contest in (None, "ppwp"):
        return []
    names = names_of(ctx, ctx.contest)
    out: list[Markup] = []
    if item.get("type") == "witness-dispute":
        if item.get("candidate"):
            who = f"{ctx.t('ballot.number')} {item['candidate']}"
        else:
            who = names.party(str(item.get("party", "")))
        out.append(esc(ctx.t("anomali.witness", party=who)))
    if item.get("dapil"):
        out.append(esc(ctx.t("finding.dapil", name=names.dapil_name(str(item["dapil"])))))
    return out


def _details(ctx: Context, item: Doc) -> Markup:
    parts: list[Markup] = _whose(ctx, item)
    for found in item.get("rules") or ():
        parts.append(_rule(ctx, found))
    parts += [_named(flag_text(str(f), ctx.lang), str(f)) for f in item.get("flags") or ()]
    if item.get("type") == "correction":
        parts.append(esc(f"{ctx.t('reason')}: {item.get('reason', '')}"))
    parts += [_difference(ctx, d) for d in item.get("differences") or item.get("changes") or ()]
    index = item.get("copy_index", item.get("index"))
    if index is not None:
        parts.append(link(f"/v1/entries/{index}", f"{ctx.t('entry')} {index}"))
    return Markup("<br>".join(parts))


def _anomaly_row(ctx: Context, hierarchy: Hierarchy | None, item: Doc) -> Markup:
    kind = str(item.get("type"))
    tone = "warn" if kind in ("flag", "correction", "cross-form") else "bad"
    known = kind in kinds_of(ctx.contest)
    return row(
        [
            cell(badge(ctx.t("type." + kind) if known else kind, tone)),
            cell(_place_link(ctx, hierarchy, _where(item))),
            cell(_details(ctx, item), class_="wide"),
        ]
    )


# --- Verifikasi -----------------------------------------------------------------------


PLACEHOLDER_URL: Final = "PUBLIC_URL"
"""Stands for the service's address in the commands when none is configured and the
server listens on every address (the reader replaces it, as INDEX and LEAF_HASH)."""


@dataclass(frozen=True)
class LogInfo:
    """What the service tells the Verifikasi page: where it is, its key, its witnesses.

    ``base_url`` is the configured public URL (``configured``), else the server's own
    listening address or :data:`PLACEHOLDER_URL`; never the request's ``Host``."""

    base_url: str  # http://host:port (no trailing slash)
    log_key: str  # the log's verifier key
    witnesses: tuple[tuple[str, str, str], ...]  # (name, url, vkey) as configured
    quorum: int
    configured: bool  # base_url is the configured public_url


def _signature(sig: NoteSignature, origin: str, witness_names: set[str]) -> dict[str, Any]:
    kind = "log" if sig.name == origin else "witness" if sig.name in witness_names else "other"
    doc: dict[str, Any] = {"name": sig.name, "key_id": f"{sig.key_id:08x}", "kind": kind}
    if kind != "log" and len(sig.signature) == COSIGNATURE_SIZE:
        stamp = int.from_bytes(sig.signature[:8], "big")
        doc["cosigned_at"] = datetime.fromtimestamp(stamp, UTC).isoformat().replace("+00:00", "Z")
    return doc


def commands(info: LogInfo) -> dict[str, str]:
    """The exact commands that check this publication, with its key and witnesses.

    Every value is quoted for a POSIX shell (:func:`shlex.quote`): a log origin or a
    witness name may hold quotes, ``$()`` or backticks, and pasting must run only
    ``saksi``, ``curl`` and ``python3`` with these values as their arguments."""
    q = shlex.quote
    base, key = info.base_url, q(info.log_key)
    witnesses = "".join(f" \\\n    --witness {q(vkey)}" for _, _, vkey in info.witnesses)
    quorum = f" --quorum {info.quorum}" if info.witnesses else ""
    return {
        "verify": f"saksi verify {q(base + '/')} --log-key {key}{witnesses}{quorum}",
        "recap": f"saksi recap {q(base + '/log/')} --log-key {key}",
        "proof": (
            f"curl -sS {q(base + '/v1/entries/')}INDEX > entry.json\n"
            f"curl -sS {q(base + '/v1/receipts/')}LEAF_HASH | python3 -c "
            "'import json,sys; sys.stdout.write(json.load(sys.stdin)[\"proof\"])' > entry.proof\n"
            f"saksi log check-proof entry.proof --key {key} --entry entry.json"
        ),
    }


def _address_notice(ctx: Context, info: LogInfo) -> Markup:
    """Where the commands' address comes from, when no public URL is configured."""
    if info.configured:
        return Markup("")
    key = "verifikasi.placeholder" if info.base_url == PLACEHOLDER_URL else "verifikasi.bind"
    text = ctx.t(key).format(url=info.base_url)
    return Markup(f'<p class="notice" id="address">{esc(text)}</p>')


def verifikasi_page(ctx: Context, info: LogInfo) -> Page:
    published = ctx.published.checkpoint()
    names = {name for name, _, _ in info.witnesses}
    body = [f"<h1>{esc(ctx.t('verifikasi.title'))}</h1><p>{esc(ctx.t('verifikasi.intro'))}</p>"]
    signatures: list[dict[str, Any]] = []
    checkpoint: dict[str, Any] | None = None
    body.append(
        f'<section id="checkpoint" data-live><h2>{esc(ctx.t("verifikasi.checkpoint"))}</h2>'
    )
    if published is None:
        body.append(f"<p>{esc(ctx.t('verifikasi.none'))}</p>")
    else:
        cp = published.checkpoint
        checkpoint = {
            "origin": cp.origin,
            "tree_size": cp.size,
            "root_hash": cp.root.hex(),
            "note": published.note.decode("utf-8"),
        }
        signatures = [_signature(s, cp.origin, names) for s in published.signatures]
        body.append(
            f"<p>{esc(ctx.t('checkpoint.size'))}: {num(cp.size, ctx.lang)} · "
            f"{esc(ctx.t('checkpoint.root'))}: <code class='hash'>{esc(cp.root.hex())}</code></p>"
            f"<pre>{esc(checkpoint['note'])}</pre>"
        )
        body.append(_signature_table(ctx, signatures))
    body.append("</section>")
    body.append(_witness_block(ctx, info))
    cmds = commands(info)
    body.append(
        f"<h2>{esc(ctx.t('verifikasi.commands'))}</h2>{_address_notice(ctx, info)}"
        f"<p>{esc(ctx.t('verifikasi.install'))}</p>"
        f"<p>{esc(ctx.t('verifikasi.cmd.verify'))}</p><pre><code>{esc(cmds['verify'])}</code></pre>"
        f"<p>{esc(ctx.t('verifikasi.cmd.recap'))}</p><pre><code>{esc(cmds['recap'])}</code></pre>"
        f"<p>{esc(ctx.t('verifikasi.cmd.proof'))}</p><pre><code>{esc(cmds['proof'])}</code></pre>"
    )
    data = twin(
        "verifikasi",
        ctx,
        log_checkpoint=checkpoint,
        signatures=signatures,
        log_key=info.log_key,
        witnesses=[{"name": n, "url": u, "vkey": v} for n, u, v in info.witnesses],
        quorum=info.quorum,
        public_url=info.base_url if info.configured else None,
        commands=cmds,
    )
    return Page("verifikasi", ctx.t("verifikasi.title"), Markup("".join(body)), data, size=ctx.size)


def _signature_table(ctx: Context, signatures: list[dict[str, Any]]) -> Markup:
    rows = []
    for s in signatures:
        at = s.get("cosigned_at")
        when = ctx.time(at if isinstance(at, str) else None)
        rows.append(
            row(
                [
                    cell(esc(s["name"])),
                    cell(Markup(f"<code>{esc(s['key_id'])}</code>")),
                    cell(esc(ctx.t("verifikasi.kind." + s["kind"]))),
                    cell(when),
                ]
            )
        )
    head = [
        (ctx.t("verifikasi.signer"), False),
        (ctx.t("verifikasi.keyid"), False),
        (ctx.t("verifikasi.kind"), False),
        (ctx.t("verifikasi.cosigned_at"), False),
    ]
    return table(ctx.t("verifikasi.signatures"), head, rows, stack=True)


def _witness_block(ctx: Context, info: LogInfo) -> Markup:
    parts = [
        f"<h2>{esc(ctx.t('verifikasi.log_key'))}</h2><pre><code>{esc(info.log_key)}</code></pre>"
    ]
    parts.append(f"<h2>{esc(ctx.t('verifikasi.witnesses'))}</h2>")
    parts.append(f"<p>{esc(ctx.t('verifikasi.witnesses.about'))}</p>")
    if not info.witnesses:
        parts.append(f"<p>{esc(ctx.t('verifikasi.no_witnesses'))}</p>")
        return Markup("".join(parts))
    rows = [
        row([cell(esc(n)), cell(esc(u)), cell(Markup(f"<code class='hash'>{esc(v)}</code>"))])
        for n, u, v in info.witnesses
    ]
    head = [(ctx.t("verifikasi.signer"), False), (ctx.t("url"), False), ("vkey", False)]
    parts.append(f"<p>{esc(ctx.t('verifikasi.quorum'))}: {num(info.quorum, ctx.lang)}</p>")
    parts.append(table(ctx.t("verifikasi.witnesses"), head, rows))
    return Markup("".join(parts))


# --- search ----------------------------------------------------------------------------


def search(ctx: Context, query: str) -> tuple[str | None, list[dict[str, str]]]:
    """(a page to go straight to, or None; the regions whose name matches ``query``)."""
    text = query.strip()
    if text.isdigit():
        try:
            level = level_of(text)
        except SaksiError:
            level = None
        if level is not None:
            return page_of(text), []
    hierarchy = ctx.published.hierarchy(ctx.latest) if ctx.latest and text else None
    if hierarchy is None:
        return None, []
    out = []
    for code in hierarchy.search(text, SEARCH_LIMIT):
        path = [hierarchy.name(c) for c in hierarchy.path(code)[1:-1]]
        out.append(
            {
                "code": code,
                "name": hierarchy.name(code),
                "level": level_of(code).name.lower(),
                "within": " › ".join(path),
                "page": page_of(code),
            }
        )
    return None, out


def candidate_search(ctx: Context, query: str) -> list[dict[str, Any]] | None:
    """The candidates whose name matches ``query`` (each with its dapil's page), or None
    when the publication has no contests file (format v1)."""
    index = ctx.published.candidates(ctx.latest) if ctx.latest else None
    if index is None:
        return None
    text = query.strip()
    if not text or text.isdigit():
        return []
    contests = ctx.published.contests(ctx.latest) if ctx.latest else None
    parties = {p.number: p.name for p in contests.parties} if contests else {}
    return [
        {
            "name": c.name,
            "contest": c.contest,
            "dapil": c.dapil,
            "dapil_name": c.dapil_name,
            "party": c.party,
            "party_name": parties.get(c.party, ""),
            "number": c.number,
            "page": f"{dapil_page(c.contest, c.dapil)}#{candidate_anchor(c.party, c.number)}",
        }
        for c in index.search(text, SEARCH_LIMIT)
    ]


def _candidate_item(ctx: Context, c: dict[str, Any]) -> str:
    party = f" · {c['party']} {c['party_name']}" if c["party"] else ""
    return (
        f"<li>{link(c['page'], c['name'])} <span class='meta'>"
        f"{esc(ctx.t('ballot.' + c['contest']))} · {esc(ctx.t('dapil'))} {esc(c['dapil_name'])}"
        f"{esc(party)} · {esc(ctx.t('ballot.number'))} {num(c['number'], ctx.lang)}</span></li>"
    )


def search_page(ctx: Context, query: str) -> Page:
    target, found = search(ctx, query)
    candidates = candidate_search(ctx, query) if target is None else None
    body = [f"<h1>{esc(ctx.t('search.results'))}</h1>"]
    if not query.strip():
        body.append(f"<p>{esc(ctx.t('search.empty'))}</p>")
    elif not found and not candidates:
        body.append(f"<p>{esc(ctx.t('search.none'))}</p>")
    if found:
        items = [
            f"<li>{link(r['page'], r['name'])} <span class='meta'>{esc(r['code'])} · "
            f"{esc(ctx.t('level.' + r['level']))}"
            f"{' · ' + esc(r['within']) if r['within'] else ''}</span></li>"
            for r in found
        ]
        if candidates:
            body.append(f"<h2>{esc(ctx.t('search.regions'))}</h2>")
        body.append(f"<ul>{''.join(items)}</ul>")
    if candidates:
        items = [_candidate_item(ctx, c) for c in candidates]
        body.append(
            f"<h2>{esc(ctx.t('search.candidates'))}</h2>"
            f'<ul id="candidates-found">{"".join(items)}</ul>'
        )
    more = {} if candidates is None else {"candidates": candidates}
    data = twin("cari", ctx, query=query, results=found, redirect=target, **more)
    return Page("cari", ctx.t("search.results"), Markup("".join(body)), data, redirect=target)


__all__ = [
    "ANOMALY_TYPES",
    "MAX_SHOWN",
    "PLACEHOLDER_URL",
    "LogInfo",
    "anomali_page",
    "commands",
    "kinds_of",
    "search",
    "search_page",
    "verifikasi_page",
]
