"""The night's report in words, for a KPU officer or a journalist.

Every row, head and sentence is a pair: Bahasa Indonesia first, English beside it
(``Words``). :func:`notes` says, for each count of the report that differs from the
faults injected, why (a TPS that never sent, a form KPU Kab/Kota left held, two
disputing copies at one TPS, a resend after the crash answered with the first
receipt, ...). ``saksi demo`` shows these words (saksi/cli/demo.py), and
``report.json`` keeps the notes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from saksi.sim.faults import EXPECTED_CHECK, Fault
from saksi.sim.plan import CORRECTED_RATE, MISSING_RATE

Words = tuple[str, str]
"""(Bahasa Indonesia, English)."""


def both(words: Words) -> str:
    """``Indonesia / English``, as the report shows a label."""
    return f"{words[0]} / {words[1]}"


PHASES: dict[str, Words] = {
    "starting": ("menjalankan proses", "starting the processes"),
    "keys": ("registrasi kunci", "key registrations"),
    "tps": ("TPS mengirim C.Hasil", "TPS send their C.Hasil"),
    "corrections": ("koreksi KPU Kab/Kota", "KPU Kab/Kota's corrections"),
    "d-hasil": ("D.Hasil kecamatan", "kecamatan D.Hasil"),
    "publishing": ("menunggu publikasi", "waiting for the publication"),
    "crash-check": ("memeriksa tanda terima", "checking the receipts"),
    "verify": ("pemeriksaan independen (saksi verify)", "independent check (saksi verify)"),
}
"""The night's phases (saksi.sim.night.Night), as the progress shows them."""

FAULTS: dict[Fault, Words] = {
    Fault.MISREAD: ("angka salah baca", "misread box"),
    Fault.FORGED: ("tanda tangan palsu", "forged signature"),
    Fault.WRONG_TPS: ("kunci TPS lain", "another TPS's key"),
    Fault.RETRY: ("kiriman ulang", "resent statement"),
    Fault.SECOND_FORM: ("formulir kedua", "second form"),
    Fault.REVOKED: ("kunci yang sudah dicabut", "revoked key"),
    Fault.DISPUTE: ("salinan saksi berbeda", "disputing witness copy"),
    Fault.INFLATED_RECAP: ("D.Hasil digelembungkan", "inflated D.Hasil"),
    Fault.CRASH: ("layanan dimatikan paksa", "service killed"),
}

CHECKS: dict[Fault, Words] = {
    Fault.MISREAD: (
        "aritmetika formulir: ditahan sebagai tidak konsisten, di luar perhitungan",
        "the form's arithmetic: held as inconsistent, out of the totals",
    ),
    Fault.FORGED: ("pemeriksaan tanda tangan", "signature check"),
    Fault.WRONG_TPS: ("wewenang: wilayah kunci", "authorization: the key's region"),
    Fault.RETRY: (
        "dijawab dengan tanda terima pertama, disimpan sekali",
        "answered with the first receipt, stored once",
    ),
    Fault.SECOND_FORM: ("satu formulir per TPS", "one form per TPS"),
    Fault.REVOKED: ("wewenang: kunci dicabut", "authorization: revoked key"),
    Fault.DISPUTE: (
        "salinan dibandingkan dengan formulir yang berlaku: sengketa",
        "the copy compared with the form in force: dispute",
    ),
    Fault.INFLATED_RECAP: (
        "D.Hasil dicocokkan dengan formulir di bawahnya",
        "the D.Hasil reconciled with the forms below it",
    ),
    Fault.CRASH: (
        "tanda terima tetap berlaku: semua yang sudah dijawab ada di log setelah mulai ulang",
        "receipts hold: everything acknowledged is in the log after the restart",
    ),
}
"""The check meant for each fault (report.json keeps the English of EXPECTED_CHECK)."""

REFUSALS: dict[str, Words] = {
    "statement.bad-signature": ("tanda tangan tidak cocok", "the signature does not verify"),
    "auth.out-of-scope": ("di luar wilayah kuncinya", "outside its key's region"),
    "auth.duplicate-form": ("TPS sudah punya formulir", "the TPS already has a form"),
    "auth.revoked": ("kuncinya sudah dicabut", "its key was revoked"),
}
REFUSAL_OF: dict[Fault, str] = {
    fault: check for fault, check in EXPECTED_CHECK.items() if check in REFUSALS
}
"""The faults refused at the door, and the refusal code meant for each."""

