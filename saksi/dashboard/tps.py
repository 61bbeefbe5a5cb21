"""The TPS page: the numbers as on Model C.Hasil, the photos, the status and the history.

The TPS as its desa's snapshot lists it gives the status, the boxes of the form in
force, the rules it breaks, its flags and the log indices of its c-hasil, corrections
and witness copies. Each of those entries is read from the published log (checked
against its leaf hash) for what the snapshot does not carry: the photos, the time, the
signing key, a correction's reason and evidence, a witness copy's boxes. Every entry
links to its bytes (``/v1/entries/<index>``) and its receipt with the inclusion proof
(``/v1/receipts/<leaf_hash>``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

from saksi.dashboard.assets import PROOF
from saksi.dashboard.common import (
    STATUS_BADGE,
    Context,
    Pair,
    breadcrumbs,
    checkpoint_line,
    not_found,
    signed,
    status_badges,
    twin,
)
from saksi.dashboard.html import Markup, Page, badge, cell, esc, link, mark, num, row, table
from saksi.dashboard.names import Names, names_of
from saksi.dashboard.source import Doc
from saksi.dashboard.strings import STRINGS, counted, pick
from saksi.dashboard.switch import contest_switch
from saksi.election.envelope import Envelope
from saksi.election.forms import SECTION_I, SECTION_II, SECTION_III, SECTION_V, vote_field
from saksi.election.rule_catalog import RULES_BY_CODE, field_label
from saksi.election.rules import check_reading
from saksi.election.statements import (
    Correction,
    CorrectionLegislatif,
    CSalinan,
    CSalinanLegislatif,
    FormStatement,
    LegislativeFormStatement,
)
from saksi.recap.screening import SCREENS

Reading = Mapping[str, int | None]
SCREEN_TEXT: Final = {s.flag: (s.description_id, s.description_en) for s in SCREENS}


Sections = Callable[[Context, str], tuple[Markup, dict[str, Any], dict[str, str | None]]]
"""The TPS's other contests: (their sections, their twin, each contest's anchor)."""


def tps_page(ctx: Context, code: str, others: Sections | None = None) -> Page:
    """The page of TPS ``code``: its PPWP form, then ``others`` (the legislative
    contests' sections, :func:`saksi.dashboard.tps_legislative.legislative_sections`)."""
    if ctx.latest is None or ctx.contest is None:
        return not_found(ctx, "error.tps")
    found = ctx.published.tps(ctx.latest, ctx.contest, code)
    if found is None:
        return not_found(ctx, "error.tps")
    source, desa, tps = found
    pairs = ctx.pairs()
    numbers = [p.number for p in pairs] or sorted(
        k.removeprefix("suara_paslon_") for k in (tps.get("values") or {}) if "paslon" in k
    )
    history = tps_history(ctx, tps)
    copies = tps_copies(ctx, tps, tps.get("values"))
    names = names_of(ctx, "ppwp")  # the parties' names, when the contests file is published
    bad_fields = _bad_fields(tps, numbers)
    title = f"{tps['name']} · {desa['region']['name']}"
    body = [
        breadcrumbs(ctx, list(desa.get("path", ())), last=str(tps["name"])),
        f"<h1>{esc(tps['name'])} <span class='meta'>{esc(code)}</span></h1>",
        checkpoint_line(ctx, source),
        proof_script(ctx),
        f'<div id="tps-live" data-live>{_status(ctx, tps)}',
        evidence(
            _photos(ctx, history), _form_block(ctx, tps.get("values"), numbers, pairs, bad_fields)
        ),
        _history_block(ctx, history, copies, names),
        _copies_block(ctx, copies, tps.get("values"), names),
        "</div>",
    ]
    data = twin("tps", ctx, source=f"/results/{source}", tps=tps, history=history, copies=copies)
    sections, legislative, targets = others(ctx, code) if others else (Markup(""), {}, {})
    switch, contests = contest_switch(ctx, targets, None)
    if contests:  # the election has more than PPWP: each contest's forms, PPWP's first
        body.insert(2, f'<h2 id="pemilihan-ppwp">{esc(ctx.t("ballot.ppwp.name"))}</h2>')
        body.insert(2, _ballots(ctx, {"ppwp": tps, **legislative}, targets))
        body.append(sections)
        data |= {"legislative": legislative, "contests": contests}
    return Page("tps", title, Markup("".join(body)), data, size=ctx.size, switch=switch)


def _ballots(ctx: Context, found: Mapping[str, Doc], targets: Mapping[str, str | None]) -> str:
    """Each contest's form at this TPS in one table: its status, a link to its numbers."""
    rows = []
    for contest, href in targets.items():
        label = ctx.t(f"ballot.{contest}.name")
        doc = found.get(contest)
        tps = doc.get("tps", doc) if doc is not None else None
        if href is None or tps is None:
            rows.append(row([cell(esc(label)), cell(esc(ctx.t("ballot.absent")))]))
            continue
        counted = badge(ctx.t("counted.yes" if tps.get("counted") else "counted.no"))
        rows.append(
            row([cell(link(href, label)), cell(Markup(f"{status_badges(ctx, tps)}{counted}"))])
        )
    head = [(ctx.t("contest"), False), (ctx.t("status"), False)]
    return str(table(ctx.t("ballots"), head, rows, id_="ballots", live=True, stack=True))


# --- the entries behind the TPS ------------------------------------------------------


def _entry_doc(ctx: Context, index: int) -> dict[str, Any]:
    """What the log says of entry ``index`` (None fields when it cannot be read)."""
    envelope: Envelope | None = ctx.published.entry(index)
    doc: dict[str, Any] = {
        "index": index,
        "entry": f"/v1/entries/{index}",
        "leaf_hash": None,
        "receipt": None,
        "type": None,
        "at": None,
        "key": None,
        "photos": [],
        "values": None,
    }
    if envelope is None:
        return doc
    stmt = envelope.stmt
    leaf = envelope.leaf_hash_hex
    doc |= {"leaf_hash": leaf, "receipt": f"/v1/receipts/{leaf}", "type": stmt.type}
    doc |= {"at": stmt.at, "key": envelope.key}
    if isinstance(stmt, FormStatement | LegislativeFormStatement):
        doc["values"] = stmt.form.reading()
        doc["photos"] = list(stmt.form.foto)
    if isinstance(stmt, Correction | CorrectionLegislatif):
        doc |= {"reason": stmt.reason, "evidence": list(stmt.evidence)}
        doc["corrects"] = {"index": stmt.corrects.index, "leaf_hash": stmt.corrects.leaf_hash}
    if isinstance(stmt, CSalinan | CSalinanLegislatif):
        doc["party"] = stmt.party
    if isinstance(stmt, CSalinanLegislatif) and stmt.candidate is not None:
        doc["candidate"] = stmt.candidate
    return doc


def _changes(before: Reading | None, after: Reading | None) -> list[dict[str, Any]]:
    if before is None or after is None:
        return []
    return [
        {"field": f, "before": before.get(f), "after": after.get(f)}
        for f in after
        if before.get(f) != after.get(f)
    ]


def _form_outcome(tps: Doc, in_force: bool) -> str:
    """What the recap did with a form: counted, held (out of the totals) or replaced."""
    if not in_force:
        return "replaced"
    return "counted" if tps.get("counted") else "held"


def tps_history(ctx: Context, tps: Doc) -> list[dict[str, Any]]:
    """The KPPS c-hasil, then each correction, each with what the recap did with it."""
    entries = tps.get("entries", {})
    indices = [entries.get("original"), *entries.get("corrections", [])]
    out: list[dict[str, Any]] = []
    for index in indices:
        if not isinstance(index, int):
            continue
        doc = _entry_doc(ctx, index)
        if out:
            doc["changes"] = _changes(out[-1]["values"], doc["values"])
        doc["in_force"] = index == entries.get("current")
        doc["outcome"] = _form_outcome(tps, doc["in_force"])
        out.append(doc)
    for correction in range(1, len(out)):  # each form is replaced by the next correction
        out[correction - 1]["replaced_by"] = correction
    return out


def tps_copies(ctx: Context, tps: Doc, form: Reading | None) -> list[dict[str, Any]]:
    """Each witness copy, compared with the form in force (never counted itself)."""
    out = []
    for copy in tps.get("entries", {}).get("copies", []):
        doc = _entry_doc(ctx, int(copy["index"]))
        doc |= {"party": copy.get("party"), "agrees": bool(copy.get("agrees"))}
        if copy.get("candidate") is not None:
            doc["candidate"] = copy["candidate"]
        values = doc["values"]
        doc["differences"] = (
            [f for f in values if form.get(f) != values.get(f)] if values and form else []
        )
        doc["outcome"] = (
            "copy-alone" if form is None else "copy-agrees" if doc["agrees"] else "copy-differs"
        )
        out.append(doc)
    return out


def _bad_fields(tps: Doc, numbers: Sequence[str]) -> set[str]:
    out: set[str] = set()
    for code in tps.get("violations", ()):
        rule = RULES_BY_CODE.get(code)
        if rule is not None and rule.severity.value == "impossible":
            out.update(rule.fields(tuple(numbers)))
    return out


# --- blocks ---------------------------------------------------------------------------


def _status(ctx: Context, tps: Doc) -> Markup:
    parts = [f"<h2>{esc(ctx.t('status'))}</h2><p>{status_badges(ctx, tps)} "]
    parts.append(badge(ctx.t("counted.yes" if tps.get("counted") else "counted.no"), ""))
    parts.append("</p>")
    violations = list(tps.get("violations", ()))
    if violations:
        items = _broken_rules(ctx, violations, tps.get("values"))
        status = str(tps.get("status"))
        kind = "bad" if STATUS_BADGE.get(status) == "bad" else ""
        parts.append(
            f'<div class="notice {kind}" id="violations"><h3>{esc(ctx.t("violations"))}</h3>'
            f"<ul>{''.join(items)}</ul></div>"
        )
    flags = list(tps.get("flags", ()))
    if flags:
        items = [
            f"<li>{esc(pick(SCREEN_TEXT.get(f, (f, f)), ctx.lang))} <code>{esc(f)}</code></li>"
            for f in flags
        ]
        parts.append(
            f'<div class="notice"><h3>{esc(ctx.t("flags"))}</h3><ul>{"".join(items)}</ul>'
            f'<p class="meta">{esc(ctx.t("flags.note"))}</p></div>'
        )
    return Markup("".join(parts))


def _broken_rules(ctx: Context, codes: Sequence[str], values: Reading | None) -> list[str]:
    """Each broken rule: what it says, its code and severity, and the form's own numbers
    that break it (as the receipt gives them: the rules evaluated on these boxes)."""
    pairs = tuple(sorted(f.removeprefix("suara_paslon_") for f in values or {} if "paslon" in f))
    broken: dict[str, list[str]] = {}
    for violation in check_reading(values, pairs) if values else ():
        message = pick((violation.message_id, violation.message_en), ctx.lang)
        broken.setdefault(violation.rule, []).append(message)
    items = []
    for code in codes:
        rule = RULES_BY_CODE.get(code)
        what = pick(rule.why, ctx.lang) if rule is not None else code
        severity = f" ({esc(ctx.t('severity.' + rule.severity.value))})" if rule else ""
        numbers = "".join(
            f"<br><span class='rule-numbers'>{esc(m)}</span>" for m in broken.get(code, ())
        )
        items.append(f"<li>{esc(what)} <code>{esc(code)}</code>{severity}{numbers}</li>")
    return items


def box_label(name: str, ctx: Context) -> str:
    return pick(field_label(name), ctx.lang)


def _form_block(
    ctx: Context,
    values: Reading | None,
    numbers: Sequence[str],
    pairs: Sequence[Pair],
    bad: set[str],
) -> Markup:
    if values is None:
        return Markup(f"<h2>{esc(ctx.t('form'))}</h2><p>{esc(ctx.t('form.none'))}</p>")

    def value(name: str) -> Markup:
        if name not in bad:
            return cell(num(values.get(name), ctx.lang), numeric=True)
        marked = mark("!", ctx.t("mark.broken")) + num(values.get(name), ctx.lang)
        return cell(Markup(marked), numeric=True, class_="bad")

    split_head = [
        ("", False),
        (ctx.t("col.l"), True),
        (ctx.t("col.p"), True),
        (ctx.t("col.j"), True),
    ]
    one_head = [("", False), ("", True)]
    names = {p.number: p.label for p in pairs}
    sections = [
        ("section.I", split_head, [split_row(ctx, base, value) for base in SECTION_I]),
        (
            "section.II",
            one_head,
            [row([cell(esc(box_label(f, ctx))), value(f)]) for f in SECTION_II],
        ),
        ("section.III", split_head, [split_row(ctx, base, value) for base in SECTION_III]),
        (
            "section.IV",
            one_head,
            [row([cell(esc(names.get(n, n))), value(vote_field(n))]) for n in numbers],
        ),
        ("section.V", one_head, [row([cell(esc(box_label(f, ctx))), value(f)]) for f in SECTION_V]),
    ]
    tables = "".join(table(ctx.t(key), head, rows) for key, head, rows in sections)
    return Markup(f'<h2>{esc(ctx.t("form"))}</h2><div id="form">{tables}</div>')


def split_row(ctx: Context, base: str, value: Any) -> Markup:
    label = box_label(f"{base}_j", ctx).removesuffix(" (J)")
    return row([cell(esc(label)), *(value(f"{base}_{s}") for s in ("l", "p", "j"))])


def photo_list(ctx: Context, hashes: Sequence[str], where: str = "foto") -> Markup:
    """The photos as thumbnails, each a link to its enlarged view on this page (``:target``,
    no JavaScript needed: a close link and a link to the full image); with JavaScript a
    click on the enlarged photo zooms it further. Every image is Saksi's own
    (``/v1/photos/<sha256>``); ``where`` keeps the ids unique on the page."""
    if not hashes:
        return Markup(f"<p>{esc(ctx.t('photos.none'))}</p>")
    thumbs, zooms = [], []
    for page, digest in enumerate(hashes, 1):
        src = esc(f"/v1/photos/{digest}")
        alt = esc(f"{ctx.t('photos.alt')} {page}")
        anchor = esc(f"zoom-{where}-{page}")
        thumbs.append(
            f'<a class="thumb" href="#{anchor}" aria-label="{esc(ctx.t("zoom.open", page=page))}">'
            f'<img src="{src}" alt="{alt}" loading="lazy" width="192"></a>'
        )
        zooms.append(
            f'<div class="zoom" id="{anchor}" role="group" aria-label="{alt}">'
            f'<p class="zoom-bar"><a href="#{esc(where)}">{esc(ctx.t("zoom.close"))}</a> '
            f'<a href="{src}">{esc(ctx.t("zoom.full"))}</a> '
            f'<span class="meta">{esc(ctx.t("zoom.hint"))}</span></p>'
            f'<img src="{src}" alt="{alt}" loading="lazy" data-zoom></div>'
        )
    return Markup(f'<div class="photos" id="{esc(where)}">{"".join(thumbs)}</div>{"".join(zooms)}')


def _photos(ctx: Context, history: list[dict[str, Any]]) -> Markup:
    current = next((h for h in history if h.get("in_force")), None)
    hashes = current["photos"] if current else []
    heading = f"<h2>{esc(ctx.t('photos'))}</h2>"
    return Markup(f'<section id="photos">{heading}{photo_list(ctx, hashes, "foto-ppwp")}</section>')


def evidence(photos: Markup | str, form: Markup | str) -> Markup:
    """The photos beside the typed numbers on a wide screen, above them on a phone."""
    return Markup(
        f'<div class="evidence"><div class="ev-photos">{photos}</div>'
        f'<div class="ev-form">{form}</div></div>'
    )


PROOF_KEYS: Final = "/verifikasi.json"
"""Where the in-browser check reads the log's key, the witnesses' keys and the quorum:
the Verifikasi page's twin (the service's configuration)."""


def proof_script(ctx: Context) -> Markup:
    """The TPS page's script (the proof check, the photo zoom) and its words."""
    words: dict[str, Any] = {
        key.removeprefix("proof."): ctx.t(key)
        for key in STRINGS
        if key.startswith("proof.") and not key.startswith("proof.why.")
    }
    words["why"] = {
        key.removeprefix("proof.why."): ctx.t(key)
        for key in STRINGS
        if key.startswith("proof.why.")
    }
    text = json.dumps(words, ensure_ascii=False, separators=(",", ":"))
    return Markup(
        f'<p id="proof-text" hidden data-text="{esc(text)}"></p>'
        f'<script src="/static/{PROOF.name}" defer></script>'
    )


def proof_button(ctx: Context, doc: dict[str, Any]) -> Markup:
    """ "Periksa bukti": checks entry ``doc``'s inclusion in this browser (shown with
    JavaScript only; without it the receipt link and ``saksi log check-proof`` remain)."""
    if not doc.get("leaf_hash"):
        return Markup("")
    return Markup(
        f'<div class="proof-check"><button type="button" data-leaf="{esc(doc["leaf_hash"])}" '
        f'data-index="{esc(doc["index"])}" data-entry="{esc(doc["entry"])}" '
        f'data-receipt="{esc(doc["receipt"])}" data-keys="{PROOF_KEYS}">'
        f"{esc(ctx.t('proof.check'))}</button>"
        '<p class="proof-result" role="status" aria-live="polite"></p></div>'
    )


def entry_meta(ctx: Context, doc: dict[str, Any]) -> Markup:
    rows = [
        (ctx.t("logentry.index"), link(doc["entry"], f"{ctx.t('logentry.link')} {doc['index']}")),
        (ctx.t("logentry.at"), ctx.time(doc["at"])),
        (ctx.t("logentry.key"), Markup(f"<code class='hash'>{esc(doc['key'] or '–')}</code>")),
    ]
    if doc["leaf_hash"]:
        receipt = link(doc["receipt"], ctx.t("receipt.link"))
        rows.append(
            (
                ctx.t("logentry.leaf"),
                Markup(f"<code class='hash'>{esc(doc['leaf_hash'])}</code> · {receipt}"),
            )
        )
    else:
        rows.append((ctx.t("logentry.leaf"), esc(ctx.t("logentry.unavailable"))))
    items = "".join(f"<dt>{esc(k)}</dt><dd>{v}</dd>" for k, v in rows)
    return Markup(f"<dl>{items}</dl>{proof_button(ctx, doc)}")


OUTCOME_TONE: Final = {
    "counted": "ok",
    "held": "bad",
    "replaced": "",
    "copy-agrees": "",
    "copy-differs": "bad",
    "copy-alone": "",
}


def outcome_badge(ctx: Context, doc: dict[str, Any]) -> Markup:
    """What the recap did with this entry, as a badge (``data-outcome`` names it)."""
    outcome = str(doc["outcome"])
    text = ctx.t(f"outcome.{outcome}", k=doc.get("replaced_by", ""))
    kind = esc(OUTCOME_TONE.get(outcome, ""))
    return Markup(f'<span class="badge {kind}" data-outcome="{esc(outcome)}">{esc(text)}</span>')


def _correction_details(ctx: Context, doc: dict[str, Any]) -> str:
    parts = [f"<p><strong>{esc(ctx.t('reason'))}:</strong> {esc(doc.get('reason', ''))}</p>"]
    parts.append(changes_table(ctx, doc))
    if doc.get("evidence"):
        where = f"bukti-{doc['index']}"
        parts.append(f"<h4>{esc(ctx.t('evidence'))}</h4>{photo_list(ctx, doc['evidence'], where)}")
    return "".join(parts)


def changes_table(ctx: Context, doc: dict[str, Any]) -> Markup:
    """The boxes a correction changed: before and after."""
    changes = [
        row(
            [
                cell(esc(box_label(c["field"], ctx))),
                cell(num(c["before"], ctx.lang), numeric=True),
                cell(num(c["after"], ctx.lang), numeric=True),
            ]
        )
        for c in doc.get("changes", [])
    ]
    head = [(ctx.t("field"), False), (ctx.t("before"), True), (ctx.t("after"), True)]
    return table(ctx.t("changes"), head, changes)


def _history_block(
    ctx: Context, history: list[dict[str, Any]], copies: list[dict[str, Any]], names: Names
) -> Markup:
    """Every entry logged for this TPS, in log order, each saying what the recap did
    with it: the form counted or held, a form replaced by a correction, a witness copy
    (compared, never counted)."""
    if not history and not copies:
        return Markup("")
    rows: list[tuple[int, str]] = []
    for i, doc in enumerate(history):
        title = ctx.t("history.original") if i == 0 else f"{ctx.t('history.correction')} {i}"
        text = (
            f'<h3 class="entry">{esc(title)} {outcome_badge(ctx, doc)}</h3>{entry_meta(ctx, doc)}'
        )
        rows.append((int(doc["index"]), text + (_correction_details(ctx, doc) if i else "")))
    for doc in copies:
        title = copy_who(ctx, doc, names)
        compare = link(f"#copy-{doc['index']}", ctx.t("history.compare"))
        rows.append(
            (
                int(doc["index"]),
                f'<h3 class="entry">{esc(title)} {outcome_badge(ctx, doc)}</h3><p>{compare}</p>',
            )
        )
    body = "".join(text for _, text in sorted(rows))
    return Markup(f'<section id="history"><h2>{esc(ctx.t("history"))}</h2>{body}</section>')


def _copy_cell(ctx: Context, on_form: int | None, on_copy: int | None) -> Markup:
    """A witness copy's box: where it differs from the form, marked ``≠`` and by how much."""
    if on_copy == on_form:
        return cell(num(on_copy, ctx.lang), numeric=True)
    by = ""
    if on_copy is not None and on_form is not None:
        by = f" ({esc(signed(on_copy - on_form, ctx.lang))})"
    marked = mark("≠", ctx.t("mark.differs")) + num(on_copy, ctx.lang) + by
    return cell(Markup(marked), numeric=True)


def copy_who(ctx: Context, doc: Mapping[str, Any], names: Names, dapil: str = "") -> str:
    """Whose witness copy: "Saksi 2 · Gerindra", or a DPD candidate's "Saksi calon 5 · …"."""
    candidate = str(doc.get("candidate") or "")
    if candidate:
        name = names.candidate(dapil, "", int(candidate)) if candidate.isdigit() else candidate
        who = candidate if name == candidate else f"{candidate} · {name}"
        return ctx.t("copy.who.candidate", who=who)
    return ctx.t("copy.who", who=names.party(str(doc.get("party") or "")))


def copy_words(
    ctx: Context,
    copies: Sequence[Mapping[str, Any]],
    form: Reading | None,
    names: Names,
    dapil: str = "",
) -> Markup:
    """The witness copies in words: each differing box of each copy ("Saksi 2 · Gerindra:
    suara paslon 01 = 28 (formulir: 21)"), then how many copies agree, and whose."""
    if not copies or form is None:
        return Markup("")
    lines = [
        ctx.t(
            "copy.line",
            who=copy_who(ctx, doc, names, dapil),
            box=box_label(f, ctx),
            copy=num((doc.get("values") or {}).get(f), ctx.lang),
            form=num(form.get(f), ctx.lang),
        )
        for doc in copies
        for f in doc.get("differences", ())
    ]
    same = [copy_who(ctx, doc, names, dapil) for doc in copies if doc.get("agrees")]
    parts = ['<div class="copy-words">']
    if lines:
        items = "".join(f"<li>{esc(line)}</li>" for line in lines)
        parts.append(f'<ul class="copy-diffs">{items}</ul>')
    if same:
        summary = counted("copy.same", len(same), ctx.lang)
        parts.append(f'<p class="copy-same">{esc(summary)}: {esc(", ".join(same))}</p>')
    parts.append("</div>")
    return Markup("".join(parts))


def _copies_block(
    ctx: Context, copies: list[dict[str, Any]], form: Reading | None, names: Names
) -> Markup:
    """The witness copies: in words first, then each copy's entry with a table of the
    boxes where it differs from the form (only those), and its photos."""
    if not copies:
        return Markup("")
    parts = [f'<section id="copies"><h2>{esc(ctx.t("witness"))}</h2>']
    parts.append(copy_words(ctx, copies, form, names))
    for doc in copies:
        agrees = doc["agrees"]
        verdict = badge(
            ctx.t("copy.agrees" if agrees else "copy.differs"), "ok" if agrees else "bad"
        )
        who = copy_who(ctx, doc, names)
        parts.append(
            f'<h3 id="copy-{esc(doc["index"])}">{esc(who)} {verdict}</h3>{entry_meta(ctx, doc)}'
        )
        values = doc["values"]
        if values is not None and form is not None and doc["differences"]:
            rows = [
                row(
                    [
                        cell(esc(box_label(f, ctx))),
                        cell(num(form.get(f), ctx.lang), numeric=True),
                        _copy_cell(ctx, form.get(f), values.get(f)),
                    ],
                    "bad",
                )
                for f in doc["differences"]
            ]
            head = [(ctx.t("field"), False), (ctx.t("copy.form"), True), (ctx.t("copy"), True)]
            parts.append(table(f"{ctx.t('copy')}: {who}", head, rows))
        if doc["photos"]:
            parts.append(photo_list(ctx, doc["photos"], f"salinan-{doc['index']}"))
    parts.append("</section>")
    return Markup("".join(parts))


__all__ = [
    "Sections",
    "box_label",
    "changes_table",
    "copy_who",
    "copy_words",
    "entry_meta",
    "evidence",
    "outcome_badge",
    "photo_list",
    "proof_script",
    "split_row",
    "tps_copies",
    "tps_history",
    "tps_page",
]
