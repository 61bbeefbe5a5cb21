"""A TPS's forms of the legislative contests, on its page below PPWP's.

For each legislative contest the TPS votes in (its desa's snapshot of that contest
lists it, docs/recap.md), a section ``#pemilihan-<contest>``: the dapil (a link to its
page), the status and whether the form is counted, the rules it breaks, its flags, the
form in force laid out as on paper (sections I to III; per party A.1, A.2 by candidate
and B, or the DPD candidates; section V) and its photos, and the history of the contest's entries
(the KPPS c-hasil, each correction with its reason and the boxes it changed, each
witness copy with the boxes where it differs), each with its entry and receipt links.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from saksi.dashboard.common import Context, checkpoint_line, dapil_page, status_badges
from saksi.dashboard.html import Markup, badge, cell, esc, link, mark, num, row, table
from saksi.dashboard.names import Names, names_of
from saksi.dashboard.source import Doc
from saksi.dashboard.strings import STRINGS, flag_text, pick
from saksi.dashboard.tps import (
    box_label,
    changes_table,
    copy_who,
    copy_words,
    entry_meta,
    evidence,
    outcome_badge,
    photo_list,
    split_row,
    tps_copies,
    tps_history,
)
from saksi.election.forms import SECTION_I, SECTION_II, SECTION_III, SECTION_V
from saksi.election.legislative_forms import DPD_RULES, PARTY_RULES, Ballot, check_reading

Reading = Mapping[str, int | None]
RULES: Final = {r.code: r for r in (*PARTY_RULES, *DPD_RULES)}
_PARTY: Final = re.compile(r"^suara_partai_(\d+)$")
_CALEG: Final = re.compile(r"^suara_caleg_(\d+)_(\d+)$")


def legislative_sections(
    ctx: Context, code: str
) -> tuple[Markup, dict[str, Any], dict[str, str | None]]:
    """Every legislative contest's section of TPS ``code``, their twin (contest -> what
    the section was built from) and each contest's anchor (None where it has no ballot)."""
    parts: list[str] = []
    data: dict[str, Any] = {}
    targets: dict[str, str | None] = {}
    if ctx.latest is None:
        return Markup(""), data, targets
    for contest in ctx.contests:
        if contest == "ppwp":
            targets[contest] = "#pemilihan-ppwp"
            continue
        found = ctx.published.tps(ctx.latest, contest, code)
        if found is None:
            targets[contest] = None
            continue
        targets[contest] = f"#pemilihan-{contest}"
        source, _, tps = found
        names = names_of(ctx, contest)
        history = tps_history(ctx, tps)
        copies = tps_copies(ctx, tps, tps.get("values"))
        parts.append(
            _section(
                ctx, contest, names=names, source=source, tps=tps, history=history, copies=copies
            )
        )
        data[contest] = {
            "source": f"/results/{source}",
            "tps": tps,
            "history": history,
            "copies": copies,
        }
    return Markup("".join(parts)), data, targets


def _section(
    ctx: Context,
    contest: str,
    *,
    names: Names,
    source: str,
    tps: Doc,
    history: list[dict[str, Any]],
    copies: list[dict[str, Any]],
) -> str:
    dapil = str(tps.get("dapil", ""))
    checked = _check(tps.get("values"))
    form = _form(ctx, contest, names, dapil, values=tps.get("values"), bad=checked.bad)
    title = ctx.t(f"ballot.{contest}.name")
    counted = badge(ctx.t("counted.yes" if tps.get("counted") else "counted.no"))
    dapil_link = link(dapil_page(contest, dapil), f"{ctx.t('dapil')} {names.dapil_name(dapil)}")
    return (
        f'<section id="pemilihan-{esc(contest)}" class="contest" data-live>'
        f"<h2>{esc(title)}</h2>"
        f"<p>{dapil_link}</p>{checkpoint_line(ctx, source)}"
        f"<p>{status_badges(ctx, tps)} {counted}</p>"
        f"{_problems(ctx, tps, checked)}"
        f"{evidence(_photos(ctx, contest, history), form)}"
        f"{copy_words(ctx, copies, tps.get('values'), names, dapil)}"
        f"{_history_block(ctx, names=names, dapil=dapil, history=history, copies=copies)}"
        "</section>"
    )


