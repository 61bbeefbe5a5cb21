"""Opening the service's log: data directory, manifest, regions, contests, store, replay.

``DATA/log/`` is the tlog publication (checkpoint, tiles) with the log's private
state in ``DATA/log/.state/`` (origin, log key and, by default, ``store.sqlite``).
With ``db = "postgresql://..."`` the entries live in PostgreSQL instead.

- First start (no log state yet): the manifest file is required; it is checked (a
  signed ``manifest`` statement whose ``regions_digest`` is the digest of the region
  hierarchy in use), the log is created with the manifest's election as its origin,
  and the manifest becomes entry 0.
- Later starts: entry 0 is the manifest; a manifest file, if given, must be the same
  bytes. The region hierarchy must still have the manifest's digest.
- A format v2 manifest names its contests file (``contests_digest``): the file is
  required on the first start (``--contests``), checked against that digest, and
  recorded in ``DATA/contests.json.gz`` (canonical, gzip), so that later starts find it
  there. A v1 manifest takes none: a contests file given for it is refused.
- Replay: every entry after the manifest goes through the intake again, in order,
  rebuilding the authority, each entry's status and the TPS indexes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from saksi.election.envelope import Envelope, parse_entry
from saksi.election.intake import Intake
from saksi.election.legislative import Contests
from saksi.election.regions import Hierarchy
from saksi.election.statements import Manifest
from saksi.election.synthetic import synthetic_hierarchy
from saksi.election.text_rule import check_text
from saksi.errors import SaksiError
from saksi.ledger.config import ConfigError, ServiceConfig
from saksi.ledger.views import Committed, LedgerView, parse_stored
from saksi.store import open_store
from saksi.store.base import Store
from saksi.tlog.log import Log
from saksi.tlog.state import LogLayout

REPLAY_CHUNK = 4096
"""Entries replayed between two updates of the view."""
RECORDED_REGIONS = "regions.json.gz"
RECORDED_CONTESTS = "contests.json.gz"


@dataclass
class Opened:
    """A log ready for the sequencer: the state rebuilt from its entries."""

    log: Log
    store: Store
    hierarchy: Hierarchy
    intake: Intake
    view: LedgerView
    manifest: Manifest
    created: bool
    replay_seconds: float
    contests: Contests | None = None
    """The contests file a format v2 manifest names (None for a v1 log)."""


# --- refusals -------------------------------------------------------------------------


def _manifest_required(config: ServiceConfig) -> ConfigError:
    return ConfigError(
        code="config.manifest-required",
        en=(
            f"{config.log_dir} holds no log yet: give the signed manifest entry with --manifest "
            "FILE (it becomes entry 0)"
        ),
        id=(
            f"{config.log_dir} belum berisi log: berikan entri manifest bertanda tangan dengan "
            "--manifest BERKAS (menjadi entri 0)"
        ),
        data=str(config.data),
    )


def _manifest_invalid(path: Path, error: SaksiError) -> ConfigError:
    return ConfigError(
        code="config.manifest-invalid",
        en=f"the manifest file {path} is not a signed manifest entry: {error.message_en}",
        id=f"berkas manifest {path} bukan entri manifest bertanda tangan: {error.message_id}",
        file=str(path),
        reason=error.code,
    )


def _manifest_mismatch(path: Path, log_dir: Path) -> ConfigError:
    return ConfigError(
        code="config.manifest-mismatch",
        en=(
            f"the manifest file {path} is not entry 0 of the log in {log_dir}: this data "
            "directory (or database) belongs to another election"
        ),
        id=(
            f"berkas manifest {path} bukan entri 0 log di {log_dir}: folder data (atau basis "
            "data) ini milik pemilu lain"
        ),
        file=str(path),
        log=str(log_dir),
    )


def _regions_mismatch(manifest: Manifest, hierarchy: Hierarchy, source: str) -> ConfigError:
    return ConfigError(
        code="config.regions-mismatch",
        en=(
            f"the region hierarchy ({source}) has digest {hierarchy.digest()}, but the manifest "
            f"names {manifest.regions_digest}: give the manifest's region file with --regions, "
            "or its --scale and --seed"
        ),
        id=(
            f"hierarki wilayah ({source}) memiliki digest {hierarchy.digest()}, padahal manifest "
            f"menyebut {manifest.regions_digest}: berikan "
            "berkas wilayah manifest dengan --regions, "
            "atau --scale dan --seed-nya"
        ),
        expected=manifest.regions_digest,
        found=hierarchy.digest(),
    )


def _contests_required(config: ServiceConfig, digest: str) -> ConfigError:
    return ConfigError(
        code="config.contests-required",
        en=(
            f"the manifest records the legislative contests in the contests file {digest}: "
            f"give that file with --contests FILE (it is then recorded in "
            f"{recorded_contests(config.data)})"
        ),
        id=(
            f"manifest mencatat pemilihan legislatif dalam berkas pemilihan {digest}: "
            f"berikan berkas itu dengan --contests BERKAS (lalu dicatat di "
            f"{recorded_contests(config.data)})"
        ),
        expected=digest,
        data=str(config.data),
    )


def _contests_mismatch(path: Path, found: str, digest: str) -> ConfigError:
    return ConfigError(
        code="config.contests-mismatch",
        en=(
            f"the contests file {path} has digest {found}, but the manifest names {digest}: "
            "give the manifest's contests file with --contests"
        ),
        id=(
            f"berkas pemilihan {path} memiliki digest {found}, padahal manifest menyebut "
            f"{digest}: berikan berkas pemilihan manifest dengan --contests"
        ),
        file=str(path),
        expected=digest,
        found=found,
    )


def _contests_unused(path: Path) -> ConfigError:
    return ConfigError(
        code="config.contests-unused",
        en=(
            f"the manifest records no legislative contest (format v1): the contests file "
            f"{path} would not be used; start without --contests (or found a format v2 "
            "election: saksi election new --contests)"
        ),
        id=(
            f"manifest tidak mencatat pemilihan legislatif (format v1): berkas pemilihan "
            f"{path} tidak akan dipakai; jalankan tanpa --contests (atau dirikan pemilu "
            "format v2: saksi election new --contests)"
        ),
        file=str(path),
    )


def _replay_refused(index: int, error: SaksiError) -> SaksiError:
    return SaksiError(
        code="service.replay-refused",
        en=(
            f"entry {index} of the log is refused on replay ({error.code}: {error.message_en}); "
            "the log and this version of the rules disagree: run `saksi log fsck` and check "
            "the deployment"
        ),
        id=(
            f"entri {index} log ditolak saat diputar ulang ({error.code}: {error.message_id}); "
            "log dan versi aturan ini tidak sejalan: jalankan `saksi log fsck` dan periksa "
            "pemasangannya"
        ),
        index=index,
        reason=error.code,
    )


# --- pieces -------------------------------------------------------------------------


def recorded_regions(data: Path) -> Path:
    """``DATA/regions.json.gz``: the hierarchy of the log in ``data``, kept at its start."""
    return data / RECORDED_REGIONS


def with_recorded_regions(config: ServiceConfig) -> ServiceConfig:
    """The configuration a start uses: when no setting names a hierarchy (``regions``,
    ``scale``, ``seed``) and the data folder has recorded one, that one."""
    recorded = recorded_regions(config.data)
    if config.regions_given or not recorded.is_file():
        return config
    return config.with_(regions=recorded)


def recorded_contests(data: Path) -> Path:
    """``DATA/contests.json.gz``: the contests file of the log in ``data`` (format v2),
    kept at its first start."""
    return data / RECORDED_CONTESTS


def load_contests(config: ServiceConfig, manifest: Manifest) -> Contests | None:
    """The contests file the manifest names (None for a v1 manifest): ``contests`` if
    set, else the one recorded in the data folder. ConfigError
    ``config.contests-required`` (none), ``config.contests-mismatch`` (another digest),
    ``config.contests-unused`` (one given for a v1 manifest); InputError ``input.*``
    for a file that cannot be read as a contests file."""
    digest = manifest.contests_digest
    if digest is None:
        if config.contests is not None:
            raise _contests_unused(config.contests)
        return None
    recorded = recorded_contests(config.data)
    path = config.contests if config.contests is not None else recorded
    if config.contests is None and not recorded.is_file():
        raise _contests_required(config, digest)
    if path == recorded:  # written canonical by a first start: one hash of its bytes
        try:
            return Contests.load(path, digest=digest)
        except SaksiError as exc:
            if exc.code != "input.contests-digest":
                raise
            raise _contests_mismatch(path, str(exc.details.get("found")), digest) from None
    contests = Contests.load(path)  # any spelling of the same contests: the digest is of JCS
    if contests.digest() != digest:
        raise _contests_mismatch(path, contests.digest(), digest)
    return contests


def load_hierarchy(config: ServiceConfig) -> tuple[Hierarchy, str]:
    """The region hierarchy in use, and a description of where it came from."""
    if config.regions is not None:
        return Hierarchy.load(config.regions), str(config.regions)
    scale, seed = config.synthetic
    return synthetic_hierarchy(scale=scale, seed=seed), f"synthetic, scale {scale:g}, seed {seed}"


def _record(config: ServiceConfig, hierarchy: Hierarchy, contests: Contests | None) -> None:
    """Keep the log's hierarchy and contests file beside it, so that a later start needs
    only ``--data``."""
    recorded = recorded_regions(config.data)
    if not recorded.exists():
        hierarchy.save(recorded)
    if contests is not None and not recorded_contests(config.data).exists():
        contests.save(recorded_contests(config.data))


def read_manifest(path: Path) -> tuple[bytes, Envelope, Manifest]:
    """The manifest file's entry bytes (one trailing newline allowed), checked."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(
            code="config.manifest-unreadable",
            en=f"cannot read the manifest file {path}: {exc.strerror or exc}",
            id=f"berkas manifest {path} tidak dapat dibaca: {exc.strerror or exc}",
            file=str(path),
        ) from None
    data = data.removesuffix(b"\n").removesuffix(b"\r")
    try:
        envelope = parse_entry(data)
    except SaksiError as exc:
        raise _manifest_invalid(path, exc) from None
    if not isinstance(envelope.stmt, Manifest):
        wrong = SaksiError(
            code="auth.not-manifest",
            en=f"it is a {envelope.stmt.type} statement",
            id=f"isinya pernyataan {envelope.stmt.type}",
        )
        raise _manifest_invalid(path, wrong)
    return data, envelope, envelope.stmt