TYPES: dict[str, Words] = {
    "c-hasil": ("C.Hasil (formulir KPPS)", "C.Hasil (KPPS form)"),
    "c-salinan": ("C.Salinan (salinan saksi)", "C.Salinan (witness copy)"),
    "correction": ("koreksi", "correction"),
    "d-hasil": ("D.Hasil kecamatan", "kecamatan D.Hasil"),
    "key": ("registrasi kunci", "key registration"),
    "key-revoke": ("pencabutan kunci", "key revocation"),
}

TITLES: dict[str, Words] = {
    "statements": ("Pernyataan", "Statements"),
    "faults": ("Kesalahan yang disuntikkan", "Injected faults"),
    "totals": ("Perolehan suara PPWP", "PPWP votes"),
    "notes": ("Catatan: angka yang berbeda dari kesalahan yang disuntikkan", "Notes: counts "
              "that differ from the faults injected"),
}  # fmt: skip
SAID: dict[str, Words] = {
    "left-in": (
        "publikasi, truth.json dan report.json di",
        "publication, truth.json and report.json in",
    ),
    "dashboard": ("dasbor", "dashboard"),
    "ctrl-c": ("tekan Ctrl-C untuk berhenti", "Ctrl-C to stop"),
    "stopping": ("layanan dan dasbornya berhenti", "the service and its dashboard stop"),
    "stopping-now": (
        "layanan dan dasbornya berhenti sekarang; `saksi demo --keep-serving` membiarkannya "
        "berjalan setelah laporan",
        "the service and its dashboard stop now; `saksi demo --keep-serving` keeps them up "
        "after the report",
    ),
}
"""The demo's other lines around the report."""
HEADS: dict[str, tuple[Words, ...]] = {
    "statements": (("apa (Bahasa Indonesia)", "what (English)"), ("jumlah", "count")),
    "faults": (
        ("kesalahan", "fault"),
        ("disuntikkan", "injected"),
        ("tertangkap", "caught"),
        ("oleh pemeriksaan", "by the check"),
    ),
    "totals": (
        ("paslon", "pair"),
        ("terverifikasi", "verified"),
        ("sebenarnya", "truth"),
        ("tidak dihitung", "kept out"),
        ("sebenarnya - tidak dihitung", "truth - kept out"),
    ),
}


def _n(report: dict[str, Any], fault: Fault, what: str = "injected") -> int:
    return int(report["faults_by_kind"].get(fault.value, {}).get(what, 0))


def statement_rows(report: dict[str, Any]) -> Iterator[tuple[Words, str]]:
    """The statements table: what was sent, logged, held, refused."""
    s, pub = report["statements"], report["published"]
    status = s["by_status"]
    yield ("TPS melapor", "TPS reported"), f"{pub.get('received', 0):,} / {report['tps']:,}"
    yield ("entri di log", "entries in the log"), f"{report['log_size']:,}"
    yield ("diterima, dihitung", "accepted, counted"), f"{status.get('accepted', 0):,}"
    yield (
        ("diterima dengan tanda, dihitung", "accepted with a flag, counted"),
        f"{status.get('flagged', 0):,}",
    )
    yield (
        ("ditahan: tidak konsisten", "held: inconsistent"),
        f"{status.get('inconsistent', 0):,}",
    )
    yield ("  masih ditahan di akhir", "  still held at the end"), f"{pub.get('inconsistent', 0):,}"
    yield (
        ("TPS dikoreksi KPU Kab/Kota", "TPS corrected by KPU Kab/Kota"),
        f"{pub.get('corrected', 0):,}",
    )
    yield (
        ("TPS dengan sengketa saksi", "TPS with a witness dispute"),
        f"{pub.get('witness_dispute', 0):,}",
    )
    yield ("TPS ditandai penyaringan", "TPS flagged by screening"), f"{pub.get('flagged', 0):,}"
    yield (
        ("kiriman ulang, dijawab tanda terima pertama", "resent, answered with the first receipt"),
        f"{s['duplicates']:,}",
    )
    yield ("ditolak", "refused"), f"{s['refused']:,}"
    for code, n in s["refused_by_code"].items():
        meaning = REFUSALS.get(code, (code, code))
        yield (f"  {meaning[0]} ({code})", f"  {meaning[1]}"), f"{n:,}"
    yield ("di log, per jenis", "in the log, by type"), ""
    for kind, n in s["by_type"].items():
        words = TYPES.get(kind, (kind, kind))
        yield (f"  {words[0]}", f"  {words[1]}"), f"{n:,}"


