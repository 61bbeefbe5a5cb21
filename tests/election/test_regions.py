"""The region hierarchy: lookups, validation, the saved format, KPU import."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import rfc8785
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saksi.election import regions as regions_module
from saksi.election.codes import NASIONAL, Level, parent_of
from saksi.election.region_messages import MESSAGES
from saksi.election.regions import FORMAT, OVERSEAS_HEADER, Hierarchy, TpsNumbers
from saksi.errors import InputError, RegionError, SaksiError, StoreError
from tests.conftest import shared_path

NAMES = {
    "31": "DKI JAKARTA",
    "3171": "KOTA JAKARTA PUSAT",
    "317101": "GAMBIR",
    "3171011001": "GAMBIR",
    "3171011002": "CIDENG",
    "3173": "KOTA JAKARTA BARAT",
    "317301": "CENGKARENG",
    "3173011006": "CENGKARENG TIMUR",
    "11": "ACEH",
    "1101": "SIMEULUE",
    "110101": "TEUPAH SELATAN",
    "1101012001": "LATIUNG",
    "99": "LUAR NEGERI",
    "9905": "MALAYSIA",
    "990501": "KBRI KUALA LUMPUR",
    "9905010002": "POS",
}
TPS = {
    "3171011001": TpsNumbers(3),
    "3171011002": TpsNumbers(2, (901, 902)),
    "3173011006": TpsNumbers(12),
    "1101012001": TpsNumbers(1),
    "9905010002": TpsNumbers(listed=(1, 3, 26)),
}


@pytest.fixture(scope="module")
def small() -> Hierarchy:
    return Hierarchy(names=NAMES, tps=TPS)


# ---- TpsNumbers -----------------------------------------------------------------


def test_tps_numbers_forms() -> None:
    assert list(TpsNumbers(3)) == [1, 2, 3]
    assert list(TpsNumbers(2, (901, 902))) == [1, 2, 901, 902]
    assert list(TpsNumbers(0, (903, 903))) == [903]
    assert list(TpsNumbers(listed=(1, 3, 26))) == [1, 3, 26]
    assert TpsNumbers.from_kpu([4, 901, 903]) == TpsNumbers(4, (901, 903))
    assert TpsNumbers(4, (901, 903)).to_kpu() == [4, 901, 903]


def test_tps_numbers_of_picks_the_most_compact_form() -> None:
    assert TpsNumbers.of([3, 1, 2, 2]) == TpsNumbers(3)
    assert TpsNumbers.of([1, 2, 901]) == TpsNumbers(2, (901, 901))
    assert TpsNumbers.of([26]) == TpsNumbers(0, (26, 26))
    assert TpsNumbers.of([1, 3, 5]) == TpsNumbers(listed=(1, 3, 5))
    # a range that continues the regular numbers is the regular form
    assert TpsNumbers(3, (4, 6)).canonical() == TpsNumbers(6)


@settings(max_examples=200)
@given(st.sets(st.integers(1, 999), min_size=1, max_size=40))
def test_tps_numbers_of_keeps_exactly_the_numbers(numbers: set[int]) -> None:
    spec = TpsNumbers.of(numbers)
    assert list(spec) == sorted(numbers)
    assert len(spec) == len(numbers)
    assert all(n in spec for n in numbers)
    assert not any(n in spec for n in range(0, 1001) if n not in numbers)
    assert spec.canonical() == spec


@pytest.mark.parametrize(
    "build",
    [
        lambda: TpsNumbers(0),
        lambda: TpsNumbers(1000),
        lambda: TpsNumbers(-1),
        lambda: TpsNumbers(5, (5, 6)),
        lambda: TpsNumbers(5, (910, 901)),
        lambda: TpsNumbers(5, (901, 1000)),
        lambda: TpsNumbers(listed=()),
        lambda: TpsNumbers(listed=(3, 2)),
        lambda: TpsNumbers(listed=(0, 2)),
        lambda: TpsNumbers(2, listed=(1, 2)),
        lambda: TpsNumbers.from_kpu([1, 901]),
        lambda: TpsNumbers.from_kpu([]),
        lambda: TpsNumbers.of([]),
        lambda: TpsNumbers.of([0, 1]),
        lambda: TpsNumbers.of([1000]),
    ],
)
def test_bad_tps_numbers_are_refused(build: Callable[[], TpsNumbers]) -> None:
    with pytest.raises(RegionError) as info:
        build()
    assert info.value.code == "region.tps-numbers-invalid"


# ---- lookups ---------------------------------------------------------------------


def test_counts(small: Hierarchy) -> None:
    assert small.counts() == {
        Level.NASIONAL: 1,
        Level.PROVINSI: 3,
        Level.KABKOTA: 4,
        Level.KECAMATAN: 4,
        Level.DESA: 5,
        Level.TPS: 3 + 4 + 12 + 1 + 3,
    }
    assert small.counts("31") == {
        Level.PROVINSI: 1,
        Level.KABKOTA: 2,
        Level.KECAMATAN: 2,
        Level.DESA: 3,
        Level.TPS: 19,
    }
    assert small.counts("3171011002") == {Level.DESA: 1, Level.TPS: 4}
    assert small.counts("3171011002901") == {Level.TPS: 1}


def test_names(small: Hierarchy) -> None:
    assert small.name(NASIONAL) == "INDONESIA"
    assert small.name("3173011006") == "CENGKARENG TIMUR"
    assert small.name("3171011002902") == "TPS 902"
    assert small.name("9905010002026") == "POS 026"


def test_exists(small: Hierarchy) -> None:
    for code in ("0", "31", "3171", "317101", "3171011001", "3171011001003", "3171011002901"):
        assert small.exists(code), code
    for code in ("32", "3172", "3171011001004", "3171011002903", "9905010002002", "", "x",
                 "123", "31710110010011", "00", "\u0663\u0661"):  # fmt: skip
        assert not small.exists(code), code
    assert not small.exists(None)  # type: ignore[arg-type]


def test_children_are_sorted_and_one_level_down(small: Hierarchy) -> None:
    assert small.children(NASIONAL) == ("11", "31", "99")
    assert small.children("31") == ("3171", "3173")
    assert small.children("3171") == ("317101",)
    assert small.children("317101") == ("3171011001", "3171011002")
    assert small.children("3171011002") == (
        "3171011002001",
        "3171011002002",
        "3171011002901",
        "3171011002902",
    )
    assert small.children("9905010002") == ("9905010002001", "9905010002003", "9905010002026")
    assert small.children("3171011002901") == ()


def test_children_partition_every_region(small: Hierarchy) -> None:
    stack = [NASIONAL]
    while stack:
        code = stack.pop()
        if len(code) == 13:
            continue
        kids = small.children(code)
        assert sum(small.tps_count(k) for k in kids) == small.tps_count(code)
        assert all(parent_of(k) == code for k in kids)
        stack.extend(kids)


def test_tps_count_and_iter_tps_agree(small: Hierarchy) -> None:
    for code in ("0", "31", "3171", "317101", "3171011002", "99", "3173011006001"):
        listed = list(small.iter_tps(code))
        assert len(listed) == small.tps_count(code)
        assert listed == sorted(listed)
        assert all(small.exists(t) for t in listed)
    assert small.tps_count() == 23
    assert list(small.iter_tps("3171011002")) == list(small.children("3171011002"))


def test_path(small: Hierarchy) -> None:
    assert small.path(NASIONAL) == ("0",)
    assert small.path("31") == ("0", "31")
    assert small.path("3171011002901") == (
        "0",
        "31",
        "3171",
        "317101",
        "3171011002",
        "3171011002901",
    )


def test_codes_by_level(small: Hierarchy) -> None:
    assert small.codes(Level.DESA) == (
        "1101012001",
        "3171011001",
        "3171011002",
        "3173011006",
        "9905010002",
    )
    assert small.codes(Level.KECAMATAN, "31") == ("317101", "317301")
    with pytest.raises(RegionError) as info:
        small.codes(Level.TPS)
    assert info.value.code == "region.level-not-listed"


def test_search(small: Hierarchy) -> None:
    assert small.search("gambir") == ("317101", "3171011001")
    assert small.search("  JAKARTA ") == ("31", "3171", "3173")
    assert small.search("jakarta", limit=2) == ("31", "3171")
    assert small.search("indo") == ("0",)
    assert small.search("") == ()
    assert small.search("nothing like it") == ()


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (lambda h: h.require("32"), "region.unknown"),
        (lambda h: h.require("3171011009"), "region.unknown"),
        (lambda h: h.require("31x"), "region.malformed-code"),
        (lambda h: h.require("3171011001009"), "region.unknown-tps"),
        (lambda h: h.require_tps("3171011001004"), "region.unknown-tps"),
        (lambda h: h.require_tps("3171011001"), "region.malformed-code"),
        (lambda h: h.require_tps("31710110010x1"), "region.malformed-code"),
        (lambda h: h.name("3172"), "region.unknown"),
        (lambda h: h.children("9999"), "region.unknown"),
        (lambda h: h.tps_count("3172"), "region.unknown"),
        (lambda h: h.iter_tps("3172"), "region.unknown"),
        (lambda h: h.path("3171011001004"), "region.unknown-tps"),
        (lambda h: h.tps_numbers("317101"), "region.not-a-desa"),
        (lambda h: h.tps_numbers("3171011003"), "region.unknown"),
    ],
)
def test_lookups_refuse_unknown_and_malformed_codes(
    small: Hierarchy, call: Callable[[Hierarchy], object], code: str
) -> None:
    with pytest.raises(RegionError) as info:
        call(small)
    err = info.value
    assert err.code == code
    assert err.message_en != err.message_id  # both languages, and they differ
    assert str(err.details.get("region", "")) in err.message_en


def test_unknown_tps_message_names_the_code(small: Hierarchy) -> None:
    with pytest.raises(RegionError) as info:
        small.require_tps("3171011001004")
    assert "3171011001004" in info.value.message_en
    assert "3171011001004" in info.value.message_id
    assert "tidak ada" in info.value.message_id


def test_hierarchy_is_immutable(small: Hierarchy) -> None:
    with pytest.raises(AttributeError):
        small._names = {}
    with pytest.raises(AttributeError):
        small.extra = 1


# ---- construction refuses what is not a hierarchy --------------------------------


def _with(names: dict[str, Any] | None = None, tps: dict[str, Any] | None = None) -> Hierarchy:
    return Hierarchy(names={**NAMES, **(names or {})}, tps={**TPS, **(tps or {})})


@pytest.mark.parametrize(
    ("names", "tps", "code"),
    [
        ({"3172": "KOTA JAKARTA UTARA", "317201": "PENJARINGAN", "3174011001": "X"}, {},
         "region.orphan"),
        ({"3174": "KOTA JAKARTA SELATAN", "317401": "X", "3174011001": "Y"}, {},
         "region.desa-without-tps"),
        ({}, {"3171011009": TpsNumbers(1)}, "region.tps-for-unknown-desa"),
        ({"0": "INDONESIA"}, {}, "region.not-a-region"),
        ({"3171011001001": "TPS 1"}, {}, "region.not-a-region"),
        ({"317": "X"}, {}, "region.malformed-code"),
        ({"32": ""}, {}, "region.name-invalid"),
        ({"32": "   "}, {}, "region.name-invalid"),
        ({"32": "JAWA\nBARAT"}, {}, "region.name-invalid"),
        ({"32": "X" * 201}, {}, "region.name-invalid"),
        ({"32": 32}, {}, "region.name-invalid"),
    ],
)  # fmt: skip
def test_construction_refuses(names: dict[str, Any], tps: dict[str, Any], code: str) -> None:
    with pytest.raises(RegionError) as info:
        _with(names, tps)
    assert info.value.code == code


# ---- the saved form -----------------------------------------------------------------


def test_saved_form_is_documented_shape(small: Hierarchy) -> None:
    wire = small.to_wire()
    assert wire["format"] == FORMAT == "saksi-regions/1"
    assert wire["tps"]["3171011002"] == [2, 901, 902]
    assert wire["tps"]["3171011001"] == [3]
    assert wire["tps_numbers"] == {"9905010002": [1, 3, 26]}
    assert "9905010002" not in wire["tps"]
    assert wire["names"] == NAMES


def test_canonical_bytes_are_rfc8785(small: Hierarchy) -> None:
    assert small.canonical_bytes() == rfc8785.dumps(small.to_wire())
    assert small.digest() == hashlib.sha256(rfc8785.dumps(small.to_wire())).hexdigest()


@pytest.mark.parametrize("name", ["regions.json", "regions.json.gz"])
def test_save_load_round_trip(small: Hierarchy, tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    small.save(path)
    loaded = Hierarchy.load(path)
    assert loaded == small
    assert loaded.digest() == small.digest()
    raw = path.read_bytes()
    plain = gzip.decompress(raw) if name.endswith(".gz") else raw
    assert plain == small.canonical_bytes()
    assert hashlib.sha256(plain).hexdigest() == small.digest()
    small.save(tmp_path / ("again-" + name))  # deterministic, gzip included
    assert (tmp_path / ("again-" + name)).read_bytes() == raw
    assert not list(tmp_path.glob("*.tmp"))


def test_save_refuses_unwritable_path(small: Hierarchy, tmp_path: Path) -> None:
    with pytest.raises(StoreError) as info:
        small.save(tmp_path / "missing-dir" / "regions.json")
    assert info.value.code == "store.write-failed"


_DIGITS = st.text("0123456789", min_size=1, max_size=1)
_NAME = st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Cf", "Co", "Cn", "Zl", "Zp")),
    min_size=1,
    max_size=12,
).filter(lambda s: s.strip() != "" and s.isprintable())


@st.composite
def hierarchies(draw: st.DrawFn) -> Hierarchy:
    """Small random hierarchies: a few of each level, random names and TPS numbers."""
    names: dict[str, str] = {}
    tps: dict[str, TpsNumbers] = {}
    for p in draw(st.sets(st.integers(11, 99), min_size=1, max_size=3)):
        names[f"{p}"] = draw(_NAME)
        for k in draw(st.sets(st.integers(1, 99), min_size=1, max_size=2)):
            kab = f"{p}{k:02d}"
            names[kab] = draw(_NAME)
            for c in draw(st.sets(st.integers(1, 99), min_size=1, max_size=2)):
                kec = f"{kab}{c:02d}"
                names[kec] = draw(_NAME)
                for d in draw(st.sets(st.integers(1001, 2999), min_size=1, max_size=3)):
                    desa = f"{kec}{d}"
                    names[desa] = draw(_NAME)
                    nums = draw(st.sets(st.integers(1, 999), min_size=1, max_size=8))
                    tps[desa] = TpsNumbers.of(nums)
    return Hierarchy(names=names, tps=tps)


@settings(max_examples=40, deadline=None)
@given(hierarchies())
def test_saved_form_round_trips_exactly(h: Hierarchy) -> None:
    data = h.canonical_bytes()
    assert data == rfc8785.dumps(h.to_wire())
    back = Hierarchy.from_wire(json.loads(data))
    assert back == h
    assert back.canonical_bytes() == data
    assert back.digest() == h.digest()
    assert sum(1 for _ in back.iter_tps()) == back.tps_count() == h.tps_count()


def test_digest_changes_with_any_name_or_tps(small: Hierarchy) -> None:
    renamed = _with({"3171011002": "CIDENG BARU"})
    more_tps = _with(tps={"3171011001": TpsNumbers(4)})
    assert len({small.digest(), renamed.digest(), more_tps.digest()}) == 3


# ---- malformed files never leak a stack trace --------------------------------------


def _saved(small: Hierarchy, **change: Any) -> bytes:
    wire = small.to_wire()
    wire.update(change)
    return json.dumps(wire).encode()


BAD_SAVED: dict[str, tuple[Callable[[Hierarchy], bytes], str]] = {
    "empty": (lambda h: b"", "input.json-malformed"),
    "not-json": (lambda h: b"{nope", "input.json-malformed"),
    "not-utf8": (lambda h: b'{"format": "\xff"}', "input.not-utf8"),
    "array": (lambda h: b"[]", "input.regions-format"),
    "other-format": (lambda h: _saved(h, format="saksi-regions/2"), "input.regions-format"),
    "no-format": (lambda h: b'{"names": {}}', "input.regions-format"),
    "duplicate-key": (lambda h: b'{"format": "a", "format": "b"}', "input.json-duplicate-key"),
    "missing-field": (lambda h: json.dumps({"format": FORMAT}).encode(), "input.schema"),
    "extra-field": (lambda h: _saved(h, extra=1), "input.schema"),
    "bool-count": (lambda h: _saved(h, tps={"3171011001": [True]}), "input.schema"),
    "string-count": (lambda h: _saved(h, tps={"3171011001": ["3"]}), "input.schema"),
    "name-not-string": (lambda h: _saved(h, names={"31": 31}), "input.schema"),
    "two-numbers": (lambda h: _saved(h, tps={**h.to_wire()["tps"], "3171011001": [3, 901]}),
                    "region.tps-numbers-invalid"),
    "in-both": (lambda h: _saved(h, tps={**h.to_wire()["tps"], "9905010002": [3]}),
                "region.duplicate"),
    "empty-list": (lambda h: _saved(h, tps_numbers={"9905010002": []}),
                   "region.tps-numbers-invalid"),
    "orphan": (lambda h: _saved(h, names={**NAMES, "3299": "X"}), "region.orphan"),
    "gzip-broken": (lambda h: gzip.compress(h.canonical_bytes())[:-12], "input.gzip-malformed"),
    "gzip-garbage": (lambda h: b"\x1f\x8b" + b"\x00" * 20, "input.gzip-malformed"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(BAD_SAVED))
def test_load_refuses_malformed_files(small: Hierarchy, tmp_path: Path, case: str) -> None:
    make, code = BAD_SAVED[case]
    path = tmp_path / "bad.json"
    path.write_bytes(make(small))
    with pytest.raises(SaksiError) as info:
        Hierarchy.load(path)
    assert info.value.code == code
    assert isinstance(info.value, InputError | RegionError)
    assert info.value.diagnostics().startswith(code)


def test_load_refuses_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        Hierarchy.load(tmp_path / "nope.json")
    assert info.value.code == "input.unreadable"


def test_load_refuses_oversized_file(
    small: Hierarchy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "big.json"
    small.save(path)
    monkeypatch.setattr(regions_module, "MAX_FILE_BYTES", 100)
    with pytest.raises(InputError) as info:
        Hierarchy.load(path)
    assert info.value.code == "input.too-large"


def test_every_error_code_used_has_a_bilingual_message() -> None:
    source = Path(regions_module.__file__).read_text(encoding="utf-8")
    used = set(re.findall(r'_fail\(\s*code="([a-z0-9.-]+)"', source))
    assert used == set(MESSAGES)
    for en, id_ in MESSAGES.values():
        assert en != id_
        assert set(re.findall(r"{(\w+)", en)) == set(re.findall(r"{(\w+)", id_))


# ---- KPU's files (small, hand-made) -----------------------------------------------


def _kpu(tmp_path: Path, data: Any, csv_lines: list[str] | None = None) -> Hierarchy:
    js = tmp_path / "tps.json"
    js.write_text(json.dumps(data) if not isinstance(data, str) else data, encoding="utf-8")
    ln = None
    if csv_lines is not None:
        ln = tmp_path / "ln.csv"
        ln.write_text("\n".join(csv_lines), encoding="utf-8")
    return Hierarchy.from_kpu(js, ln)


KPU_SMALL = {
    "id2name": {"31": "DKI JAKARTA", "3171": "KOTA JAKARTA PUSAT", "317101": "GAMBIR",
                "3171011001": "GAMBIR", "3171011002": "CIDENG"},
    "tps": {"3171011001": [3], "3171011002": [2, 901, 902]},
}  # fmt: skip
HEADER = ",".join(OVERSEAS_HEADER)
LN_ROW = "99,LUAR NEGERI,9905,MALAYSIA,91560,990501,KBRI KUALA LUMPUR,918,9905010002,{kind},{no}"


def test_from_kpu_small(tmp_path: Path) -> None:
    rows = [HEADER] + [LN_ROW.format(kind="POS", no=n) for n in ("001", "003", "026")]
    h = _kpu(tmp_path, KPU_SMALL, rows)
    assert h.counts()[Level.TPS] == 3 + 4 + 3
    assert h.children("9905010002") == ("9905010002001", "9905010002003", "9905010002026")
    assert h.name("9905") == "MALAYSIA"
    assert h.name("990501") == "KBRI KUALA LUMPUR"
    assert h.path("9905010002026") == ("0", "99", "9905", "990501", "9905010002", "9905010002026")


def _row(**change: str) -> str:
    fields = dict(zip(OVERSEAS_HEADER, LN_ROW.format(kind="TPS", no="001").split(","), strict=True))
    fields.update(change)
    return ",".join(fields.values())


BAD_KPU: dict[str, tuple[Any, list[str] | None, str]] = {
    "not-json": ("{", None, "input.json-malformed"),
    "no-tps": ({"id2name": {}}, None, "input.schema"),
    "tps-two": ({**KPU_SMALL, "tps": {"3171011001": [3, 4], "3171011002": [1]}}, None,
                "region.tps-numbers-invalid"),
    "negative": ({**KPU_SMALL, "tps": {"3171011001": [-3], "3171011002": [1]}}, None,
                 "region.tps-numbers-invalid"),
    "float": ({**KPU_SMALL, "tps": {"3171011001": [3.0], "3171011002": [1]}}, None,
              "input.schema"),
    "orphan": ({**KPU_SMALL, "id2name": {"3171011001": "X"}}, None, "region.orphan"),
    "csv-header": (KPU_SMALL, ["kode,nama"], "input.csv-header"),
    "csv-empty": (KPU_SMALL, [], "input.csv-header"),
    "csv-fields": (KPU_SMALL, [HEADER, "99,LUAR NEGERI"], "input.csv-row"),
    "csv-quote": (KPU_SMALL, [HEADER, _row(negara='"MALAYSIA')], "input.csv-malformed"),
    "csv-prov": (KPU_SMALL, [HEADER, _row(kode_wilayah="98")], "region.overseas-code-malformed"),
    "csv-country": (KPU_SMALL, [HEADER, _row(kode_negara="9805")],
                    "region.overseas-code-malformed"),
    "csv-unit": (KPU_SMALL, [HEADER, _row(kode_tps="990601002")],
                 "region.overseas-code-malformed"),
    "csv-number": (KPU_SMALL, [HEADER, _row(no_tps="1")], "region.overseas-code-malformed"),
    "csv-zero": (KPU_SMALL, [HEADER, _row(no_tps="000")], "region.overseas-unit-invalid"),
    "csv-kind": (KPU_SMALL, [HEADER, _row(**{"tps/pos/ksk": "BOX"})],
                 "region.overseas-unit-invalid"),
    "csv-twice": (KPU_SMALL, [HEADER, _row(), _row()], "region.duplicate-tps"),
    "csv-names": (KPU_SMALL, [HEADER, _row(), _row(negara="MALAYA", no_tps="002")],
                  "region.name-conflict"),
    "csv-kind-changes": (KPU_SMALL, [HEADER, _row(), _row(**{"tps/pos/ksk": "KSK"}, no_tps="002")],
                         "region.name-conflict"),
    "csv-in-json-too": ({"id2name": {**KPU_SMALL["id2name"], "99": "LUAR NEGERI",  # type: ignore[dict-item]
                                     "9905": "MALAYSIA", "990501": "KBRI KUALA LUMPUR",
                                     "9905010001": "TPS"},
                         "tps": {**KPU_SMALL["tps"], "9905010001": [1]}},  # type: ignore[dict-item]
                        [HEADER, _row(kode_tps="9905010001")], "region.duplicate"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(BAD_KPU))
def test_from_kpu_refuses_malformed_files(tmp_path: Path, case: str) -> None:
    data, rows, code = BAD_KPU[case]
    with pytest.raises(SaksiError) as info:
        _kpu(tmp_path, data, rows)
    assert info.value.code == code
    assert info.value.message_en and info.value.message_id


def test_from_kpu_refuses_non_utf8_csv(tmp_path: Path) -> None:
    (tmp_path / "tps.json").write_text(json.dumps(KPU_SMALL), encoding="utf-8")
    (tmp_path / "ln.csv").write_bytes(HEADER.encode() + b"\n\xff\xfe")
    with pytest.raises(InputError) as info:
        Hierarchy.from_kpu(tmp_path / "tps.json", tmp_path / "ln.csv")
    assert info.value.code == "input.not-utf8"


# ---- the real 2024 data (../shared) ------------------------------------------------


@pytest.fixture(scope="module")
def kpu2024() -> Hierarchy:
    return Hierarchy.from_kpu(
        shared_path("data", "regions", "kpu2024-tps.json"),
        shared_path("data", "regions", "kpu2024-tps-ln.csv"),
    )


@pytest.mark.shared
def test_kpu2024_domestic_counts() -> None:
    h = Hierarchy.from_kpu(shared_path("data", "regions", "kpu2024-tps.json"))
    assert h.counts() == {
        Level.NASIONAL: 1,
        Level.PROVINSI: 38,
        Level.KABKOTA: 514,
        Level.KECAMATAN: 7_277,
        Level.DESA: 83_731,
        Level.TPS: 820_161,
    }


@pytest.mark.shared
def test_kpu2024_with_overseas(kpu2024: Hierarchy) -> None:
    assert kpu2024.counts("99") == {
        Level.PROVINSI: 1,
        Level.KABKOTA: 96,  # countries
        Level.KECAMATAN: 128,  # PPLN
        Level.DESA: 304,  # TPS / POS / KSK units of a PPLN
        Level.TPS: 3_205,  # every row of the CSV
    }
    assert kpu2024.tps_count() == 820_161 + 3_205
    assert kpu2024.counts()[Level.PROVINSI] == 39
    assert kpu2024.name("99") == "LUAR NEGERI"
    assert kpu2024.name("9905020003553") == "KSK 553"
    assert kpu2024.tps_numbers("9901010002") == TpsNumbers(0, (26, 26))  # sparse unit


@pytest.mark.shared
def test_kpu2024_spot_checks(kpu2024: Hierarchy) -> None:
    assert kpu2024.name("3173011006") == "CENGKARENG TIMUR"
    assert kpu2024.path("3173011006001")[:3] == ("0", "31", "3173")
    assert kpu2024.tps_numbers("1101122007") == TpsNumbers(4, (901, 902))
    assert kpu2024.children("1101122007")[-1] == "1101122007902"
    assert kpu2024.tps_count("31") == 30_766
    assert "3273" in kpu2024.search("kota bandung")
    sirekap = shared_path("data", "sirekap", "ppwp-tps")
    for record in sorted(sirekap.glob("*.json")):
        kpu2024.require_tps(record.stem)  # KPU's own published TPS all exist


@pytest.mark.shared
def test_kpu2024_search_as_people_type(kpu2024: Hierarchy) -> None:
    first = {q: kpu2024.search(q, 50)[0] for q in (
        "RUTONG", "RUTONGA", "rutongga", "Hatongga", "hatonga", "HATONGA", "soerabaja",
        "Kecamatan Gambir", "jakrta pusat", "Djakarta",
    )}  # fmt: skip
    assert first["RUTONG"] == first["RUTONGA"] == first["rutongga"] == "8171052007"  # Ambon
    assert first["Hatongga"] == first["hatonga"] == first["HATONGA"] == "1221092006"
    assert kpu2024.name(first["soerabaja"]) == "SURABAYA"
    assert "3578" in kpu2024.search("soerabaja", 50)  # KOTA SURABAYA too
    assert first["Kecamatan Gambir"] == "317101"
    assert first["jakrta pusat"] == "3171" and first["Djakarta"] == "31"
    assert kpu2024.search("TPS 001 Rutonga")[0] == "8171052007001"
    assert kpu2024.search("tps 3 rutong")[0] == "8171052007003"
    assert kpu2024.search("hatonga tps 1")[0] == "1221092006001"
    by_district = kpu2024.search("TPS 8 kebayoran baru")
    assert by_district and all(c.startswith("317407") and c.endswith("008") for c in by_district)
    assert len(kpu2024.search("tps 008", 50)) == 50


@pytest.mark.shared
@pytest.mark.slow
def test_kpu2024_saved_round_trip(kpu2024: Hierarchy, tmp_path: Path) -> None:
    path = tmp_path / "kpu2024.json.gz"
    kpu2024.save(path)
    assert Hierarchy.load(path) == kpu2024
    assert Hierarchy.load(path).digest() == kpu2024.digest()


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False)
    | st.text(max_size=14),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=14), inner,
                                                               max_size=4),
    max_leaves=12,
)  # fmt: skip
_FIELDS = ("names", "tps", "tps_numbers")


@settings(max_examples=150, deadline=None)
@given(field=st.sampled_from(_FIELDS), key=st.text("0123456789x", max_size=14), value=_JSON)
def test_from_wire_never_leaks_a_raw_exception(field: str, key: str, value: Any) -> None:
    """Any one-entry corruption of a valid file is loaded or refused as a SaksiError."""
    wire = Hierarchy(names=NAMES, tps=TPS).to_wire()
    wire[field] = {**wire[field], key: value}
    try:
        Hierarchy.from_wire(json.loads(json.dumps(wire)))
    except SaksiError as err:
        assert err.code.startswith(("region.", "input."))


@settings(max_examples=60, deadline=None)
@given(_JSON)
def test_from_wire_refuses_arbitrary_documents(value: Any) -> None:
    with pytest.raises(SaksiError):
        Hierarchy.from_wire(value)


def test_from_kpu_reads_crlf_and_bom_csv(tmp_path: Path) -> None:
    (tmp_path / "tps.json").write_text(json.dumps(KPU_SMALL), encoding="utf-8")
    rows = [HEADER, _row(), _row(no_tps="002")]
    (tmp_path / "ln.csv").write_bytes(b"\xef\xbb\xbf" + "\r\n".join(rows).encode() + b"\r\n")
    h = Hierarchy.from_kpu(tmp_path / "tps.json", tmp_path / "ln.csv")
    assert h.children("9905010002") == ("9905010002001", "9905010002002")
    assert h.name("9905010002") == "TPS"


def test_unreadable_paths(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        Hierarchy.from_kpu(tmp_path)  # a directory
    assert info.value.code == "input.unreadable"


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(desa=st.sampled_from(["3171011001", "3171011002", "9905010002", "3173011006", "3171011003"]),
       number=st.integers(0, 999))  # fmt: skip
def test_the_tps_fast_path_agrees_with_the_numbers(
    small: Hierarchy, desa: str, number: int
) -> None:
    code = f"{desa}{number:03d}"
    known = small.exists(desa) and number in small.tps_numbers(desa)
    assert small.exists(code) is known
