"""The service's configuration: a TOML file, then the environment, then flags.

:func:`load_config` reads the three sources in that order, each overriding the one
before it, and returns a frozen :class:`ServiceConfig`. Every value is checked here,
once: a bad one is refused with :class:`ConfigError` (``config.invalid``, naming the
setting and where it came from, in Bahasa Indonesia and English), so that ``saksi
serve`` never starts half-configured.

- File: flat ``name = value`` pairs (``port = 8080``, ``max_batch_bytes = "8MiB"``,
  ``rate_per_key = [5, 50]``). Relative paths in it are relative to the file.
- Environment: ``SAKSI_<NAME>`` in upper case (``SAKSI_PORT=8080``); other
  ``SAKSI_*`` variables are not settings and are ignored.
- Flags: a mapping of setting name to value; ``None`` means "not given".

docs/service.md has the table of every setting.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Final

from saksi.election.synthetic import MAX_SCALE
from saksi.errors import ConfigError, SaksiError
from saksi.store.base import MAX_PHOTO_SIZE
from saksi.tlog.checkpoint import CosignatureVerifier
from saksi.tlog.hashes import MAX_ENTRY_SIZE

KIB: Final = 1024
MIB: Final = 1024 * KIB
GIB: Final = 1024 * MIB
ENV_PREFIX: Final = "SAKSI_"
MAX_CONFIG_FILE_BYTES: Final = 1 * MIB
SYNTHETIC_SCALE: Final = 0.005
SYNTHETIC_SEED: Final = 2024


@dataclass(frozen=True, slots=True)
class RateLimit:
    """A token bucket: ``rate`` tokens a second, at most ``burst`` saved up.

    ``rate == 0`` switches the limit off."""

    rate: float
    burst: int

    @property
    def enabled(self) -> bool:
        return self.rate > 0

    @property
    def per_second(self) -> float:
        """``rate`` under the name :class:`saksi.service.limits.Rate` reads."""
        return self.rate

    def __str__(self) -> str:
        return f"{self.rate:g},{self.burst}"


@dataclass(frozen=True, slots=True)
class WitnessSpec:
    """A witness the log sends its checkpoints to: its URL (the tlog-witness submission
    prefix) and its cosignature verifier key (``name+keyid+base64``)."""

    url: str
    vkey: str

    @property
    def verifier(self) -> CosignatureVerifier:
        return CosignatureVerifier.from_vkey(self.vkey)

    @property
    def name(self) -> str:
        return self.verifier.name

    def __str__(self) -> str:
        return f"{self.url} {self.vkey}"


@dataclass(frozen=True, slots=True)
class PhotoQuota:
    """At most ``count`` photos and ``size`` bytes (of photos waiting in the staging area)."""

    count: int
    size: int

    def __str__(self) -> str:
        return f"{self.count},{self.size}"


class Witnesses(tuple[WitnessSpec, ...]):
    """The configured witnesses; shown as the ``URL VKEY, ...`` text it is read from."""

    __slots__ = ()

    def __str__(self) -> str:
        return ", ".join(str(w) for w in self)


@dataclass(frozen=True, slots=True)
class ServiceConfig:
    """Everything ``saksi serve`` is told; see docs/service.md for each setting."""

    data: Path
    db: str | None = field(default=None, repr=False)  # may hold a password
    host: str = "127.0.0.1"
    port: int = 8080
    public_url: str | None = None  # where readers reach the service (Verifikasi's commands)
    manifest: Path | None = None
    regions: Path | None = None
    contests: Path | None = None  # the contests file a format v2 manifest names
    scale: float | None = None  # None: the recorded hierarchy, else SYNTHETIC_SCALE
    seed: int | None = None  # None: the recorded hierarchy, else SYNTHETIC_SEED
    max_entry_bytes: int = MAX_ENTRY_SIZE + 1
    max_batch_entries: int = 1000
    max_batch_bytes: int = 8 * MIB
    max_photo_bytes: int = 10 * MIB
    photo_stage_ttl: float = 6 * 3600.0  # seconds an uncited photo waits for a statement
    photo_quota_per_key: PhotoQuota = field(default_factory=lambda: PhotoQuota(32, 256 * MIB))
    photo_quota_total: PhotoQuota = field(default_factory=lambda: PhotoQuota(100_000, 16 * GIB))
    photo_disk_reserve: int = 1 * GIB  # free space the staging area never takes
    rate_per_key: RateLimit = field(default_factory=lambda: RateLimit(5.0, 50))
    rate_per_address: RateLimit = field(default_factory=lambda: RateLimit(500.0, 2000))
    integrate_interval: float = 0.5
    request_timeout: float = 30.0  # and the time a request's body may take to arrive
    header_timeout: float = 10.0  # seconds a request's headers may take to arrive
    max_connections: int = 4096  # client connections served at once (fitted to RLIMIT_NOFILE)
    max_connections_per_address: int = 256  # ... from one client address (0: no cap)
    replay_verify: bool = True
    parse_workers: int = 2  # processes parsing batch lines (0: parse in the request thread)
    publish_results: bool = True  # run `saksi publish --follow` into DATA/results
    results_interval: float = 2.0  # seconds between the publisher's looks at the checkpoint
    results_exports_every: float = 60.0  # seconds at least between whole-country exports
    witnesses: Witnesses = field(default_factory=Witnesses)  # cosigners of each checkpoint
    witness_quorum: int | None = None  # how many must cosign (None: all of them)
    witness_timeout: float = 5.0  # seconds a witness may take to answer

    @property
    def synthetic(self) -> tuple[float, int]:
        """The synthetic hierarchy's scale and seed (their defaults when not given)."""
        scale = SYNTHETIC_SCALE if self.scale is None else self.scale
        return scale, SYNTHETIC_SEED if self.seed is None else self.seed

    @property
    def regions_given(self) -> bool:
        """Whether a setting names the hierarchy (a region file, a scale or a seed)."""
        return not (self.regions is None and self.scale is None and self.seed is None)

    @property
    def quorum(self) -> int:
        """How many witnesses must cosign a checkpoint before it is published."""
        return len(self.witnesses) if self.witness_quorum is None else self.witness_quorum

    def __post_init__(self) -> None:
        # Direct construction is checked as strictly as load_config's sources.
        for f in fields(self):
            value = getattr(self, f.name)
            checked = _SETTINGS[f.name].check(f.name, value, "argument", None)
            if checked != value or type(checked) is not type(value):
                object.__setattr__(self, f.name, checked)
        _check_quorum(self.witnesses, self.witness_quorum, "argument", None)

    @property
    def log_dir(self) -> Path:
        """``DATA/log``: the tlog publication and, in ``.state/``, its private state."""
        return self.data / "log"

    @property
    def results_dir(self) -> Path:
        """``DATA/results``: the results of the log, published by ``saksi publish --follow``
        beside the service and served under /results/."""
        return self.data / "results"

    @property
    def photo_dir(self) -> Path:
        """``DATA/photos``: the staging area of uncited photos (``staged/``) and how far
        the log was read for photos it cites (docs/service.md, "Photos")."""
        return self.data / "photos"

    def with_(self, **changes: Any) -> ServiceConfig:
        """A copy with some settings changed (checked like any other)."""
        return replace(self, **changes)

    def describe(self) -> dict[str, str | None]:
        """Every setting as text, for logs and ``--help``; the database URL is redacted."""
        out: dict[str, str | None] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            out[f.name] = None if value is None else str(value)
        if self.db is not None:
            out["db"] = redact_url(self.db)
        return out