def fault_rows(report: dict[str, Any]) -> Iterator[tuple[Words, int, int, Words]]:
    """The faults table: each kind, how many injected and caught, and by what."""
    for fault in Fault:
        row = report["faults_by_kind"].get(fault.value)
        if row is not None:
            yield FAULTS[fault], row["injected"], row["caught"], CHECKS[fault]


def verdict_lines(report: dict[str, Any]) -> list[Words]:
    """The lines under the tables: verification, totals, false alarms, time, verdict."""
    verify = report["verify"]
    same = ("sama", "equal") if report["totals"]["match"] else ("BERBEDA", "DIFFER")
    seconds = report["performance"]["timings_seconds"].get("total", 0.0)
    headline_en, _, headline_id = (verify["headline"] or "-").partition(" / ")  # EN / ID
    code = verify["exit_code"]
    lines = [
        (f"saksi verify: {headline_id or headline_en} (status keluar {code})",
         f"saksi verify: {headline_en} (exit status {code})"),
        (f"perolehan terverifikasi dibanding kebenaran dikurangi yang tidak dihitung: {same[0]}",
         f"verified totals against the truth minus what was kept out: {same[1]}"),
        (f"alarm palsu pada TPS yang bersih: {len(report['false_alarms'])}",
         f"false alarms on clean TPS: {len(report['false_alarms'])}"),
        (f"{report['log_size']:,} entri dalam {seconds:.1f} detik",
         f"{report['log_size']:,} entries in {seconds:.1f} s"),
    ]  # fmt: skip
    if report["ok"]:
        lines.append(("semua kesalahan yang disuntikkan tertangkap", "every injected fault caught"))
    else:
        lines.append((
            "TIDAK semua kesalahan tertangkap, atau perolehan suara berbeda",
            "NOT every fault caught, or the totals differ",
        ))  # fmt: skip
    return lines


# -- why a count differs from the faults injected ------------------------------------


def _missing(report: dict[str, Any], truth: dict[str, Any]) -> list[Words]:
    missing = len(truth["tps"]["missing"])
    if not missing:
        return []
    share = f"{MISSING_RATE:.1%}"
    return [(
        f"{missing:,} TPS tidak pernah mengirim formulirnya: memang direncanakan ({share} "
        "TPS, tps.missing di truth.json); suaranya termasuk yang tidak dihitung",
        f"{missing:,} TPS never sent their form: planned so ({share} of TPS, tps.missing "
        "in truth.json); their votes are among those kept out",
    )]  # fmt: skip


def _held(report: dict[str, Any], truth: dict[str, Any]) -> list[Words]:
    held = report["statements"]["by_status"].get("inconsistent", 0)
    misreads = _n(report, Fault.MISREAD)
    out: list[Words] = []
    if held != misreads:
        out.append((
            f"{held:,} formulir ditahan, {misreads:,} salah baca disuntikkan: lihat alarm palsu "
            "dan faults[].by di report.json",
            f"{held:,} forms held, {misreads:,} misreads injected: see the false alarms and "
            "faults[].by in report.json",
        ))  # fmt: skip
    still = report["published"].get("inconsistent", 0)
    corrected = report["published"].get("corrected", 0)
    if held:
        rate = f"{CORRECTED_RATE:.0%}"
        out.append((
            f"dari {held:,} formulir yang ditahan, {corrected:,} dikoreksi KPU Kab/Kota (sekitar "
            f"{rate}, mengutip formulir yang diganti, dengan angka dari fotonya); {still:,} "
            "sengaja dibiarkan ditahan malam ini (tps.held di truth.json), di luar perhitungan",
            f"of the {held:,} held forms, {corrected:,} were corrected by KPU Kab/Kota (about "
            f"{rate}, citing the form replaced, with the numbers read from its photo); "
            f"{still:,} were left held on purpose tonight (tps.held in truth.json), out of the "
            "totals",
        ))  # fmt: skip
    return out