def store_opener(config: ServiceConfig, opened: list[Store]) -> Callable[[Path], Store]:
    """What Log.create/Log.open call to open the store; keeps it in ``opened``."""

    def opener(path: Path) -> Store:
        store = open_store(config.db if config.db is not None else path)
        opened.append(store)
        return store

    return opener


def _check_store_is_empty_or(
    config: ServiceConfig, manifest: bytes, opener: Callable[[Path], Store]
) -> None:
    """Before creating a log over an existing database: it must be empty or this log's."""
    if config.db is None:
        return  # a new directory has a new SQLite file
    with opener(LogLayout(config.log_dir).store_file) as store:
        if store.size() and store.entry(0) != manifest:
            raise _manifest_mismatch(config.manifest or Path("?"), config.log_dir)


def _entry_zero(config: ServiceConfig, log: Log, store: Store) -> tuple[bytes, Manifest]:
    """The manifest of an existing log (appending it if a crash came before that)."""
    given = read_manifest(config.manifest) if config.manifest is not None else None
    if store.size() == 0:
        if given is None:
            raise _manifest_required(config)
        store.append(given[0])
        return given[0], given[2]
    entry = store.entry(0)
    if given is not None and given[0] != entry:
        raise _manifest_mismatch(config.manifest or Path("?"), config.log_dir)
    envelope = parse_stored(entry)
    if not isinstance(envelope.stmt, Manifest) or envelope.stmt.election != log.origin:
        raise _manifest_mismatch(Path(f"{config.log_dir}/entry 0"), config.log_dir)
    return entry, envelope.stmt