def redact_url(url: str) -> str:
    """A database URL without its password (``postgresql://user:***@host/db``)."""
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)


# --- refusals ---------------------------------------------------------------------


def _where(name: str, source: str, origin: Path | None) -> tuple[str, str]:
    if source == "file":
        return f"{name} in {origin}", f"{name} di {origin}"
    if source == "env":
        return f"{env_name(name)} in the environment", f"{env_name(name)} di lingkungan"
    if source == "flag":
        flag = "--" + name.replace("_", "-")
        return f"{flag} on the command line", f"{flag} di baris perintah"
    return name, name


def _invalid(
    name: str,
    value: object,
    source: str,
    origin: Path | None,
    *,
    want_en: str,
    want_id: str,
) -> ConfigError:
    where_en, where_id = _where(name, source, origin)
    shown = "***" if name == "db" else repr(value)
    return ConfigError(
        code="config.invalid",
        en=f"setting {where_en} is {shown}: {want_en}",
        id=f"pengaturan {where_id} bernilai {shown}: {want_id}",
        setting=name,
        source=source,
        value=shown,
        expected=want_en,
    )


def _unknown(name: str, source: str, origin: Path | None) -> ConfigError:
    where_en, where_id = _where(name, source, origin)
    known = ", ".join(_SETTINGS)
    return ConfigError(
        code="config.unknown-setting",
        en=f"unknown setting {where_en}; the settings are: {known}",
        id=f"pengaturan {where_id} tidak dikenal; pengaturan yang ada: {known}",
        setting=name,
        source=source,
    )