def _faults_at(truth: dict[str, Any]) -> dict[str, set[Fault]]:
    """The faults injected at each place (a TPS, a kecamatan, ``0`` for the service)."""
    at: dict[str, set[Fault]] = {}
    for record in truth["faults"]:
        at.setdefault(record["where"], set()).add(Fault(record["fault"]))
    return at


def _names(faults: set[Fault]) -> Words:
    ordered = [f for f in Fault if f in faults]
    return (
        " atau ".join(FAULTS[f][0] for f in ordered) or "tanpa kesalahan",
        " or ".join(FAULTS[f][1] for f in ordered) or "no fault",
    )


def _disputes(report: dict[str, Any], truth: dict[str, Any]) -> list[Words]:
    copies = [f for f in truth["faults"] if f["fault"] == Fault.DISPUTE.value]
    places = {f["where"] for f in copies}
    shown = set(report["published_tps"]["dispute"])
    out: list[Words] = []
    if len(copies) != len(places):
        out.append((
            f"{len(copies):,} salinan saksi berbeda disuntikkan di {len(places):,} TPS: satu TPS "
            "dengan dua salinan berbeda dihitung sekali sebagai TPS bersengketa",
            f"{len(copies):,} disputing witness copies were injected at {len(places):,} TPS: a "
            "TPS with two disputing copies counts once as a TPS in dispute",
        ))  # fmt: skip
    others = shown - places
    if others:
        at = _faults_at(truth)
        name = _names(set().union(*(at.get(t, set()) for t in others)))
        out.append((
            f"{len(others):,} TPS lain juga bersengketa: formulir KPPS-nya berisi {name[0]}, "
            "sehingga salinan saksi, dengan angka yang benar, berbeda dari formulir yang berlaku",
            f"{len(others):,} more TPS are in dispute: their KPPS form had a {name[1]}, so the "
            "witnesses' copies, with the true numbers, differ from the form in force",
        ))  # fmt: skip
    return out


def _flagged(report: dict[str, Any], truth: dict[str, Any]) -> list[Words]:
    out: list[Words] = []
    receipts = report["statements"]["by_status"].get("flagged", 0)
    if receipts:
        out.append((
            f"{receipts:,} formulir diterima dengan tanda: melanggar aturan kewajaran (bukan "
            "kemustahilan) dan tetap dihitung; Anomali di dasbor menunjukkannya",
            f"{receipts:,} forms were accepted with a flag: they break an expectation (not an "
            "impossibility) and are counted; Anomali on the dashboard shows them",
        ))  # fmt: skip
    flagged: dict[str, list[str]] = report["published_tps"]["flagged"]
    if flagged:
        at = _faults_at(truth)
        name = _names(set().union(*(at.get(t, set()) for t in flagged)))
        rules = ", ".join(sorted({rule for found in flagged.values() for rule in found}))
        clean = sum(1 for t in flagged if not at.get(t))
        also: Words = (
            (f"; {clean:,} tanpa kesalahan: lihat alarm palsu", f"; {clean:,} with no fault: "
             "see the false alarms") if clean else ("", "")
        )  # fmt: skip
        out.append((
            f"{len(flagged):,} TPS ditandai penyaringan ({rules}): TPS dengan {name[0]}, yang "
            f"angkanya keliru juga melanggar aturan kewajaran{also[0]}",
            f"{len(flagged):,} TPS flagged by screening ({rules}): TPS with a {name[1]}, whose "
            f"wrong numbers also break an expectation{also[1]}",
        ))  # fmt: skip
    return out


