"""Every word the dashboard shows, in Bahasa Indonesia and English: one table.

Pages never hold text of their own: they ask :func:`t` for a key in the reader's
language (:data:`LANGS`, Indonesian first and by default). A key missing from the table
is a programming error (KeyError in the tests), never a blank on a page. Numbers are
written the way each language writes them (:func:`number`, :func:`percent`).
"""

from __future__ import annotations

from typing import Final, Literal

from saksi.recap.screening import SCREENS

Lang = Literal["id", "en"]
LANGS: Final[tuple[Lang, ...]] = ("id", "en")
DEFAULT_LANG: Final[Lang] = "id"

STRINGS: Final[dict[str, tuple[str, str]]] = {
    # the frame
    "site": ("Saksi: hasil Pemilu yang dapat diperiksa", "Saksi: election results you can check"),
    "skip": ("Lewati ke isi", "Skip to content"),
    "nav": ("Navigasi utama", "Main navigation"),
    "nav.nasional": ("Nasional", "National"),
    "nav.anomali": ("Anomali", "Anomalies"),
    "nav.verifikasi": ("Verifikasi", "Verify"),
    "lang.switch": ("English", "Bahasa Indonesia"),
    "lang.label": ("Bahasa", "Language"),
    "search": ("Cari", "Search"),
    "search.label": ("Cari wilayah atau kode TPS", "Search a region or TPS code"),
    "search.placeholder": ("nama wilayah atau kode TPS", "region name or TPS code"),
    "search.label.all": (
        "Cari wilayah, kode TPS atau nama calon",
        "Search a region, a TPS code or a candidate",
    ),
    "search.placeholder.all": ("wilayah, kode TPS atau calon", "region, TPS code or candidate"),
    "search.results": ("Hasil pencarian", "Search results"),
    "search.none": ("Tidak ada wilayah atau calon yang cocok.", "No region or candidate matches."),
    "search.empty": (
        "Ketik nama wilayah, nama calon atau kode.",
        "Type a region's or a candidate's name, or a code.",
    ),
    "search.regions": ("Wilayah", "Regions"),
    "search.candidates": ("Calon anggota legislatif", "Candidates"),
    "breadcrumb": ("Jejak wilayah", "Region path"),
    "source": ("Sumber data", "Data source"),
    "json": ("JSON", "JSON"),
    "live.updated": ("Diperbarui ke checkpoint", "Updated to checkpoint"),
    "live.stopped": (
        "Pembaruan otomatis terhenti: server tidak menjawab sejak {time}. Angka di halaman "
        "ini mungkin sudah usang; halaman diperbarui lagi begitu server kembali.",
        "Live updates stopped: the server has not answered since {time}. The numbers on "
        "this page may be out of date; the page updates again as soon as the server is back.",
    ),
    "footer": (
        "Setiap angka di sini dihitung dari log publik yang ditandatangani; periksa sendiri di "
        "halaman Verifikasi.",
        "Every number here is computed from the signed public log; check it yourself on the "
        "Verify page.",
    ),
    # results
    "results": ("Hasil", "Results"),
    "results.none": (
        "Belum ada hasil yang diterbitkan. Halaman ini akan diperbarui sendiri.",
        "No results published yet. This page updates itself.",
    ),
    "pair": ("Paslon", "Pair"),
    "votes": ("Suara", "Votes"),
    "share": ("Persentase", "Share"),
    "chart": ("Perolehan suara per paslon", "Votes per pair"),
    "progress": ("Progres", "Progress"),
    "tps.received": ("TPS masuk", "TPS reported"),
    "tps.counted": ("TPS dihitung", "TPS counted"),
    "tps.expected": ("TPS", "TPS"),
    "of": ("dari", "of"),
    "checkpoint": ("Checkpoint", "Checkpoint"),
    "checkpoint.size": ("Ukuran log", "Log size"),
    "checkpoint.entries": ("entri", "entries"),
    "checkpoint.root": ("Akar (root hash)", "Root hash"),
    "published.at": ("Diterbitkan", "Published"),
    "totals.suara_sah": ("Suara sah", "Valid votes"),
    "totals.suara_tidak_sah": ("Suara tidak sah", "Invalid votes"),
    "totals.suara_total": ("Jumlah suara", "Total votes"),
    "totals.pengguna_total_j": ("Pengguna hak pilih", "Voters"),
    "totals.pemilih_dpt_j": ("Pemilih DPT", "Registered voters (DPT)"),
    "counters": ("Status TPS", "TPS status"),
    "counters.received": ("masuk", "reported"),
    "counters.counted": ("dihitung", "counted"),
    "counters.inconsistent": ("tidak konsisten", "inconsistent"),
    "counters.corrected": ("dikoreksi", "corrected"),
    "counters.witness_agree": ("salinan saksi cocok", "witness copies agree"),
    "counters.witness_dispute": ("salinan saksi berbeda", "witness copies differ"),
    "counters.flagged": ("ditandai", "flagged"),
    "flags": ("Penanda skrining", "Screening flags"),
    "flags.note": (
        "Penanda adalah triase, bukan putusan: TPS yang ditandai tetap dihitung.",
        "Flags are triage, never a verdict: a flagged TPS stays in the totals.",
    ),
    "children.provinsi": ("Provinsi", "Provinces"),
    "children.kabkota": ("Kabupaten/kota", "Regencies and cities"),
    "children.kecamatan": ("Kecamatan", "Districts"),
    "children.desa": ("Desa/kelurahan", "Villages"),
    "children.tps": ("TPS", "Polling stations"),
    "region": ("Wilayah", "Region"),
    "code": ("Kode", "Code"),
    "level.nasional": ("Nasional", "Nation"),
    "level.provinsi": ("Provinsi", "Province"),
    "level.kabkota": ("Kabupaten/kota", "Regency/city"),
    "level.kecamatan": ("Kecamatan", "District"),
    "level.desa": ("Desa/kelurahan", "Village"),
    "level.tps": ("TPS", "Polling station"),
    "recap_check": ("D.Hasil dibandingkan dengan formulir", "D.Hasil against the forms"),
    "recap_check.same": ("D.Hasil sama dengan jumlah formulir.", "The D.Hasil equals the forms."),
    "recap_check.incomplete": (
        "Belum semua TPS di bawahnya dihitung: selisih bisa mengecil.",
        "Not every TPS below is counted yet: differences may shrink.",
    ),
    "recap_check.differs": (
        "D.Hasil wilayah ini berbeda dengan jumlah formulir di bawahnya: {what}.",
        "This region's D.Hasil differs from the sum of the forms below it: {what}.",
    ),
    "field": ("Kotak", "Box"),
    "recap": ("D.Hasil", "D.Hasil"),
    "forms": ("Formulir", "Forms"),
    "forms.sum": ("Jumlah formulir", "Sum of the forms"),
    "difference": ("Selisih (D.Hasil − formulir)", "Difference (D.Hasil − forms)"),
    "field.jumlah_tps": ("jumlah TPS", "number of TPS"),
    # findings: the anomaly list rolled up the region tree
    "findings": ("Temuan", "Findings"),
    "findings.intro": (
        "Yang ditemukan pemeriksaan di wilayah ini dan di bawahnya; setiap angka membuka "
        "daftarnya.",
        "What the checks found in this region and below it; each number opens its list.",
    ),
    "findings.none": ("Tidak ada temuan di wilayah ini.", "Nothing found in this region."),
    "findings.all": ("Semua anomali di wilayah ini", "Every anomaly in this region"),
    "finding.inconsistent": (
        "{n} TPS ditahan: formulirnya melanggar aturan yang mustahil, tidak masuk total",
        "{n} TPS held: the form breaks an impossibility rule, out of the totals",
    ),
    "finding.flag": (
        "{n} TPS ditandai skrining (tetap dihitung)",
        "{n} TPS flagged by screening (still counted)",
    ),
    "finding.witness-dispute": (
        "{n} salinan saksi berbeda dengan formulir yang berlaku, di {m} TPS",
        "{n} witness copies differ from the form in force, at {m} TPS",
    ),
    "finding.witness-dispute.one": (
        "1 salinan saksi berbeda dengan formulir yang berlaku, di 1 TPS",
        "1 witness copy differs from the form in force, at 1 TPS",
    ),
    "finding.correction": (
        "{n} koreksi oleh KPU, di {m} TPS",
        "{n} corrections by the KPU, at {m} TPS",
    ),
    "finding.correction.one": ("1 koreksi oleh KPU, di 1 TPS", "1 correction by the KPU, at 1 TPS"),
    "finding.recap-difference": (
        "{where}: D.Hasil berbeda dengan jumlah formulirnya",
        "{where}: D.Hasil differs from its forms",
    ),
    "finding.recap-region": (
        "{level} {name}: D.Hasil berbeda dengan jumlah formulirnya: {what}",
        "{level} {name}: the D.Hasil differs from its forms: {what}",
    ),
    "finding.recap-more": (
        "{n} lainnya ada di daftar anomali.",
        "{n} more are in the anomaly list.",
    ),
    "finding.incomplete": (
        "belum semua TPS di bawahnya dihitung",
        "not every TPS below it is counted yet",
    ),
    "count.nasional": ("nasional (KPU RI)", "national (KPU RI)"),
    "count.provinsi": ("provinsi", "provinsi"),
    "count.kabkota": ("kabupaten/kota", "kabupaten/kota"),
    "count.kecamatan": ("kecamatan", "kecamatan"),
    "short.inconsistent": ("ditahan", "held"),
    "short.flag": ("ditandai", "flagged"),
    "short.witness-dispute": ("salinan saksi berbeda", "witness copies differ"),
    "short.recap-difference": ("D.Hasil berbeda", "D.Hasil differs"),
    "short.correction": ("koreksi", "corrections"),
    "short.cross-form": ("antarformulir", "across forms"),
    "finding.cross-form": (
        "{n} TPS: formulir pemilihan ini tidak cocok dengan formulir pemilihan lain di TPS "
        "yang sama (tidak ditahan)",
        "{n} TPS: this contest's form disagrees with another contest's form at the same "
        "TPS (not held)",
    ),
    "finding.dapil": ("dapil {name}", "dapil {name}"),
    # TPS
    "status": ("Status", "Status"),
    "status.missing": ("belum masuk", "not reported"),
    "status.received": ("dihitung", "counted"),
    "status.inconsistent": ("tidak konsisten", "inconsistent"),
    "status.corrected": ("dikoreksi", "corrected"),
    "witness": ("Salinan saksi", "Witness copies"),
    "copies.none": ("belum ada salinan saksi", "no witness copy yet"),
    "copies.agree": ("salinan saksi cocok", "witness copies agree"),
    "copies.dispute": ("salinan saksi berbeda", "witness copies differ"),
    "counted.yes": ("masuk dalam total", "in the totals"),
    "counted.no": ("tidak masuk dalam total", "kept out of the totals"),
    "violations": ("Aturan yang dilanggar", "Rules broken"),
    "severity.impossible": ("mustahil: tidak dihitung", "impossible: not counted"),
    "severity.suspicious": ("mencurigakan: tetap dihitung", "suspicious: still counted"),
    "form": ("Model C.Hasil yang berlaku", "Model C.Hasil in force"),
    "form.none": ("Belum ada formulir untuk TPS ini.", "No form for this TPS yet."),
    "section.I": ("I. Data pemilih dan pengguna hak pilih", "I. Voters and turnout"),
    "section.II": ("II. Data penggunaan surat suara", "II. Ballots"),
    "section.III": ("III. Pemilih disabilitas", "III. Disabled voters"),
    "section.IV": ("IV. Perolehan suara pasangan calon", "IV. Votes per pair"),
    "section.V": ("V. Jumlah suara", "V. Vote totals"),
    "col.l": ("L", "M"),
    "col.p": ("P", "F"),
    "col.j": ("Jumlah", "Total"),
    "photos": ("Foto formulir", "Photos of the form"),
    "photos.none": ("Tidak ada foto.", "No photo."),
    "photos.alt": ("Foto formulir, halaman", "Photo of the form, page"),
    "history": ("Riwayat", "History"),
    "history.original": ("C.Hasil dari KPPS", "C.Hasil from the KPPS"),
    "history.correction": ("Koreksi", "Correction"),
    "history.copy": ("Salinan saksi partai", "Witness copy of party"),
    "history.compare": ("bandingkan kotak demi kotak", "compare box by box"),
    "outcome.counted": (
        "berlaku: dihitung dalam total",
        "in force: counted in the totals",
    ),
    "outcome.held": (
        "berlaku, tetapi ditahan: tidak masuk total (melanggar aturan yang mustahil)",
        "in force but held: out of the totals (breaks an impossibility rule)",
    ),
    "outcome.replaced": (
        "diganti oleh koreksi {k}: tidak dihitung",
        "replaced by correction {k}: not counted",
    ),
    "outcome.copy-agrees": (
        "salinan saksi, tidak dihitung: cocok dengan formulir yang berlaku",
        "witness copy, not counted: agrees with the form in force",
    ),
    "outcome.copy-differs": (
        "salinan saksi, tidak dihitung: berbeda dengan formulir yang berlaku",
        "witness copy, not counted: differs from the form in force",
    ),
    "outcome.copy-alone": (
        "salinan saksi, tidak dihitung: belum ada formulir untuk dibandingkan",
        "witness copy, not counted: no form to compare it with yet",
    ),
    "reason": ("Alasan", "Reason"),
    "changes": ("Kotak yang diubah", "Boxes changed"),
    "before": ("Sebelum", "Before"),
    "after": ("Sesudah", "After"),
    "evidence": ("Bukti", "Evidence"),
    "copy": ("Salinan", "Copy"),
    "copy.party": ("Salinan saksi partai", "Witness copy of party"),
    "copy.form": ("Formulir", "Form"),
    "copy.agrees": ("cocok dengan formulir", "agrees with the form"),
    "copy.differs": ("berbeda dengan formulir", "differs from the form"),
    "mark.differs": ("berbeda dengan formulir:", "differs from the form:"),
    "mark.broken": ("kotak dari aturan yang dilanggar:", "a box of a broken rule:"),
    "scroll.hint": (
        "Geser tabel ke samping untuk melihat semua kolom →",
        "Swipe the table sideways for every column →",
    ),
    "entry": ("Entri log", "Log entry"),
    "logentry.index": ("Indeks", "Index"),
    "logentry.at": ("Waktu", "Time"),
    "logentry.key": ("Kunci penanda tangan", "Signing key"),
    "logentry.leaf": ("Leaf hash", "Leaf hash"),
    "logentry.link": ("entri", "entry"),
    "receipt.link": ("tanda terima dan bukti inklusi", "receipt and inclusion proof"),
    "logentry.unavailable": (
        "Entri ini belum dapat dibaca dari log yang diterbitkan.",
        "This entry cannot be read from the published log yet.",
    ),
    # anomalies
    "anomali.title": ("Anomali", "Anomalies"),
    "anomali.intro": (
        "Setiap penanda, selisih rekapitulasi (D.Hasil dengan formulir, salinan saksi dengan "
        "formulir), koreksi dan formulir tidak konsisten.",
        "Every flag, reconciliation difference (D.Hasil against the forms, witness copy "
        "against the form), correction and inconsistent form.",
    ),
    "anomali.none": ("Tidak ada anomali yang cocok.", "No anomaly matches."),
    "anomali.unexported": (
        "Ekspor anomali belum diterbitkan (diterbitkan secara berkala).",
        "The anomalies export is not published yet (it is published periodically).",
    ),
    "anomali.count": ("anomali", "anomalies"),
    "anomali.older": (
        "Daftar ini dihitung pada checkpoint {listed}, hasil di halaman lain sudah pada "
        "checkpoint {latest}: daftar anomali diterbitkan ulang secara berkala.",
        "This list was computed at checkpoint {listed}, the results on the other pages are "
        "at checkpoint {latest} already: the anomaly list is republished periodically.",
    ),
    "anomali.shown": ("ditampilkan", "shown"),
    "anomali.type": ("Jenis", "Type"),
    "anomali.region": ("Kode wilayah", "Region code"),
    "anomali.all": ("semua", "all"),
    "anomali.filter": ("Saring", "Filter"),
    "anomali.details": ("Rincian", "Details"),
    "anomali.copy": ("salinan", "copy"),
    "anomali.form": ("formulir", "form"),
    "anomali.recap": ("D.Hasil", "D.Hasil"),
    "anomali.forms": ("jumlah formulir", "sum of the forms"),
    "anomali.before": ("sebelum", "before"),
    "anomali.after": ("sesudah", "after"),
    "type.inconsistent": ("formulir tidak konsisten", "inconsistent form"),
    "type.flag": ("penanda skrining", "screening flag"),
    "type.witness-dispute": ("salinan saksi berbeda", "witness copy differs"),
    "type.recap-difference": ("selisih D.Hasil", "D.Hasil difference"),
    "type.correction": ("koreksi", "correction"),
    "type.cross-form": ("antarformulir TPS", "across a TPS's forms"),
    "anomali.witness": ("Saksi {party}", "{party}'s witness"),
    # verification
    "verifikasi.title": ("Verifikasi", "Verify"),
    "verifikasi.intro": (
        "Jangan percaya begitu saja: periksa sendiri. Perintah di bawah membaca hanya apa "
        "yang diterbitkan dan harus menghasilkan angka yang sama.",
        "Don't trust, verify: the commands below read only what is published and must "
        "reach the same numbers.",
    ),
    "verifikasi.checkpoint": ("Checkpoint terakhir", "Latest checkpoint"),
    "verifikasi.none": ("Belum ada checkpoint yang diterbitkan.", "No checkpoint published yet."),
    "verifikasi.signatures": ("Tanda tangan", "Signatures"),
    "verifikasi.signer": ("Penanda tangan", "Signer"),
    "verifikasi.keyid": ("ID kunci", "Key ID"),
    "verifikasi.kind": ("Jenis", "Kind"),
    "verifikasi.kind.log": ("log", "log"),
    "verifikasi.kind.witness": ("pemantau (kosignatur)", "witness (cosignature)"),
    "verifikasi.kind.other": ("lain", "other"),
    "verifikasi.cosigned_at": ("Waktu kosignatur", "Cosigned at"),
    "verifikasi.witnesses": ("Pemantau yang dikonfigurasi", "Configured witnesses"),
    "verifikasi.witnesses.about": (
        "Pemantau adalah pihak independen, bukan saksi partai: setiap pemantau "
        "memeriksa bahwa checkpoint baru konsisten dengan yang terakhir dilihatnya, lalu "
        "ikut menandatanganinya (kosignatur).",
        "Witnesses are independent parties, not the party witnesses at the TPS: each checks "
        "that a new checkpoint is consistent with the last one it saw, then cosigns it.",
    ),
    "verifikasi.quorum": ("Kuorum", "Quorum"),
    "verifikasi.no_witnesses": (
        "Log ini tidak dikonfigurasi dengan pemantau: checkpoint diterbitkan begitu "
        "ditandatangani.",
        "This log has no witnesses configured: checkpoints are published as soon as signed.",
    ),
    "verifikasi.log_key": ("Kunci verifikasi log", "The log's verifier key"),
    "verifikasi.commands": ("Perintah", "Commands"),
    "verifikasi.cmd.verify": (
        "Periksa seluruh publikasi: tanda tangan, pemantau, konsistensi, setiap entri, "
        "kewenangan, total dan foto:",
        "Verify the whole publication: signatures, witnesses, consistency, every entry, "
        "authority, totals and photos:",
    ),
    "verifikasi.cmd.recap": (
        "Hitung ulang total dari log:",
        "Recompute the totals from the log:",
    ),
    "verifikasi.cmd.proof": (
        "Periksa bukti inklusi satu entri (ganti INDEX dan LEAF_HASH dari halaman TPS):",
        "Check one entry's inclusion proof (replace INDEX and LEAF_HASH from a TPS page):",
    ),
    "verifikasi.bind": (
        "Alamat publik layanan ini belum dikonfigurasi (public_url): perintah di bawah memakai "
        "alamat tempat server mendengarkan, {url}. Jika Anda membuka halaman ini dari alamat "
        "lain, ganti {url} dengan alamat itu.",
        "This service has no public address configured (public_url): the commands below use "
        "the address the server listens on, {url}. If you opened this page at another "
        "address, replace {url} with it.",
    ),
    "verifikasi.placeholder": (
        "Alamat publik layanan ini belum dikonfigurasi (public_url): ganti {url} dalam "
        "perintah di bawah dengan alamat situs ini.",
        "This service has no public address configured (public_url): replace {url} in the "
        "commands below with this site's address.",
    ),
    "verifikasi.install": (
        "Pasang Saksi (Python 3.11+): pip install saksi, atau dari kode sumbernya.",
        "Install Saksi (Python 3.11+): pip install saksi, or from its source.",
    ),
    "url": ("URL", "URL"),
    # the five ballots
    "contest": ("Pemilihan", "Contest"),
    "ballot.ppwp": ("PPWP", "PPWP"),
    "ballot.ppwp.name": ("Presiden dan Wakil Presiden", "President and Vice-President"),
    "ballot.dpr": ("DPR", "DPR"),
    "ballot.dpr.name": ("Dewan Perwakilan Rakyat (DPR)", "House of Representatives (DPR)"),
    "ballot.dpd": ("DPD", "DPD"),
    "ballot.dpd.name": ("Dewan Perwakilan Daerah (DPD)", "Regional Representatives (DPD)"),
    "ballot.dprd-prov": ("DPRD Provinsi", "DPRD Provinsi"),
    "ballot.dprd-prov.name": ("DPRD Provinsi", "Provincial councils (DPRD Provinsi)"),
    "ballot.dprd-kabkota": ("DPRD Kab/Kota", "DPRD Kab/Kota"),
    "ballot.dprd-kabkota.name": (
        "DPRD Kabupaten/Kota",
        "Regency and city councils (DPRD Kab/Kota)",
    ),
    "ballot.absent": ("tidak ada di sini", "not held here"),
    "ballots": ("Formulir setiap pemilihan di TPS ini", "This TPS's form of each contest"),
    "leg.chart": ("Suara sah partai (B) dan persentasenya", "Each party's valid votes (B)"),
    "leg.parties": ("Perolehan suara partai", "Party results"),
    "col.party": ("Partai", "Party"),
    "col.a1": ("A.1 suara partai saja", "A.1 party-only"),
    "col.b": ("B jumlah suara sah partai", "B party total"),
    "col.seats": ("Kursi", "Seats"),
    "leg.leading": ("Partai teratas", "Leading party"),
    "leg.finding.inconsistent": (
        "{n} TPS ditahan: formulirnya melanggar aturan yang mustahil, tidak masuk total",
        "{n} TPS held: the form breaks an impossibility rule, out of the totals",
    ),
    "leg.finding.witness": (
        "di {n} TPS salinan saksi berbeda dengan formulir yang berlaku",
        "at {n} TPS a witness copy differs from the form in force",
    ),
    "leg.finding.corrected": ("{n} TPS dikoreksi oleh KPU", "{n} TPS corrected by the KPU"),
    "leg.finding.flagged": (
        "{n} TPS ditandai skrining (tetap dihitung)",
        "{n} TPS flagged by screening (still counted)",
    ),
    "leg.findings.note": (
        "Dihitung dari status TPS dan hasil kursi; rinciannya ada di halaman TPS dan dapil.",
        "Counted from the TPS statuses and the seat results; the details are on the TPS and "
        "dapil pages.",
    ),
    "seats": ("Kursi", "Seats"),
    "seats.n": ("{n} kursi", "{n} seats"),
    "seats.total": ("{n} kursi", "{n} seats"),
    "seats.parties": ("Kursi per partai", "Seats per party"),
    "seats.dapil": ("Kursi per dapil", "Seats per dapil"),
    "seats.won": ("Diraih", "Won"),
    "seats.many": (
        "{n} dapil: buka provinsi atau kabupaten/kota untuk melihat dapilnya.",
        "{n} dapil: open a province or regency/city to see its dapil.",
    ),
    "seats.final": ("final menurut hitungan log", "final by the log's count"),
    "seats.provisional": ("sementara", "provisional"),
    "reason.no-tps": ("tidak ada TPS di dapil ini", "no TPS in this dapil"),
    "reason.missing": ("{n} TPS belum masuk", "{n} TPS not reported yet"),
    "reason.held": ("{n} TPS ditahan", "{n} TPS held"),
    "reason.threshold": (
        "ambang batas nasional belum pasti",
        "the national threshold is not settled yet",
    ),
    "reason.tie": ("ada perolehan seri", "a tie"),
    "threshold": (
        "Ambang batas parlemen: {p}% suara sah nasional",
        "Threshold: {p}% of the national valid votes",
    ),
    "threshold.provisional": ("belum pasti", "not settled yet"),
    "threshold.below": ("di bawah ambang batas: tanpa kursi", "below the threshold: no seat"),
    "dapil": ("Dapil", "Dapil"),
    "dapil.units": ("Wilayah", "Regions"),
    "dpd.candidates": (
        "Calon DPD {name}: perolehan dan yang terpilih",
        "DPD candidates of {name}: votes and the elected",
    ),
    "candidates": ("Calon", "Candidates"),
    "candidate": ("Nama calon", "Candidate"),
    "candidates.note": (
        "Calon setiap partai diurutkan menurut suaranya (A.2, dijumlah di dapil); kursi partai "
        "jatuh kepada yang suaranya terbanyak.",
        "Each party's candidates in order of their votes (A.2, summed over the dapil); the "
        "party's seats go to those with the most.",
    ),
    "rank": ("Urutan", "Rank"),
    "ballot.number": ("Nomor urut", "Ballot number"),
    "elected": ("terpilih", "elected"),
    "tie.party": (
        "Hasil bagi sama untuk {seats} kursi terakhir antara {contenders}; sementara kepada "
        "{winners}. Aturan: {rule}",
        "Equal quotients for the last {seats} seat(s) between {contenders}; provisionally "
        "to {winners}. Rule: {rule}",
    ),
    "tie.candidate": (
        "Suara sama untuk {seats} kursi terakhir partai antara {contenders}; sementara kepada "
        "{winners}. Aturan: {rule}",
        "Equal votes for a party's last {seats} seat(s) between {contenders}; provisionally "
        "to {winners}. Rule: {rule}",
    ),
    "tie.dpd": (
        "Suara sama untuk {seats} kursi terakhir antara {contenders}; sementara kepada "
        "{winners}. Aturan: {rule}",
        "Equal votes for the last {seats} seat(s) between {contenders}; provisionally to "
        "{winners}. Rule: {rule}",
    ),
    "ties.more": (
        "{n} perolehan seri lainnya ada di halaman dapilnya.",
        "{n} more ties are on their dapil's pages.",
    ),
    "unfilled": (
        "Satu kursi {party} tidak terisi: calonnya habis",
        "A seat of {party} is unfilled: no candidate left",
    ),
    "form.leg": ("Formulir C.Hasil yang berlaku", "The C.Hasil form in force"),
    "section.IV.party": (
        "IV. Perolehan suara partai (A.1) dan calon (A.2); B jumlahnya",
        "IV. Votes for each party (A.1) and its candidates (A.2); B their total",
    ),
    "section.IV.dpd": ("IV. Perolehan suara calon", "IV. Votes per candidate"),
    "copy.candidate": ("Salinan saksi calon nomor", "Witness copy of candidate number"),
    "legflag.party-above-voters": (
        "suara sah satu partai melebihi jumlah pengguna hak pilih",
        "a party's valid votes exceed the number of voters",
    ),
    "legflag.candidate-above-voters": (
        "suara satu calon melebihi jumlah pengguna hak pilih",
        "a candidate's votes exceed the number of voters",
    ),
    "legflag.share-jump": (
        "koreksi menggeser persentase suara lebih dari 10 poin dari formulir pertama",
        "a correction moves a share of the votes by more than 10 points from the first form",
    ),
    # errors
    "error.title": ("Tidak ditemukan", "Not found"),
    "error.region": (
        "Wilayah ini tidak ada atau belum diterbitkan.",
        "No such region, or not published yet.",
    ),
    "error.tps": (
        "TPS ini tidak ada atau belum diterbitkan.",
        "No such TPS, or not published yet.",
    ),
    "error.contest": (
        "Pemilihan ini tidak ada dalam publikasi ini.",
        "No such contest in this publication.",
    ),
    "error.dapil": (
        "Dapil ini tidak ada atau belum diterbitkan.",
        "No such dapil, or not published yet.",
    ),
    "error.back": ("Kembali ke Nasional", "Back to the national page"),
    "yes": ("ya", "yes"),
    "no": ("tidak", "no"),
    # what changed, feeds, for journalists (saksi/dashboard/changes.py, feeds.py, cite.py)
    "journalists": ("Untuk jurnalis", "For journalists"),
    "download.title": ("Unduh data", "Download the data"),
    "download.csv": ("CSV tingkat {level}", "CSV, {level} level"),
    "download.csv.dapil": ("CSV dapil (suara dan kursi)", "CSV of the dapil (votes and seats)"),
    "download.csv.votes": ("CSV suara per partai", "CSV of the votes per party"),
    "download.csv.candidates": ("CSV calon", "CSV of the candidates"),
    "error.checkpoint": (
        "Checkpoint ini tidak diterbitkan (atau tidak disimpan lagi).",
        "No such checkpoint was published (or it is no longer kept).",
    ),
    "download.nist": ("Laporan NIST SP 1500-100 (JSON)", "NIST SP 1500-100 report (JSON)"),
    "download.anomalies": ("Daftar anomali (JSON)", "List of anomalies (JSON)"),
    "download.more": ("Tingkat lain", "Other levels"),
    "download.none": ("Belum ada berkas ekspor.", "No export files yet."),
    "download.older": (
        "Berkas ekspor ini dari checkpoint {size} (diperbarui lebih jarang).",
        "These export files are of checkpoint {size} (renewed less often).",
    ),
    "cite.title": ("Kutip halaman ini", "Cite this page"),
    "cite.intro": (
        "Angka di halaman ini berasal dari checkpoint di bawah; alamatnya menampilkan "
        "angka yang sama selamanya. Salin teks ini:",
        "The numbers on this page come from the checkpoint below; its address shows the "
        "same numbers for good. Copy this text:",
    ),
    "cite.text": (
        "{title}. {election}. Saksi, checkpoint {size} (root {root}). {url}",
        "{title}. {election}. Saksi, checkpoint {size} (root {root}). {url}",
    ),
    "cite.election": ("Pemilu", "Election"),
    "cite.link": ("Halaman ini pada checkpoint {size}", "This page at checkpoint {size}"),
    "changes.link": (
        "Apa yang berubah (linimasa checkpoint)",
        "What changed (checkpoint timeline)",
    ),
    "feed.link": ("Umpan Atom perubahan", "Atom feed of changes"),
    "embed.link": ("Grafik untuk disematkan", "Chart to embed"),
    "at.notice": (
        "Halaman ini menunjukkan checkpoint {size}, bukan yang terbaru.",
        "This page shows checkpoint {size}, not the latest.",
    ),
    "at.latest": ("Lihat halaman terbaru", "See the latest page"),
    "embed.shares": ("Perolehan suara", "Share of the votes"),
    "embed.open": ("Buka di Saksi", "Open in Saksi"),
    "embed.footer": (
        "Dihitung dari log publik yang ditandatangani: Saksi.",
        "Computed from the signed public log: Saksi.",
    ),
    "changes.title": ("Perubahan: {name}", "What changed: {name}"),
    "changes.page": ("halaman wilayah", "the region's page"),
    "timeline.title": ("Checkpoint yang diterbitkan", "Published checkpoints"),
    "timeline.intro": (
        "Setiap checkpoint yang memuat wilayah ini, yang terbaru dahulu, dengan angkanya "
        "saat itu; nomor checkpoint membuka halaman wilayah pada checkpoint itu.",
        "Every checkpoint that holds this region, newest first, with its numbers then; a "
        "checkpoint's number opens the region's page at that checkpoint.",
    ),
    "timeline.chart": (
        "TPS yang dihitung per checkpoint (angka di tabel)",
        "TPS counted at each checkpoint (numbers in the table)",
    ),
    "timeline.root": ("Root", "Root"),
    "timeline.pair": ("Paslon {pair}", "Pair {pair}"),
    "timeline.changes": ("Perubahan", "Changes"),
    "timeline.since": ("sejak ini", "since this one"),
    "since.title": ("Yang berubah sejak checkpoint {size}", "What changed since checkpoint {size}"),
    "since.totals": ("Angka dahulu dan sekarang", "The numbers then and now"),
    "since.what": ("Angka", "Number"),
    "since.then": ("Checkpoint {size}", "Checkpoint {size}"),
    "since.now": ("Checkpoint {size}", "Checkpoint {size}"),
    "since.diff": ("Selisih", "Difference"),
    "since.list": (
        "Formulir baru, koreksi, sengketa saksi, selisih D.Hasil",
        "New forms, corrections, witness disputes, D.Hasil differences",
    ),
    "since.nothing": ("Tidak ada yang berubah.", "Nothing changed."),
    "since.none": (
        "Checkpoint {size} tidak diterbitkan.",
        "Checkpoint {size} was not published.",
    ),
    "since.cut": (
        "Daftar ini dipotong (terlalu banyak berkas); buka wilayah yang lebih kecil.",
        "This list is cut short (too many files); open a smaller region.",
    ),
    "since.more": (
        "{n} perubahan; halaman ini menampilkan 200 pertama, JSON memuat semuanya.",
        "{n} changes; this page shows the first 200, the JSON has them all.",
    ),
    "change.form": ("formulir baru", "new form"),
    "change.correction": ("koreksi", "correction"),
    "change.correction.new": (
        "formulir baru, sudah dikoreksi",
        "new form, already corrected",
    ),
    "change.dispute": (
        "{who}: salinan berbeda dengan formulir",
        "{who}: the copy differs from the form",
    ),
    "change.recap": ("D.Hasil berbeda dengan jumlah formulirnya", "D.Hasil differs from its forms"),
    "change.forms": ("jumlah formulir", "forms' sum"),
    "change.entry": ("entri {index}", "entry {index}"),
    "feed.title": ("Saksi: perubahan {name} ({contest})", "Saksi: changes in {name} ({contest})"),
    "feed.kind.correction": ("Koreksi", "Correction"),
    "feed.kind.dispute": ("Salinan saksi berbeda", "Witness copy differs"),
    "feed.kind.recap-difference": ("Selisih D.Hasil", "D.Hasil difference"),
    "feed.kind.form": ("Formulir baru", "New form"),
    # the evidence of a TPS: photos, witness copies in words, the proof checked here
    "zoom.open": ("Perbesar foto halaman {page}", "Enlarge the photo of page {page}"),
    "zoom.close": ("Tutup", "Close"),
    "zoom.full": ("Buka gambar asli", "Open the full image"),
    "zoom.hint": (
        "Klik foto untuk memperbesar atau memperkecil.",
        "Click the photo to zoom in or out.",
    ),
    "copy.who": ("Saksi {who}", "Witness {who}"),
    "copy.who.candidate": ("Saksi calon {who}", "Witness of candidate {who}"),
    "copy.line": (
        "{who}: {box} = {copy} (formulir: {form})",
        "{who}: {box} = {copy} (form: {form})",
    ),
    "copy.same": (
        "{n} salinan saksi sama dengan formulir",
        "{n} witness copies agree with the form",
    ),
    "copy.same.one": (
        "{n} salinan saksi sama dengan formulir",
        "{n} witness copy agrees with the form",
    ),
    "proof.check": ("Periksa bukti", "Check the proof"),
    "proof.checking": ("Memeriksa bukti di browser ini…", "Checking the proof in this browser…"),
    "proof.verified": (
        "Terverifikasi: entri {index} ada di log ukuran {size}, ditandatangani log dan "
        "{cosigners} dari {witnesses} saksi independen (kuorum {quorum}).",
        "Verified: entry {index} is in the log of size {size}, signed by the log and "
        "{cosigners} of {witnesses} independent witnesses (quorum {quorum}).",
    ),
    "proof.verified_alone": (
        "Terverifikasi: entri {index} ada di log ukuran {size}, ditandatangani log "
        "(tidak ada saksi independen yang dikonfigurasi).",
        "Verified: entry {index} is in the log of size {size}, signed by the log "
        "(no independent witness is configured).",
    ),
    "proof.failed": ("GAGAL, bukti tidak valid: {why}", "FAILED, the proof is not valid: {why}"),
    "proof.pending": (
        "Belum dapat diperiksa: entri ini belum dicakup checkpoint yang diterbitkan.",
        "Cannot be checked yet: no published checkpoint covers this entry yet.",
    ),
    "proof.unsupported": (
        "Browser ini tidak dapat memeriksa tanda tangan Ed25519: tidak terverifikasi. "
        "Periksa tanda terima dengan saksi log check-proof.",
        "This browser cannot check Ed25519 signatures: not verified. "
        "Check the receipt with saksi log check-proof.",
    ),
    "proof.why.entry-mismatch": (
        "byte entri di log tidak cocok dengan hash daun di halaman ini",
        "the entry's bytes in the log do not match this page's leaf hash",
    ),
    "proof.why.not-included": (
        "bukti inklusi tidak mengarah dari hash daun ini ke akar checkpoint",
        "the inclusion proof does not lead from this leaf hash to the checkpoint's root",
    ),
    "proof.why.wrong-index": (
        "bukti untuk indeks lain",
        "the proof is for another index",
    ),
    "proof.why.bad-proof": ("bukti tidak berbentuk tlog-proof", "not a well-formed tlog-proof"),
    "proof.why.bad-checkpoint": ("checkpoint rusak", "the checkpoint is malformed"),
    "proof.why.wrong-origin": ("checkpoint dari log lain", "the checkpoint is of another log"),
    "proof.why.bad-log-key": ("kunci log tidak valid", "the log's key is malformed"),
    "proof.why.bad-witness-key": ("kunci saksi tidak valid", "a witness's key is malformed"),
    "proof.why.no-log-signature": (
        "checkpoint tidak ditandatangani kunci log",
        "the log's key did not sign the checkpoint",
    ),
    "proof.why.bad-log-signature": (
        "tanda tangan log pada checkpoint salah",
        "the log's signature on the checkpoint fails",
    ),
    "proof.why.bad-cosignature": (
        "tanda tangan bersama seorang saksi salah",
        "a witness's cosignature fails",
    ),
    "proof.why.quorum-not-met": (
        "terlalu sedikit saksi independen yang menandatangani",
        "too few independent witnesses cosigned",
    ),
    "proof.why.fetch": (
        "tanda terima, entri atau kunci tidak dapat diambil",
        "the receipt, the entry or the keys could not be fetched",
    ),
    "proof.why.error": ("kesalahan tak terduga", "an unexpected error"),
}