# --- one parser per kind of value ---------------------------------------------------

_SIZE = re.compile(r"\s*([0-9]+)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?\s*", re.IGNORECASE)
_UNITS = {"": 1, "b": 1, "k": KIB, "kb": KIB, "kib": KIB, "m": MIB, "mb": MIB, "mib": MIB}
_UNITS |= {"g": GIB, "gb": GIB, "gib": GIB}
_DURATION = re.compile(r"\s*([0-9]*\.?[0-9]+)\s*(ms|s|min|h)?\s*", re.IGNORECASE)
_SECONDS = {"": 1.0, "ms": 0.001, "s": 1.0, "min": 60.0, "h": 3600.0}
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class _Bad(Exception):
    """A parser's refusal; :class:`_Setting` turns it into a ConfigError."""


def _as_int(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?[0-9]+\s*", value):
        return int(value)
    raise _Bad


def _as_float(value: object) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            raise _Bad from None
    else:
        raise _Bad
    if not math.isfinite(number):
        raise _Bad
    return number


def _as_size(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and (m := _SIZE.fullmatch(value)):
        return int(m.group(1)) * _UNITS[(m.group(2) or "").lower()]
    raise _Bad


def _as_duration(value: object) -> float:
    if isinstance(value, str) and (m := _DURATION.fullmatch(value)):
        return float(m.group(1)) * _SECONDS[(m.group(2) or "").lower()]
    return _as_float(value)


def _as_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise _Bad


def _as_text(value: object) -> str:
    if isinstance(value, str) and value.strip() and value == value.strip():
        return value
    raise _Bad


_PUBLIC_URL = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~%/-]*)?")
"""An http(s) address without user, query or fragment, of characters that need no
quoting in a URL nor in a shell: the Verifikasi page names it in copy-paste commands."""


def _as_public_url(value: object) -> str:
    if isinstance(value, str) and _PUBLIC_URL.fullmatch(value):
        return value.rstrip("/")
    raise _Bad


def _as_path(value: object) -> Path:
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if isinstance(value, str) and value.strip() and "\x00" not in value:
        return Path(value)
    raise _Bad


def _as_db(value: object) -> str:
    text = _as_text(value)
    if re.match(r"(postgresql|postgres)://", text, re.IGNORECASE):
        return text
    raise _Bad


def _two(value: object, first: str, second: str) -> tuple[object, object]:
    """A setting made of two values: ``A,B`` text, a two-item array, or a table with
    the two names."""
    if isinstance(value, list | tuple):
        parts = list(value)
    elif isinstance(value, Mapping) and set(value) == {first, second}:
        parts = [value[first], value[second]]
    elif isinstance(value, str):
        parts = [p for p in re.split(r"[,/ ]+", value.strip()) if p]
    else:
        raise _Bad
    if len(parts) != 2:
        raise _Bad
    return parts[0], parts[1]


def _as_rate(value: object) -> RateLimit:
    if isinstance(value, RateLimit):
        value = (value.rate, value.burst)
    raw_rate, raw_burst = _two(value, "rate", "burst")
    rate, burst = _as_float(raw_rate), _as_int(raw_burst)
    if rate < 0 or rate > 1e6 or burst < 0 or burst > 10**7 or (rate > 0 and burst < 1):
        raise _Bad
    return RateLimit(rate, burst)


def _as_quota(value: object) -> PhotoQuota:
    if isinstance(value, PhotoQuota):
        value = (value.count, value.size)
    raw_count, raw_size = _two(value, "count", "bytes")
    count, size = _as_int(raw_count), _as_size(raw_size)
    if not (1 <= count <= 10**9 and 1 <= size <= 1 << 50):
        raise _Bad
    return PhotoQuota(count, size)