def _resent(report: dict[str, Any], truth: dict[str, Any]) -> list[Words]:
    resent, retries = report["statements"]["duplicates"], _n(report, Fault.RETRY)
    if resent == retries:
        return []
    if resent < retries:
        return [(
            f"{retries - resent:,} kiriman ulang yang disuntikkan tidak dijawab sebagai kiriman "
            "ulang: lihat faults[].by di report.json",
            f"{retries - resent:,} injected resends were not answered as resends: see "
            "faults[].by in report.json",
        )]  # fmt: skip
    extra = resent - retries
    return [(
        f"{extra:,} kiriman ulang lebih banyak dari {retries:,} yang disuntikkan: jawaban yang "
        "hilang saat layanan dimatikan paksa (atau habis waktu); perangkat mengirim byte yang "
        "sama lagi dan mendapat tanda terima pertama, tersimpan sekali",
        f"{extra:,} more resends than the {retries:,} injected: answers lost when the service "
        "was killed (or timed out); the devices sent the same bytes again and got the first "
        "receipt, stored once",
    )]  # fmt: skip


def _refused(report: dict[str, Any], truth: dict[str, Any]) -> list[Words]:
    by_code = report["statements"]["refused_by_code"]
    out: list[Words] = []
    for fault, code in REFUSAL_OF.items():
        refused, injected = by_code.get(code, 0), _n(report, fault)
        if refused != injected:
            name = FAULTS[fault]
            out.append((
                f"{refused:,} ditolak dengan {code}, {injected:,} {name[0]} disuntikkan: "
                "kesalahan lain dapat tertangkap lebih dulu oleh pemeriksaan lain; lihat "
                "faults[].by di report.json",
                f"{refused:,} refused with {code}, {injected:,} {name[1]} injected: a fault can "
                "be caught first by another check; see faults[].by in report.json",
            ))  # fmt: skip
    return out


def _keys(report: dict[str, Any], truth: dict[str, Any]) -> list[Words]:
    revoked = _n(report, Fault.REVOKED)
    keys = report["statements"]["by_type"].get("key", 0)
    if not revoked:
        return []
    return [(
        f"{keys:,} registrasi kunci: seluruh pohon kunci, ditambah {revoked:,} kunci baru untuk "
        f"perangkat yang hilang (kunci lamanya dicabut: {revoked:,} pencabutan)",
        f"{keys:,} key registrations: the whole key tree, plus {revoked:,} new keys for the "
        f"lost devices (their old keys revoked: {revoked:,} revocations)",
    )]  # fmt: skip


def _uncaught(report: dict[str, Any], truth: dict[str, Any]) -> list[Words]:
    out: list[Words] = []
    for fault in Fault:
        missed = [f for f in report["faults"] if f["fault"] == fault.value and not f["caught"]]
        if missed:
            name, example = FAULTS[fault], missed[0]["by"]
            out.append((
                f"{len(missed):,} {name[0]} TIDAK tertangkap, misalnya: {example}",
                f"{len(missed):,} {name[1]} NOT caught, e.g.: {example}",
            ))  # fmt: skip
    return out


NOTES = (_missing, _held, _disputes, _flagged, _resent, _refused, _keys, _uncaught)


def notes(report: dict[str, Any], truth: dict[str, Any]) -> list[Words]:
    """A sentence for each count of the report that differs from the faults injected."""
    return [note for explain in NOTES for note in explain(report, truth)]


def every_words(report: dict[str, Any]) -> list[Words]:
    """Every pair of words the report shows (for the test of its Indonesian side)."""
    found: list[Words] = [*TITLES.values(), *PHASES.values(), *SAID.values()]
    for heads in HEADS.values():
        found += heads
    found += [words for words, _ in statement_rows(report)]
    for name, _, _, check in fault_rows(report):
        found += [name, check]
    found += verdict_lines(report)
    found += [(n["id"], n["en"]) for n in report.get("notes", [])]
    return found


__all__ = [
    "CHECKS",
    "FAULTS",
    "HEADS",
    "PHASES",
    "SAID",
    "TITLES",
    "Words",
    "both",
    "every_words",
    "fault_rows",
    "notes",
    "statement_rows",
    "verdict_lines",
]