def _photos(ctx: Context, contest: str, history: list[dict[str, Any]]) -> str:
    """The photos of the form in force (none before a form)."""
    current = next((h for h in history if h.get("in_force")), None)
    if current is None:
        return ""
    photos = photo_list(ctx, current["photos"], f"foto-{contest}")
    return f"<h3>{esc(ctx.t('photos'))}</h3>{photos}"


@dataclass(frozen=True)
class Checked:
    """The rules the form's own boxes break: each rule's messages with the numbers (as a
    receipt gives them), and the boxes of its impossible rules (marked on the form)."""

    messages: dict[str, list[tuple[str, str]]]  # rule -> (id, en) of each time it breaks
    bad: frozenset[str]


def _ballot(values: Reading) -> Ballot:
    """The ballot a form's boxes make: its parties and their candidates, or DPD's."""
    parties: dict[str, list[int]] = {}
    candidates: list[int] = []
    for name in values:
        if (found := _PARTY.match(name)) is not None:
            parties[found.group(1)] = []
        elif (caleg := _CALEG.match(name)) is not None:
            parties.setdefault(caleg.group(1), []).append(int(caleg.group(2)))
        elif name.startswith("suara_calon_"):
            candidates.append(int(name.removeprefix("suara_calon_")))
    return Ballot(
        parties=tuple((p, tuple(numbers)) for p, numbers in parties.items()),
        candidates=tuple(candidates),
    )


def _check(values: Reading | None) -> Checked:
    if values is None:
        return Checked({}, frozenset())
    messages: dict[str, list[tuple[str, str]]] = {}
    bad: set[str] = set()
    for violation in check_reading(values, _ballot(values)):
        messages.setdefault(violation.rule, []).append((violation.message_id, violation.message_en))
        if violation.impossible:
            bad.update(violation.fields)
    return Checked(messages, frozenset(bad))


def _problems(ctx: Context, tps: Doc, checked: Checked) -> str:
    parts = []
    violations = list(tps.get("violations", ()))
    if violations:
        items = []
        for code in violations:
            rule = RULES.get(code)
            what = pick(rule.why, ctx.lang) if rule is not None else code
            severity = f" ({esc(ctx.t('severity.' + rule.severity.value))})" if rule else ""
            numbers = "".join(
                f"<br><span class='rule-numbers'>{esc(pick(m, ctx.lang))}</span>"
                for m in checked.messages.get(code, ())
            )
            items.append(f"<li>{esc(what)} <code>{esc(code)}</code>{severity}{numbers}</li>")
        parts.append(
            f'<div class="notice bad"><h3>{esc(ctx.t("violations"))}</h3>'
            f"<ul>{''.join(items)}</ul></div>"
        )
    flags = list(tps.get("flags", ()))
    if flags:
        items = [f"<li>{esc(_flag(ctx, f))} <code>{esc(f)}</code></li>" for f in flags]
        parts.append(
            f'<div class="notice"><h3>{esc(ctx.t("flags"))}</h3><ul>{"".join(items)}</ul>'
            f'<p class="meta">{esc(ctx.t("flags.note"))}</p></div>'
        )
    return "".join(parts)


def _flag(ctx: Context, flag: str) -> str:
    key = f"legflag.{flag}"
    return ctx.t(key) if key in STRINGS else flag_text(flag, ctx.lang)


def _value(ctx: Context, values: Reading, name: str, bad: frozenset[str] = frozenset()) -> Markup:
    if name not in bad:
        return cell(num(values.get(name), ctx.lang), numeric=True)
    marked = mark("!", ctx.t("mark.broken")) + num(values.get(name), ctx.lang)
    return cell(Markup(marked), numeric=True, class_="bad")