def _as_witness(value: object) -> WitnessSpec:
    if isinstance(value, WitnessSpec):
        url, vkey = value.url, value.vkey
    elif isinstance(value, Mapping) and set(value) == {"url", "vkey"}:
        url, vkey = value["url"], value["vkey"]
    elif isinstance(value, str) and len(value.split()) == 2:
        url, vkey = value.split()
    else:
        raise _Bad
    if not isinstance(url, str) or not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", url):
        raise _Bad
    if not isinstance(vkey, str):
        raise _Bad
    try:
        CosignatureVerifier.from_vkey(vkey)
    except SaksiError:
        raise _Bad from None
    return WitnessSpec(url.rstrip("/"), vkey)


def _as_witnesses(value: object) -> Witnesses:
    if isinstance(value, str):
        items: list[object] = [item for item in value.split(",") if item.strip()]
    elif isinstance(value, list | tuple):
        items = list(value)
    else:
        raise _Bad
    witnesses = Witnesses(_as_witness(item) for item in items)
    keys = {(w.verifier.name, w.verifier.key_id) for w in witnesses}
    if len(keys) != len(witnesses) or len({w.url for w in witnesses}) != len(witnesses):
        raise _Bad  # one witness twice (by key or by URL)
    return witnesses


def _check_quorum(
    witnesses: tuple[WitnessSpec, ...], quorum: int | None, source: str, origin: Path | None
) -> None:
    if quorum is not None and not 1 <= quorum <= len(witnesses):
        raise _invalid(
            "witness_quorum",
            quorum,
            source,
            origin,
            want_en=f"a number of witnesses 1..{len(witnesses)} (the witnesses configured)",
            want_id=f"jumlah pemantau 1..{len(witnesses)} (pemantau yang dikonfigurasi)",
        )


def _in(lo: float, hi: float, *, open_lo: bool = False) -> Callable[[float], bool]:
    return lambda x: (lo < x if open_lo else lo <= x) and x <= hi


@dataclass(frozen=True, slots=True)
class _Setting:
    parse: Callable[[object], Any]
    want_en: str
    want_id: str
    ok: Callable[[Any], bool] = lambda _: True
    optional: bool = False
    is_path: bool = False

    def check(self, name: str, value: object, source: str, origin: Path | None) -> Any:
        """The parsed value, or ConfigError ``config.invalid`` naming ``name``."""
        if value is None and self.optional:
            return None
        try:
            parsed = self.parse(value)
        except _Bad:
            raise _invalid(
                name, value, source, origin, want_en=self.want_en, want_id=self.want_id
            ) from None
        if not self.ok(parsed):
            raise _invalid(name, value, source, origin, want_en=self.want_en, want_id=self.want_id)
        if self.is_path and origin is not None and not parsed.is_absolute():
            parsed = origin.parent / parsed
        return parsed


_COUNT = ("a whole number", "bilangan bulat")