def _create(config: ServiceConfig, opened: list[Store]) -> tuple[Log, bytes, Manifest]:
    if config.manifest is None:
        raise _manifest_required(config)
    data, _, manifest = read_manifest(config.manifest)
    opener = store_opener(config, opened)
    _check_store_is_empty_or(config, data, opener)
    opened.clear()
    config.data.mkdir(parents=True, exist_ok=True)
    # With witnesses, nothing is published before they cosign it (not even the empty tree).
    log, _ = Log.create(config.log_dir, manifest.election, opener, publish=not config.witnesses)
    placed = opened[-1].append(data)
    if placed.index != 0:
        log.close()
        raise _manifest_mismatch(config.manifest, config.log_dir)
    return log, data, manifest


def open_log(config: ServiceConfig) -> Opened:
    """Create or open the log, check manifest and regions, replay; see the module doc."""
    hierarchy, source = load_hierarchy(config)
    checked: tuple[str | None, Contests | None] | None = None  # (digest, file) read once
    if config.manifest is not None and not _has_log(config):  # before creating anything
        _, envelope, manifest = read_manifest(config.manifest)
        if manifest.regions_digest != hierarchy.digest():
            raise _regions_mismatch(manifest, hierarchy, source)
        try:
            check_text(envelope)  # a new log's first submission (an existing one replays)
        except SaksiError as exc:
            raise _manifest_invalid(config.manifest, exc) from None
        checked = manifest.contests_digest, load_contests(config, manifest)
    opened: list[Store] = []
    created = not _has_log(config)
    if created:
        log, entry, manifest = _create(config, opened)
    else:
        log = Log.open(config.log_dir, store_opener(config, opened), publish=not config.witnesses)
    store = opened[-1]
    try:
        if not created:
            entry, manifest = _entry_zero(config, log, store)
        if manifest.regions_digest != hierarchy.digest():
            raise _regions_mismatch(manifest, hierarchy, source)
        if checked is not None and checked[0] == manifest.contests_digest:
            contests = checked[1]
        else:
            contests = load_contests(config, manifest)
        _record(config, hierarchy, contests)
        intake = Intake.start(entry, region_exists=hierarchy.exists, contests=contests)
        view = LedgerView()
        started = time.perf_counter()
        replay(intake, store, view, verify=config.replay_verify)
        seconds = time.perf_counter() - started
        # Receipts' proofs use the published checkpoint: with witnesses it may be
        # behind the signed one until they cosign it.
        covered = log.published_checkpoint() if config.witnesses else log.signed_checkpoint()
        view.set_checkpoint_size(0 if covered is None else covered.size)
    except BaseException:
        log.close()
        raise
    return Opened(log, store, hierarchy, intake, view, manifest, created, seconds, contests)


