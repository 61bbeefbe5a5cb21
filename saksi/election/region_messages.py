"""Messages of the region hierarchy's refusals: code -> (English, Bahasa Indonesia).

``{placeholders}`` are filled from the error's details by ``regions._fail``.
"""

from __future__ import annotations

from typing import Final

MESSAGES: Final[dict[str, tuple[str, str]]] = {
    # code -> (English, Bahasa Indonesia); {placeholders} come from the error's details
    "region.unknown": (
        "region {region} does not exist in this hierarchy",
        "wilayah {region} tidak ada dalam hierarki ini",
    ),
    "region.unknown-tps": (
        "TPS {region} does not exist: no TPS {number} in desa {desa}",
        "TPS {region} tidak ada: tidak ada TPS {number} di desa {desa}",
    ),
    "region.malformed-code": (
        "{region!r} is not a TPS code: expected 13 digits (desa + TPS number)",
        "{region!r} bukan kode TPS: harus 13 digit (kode desa + nomor TPS)",
    ),
    "region.not-a-desa": ("{region} is not a desa code", "{region} bukan kode desa"),
    "region.level-not-listed": (
        "no list of codes for level {level}",
        "tidak ada daftar kode untuk tingkat {level}",
    ),
    "region.not-a-region": (
        "{region!r} cannot be named: only provinsi..desa codes carry names",
        "{region!r} tidak bisa diberi nama: hanya kode provinsi..desa yang bernama",
    ),
    "region.name-invalid": (
        "region {region}: the name must be 1..200 printable characters",
        "wilayah {region}: nama harus 1..200 karakter yang dapat dicetak",
    ),
    "region.orphan": (
        "region {region} has no parent {parent} in the hierarchy",
        "wilayah {region} tidak punya induk {parent} dalam hierarki",
    ),
    "region.tps-for-unknown-desa": (
        "TPS numbers given for {region}, which is not a named desa",
        "nomor TPS diberikan untuk {region}, yang bukan desa bernama",
    ),
    "region.desa-without-tps": (
        "desa {region} has no TPS numbers",
        "desa {region} tidak punya nomor TPS",
    ),
    "region.tps-numbers-invalid": (
        "TPS numbers of desa {region} must be [max] or [max, from, to] with 0 <= max < from"
        " <= to <= 999, or an ascending list within 1..999, never empty; got {given}",
        "nomor TPS desa {region} harus [max] atau [max, dari, sampai] dengan 0 <= max < dari"
        " <= sampai <= 999, atau daftar naik dalam 1..999, tidak kosong; tertulis {given}",
    ),
    "region.duplicate": (
        "desa/unit {region} is given TPS numbers twice ({where})",
        "desa/unit {region} diberi nomor TPS dua kali ({where})",
    ),
    "region.name-conflict": (
        "region {region} is named both {old!r} and {new!r} (line {line})",
        "wilayah {region} bernama {old!r} dan juga {new!r} (baris {line})",
    ),
    "region.overseas-code-malformed": (
        "line {line}: {field} {region!r} must be {length} digits within {parent!r}",
        "baris {line}: {field} {region!r} harus {length} digit di dalam {parent!r}",
    ),
    "region.overseas-unit-invalid": (
        "line {line}: unit {kind!r} number {number!r}: kinds are TPS, POS, KSK; 001..999",
        "baris {line}: unit {kind!r} nomor {number!r}: jenis TPS, POS, KSK; 001..999",
    ),
    "region.duplicate-tps": (
        "line {line}: {kind} {number} of unit {unit} appears twice",
        "baris {line}: {kind} {number} dari unit {unit} muncul dua kali",
    ),
    "input.regions-format": (
        "{file} is not a saksi-regions/1 file (format: {format})",
        "{file} bukan berkas saksi-regions/1 (format: {format})",
    ),
    "input.gzip-malformed": (
        "{file} is not a valid gzip file",
        "{file} bukan berkas gzip yang sah",
    ),
    "input.unreadable": ("cannot read {file}: {why}", "tidak dapat membaca {file}: {why}"),
    "input.too-large": (
        "{file} is larger than {limit} bytes",
        "{file} lebih besar dari {limit} byte",
    ),
    "input.not-utf8": ("{file} is not UTF-8 text", "{file} bukan teks UTF-8"),
    "input.csv-header": (
        "{file}: the first line must be the header {expected}",
        "{file}: baris pertama harus judul kolom {expected}",
    ),
    "input.csv-malformed": (
        "{file} line {line}: malformed CSV ({why})",
        "{file} baris {line}: CSV tidak sah ({why})",
    ),
    "input.csv-row": (
        "{file} line {line}: {found} fields, expected 11",
        "{file} baris {line}: {found} kolom, seharusnya 11",
    ),
    "store.write-failed": (
        "cannot write region file {file}: {why}",
        "berkas wilayah {file} tidak dapat ditulis: {why}",
    ),
}