_SETTINGS: Final[dict[str, _Setting]] = {
    "data": _Setting(_as_path, "a directory path", "path folder", is_path=True),
    "db": _Setting(_as_db, "a postgresql:// URL", "URL postgresql://", optional=True),
    "host": _Setting(_as_text, "a host name or address", "nama host atau alamat"),
    "port": _Setting(_as_int, "a port number 0..65535", "nomor port 0..65535", _in(0, 65535)),
    "public_url": _Setting(
        _as_public_url,
        "the http(s) address readers use, e.g. https://saksi.example or "
        "https://example.org/pemilu (letters, digits, . - _ ~ % / only; no user, query or "
        "fragment)",
        "alamat http(s) yang dipakai pembaca, mis. https://saksi.example atau "
        "https://example.org/pemilu (hanya huruf, angka, . - _ ~ % /; tanpa pengguna, query "
        "atau fragmen)",
        optional=True,
    ),
    "manifest": _Setting(_as_path, "a file path", "path berkas", optional=True, is_path=True),
    "regions": _Setting(_as_path, "a file path", "path berkas", optional=True, is_path=True),
    "contests": _Setting(_as_path, "a file path", "path berkas", optional=True, is_path=True),
    "scale": _Setting(
        _as_float,
        f"a number in (0, {MAX_SCALE:g}]",
        f"bilangan dalam (0, {MAX_SCALE:g}]",
        _in(0, MAX_SCALE, open_lo=True),
        optional=True,
    ),
    "seed": _Setting(_as_int, *_COUNT, optional=True),
    "max_entry_bytes": _Setting(
        _as_size,
        f"a size of 1..{MAX_ENTRY_SIZE + 1} bytes",
        f"ukuran 1..{MAX_ENTRY_SIZE + 1} bita",
        _in(1, MAX_ENTRY_SIZE + 1),
    ),
    "max_batch_entries": _Setting(
        _as_int, "a number 1..100000", "bilangan 1..100000", _in(1, 100_000)
    ),
    "max_batch_bytes": _Setting(
        _as_size, "a size of 1 byte..1GiB", "ukuran 1 bita..1GiB", _in(1, GIB)
    ),
    "max_photo_bytes": _Setting(
        _as_size,
        f"a size of 1..{MAX_PHOTO_SIZE} bytes",
        f"ukuran 1..{MAX_PHOTO_SIZE} bita",
        _in(1, MAX_PHOTO_SIZE),
    ),
    "photo_stage_ttl": _Setting(
        _as_duration,
        "seconds in (0, 30 days] (e.g. 6h, 30min or 90s)",
        "detik dalam (0, 30 hari] (mis. 6h, 30min atau 90s)",
        _in(0, 30 * 86400, open_lo=True),
    ),
    "photo_quota_per_key": _Setting(
        _as_quota,
        "COUNT,BYTES (photos and bytes one key may have waiting, e.g. 32,256MiB)",
        "JUMLAH,BITA (foto dan bita yang boleh menunggu per kunci, mis. 32,256MiB)",
    ),
    "photo_quota_total": _Setting(
        _as_quota,
        "COUNT,BYTES (photos and bytes waiting in all, e.g. 100000,16GiB)",
        "JUMLAH,BITA (foto dan bita yang menunggu seluruhnya, mis. 100000,16GiB)",
    ),
    "photo_disk_reserve": _Setting(
        _as_size, "a size of 0 bytes..1024GiB", "ukuran 0 bita..1024GiB", _in(0, 1 << 40)
    ),
    "rate_per_key": _Setting(
        _as_rate,
        "RATE,BURST (statements a second, at most 1e6; burst >= 1; 0,0 switches it off)",
        "LAJU,LONJAKAN (pernyataan per detik, maks. 1e6; lonjakan >= 1; 0,0 mematikannya)",
    ),
    "rate_per_address": _Setting(
        _as_rate,
        "RATE,BURST (requests a second, at most 1e6; burst >= 1; 0,0 switches it off)",
        "LAJU,LONJAKAN (permintaan per detik, maks. 1e6; lonjakan >= 1; 0,0 mematikannya)",
    ),
    "integrate_interval": _Setting(
        _as_duration,
        "seconds in (0, 3600] (e.g. 0.5 or 500ms)",
        "detik dalam (0, 3600] (mis. 0.5 atau 500ms)",
        _in(0, 3600, open_lo=True),
    ),
    "request_timeout": _Setting(
        _as_duration,
        "seconds in (0, 3600] (e.g. 30 or 30s)",
        "detik dalam (0, 3600] (mis. 30 atau 30s)",
        _in(0, 3600, open_lo=True),
    ),
    "header_timeout": _Setting(
        _as_duration,
        "seconds in (0, 3600] (e.g. 10 or 10s)",
        "detik dalam (0, 3600] (mis. 10 atau 10s)",
        _in(0, 3600, open_lo=True),
    ),
    "max_connections": _Setting(
        _as_int, "a number 1..1000000", "bilangan 1..1000000", _in(1, 1_000_000)
    ),
    "max_connections_per_address": _Setting(
        _as_int,
        "a number 0..1000000 (0: no cap per address)",
        "bilangan 0..1000000 (0: tanpa batas per alamat)",
        _in(0, 1_000_000),
    ),
    "replay_verify": _Setting(_as_bool, "true or false", "true atau false"),
    "parse_workers": _Setting(_as_int, "a number 0..64", "bilangan 0..64", _in(0, 64)),
    "publish_results": _Setting(_as_bool, "true or false", "true atau false"),
    "results_interval": _Setting(
        _as_duration,
        "seconds in (0, 3600] (e.g. 2 or 500ms)",
        "detik dalam (0, 3600] (mis. 2 atau 500ms)",
        _in(0, 3600, open_lo=True),
    ),
    "results_exports_every": _Setting(
        _as_duration,
        "seconds in (0, 86400] (e.g. 60)",
        "detik dalam (0, 86400] (mis. 60)",
        _in(0, 86400, open_lo=True),
    ),
    "witnesses": _Setting(
        _as_witnesses,
        "witnesses as 'URL VKEY' items separated by commas (in TOML an array of 'URL VKEY' "
        "strings or of { url, vkey } tables): an http(s) URL and a cosignature verifier key "
        "each, no witness twice",
        "pemantau berupa butir 'URL VKEY' dipisah koma (di TOML larik string 'URL VKEY' atau "
        "tabel { url, vkey }): masing-masing URL http(s) dan kunci pemverifikasi kosignatur, "
        "tanpa witness ganda",
    ),
    "witness_quorum": _Setting(
        _as_int,
        "a number of witnesses (1 or more)",
        "jumlah pemantau (1 atau lebih)",
        _in(1, 1000),
        optional=True,
    ),
    "witness_timeout": _Setting(
        _as_duration,
        "seconds in (0, 300] (e.g. 5 or 500ms)",
        "detik dalam (0, 300] (mis. 5 atau 500ms)",
        _in(0, 300, open_lo=True),
    ),
}
SETTINGS: Final = tuple(_SETTINGS)
"""Every setting's name, in the order of docs/service.md's table."""


