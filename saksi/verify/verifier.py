"""``verify(source, options)``: one run of the independent verifier.

In order, reading only what is published:

1. the checkpoint: the log's signature and the witness quorum of the policy;
2. consistency with the checkpoint this verifier verified last (its state folder): a
   smaller tree is a rollback, the same size with another root or a tree that does
   not extend the old one is a fork; both signed checkpoints are kept as evidence;
3. the tiles and entry bundles: all of them (:func:`~saksi.tlog.tiles.verify_tiles`)
   on a first or ``full`` run; on a later run the new entries, whose leaf hashes must
   extend the saved right edge of the tree to the new root;
4. every new entry's canonical form, schema, signature and rules, on every core
   (:mod:`saksi.verify.entries`, :mod:`saksi.verify.signatures`), each bad entry named
   by index;
5. the authorization of every statement, replayed by the verifier's own reading of
   docs/format.md (:class:`~saksi.verify.keys.Fold`), and the tally of docs/recap.md
   (:mod:`saksi.verify.tally`); an entry that should have been refused is named, and
   then left out, as the service would have left it out. A version 2 log's legislative
   entries are authorized with its contests file (:mod:`saksi.verify.contests`),
   counted per contest, and each contest tallied with its seats by the verifier's own
   code (:mod:`saksi.verify.legislative_tally`), which the report gives;
6. the published results at their generation (:mod:`saksi.verify.totals`);
7. every published photo against the hash its statement logged.

The state is saved (atomically) only when the log itself verified: the next run
reads only what is new.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NoReturn

from saksi.errors import LogError, SaksiError, TileError, VerifyError
from saksi.tlog.checkpoint import Checkpoint, SignedCheckpoint
from saksi.tlog.merkle import CompactRange, consistency_proof, root_at, verify_consistency
from saksi.tlog.tiles import TILE_WIDTH, TileReader, verify_tiles
from saksi.verify.contests import Contests
from saksi.verify.entries import Checked
from saksi.verify.findings import Finding, Kind, finding
from saksi.verify.keys import Fold
from saksi.verify.legislative_published import compare as published_legislative
from saksi.verify.legislative_published import compare_exports, exports_due
from saksi.verify.legislative_reconcile import cross_form_counted, recap_checks
from saksi.verify.legislative_reconcile import summary as reconciliation
from saksi.verify.legislative_tally import ContestCount
from saksi.verify.options import Progress, Report, VerifyOptions
from saksi.verify.photos import check_photos
from saksi.verify.regions import Regions
from saksi.verify.schema import legislative_contests
from saksi.verify.signatures import EntryChecker
from saksi.verify.source import Publication, open_publication
from saksi.verify.state import SavedState, StateDir
from saksi.verify.totals import ResultsCheck

LATEST = "latest.json"
SMALL = 4 * TILE_WIDTH
"""Below this many new entries, ``workers=None`` checks them in this process."""


class _Stop(Exception):
    """A finding that ends the run (nothing after it can be trusted)."""


def _cp(checkpoint: Checkpoint) -> dict[str, Any]:
    return {
        "origin": checkpoint.origin,
        "tree_size": checkpoint.size,
        "root_hash": checkpoint.root.hex(),
    }


class Verifier:
    def __init__(self, source: str | Path, options: VerifyOptions) -> None:
        self.source = str(source)
        self.options = options
        self.report = Report(self.source, quorum=options.policy.describe())
        self.states = StateDir(options.state_dir)
        self.pub: Publication | None = None
        self.recap: Fold | None = None
        self.regions: Regions | None = None
        self.contests: Contests | None = None
        self.fold_ok = True
        self.photos: dict[str, int] = {}  # absent or wrong: to check again next run
        self.cited: dict[str, int] = {}  # cited by the chunk being folded, not yet checked
        self.seen_photos: set[bytes] = set()  # checked this run (SHA-256 digests)
        self.due: dict[int, list[Callable[[Fold], None]]] = {}
        self.skipped_noticed = False
        self.unlinked_legislative = False  # latest.json links no legislative results

    # -- the run -------------------------------------------------------------

    def run(self) -> Report:
        started = time.monotonic()
        try:
            self._run()
        except _Stop:
            pass
        except LogError as exc:  # a source that stopped answering half way
            if exc.code != "log.source-unreachable":
                raise
            self._unreachable(exc)
        self.report.elapsed = time.monotonic() - started
        return self.report

    def _run(self) -> None:
        pub = self.pub = self._open()
        signed = self._checkpoint(pub)
        state = self._state()
        if state is not None and state.checkpoint.origin != signed.checkpoint.origin:
            raise VerifyError(
                code="verify.state-other-log",
                en=(
                    f"the state folder {self.states.folder} is of log {state.checkpoint.origin}, "
                    f"not {signed.checkpoint.origin}: use another --state"
                ),
                id=(
                    f"folder status {self.states.folder} milik log {state.checkpoint.origin}, "
                    f"bukan {signed.checkpoint.origin}: gunakan --state lain"
                ),
            )
        if state is not None:
            self.report.previous = _cp(state.checkpoint)
            self._consistency(state, signed)
        fresh = state is None or self.options.full or state.fold_file is None
        self._tiles(signed.checkpoint, fresh)
        start, compact = self._resume(None if fresh else state)
        self._plan_results(signed.checkpoint, start)
        self._entries(signed.checkpoint, start, compact, tiles_checked=fresh)
        pending = dict(state.photos_pending) if state is not None and not fresh else {}
        self._photos(pending)
        if self.recap is not None:
            self.report.legislative = {k: dict(v) for k, v in sorted(self.recap.seen.items())}
            self._seats(signed.checkpoint)
            if self.unlinked_legislative and self.recap.legislative:
                self.report.notice(
                    "latest.json links no legislative results (no legislative member): the "
                    "legislative contests' files are not compared, only recomputed",
                    "latest.json tidak menautkan hasil legislatif (tidak ada anggota "
                    "legislative): berkas pemilihan legislatif tidak dibandingkan, hanya "
                    "dihitung ulang",
                )
        self._save(signed, compact)

    def _seats(self, checkpoint: Checkpoint) -> None:
        """Each legislative contest's tally and seats at the checkpoint, the verifier's
        own (docs/recap.md, "Seats from the log")."""
        fold = self.recap
        assert fold is not None
        if fold.contests_file is None or fold.size != checkpoint.size:
            return
        names = {c["kind"]: c["name"] for c in fold.manifest["contests"]}
        checks: dict[str, list[dict[str, Any]]] = {}
        for contest in fold.legislative:
            count = ContestCount(contest, fold.chains[contest], fold.contests_file, fold.regions)
            self.report.seats[contest] = count.seats_json(_cp(checkpoint), names[contest])
            checks[contest] = recap_checks(count, fold.regions)
        if checks:
            self.report.reconciliation = reconciliation(checks, cross_form_counted(fold))

    def _state(self) -> SavedState | None:
        """The saved state; with ``full``, one of another layout is not read at all
        (and is replaced by this run's)."""
        try:
            return self.states.load()
        except VerifyError as exc:
            if exc.code != "verify.state-layout" or not self.options.full:
                raise
        self.report.notice(
            "the state folder was written by another layout: not read, rebuilt from the log",
            "folder status ditulis dengan tata letak lain: tidak dibaca, dibangun ulang dari log",
        )
        return None

    def _open(self) -> Publication:
        try:
            pub = open_publication(self.source)
        except LogError as exc:
            self._unreachable(exc)
            raise _Stop from None
        if pub.bare:
            self.report.notice(
                "a bare log: the results and the photos were not checked",
                "log saja: hasil dan foto tidak diperiksa",
            )
        return pub

    def _unreachable(self, exc: SaksiError) -> None:
        self.report.findings.add(
            finding(
                Kind.UNREACHABLE,
                "verify.unreachable",
                f"the publication cannot be read: {exc.message_en}",
                f"publikasi tidak dapat dibaca: {exc.message_id}",
                **{**exc.details, "source": self.source, "cause": exc.code},
            )
        )

    def _add(self, found: Finding) -> None:
        self.report.findings.add(found)

    def _fail(self, found: Finding) -> NoReturn:
        """Record a finding after which nothing can be trusted, and end the run."""
        self.report.findings.add(found)
        raise _Stop

    # -- 1. the checkpoint ---------------------------------------------------

    def _checkpoint(self, pub: Publication) -> SignedCheckpoint:
        note = pub.log.read("checkpoint")
        if note is None:
            self._fail(
                finding(
                    Kind.UNREACHABLE,
                    "verify.no-checkpoint",
                    f"{self.source} publishes no checkpoint: it is not a published log",
                    f"{self.source} tidak memublikasikan checkpoint: bukan log yang dipublikasikan",
                    source=self.source,
                )
            )
        policy = self.options.policy
        try:
            signed, cosigned = policy.open(note)
        except SaksiError as exc:
            self._fail(
                finding(
                    Kind.SIGNATURE,
                    "verify.checkpoint-signature",
                    f"the checkpoint is not validly signed: {exc.message_en}",
                    f"checkpoint tidak ditandatangani dengan sah: {exc.message_id}",
                    **{**exc.details, "cause": exc.code},
                )
            )
        self.report.checkpoint = _cp(signed.checkpoint)
        self.report.cosigned = cosigned
        if not policy.satisfied(cosigned):
            self._fail(
                finding(
                    Kind.SIGNATURE,
                    "verify.quorum-not-met",
                    f"the witness quorum {policy.describe()} is not met: cosigned by "
                    f"{', '.join(cosigned) or 'no known witness'}",
                    f"kuorum pemantau {policy.describe()} tidak terpenuhi: ditandatangani "
                    "bersama oleh "
                    f"{', '.join(cosigned) or 'tidak ada pemantau yang dikenal'}",
                    quorum=policy.describe(),
                    cosigned=list(cosigned),
                )
            )
        return signed

    # -- 2. consistency with what was verified before ------------------------

    def _consistency(self, state: SavedState, signed: SignedCheckpoint) -> None:
        old, new = state.checkpoint, signed.checkpoint
        if new.size < old.size:
            self._evidence(
                state,
                signed,
                "rollback",
                (
                    f"the log was rolled back: it now shows size {new.size}, but size "
                    f"{old.size} was verified before",
                    f"log dimundurkan: kini menunjukkan ukuran {new.size}, padahal "
                    f"ukuran {old.size} sudah diverifikasi sebelumnya",
                ),
            )
        if new.size == old.size and new.root != old.root:
            self._evidence(
                state,
                signed,
                "fork",
                (
                    f"a fork: two different trees of size {new.size} are signed "
                    f"(root {old.root.hex()} verified before, {new.root.hex()} now)",
                    f"percabangan: dua pohon berbeda berukuran {new.size} ditandatangani "
                    f"(akar {old.root.hex()} sebelumnya, {new.root.hex()} sekarang)",
                ),
            )
        if old.size in (new.size, 0):
            return
        try:
            reader = TileReader(self._log(), new.size)
            proof = consistency_proof(old.size, new.size, reader)
            verify_consistency(old.size, new.size, proof, old.root, new.root)
        except TileError as exc:
            self._tile_finding(exc)
        except LogError as exc:
            self._evidence(
                state,
                signed,
                "fork",
                (
                    f"a fork: the tree of size {new.size} does not extend the tree of "
                    f"size {old.size} verified before ({exc.message_en})",
                    f"percabangan: pohon berukuran {new.size} tidak melanjutkan pohon "
                    f"berukuran {old.size} yang diverifikasi sebelumnya "
                    f"({exc.message_id})",
                ),
            )

    def _evidence(
        self, state: SavedState, signed: SignedCheckpoint, what: str, message: tuple[str, str]
    ) -> None:
        en, id_ = message
        code = f"verify.{what}"
        old, new = state.checkpoint, signed.checkpoint
        folder = self.states.keep_evidence(
            what,
            {
                f"verified-{old.size}.checkpoint": state.note,
                f"presented-{new.size}.checkpoint": signed.note_bytes,
            },
        )
        self.report.evidence.append(str(folder))
        self._fail(
            finding(
                Kind.INCONSISTENT,
                code,
                f"{en}; both signed checkpoints are kept in {folder}",
                f"{id_}; kedua checkpoint bertanda tangan disimpan di {folder}",
                verified=_cp(old),
                presented=_cp(new),
                evidence=str(folder),
            )
        )

    def _log(self) -> Any:
        assert self.pub is not None
        return self.pub.log

    def _tile_finding(self, exc: SaksiError) -> None:
        self._fail(
            finding(
                Kind.INCONSISTENT,
                "verify.tiles",
                f"the published tiles are not those the checkpoint signs: {exc.message_en}",
                f"tile yang dipublikasikan bukan yang ditandatangani checkpoint: {exc.message_id}",
                **{**exc.details, "cause": exc.code},
            )
        )

    # -- 3. tiles ------------------------------------------------------------

    def _tiles(self, checkpoint: Checkpoint, fresh: bool) -> None:
        try:
            if fresh:
                done = verify_tiles(self._log(), checkpoint.size, checkpoint.root)
                self.report.count("tiles", done.tiles)
                self.report.count("bundles", done.bundles)
            elif (
                checkpoint.size
                and TileReader(self._log(), checkpoint.size).root() != checkpoint.root
            ):
                self._fail(
                    finding(
                        Kind.INCONSISTENT,
                        "verify.root-mismatch",
                        f"the tiles do not hash to the checkpoint's root (size {checkpoint.size})",
                        f"tile tidak menghasilkan akar checkpoint (ukuran {checkpoint.size})",
                        tree_size=checkpoint.size,
                    )
                )
        except TileError as exc:
            self._tile_finding(exc)

    def _resume(self, state: SavedState | None) -> tuple[int, CompactRange]:
        if state is None:
            return 0, CompactRange()
        self.recap = self.states.load_fold(state, self._regions(), self._contests)
        if self.recap is None:
            return 0, CompactRange()
        return state.checkpoint.size, state.compact_range()

    # -- 6. results: what to compare, and when -------------------------------

    def _plan_results(self, checkpoint: Checkpoint, start: int) -> None:
        pub = self.pub
        assert pub is not None
        if pub.results is None:
            return
        latest = self._latest(checkpoint)
        if latest is None:
            return
        check = ResultsCheck(pub.results, latest)
        size = latest["tree_size"]
        exports = _exports_generation(latest)
        plan: list[tuple[int, Callable[[Fold], None]]] = [(size, check.snapshots_at)]
        if isinstance(latest.get("legislative"), dict):
            plan.append((size, lambda fold: published_legislative(check, fold)))
        else:
            self.unlinked_legislative = True
        if exports is not None:
            at = self._checkpoint_at(checkpoint, exports)
            plan.append((exports, lambda fold: check.exports_at(fold, at.size, at.root)))
        for point, contests in exports_due(latest).items():
            plan.append((point, self._legislative_exports(check, checkpoint, point, contests)))
        for point, task in plan:
            if point > checkpoint.size:
                self.report.notice(
                    f"the results of size {point} are ahead of the log's checkpoint "
                    f"({checkpoint.size}): not compared",
                    f"hasil berukuran {point} mendahului checkpoint log ({checkpoint.size}): "
                    "tidak dibandingkan",
                )
            elif point < start:
                self.report.notice(
                    f"the results of size {point} are older than the verifier's state "
                    f"({start}): not compared (run with --full to compare them)",
                    f"hasil berukuran {point} lebih lama dari status pemverifikasi ({start}): "
                    "tidak dibandingkan (jalankan dengan --full)",
                )
            else:
                self.due.setdefault(point, []).append(self._counted(check, task))

    def _counted(self, check: ResultsCheck, task: Callable[[Fold], None]) -> Callable[[Fold], None]:
        def run(recap: Fold) -> None:
            before = len(check.found)
            try:
                task(recap)
            except (AttributeError, TypeError, KeyError, ValueError) as exc:
                self._add(
                    finding(
                        Kind.TOTALS,
                        "verify.results-missing",
                        f"the results are malformed ({exc.__class__.__name__}): not compared",
                        f"hasil tidak berbentuk sah ({exc.__class__.__name__}): tidak dibandingkan",
                        file=LATEST,
                    )
                )
            self.report.findings.extend(check.found[before:])
            if check.skipped and not self.skipped_noticed:
                self.skipped_noticed = True
                kinds = ", ".join(sorted(check.skipped))
                self.report.notice(
                    f"latest.json lists the legislative contests {kinds} under contests: "
                    "their files are compared where latest.json links them, under legislative",
                    f"latest.json mencantumkan pemilihan legislatif {kinds} di bawah contests: "
                    "berkasnya dibandingkan di tempat latest.json menautkannya, di bawah "
                    "legislative",
                )
            self.report.counts["snapshots"] = check.snapshots
            if check.seats:
                self.report.counts["seats_files"] = check.seats
            if check.legislative_snapshots or check.dapil_files:
                self.report.counts["legislative_snapshots"] = check.legislative_snapshots
                self.report.counts["dapil_files"] = check.dapil_files
            self.report.counts["exports"] = check.exports
            self.report.results_checked = True

        return run

    def _legislative_exports(
        self, check: ResultsCheck, checkpoint: Checkpoint, point: int, contests: list[str]
    ) -> Callable[[Fold], None]:
        def task(fold: Fold) -> None:
            at = self._checkpoint_at(checkpoint, point)
            compare_exports(check, fold, contests, (str(at.size), at.root.hex()))

        return task

    def _latest(self, checkpoint: Checkpoint) -> dict[str, Any] | None:
        pub = self.pub
        assert pub is not None and pub.results is not None
        data = pub.results.read(LATEST)
        if data is None:
            self.report.notice(
                "no results are published (results/latest.json is absent)",
                "tidak ada hasil yang dipublikasikan (results/latest.json tidak ada)",
            )
            return None
        try:
            latest = json.loads(data)
            size, root = int(latest["tree_size"]), bytes.fromhex(latest["root_hash"])
            origin = latest["election"]
        except (ValueError, KeyError, TypeError, RecursionError):
            self._add(
                finding(
                    Kind.TOTALS,
                    "verify.results-missing",
                    "results/latest.json is not a saksi-results/1 document",
                    "results/latest.json bukan dokumen saksi-results/1",
                    file=LATEST,
                )
            )
            return None
        if origin != checkpoint.origin or (
            0 < size <= checkpoint.size and self._root_at(checkpoint, size) != root
        ):
            self._add(
                finding(
                    Kind.INCONSISTENT,
                    "verify.results-other-log",
                    f"the results name log {origin} at size {size} with root {root.hex()}, "
                    "which is not the verified log",
                    f"hasil menyebut log {origin} pada ukuran {size} dengan akar {root.hex()}, "
                    "yang bukan log yang diverifikasi",
                    file=LATEST,
                    election=origin,
                    tree_size=size,
                    root_hash=root.hex(),
                )
            )
            return None
        return dict(latest)

    def _root_at(self, checkpoint: Checkpoint, size: int) -> bytes:
        if size == checkpoint.size:
            return checkpoint.root
        return root_at(size, TileReader(self._log(), checkpoint.size))

    def _checkpoint_at(self, checkpoint: Checkpoint, size: int) -> Checkpoint:
        if size > checkpoint.size or size == 0:
            return checkpoint
        return Checkpoint(checkpoint.origin, size, self._root_at(checkpoint, size))

    # -- 4, 5. entries: signatures, authorization, the fold -------------------

    def _regions(self) -> Regions:
        """The region file: given (``--regions``), linked by the results, or the default."""
        if self.regions is not None:
            return self.regions
        data = self.options.regions
        if data is None:
            data = self._linked_regions()
        if data is None and self.options.default_regions is not None:
            data = self.options.default_regions()
        if data is None:
            raise VerifyError(
                code="verify.no-regions",
                en="no region file: give --regions (the results link none)",
                id="tidak ada berkas wilayah: berikan --regions (hasil tidak menautkannya)",
            )
        self.regions = Regions(data)
        return self.regions

    def _contests(self, manifest: dict[str, Any]) -> Contests:
        """The contests file a version 2 manifest names: given (``--contests``), or
        published beside the results as ``contests/<contests_digest>.json``."""
        digest: str = manifest["contests_digest"]
        if self.contests is not None and self.contests.digest == digest:
            return self.contests
        data = self.options.contests
        where = "--contests"
        pub = self.pub
        if data is None and pub is not None and pub.results is not None:
            where = f"results/contests/{digest}.json"
            data = pub.results.read(f"contests/{digest}.json")
        if data is None:
            raise VerifyError(
                code="verify.no-contests",
                en=f"the log's manifest names the contests file {digest}, which is neither "
                "given (--contests) nor published beside the results "
                f"(results/contests/{digest}.json)",
                id=f"manifest log menyebut berkas pemilihan {digest}, yang tidak diberikan "
                "(--contests) dan tidak dipublikasikan bersama hasil "
                f"(results/contests/{digest}.json)",
                expected=digest,
            )
        contests = Contests(data, digest)
        missing = [k for k in legislative_contests(manifest) if not contests.has(k)]
        if missing:
            raise VerifyError(
                code="verify.bad-contests",
                en=f"the contests file ({where}) has no {', '.join(missing)}, which the "
                "manifest records",
                id=f"berkas pemilihan ({where}) tidak memuat {', '.join(missing)}, yang "
                "dicatat manifest",
                reason=f"missing {', '.join(missing)}",
            )
        self.contests = contests
        return contests

    def _linked_regions(self) -> bytes | None:
        pub = self.pub
        if pub is None or pub.results is None:
            return None
        data = pub.results.read(LATEST)
        try:
            link = json.loads(data)["regions"] if data is not None else None
            return pub.results.read(link) if isinstance(link, str) else None
        except (ValueError, KeyError, TypeError, LogError):
            return None

    def _workers(self, count: int) -> int:
        if self.options.workers is not None:
            return self.options.workers
        return 0 if count < SMALL else os.cpu_count() or 1

    def _chunks(self, start: int, stop: int, check: bool) -> Iterator[tuple[int, list[bytes]]]:
        reader = TileReader(self._log(), stop)
        step = TILE_WIDTH * max(self.options.chunk_bundles, 1)
        first = start
        while first < stop:
            end = min((first // step + 1) * step, stop)
            yield first, reader.entries(first, end, check=check)
            first = end

    def _entries(
        self, checkpoint: Checkpoint, start: int, compact: CompactRange, *, tiles_checked: bool
    ) -> None:
        """Check and fold entries ``start`` to the checkpoint's size, a chunk of bundles
        at a time. After :func:`verify_tiles` (``tiles_checked``) each bundle is read
        without hashing it against its tile again: the leaf hashes (the workers') still
        extend ``compact``, whose root must be the checkpoint's, so a bundle that changed
        since is still caught."""
        total = checkpoint.size - start
        if start in self.due and self.recap is not None:
            for task in self.due.pop(start):
                task(self.recap)
        began = last = time.monotonic()
        try:
            with EntryChecker(self._workers(total)) as checker:
                chunks = self._chunks(start, checkpoint.size, not tiles_checked)
                for first, checked, trees in checker.map(chunks):
                    for level, root in trees:
                        compact.append_subtree(level, root)
                    for index, item in enumerate(checked, first):
                        self._entry(index, item)
                    self._check_cited()
                    now = time.monotonic()
                    if self.options.progress is not None and now - last >= 1.0:
                        last = now
                        done = first + len(checked) - start
                        self.options.progress(Progress(done, total, done / (now - began)))
        except TileError as exc:
            self._tile_finding(exc)
        self.report.count("entries", total)
        if compact.root() != checkpoint.root:
            self._fail(
                finding(
                    Kind.INCONSISTENT,
                    "verify.root-mismatch",
                    f"the entries do not hash to the checkpoint's root (size {checkpoint.size})",
                    f"entri tidak menghasilkan akar checkpoint (ukuran {checkpoint.size})",
                    tree_size=checkpoint.size,
                )
            )

    def _entry(self, index: int, item: Checked) -> None:
        if item[0] is None:
            _, code, en, id_ = item
            kind_code = (
                "verify.entry-bad-signature"
                if code == "statement.bad-signature"
                else "verify.entry-unreadable"
            )
            self._add(
                finding(
                    Kind.SIGNATURE,
                    kind_code,
                    f"entry {index}: {en}",
                    f"entri {index}: {id_}",
                    index=index,
                    cause=code,
                )
            )
            self._skip(index)
        elif self._fold(index, item) and self.pub is not None and self.pub.photos is not None:
            for sha in _photos(item):  # only when there are photos to check them against
                self.cited.setdefault(sha, index)
        tasks = self.due.pop(index + 1, None) if self.due else None
        if tasks and self.recap is not None:
            for task in tasks:
                task(self.recap)

    def _fold(self, index: int, item: Checked) -> bool:
        """Authorize and fold one entry; False if it is refused (and left out)."""
        if self.recap is None:
            if index != 0 or not self.fold_ok:
                return False
            regions = self._regions()
            refused = Fold.first(item, regions)
            if refused is None and item[5]["regions_digest"] != regions.digest:
                expected = item[5]["regions_digest"]
                raise VerifyError(
                    code="verify.regions-mismatch",
                    en=f"the region file has digest {regions.digest}, but the log's manifest "
                    f"names {expected}: verify with the manifest's region file",
                    id=f"berkas wilayah memiliki digest {regions.digest}, padahal manifest log "
                    f"menyebut {expected}: gunakan berkas wilayah manifest",
                    expected=expected,
                    found=regions.digest,
                )
            if refused is not None:
                self._refused(index, refused)
                self.fold_ok = False
                return False
            manifest = item[5]
            contests = self._contests(manifest) if "contests_digest" in manifest else None
            self.recap = Fold(item, regions, contests)
            return True
        refused = self.recap.apply(item)
        if refused is not None:
            self._refused(index, refused)
            return False
        return True

    def _refused(self, index: int, refused: tuple[str, str, str]) -> None:
        cause, en, id_ = refused
        self._add(
            finding(
                Kind.UNAUTHORIZED,
                "verify.unauthorized",
                f"entry {index} ({cause}): log entry {index} would not have been accepted: {en}",
                f"entri {index} ({cause}): entri log {index} seharusnya tidak diterima: {id_}",
                index=index,
                cause=cause,
            )
        )

    def _skip(self, index: int) -> None:
        """Leave entry ``index`` out of the fold, as the service would have refused it."""
        if self.recap is not None:
            self.recap.skip()
        elif index == 0:
            self.fold_ok = False

    # -- 7. photos -----------------------------------------------------------

    def _check_cited(self) -> None:
        """Check the photos the last chunk cited, each once a run: a national log cites
        800,000, which are not all kept in memory until the end."""
        pub = self.pub
        if not self.cited or pub is None or pub.photos is None:
            return
        fresh = {}
        for sha, index in self.cited.items():
            digest = bytes.fromhex(sha)  # 64 hex digits: the schema's pattern
            if digest not in self.seen_photos:
                self.seen_photos.add(digest)
                fresh[sha] = index
        self.photos.update(check_photos(pub.photos, fresh, self.report))
        self.cited = {}

    def _photos(self, pending: dict[str, int]) -> None:
        """After the entries: the photos an earlier run could not check, once more."""
        pub = self.pub
        assert pub is not None
        if pub.photos is None:
            self.photos = {}
            return
        self._check_cited()
        self.cited = dict(pending)
        self._check_cited()
        self.report.photos_checked = True

    # -- saving --------------------------------------------------------------

    def _save(self, signed: SignedCheckpoint, compact: CompactRange) -> None:
        findings = self.report.findings
        if findings.has(Kind.SIGNATURE, Kind.INCONSISTENT, Kind.UNAUTHORIZED) or self.recap is None:
            return
        state = SavedState(
            signed.note_bytes, signed.checkpoint, compact.nodes(), photos_pending=self.photos
        )
        self.states.save(state, self.recap)
        self.report.state_saved = True


_PHOTOS = {"c-hasil": 12, "c-salinan": 9, "correction": 12, "d-hasil": 10}
"""Where a checked entry holds the photos it cites (:mod:`saksi.verify.entries`)."""


def _photos(item: Checked) -> tuple[str, ...]:
    at = _PHOTOS.get(item[2])
    return item[at] if at is not None else ()


def _exports_generation(latest: dict[str, Any]) -> int | None:
    for links in latest.get("contests", {}).values():
        exports = links.get("exports") if isinstance(links, dict) else None
        nist = exports.get("nist") if isinstance(exports, dict) else None
        if isinstance(nist, str) and nist.split("/", 1)[0].isdigit():
            return int(nist.split("/", 1)[0])
    return None


def verify(source: str | Path, options: VerifyOptions) -> Report:
    """Verify the publication at ``source`` (a folder or a URL); see the module's doc."""
    return Verifier(source, options).run()


__all__ = ["Verifier", "verify"]