def _form(
    ctx: Context,
    contest: str,
    names: Names,
    dapil: str,
    *,
    values: Reading | None,
    bad: frozenset[str] = frozenset(),
) -> str:
    """The form in force as on paper: I-III, the votes, V."""
    if values is None:
        return f"<h3>{esc(ctx.t('form.leg'))}</h3><p>{esc(ctx.t('form.none'))}</p>"

    def value(name: str) -> Markup:
        return _value(ctx, values, name, bad)

    split_head = [
        ("", False),
        (ctx.t("col.l"), True),
        (ctx.t("col.p"), True),
        (ctx.t("col.j"), True),
    ]
    one_head = [("", False), ("", True)]
    tables = [
        table(ctx.t("section.I"), split_head, [split_row(ctx, b, value) for b in SECTION_I]),
        table(
            ctx.t("section.II"),
            one_head,
            [row([cell(esc(box_label(f, ctx))), value(f)]) for f in SECTION_II],
        ),
        table(ctx.t("section.III"), split_head, [split_row(ctx, b, value) for b in SECTION_III]),
        _votes(ctx, contest, names, dapil, values=values, bad=bad),
        table(
            ctx.t("section.V"),
            one_head,
            [row([cell(esc(box_label(f, ctx))), value(f)]) for f in SECTION_V],
        ),
    ]
    return f"<h3>{esc(ctx.t('form.leg'))}</h3>{''.join(tables)}"


def _votes(
    ctx: Context, contest: str, names: Names, dapil: str, *, values: Reading, bad: frozenset[str]
) -> str:
    """Per party A.1, A.2 by candidate and B (each party folded, its B in the summary);
    DPD: each candidate's votes."""
    one_head = [("", False), ("", True)]
    if contest == "dpd":
        rows = [
            row(
                [
                    cell(esc(f"{n}. {names.candidate(dapil, '', int(n))}")),
                    _value(ctx, values, f, bad),
                ]
            )
            for f in values
            if (n := f.removeprefix("suara_calon_")) != f
        ]
        return str(table(ctx.t("section.IV.dpd"), one_head, rows))
    parts = [f"<h4>{esc(ctx.t('section.IV.party'))}</h4>"]
    for f in values:
        found = _PARTY.match(f)
        if found is None:
            continue
        party = found.group(1)
        prefix = f"suara_caleg_{party}_"
        rows = [row([cell(esc(ctx.t("col.a1"))), _value(ctx, values, f, bad)])]
        rows += [
            row(
                [
                    cell(esc(f"{n}. {names.candidate(dapil, party, int(n))}")),
                    _value(ctx, values, c, bad),
                ]
            )
            for c in values
            if (n := c.removeprefix(prefix)) != c
        ]
        rows.append(
            row([cell(esc(ctx.t("col.b"))), _value(ctx, values, f"suara_sah_partai_{party}", bad)])
        )
        b = values.get(f"suara_sah_partai_{party}")
        summary = f"{names.party(party)} · B {num(b, ctx.lang)}"
        parts.append(
            f'<details class="party"><summary>{esc(summary)}</summary>'
            f"{table(names.party(party), one_head, rows)}</details>"
        )
    return "".join(parts)


def _history_block(
    ctx: Context,
    *,
    names: Names,
    dapil: str,
    history: list[dict[str, Any]],
    copies: list[dict[str, Any]],
) -> str:
    """The contest's entries for the TPS in log order, each with what the recap did."""
    if not history and not copies:
        return ""
    rows: list[tuple[int, str]] = []
    for i, doc in enumerate(history):
        title = ctx.t("history.original") if i == 0 else f"{ctx.t('history.correction')} {i}"
        text = (
            f'<h4 class="entry">{esc(title)} {outcome_badge(ctx, doc)}</h4>{entry_meta(ctx, doc)}'
        )
        if i:
            text += (
                f"<p><strong>{esc(ctx.t('reason'))}:</strong> {esc(doc.get('reason', ''))}</p>"
                f"{changes_table(ctx, doc)}"
            )
            if doc.get("evidence"):
                photos = photo_list(ctx, doc["evidence"], f"bukti-{doc['index']}")
                text += f"<h5>{esc(ctx.t('evidence'))}</h5>{photos}"
        rows.append((int(doc["index"]), text))
    for doc in copies:
        who = copy_who(ctx, doc, names, dapil)
        text = f'<h4 class="entry">{esc(who)} {outcome_badge(ctx, doc)}</h4>{entry_meta(ctx, doc)}'
        rows.append((int(doc["index"]), text))
    body = "".join(text for _, text in sorted(rows))
    return f"<h3>{esc(ctx.t('history'))}</h3>{body}"


__all__ = ["legislative_sections"]