def env_name(setting: str) -> str:
    """The environment variable of a setting: ``port`` -> ``SAKSI_PORT``."""
    return ENV_PREFIX + setting.upper()


# --- the three sources ----------------------------------------------------------------


def _read_file(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_CONFIG_FILE_BYTES + 1)
    except OSError as exc:
        raise ConfigError(
            code="config.file-unreadable",
            en=f"cannot read the configuration file {path}: {exc.strerror or exc}",
            id=f"berkas konfigurasi {path} tidak dapat dibaca: {exc.strerror or exc}",
            file=str(path),
        ) from None
    try:
        if len(data) > MAX_CONFIG_FILE_BYTES:
            raise ValueError(f"larger than {MAX_CONFIG_FILE_BYTES} bytes")
        return tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, ValueError) as exc:
        raise ConfigError(
            code="config.file-malformed",
            en=f"the configuration file {path} is not valid TOML: {exc}",
            id=f"berkas konfigurasi {path} bukan TOML yang sah: {exc}",
            file=str(path),
        ) from None


def _layer(
    values: Mapping[str, Any],
    source: str,
    origin: Path | None,
    into: dict[str, Any],
    sources: dict[str, tuple[str, Path | None]],
) -> None:
    for name, raw in values.items():
        setting = _SETTINGS.get(name)
        if setting is None:
            raise _unknown(name, source, origin)
        if raw is None and source != "file":
            continue  # a flag that was not given
        into[name] = setting.check(name, raw, source, origin)
        sources[name] = (source, origin)


def load_config(
    file: Path | None = None,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> ServiceConfig:
    """The configuration from ``file`` (TOML), then ``env``, then ``overrides``.

    ``env`` is usually ``os.environ``: only ``SAKSI_<SETTING>`` variables are read.
    ``overrides`` are the command-line flags by setting name (``None``: not given).
    ConfigError ``config.invalid``, ``config.unknown-setting``, ``config.file-*``.
    """
    chosen: dict[str, Any] = {}
    sources: dict[str, tuple[str, Path | None]] = {}
    if file is not None:
        _layer(_read_file(Path(file)), "file", Path(file), chosen, sources)
    from_env = {
        name: (env or {})[env_name(name)] for name in _SETTINGS if env_name(name) in (env or {})
    }
    _layer(from_env, "env", None, chosen, sources)
    _layer(overrides or {}, "flag", None, chosen, sources)
    if chosen.get("witness_quorum") is not None:
        source, where = sources["witness_quorum"]
        _check_quorum(chosen.get("witnesses", ()), chosen["witness_quorum"], source, where)
    if "data" not in chosen:
        raise ConfigError(
            code="config.missing-data",
            en="no data directory: give --data DIR (or SAKSI_DATA, or data in the file)",
            id=(
                "folder data tidak diberikan: berikan --data DIR (atau SAKSI_DATA, atau data "
                "di berkas konfigurasi)"
            ),
            setting="data",
        )
    return ServiceConfig(**chosen)


__all__ = [
    "ENV_PREFIX",
    "SETTINGS",
    "ConfigError",
    "PhotoQuota",
    "RateLimit",
    "ServiceConfig",
    "WitnessSpec",
    "Witnesses",
    "env_name",
    "load_config",
    "redact_url",
]