def t(key: str, lang: Lang, **fields: object) -> str:
    """The text of ``key`` in ``lang``, its ``{name}`` places filled from ``fields``."""
    text_id, text_en = STRINGS[key]
    text = text_en if lang == "en" else text_id
    return text.format(**fields) if fields else text


def counted(key: str, n: int, lang: Lang, **fields: object) -> str:
    """``key`` for ``n`` things: ``key.one`` when ``n`` is 1 and the table has it."""
    one = f"{key}.one"
    return t(one if n == 1 and one in STRINGS else key, lang, n=number(n, lang), **fields)


_FLAGS: Final = {
    **{s.flag: (s.description_id, s.description_en) for s in SCREENS},
    # the legislative forms' (saksi/recap/legislative_screening.py, docs/recap.md)
    "party-above-voters": (
        "suara sah partai lebih dari jumlah pemilih",
        "a party's valid votes above the number of voters",
    ),
    "candidate-above-voters": (
        "suara calon lebih dari jumlah pemilih",
        "a candidate's votes above the number of voters",
    ),
    "share-jump": (
        "koreksi mengubah pangsa suara lebih dari 10 poin dari formulir pertama",
        "a correction moved a share of the votes by more than 10 points from the first form",
    ),
}


def flag_text(flag: str, lang: Lang) -> str:
    """A screening flag's description in ``lang`` (its id if it is not one Saksi knows)."""
    found = _FLAGS.get(flag)
    return flag if found is None else pick(found, lang)


def pick(pair: tuple[str, str], lang: Lang) -> str:
    """One language of an (id, en) pair from elsewhere (rule and flag descriptions)."""
    return pair[1] if lang == "en" else pair[0]


def lang_or_none(value: str | None) -> Lang | None:
    if value == "id":
        return "id"
    if value == "en":
        return "en"
    return None


def number(value: int, lang: Lang) -> str:
    """``1.234.567`` in Indonesian, ``1,234,567`` in English."""
    text = f"{value:,}"
    return text if lang == "en" else text.replace(",", ".")


def percent(value: float, lang: Lang, digits: int = 2) -> str:
    """``45,67%`` in Indonesian, ``45.67%`` in English."""
    text = f"{value:.{digits}f}"
    return (text if lang == "en" else text.replace(".", ",")) + "%"


__all__ = [
    "DEFAULT_LANG",
    "LANGS",
    "STRINGS",
    "Lang",
    "counted",
    "lang_or_none",
    "number",
    "percent",
    "pick",
    "t",
]