def _has_log(config: ServiceConfig) -> bool:
    layout = LogLayout(config.log_dir)
    return layout.origin_file.exists() or layout.key_file.exists()


def replay(intake: Intake, store: Store, view: LedgerView, *, verify: bool = True) -> int:
    """Admit and record every entry after the manifest, in order; the entries replayed.

    ``verify=False`` skips the canonical-form and signature checks of each entry (they
    were made when it was admitted): about 8 µs an entry instead of 66.
    """
    view.commit_manifest()
    election = intake.election
    chunk: list[Committed] = []
    count = 0
    for index, entry in store.entries(1):
        try:
            envelope = parse_entry(entry, election=election) if verify else parse_stored(entry)
            admission = intake.admit_envelope(envelope, entry)
        except SaksiError as exc:
            raise _replay_refused(index, exc) from None
        intake.record(admission, index)
        chunk.append(Committed(index, admission))
        count += 1
        if len(chunk) >= REPLAY_CHUNK:
            view.commit(chunk)
            chunk = []
    view.commit(chunk)
    return count


__all__ = [
    "RECORDED_CONTESTS",
    "RECORDED_REGIONS",
    "REPLAY_CHUNK",
    "Opened",
    "load_contests",
    "load_hierarchy",
    "open_log",
    "read_manifest",
    "recorded_contests",
    "recorded_regions",
    "replay",
    "with_recorded_regions",
]
