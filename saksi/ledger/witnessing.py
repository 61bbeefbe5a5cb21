"""Witnessing: each new checkpoint is cosigned by the log's witnesses before it is published.

With witnesses configured (``witnesses``, ``witness_quorum``, ``witness_timeout``), the
integrator thread does, every ``integrate_interval`` while the published checkpoint
is behind the store:

1. ``Log.integrate(publish=False)``: sign and store (compare-and-swap) a checkpoint
   of every stored entry, or, when nothing is new, take the one already stored. The
   log signs **one checkpoint per size**: a witness that refuses or is down never
   makes it sign another tree; it only delays publication.
2. Send that note, with a consistency proof from the size each witness last
   cosigned (read from the tiles: ``Log.consistency_proof``), to every witness that
   has not cosigned it yet, **in parallel** (C2SP tlog-witness ``add-checkpoint``,
   :func:`saksi.witness.client.add_checkpoint`, each request bounded by
   ``witness_timeout``). A witness that answers 409 ``witness.conflict`` names the
   size it holds (0 the first time after a start, when the service does not know
   it): the request is sent again with a proof from there. A witness with a request
   still in flight from an earlier round is not sent another one.
3. Once ``witness_quorum`` witnesses returned a valid cosignature (checked with
   their configured keys, :func:`saksi.witness.client.attach_cosignatures`), the
   note with every cosignature gathered is published (``Log.publish``: atomically,
   only the latest signed checkpoint). Until then the previous published checkpoint
   stays, and receipts of the newer entries carry no proof. When the quorum is met,
   the others still answering get a short grace (:data:`GRACE`), so that a healthy
   witness's cosignature is not left out by a few milliseconds.

Cosignatures are kept per witness for the checkpoint they cosign: a later round for
the same checkpoint asks only the witnesses still missing. What each witness did is
kept for /health and /metrics (:meth:`Witnessing.health`, :meth:`Witnessing.metrics`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from saksi.errors import SaksiError, ServiceError, WitnessError
from saksi.ledger.config import WitnessSpec
from saksi.ledger.exposition import family
from saksi.tlog.checkpoint import Checkpoint, CosignatureVerifier
from saksi.tlog.log import Log
from saksi.tlog.note import NoteSignature, split_note
from saksi.witness.client import add_checkpoint, attach_cosignatures

__all__ = ["GRACE", "MAX_CONFLICTS", "Witnessing"]

log = logging.getLogger("saksi.service.witnessing")

GRACE: Final = 0.25
"""Seconds the other witnesses still get once the quorum is met."""
MAX_CONFLICTS: Final = 2
"""``witness.conflict`` answers followed (each with a new proof) in one request."""
COSIGNED: Final = "cosigned"
"""The outcome label of a request answered with a valid cosignature."""


def _witness_ahead(spec: WitnessSpec, theirs: object, size: int) -> ServiceError:
    return ServiceError(
        code="service.witness-ahead",
        en=(
            f"the witness {spec.name} ({spec.url}) holds a checkpoint of size {theirs} of this "
            f"log, larger than the latest the log signed ({size}): the log's state is older "
            "than what it once showed the world (restored from a backup?); nothing is sent"
        ),
        id=(
            f"pemantau {spec.name} ({spec.url}) memegang checkpoint log ini berukuran {theirs}, "
            f"lebih besar dari yang terakhir ditandatangani log ({size}): keadaan log lebih tua "
            "dari yang pernah ditunjukkannya (dipulihkan dari cadangan?); tidak ada yang dikirim"
        ),
        witness=spec.name,
        url=spec.url,
        size=theirs,
        log_size=size,
    )


def _bad_cosignature(spec: WitnessSpec, cause: SaksiError) -> ServiceError:
    return ServiceError(
        code="service.witness-bad-cosignature",
        en=(
            f"the witness {spec.name} ({spec.url}) answered without a valid cosignature by its "
            f"configured key ({cause.code})"
        ),
        id=(
            f"pemantau {spec.name} ({spec.url}) menjawab tanpa kosignatur sah dengan kunci yang "
            f"dikonfigurasi ({cause.code})"
        ),
        witness=spec.name,
        url=spec.url,
        reason=cause.code,
    )


def _iso(seconds: float | None) -> str | None:
    if seconds is None:
        return None
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class _Witness:
    """What the service knows of one witness (guarded by :attr:`Witnessing._lock`)."""

    spec: WitnessSpec
    verifier: CosignatureVerifier
    size: int | None = None  # the size it last cosigned, as far as we know (None: unknown)
    cosigned_at: float | None = None
    error: SaksiError | None = None
    error_at: float | None = None
    text: bytes | None = None  # the checkpoint body that ``line`` cosigns
    line: NoteSignature | None = None
    busy: Future[None] | None = None


class Witnessing:
    """Gathers cosignatures of the log's checkpoints and publishes them on quorum."""

    def __init__(
        self, log_: Log, witnesses: Sequence[WitnessSpec], quorum: int, timeout: float
    ) -> None:
        self._log = log_
        self._witnesses = [_Witness(spec, spec.verifier) for spec in witnesses]
        self._verifiers = [w.verifier for w in self._witnesses]
        self._quorum = quorum
        self._timeout = timeout
        self._lock = threading.Lock()
        self._requests: Counter[tuple[str, str]] = Counter()
        self._pool = ThreadPoolExecutor(len(witnesses) or 1, thread_name_prefix="saksi-witness")
        published = log_.published_checkpoint()
        self._published = log_.published() if published is not None else None
        self._published_size = 0 if published is None else published.size
        signed = log_.signed_checkpoint()
        self._signed_size = 0 if signed is None else signed.size

    @property
    def published(self) -> bytes | None:
        """The published checkpoint (with its cosignatures), or None before the first."""
        return self._published

    @property
    def published_size(self) -> int:
        return self._published_size

    @property
    def signed_size(self) -> int:
        return self._signed_size

    # --- the integrator's step ---

    def integrate(self) -> tuple[bool, int]:
        """Sign (if the store is ahead), gather cosignatures, publish on quorum.

        Returns whether a new checkpoint was signed, and the published size.
        """
        signed_before = self._signed_size
        note = self._log.integrate(publish=False)
        tree = self._log.signed_checkpoint()
        assert tree is not None  # integrate() just stored it
        self._signed_size = tree.size
        if self._published is None or tree.size > self._published_size:
            self._round(note, tree)
        return tree.size != signed_before, self._published_size

    def _round(self, note: bytes, tree: Checkpoint) -> bool:
        """Ask the witnesses still missing; publish if the quorum is met. True if published."""
        text = split_note(note)[0]
        started: list[Future[None]] = []
        with self._lock:
            for witness in self._witnesses:
                if witness.text == text or (witness.busy is not None and not witness.busy.done()):
                    continue
                witness.busy = self._pool.submit(self._ask, witness, note, text, tree.size)
                started.append(witness.busy)
        self._wait(set(started), text)
        with self._lock:
            lines = [w.line for w in self._witnesses if w.text == text and w.line is not None]
        if len(lines) < self._quorum:
            return False
        body = "".join(line.to_line() for line in lines).encode("utf-8")
        cosigned = attach_cosignatures(note, body, self._verifiers)
        self._log.publish(cosigned)
        self._published, self._published_size = cosigned, tree.size
        return True

    def _wait(self, pending: set[Future[None]], text: bytes) -> None:
        """Until every request answered, or ``timeout``, or a grace after the quorum."""
        now = time.monotonic()
        deadline = now + self._timeout
        graced = False
        while pending and now < deadline:
            if not graced and self._cosigned(text) >= self._quorum:
                deadline, graced = min(deadline, now + GRACE), True
            _, pending = wait(pending, timeout=deadline - now, return_when=FIRST_COMPLETED)
            now = time.monotonic()

    def _cosigned(self, text: bytes) -> int:
        with self._lock:
            return sum(1 for w in self._witnesses if w.text == text)

    # --- one witness (in a pool thread) ---

    def _ask(self, witness: _Witness, note: bytes, text: bytes, size: int) -> None:
        spec = witness.spec
        known = witness.size
        old = known if known is not None and known <= size else 0
        for _ in range(MAX_CONFLICTS + 1):
            try:
                proof = self._log.consistency_proof(old, size)
                lines = add_checkpoint(spec.url, old, proof, note, timeout=self._timeout)
            except WitnessError as exc:
                self._outcome(witness, exc.code, exc)
                theirs = exc.details.get("size")
                if exc.code != "witness.conflict" or not isinstance(theirs, int):
                    return
                with self._lock:
                    witness.size = theirs
                if theirs > size:
                    self._outcome(witness, None, _witness_ahead(spec, theirs, size))
                    return
                old = theirs
                continue
            except SaksiError as exc:  # the proof could not be read from the tiles
                self._outcome(witness, exc.code, exc)
                return
            except Exception:  # never let a pool thread die silently
                log.exception("asking the witness %s failed", spec.name)
                self._outcome(witness, "service.internal", None)
                return
            self._accept(witness, note, text, size, lines)
            return

    def _accept(self, witness: _Witness, note: bytes, text: bytes, size: int, lines: bytes) -> None:
        try:
            mine = split_note(attach_cosignatures(note, lines, [witness.verifier]))[1]
        except SaksiError as exc:
            self._outcome(
                witness, "service.witness-bad-cosignature", _bad_cosignature(witness.spec, exc)
            )
            return
        slot = (witness.verifier.name, witness.verifier.key_id)
        line = next(s for s in mine if (s.name, s.key_id) == slot)
        with self._lock:
            witness.size, witness.text, witness.line = size, text, line
            witness.cosigned_at, witness.error, witness.error_at = time.time(), None, None
            self._requests[(witness.spec.name, COSIGNED)] += 1

    def _outcome(self, witness: _Witness, code: str | None, error: SaksiError | None) -> None:
        """Count one request's outcome (``code``) and keep ``error`` as the last one."""
        with self._lock:
            if code is not None:
                self._requests[(witness.spec.name, code)] += 1
            if error is None:
                return
            new = witness.error is None or witness.error.code != error.code
            witness.error, witness.error_at = error, time.time()
        if new and error.code != "witness.conflict":  # logged once, not every interval
            log.warning("witness %s: %s", witness.spec.name, error.message_en)

    # --- what is shown ---

    def health(self) -> dict[str, Any]:
        """The quorum, the signed and published sizes, and each witness (for /health)."""
        with self._lock:
            witnesses = [
                {
                    "name": w.spec.name,
                    "url": w.spec.url,
                    "cosigned_size": w.size,
                    "cosigned_at": _iso(w.cosigned_at),
                    "error": None if w.error is None else _error_json(w.error),
                    "error_at": _iso(w.error_at),
                }
                for w in self._witnesses
            ]
        return {
            "quorum": self._quorum,
            "signed_size": self._signed_size,
            "published_size": self._published_size,
            "witnesses": witnesses,
        }

    def metrics(self) -> list[str]:
        """Prometheus lines: requests by witness and outcome, each witness's cosigned size."""
        with self._lock:
            requests = sorted(self._requests.items())
            sizes = [(w.spec.name, w.size) for w in self._witnesses if w.size is not None]
        return [
            *family(
                "saksi_witness_requests_total",
                "counter",
                "add-checkpoint requests to each witness, by outcome (cosigned or the error code).",
                (({"witness": n, "outcome": o}, c) for (n, o), c in requests),
            ),
            *family(
                "saksi_witness_cosigned_size",
                "gauge",
                "Size each witness last cosigned for this log (its cosignature or 409 answer).",
                (({"witness": n}, float(s or 0)) for n, s in sizes),
            ),
        ]

    def close(self) -> None:
        """Stop the request threads (requests in flight end by their timeout)."""
        self._pool.shutdown(wait=False, cancel_futures=True)


def _error_json(error: SaksiError) -> dict[str, Any]:
    return {"code": error.code, "message": {"en": error.message_en, "id": error.message_id}}
