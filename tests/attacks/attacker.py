"""What an attacker with a shell on the server does, with the tools on the server.

The attacker holds the data folder (``DATA/log/.state/``: the SQLite store and the log's
private key ``log.key``), the results folder and the service's own library: the
sqlite3 module, :class:`~saksi.tlog.log.Log` to rebuild tiles and sign checkpoints,
the Publisher to republish results, and the witness client to ask the witnesses for
cosignatures. What the attacker does not hold: the KPPS and KPU keys, the
witnesses' keys and state, and the state folders of the readers who verified before.
"""

from __future__ import annotations

import json
import shutil
import sqlite3

import rfc8785

from saksi.election.regions import Hierarchy
from saksi.errors import WitnessError
from saksi.recap.fold import Recap
from saksi.recap.publish import Publisher
from saksi.store import open_store
from saksi.tlog.checkpoint import CosignatureVerifier
from saksi.tlog.hashes import leaf_hash
from saksi.tlog.log import Log
from saksi.witness.client import add_checkpoint, attach_cosignatures
from tests.attacks.world import World


def drop_triggers(db: sqlite3.Connection, table: str) -> None:
    """``DROP TRIGGER`` every trigger on ``table``: what the file's owner can always do."""
    names = db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?", (table,)
    ).fetchall()
    assert names, f"no triggers on {table}"
    for (name,) in names:
        db.execute(f"DROP TRIGGER {name}")


def rewrite_entry(db: sqlite3.Connection, index: int, data: bytes) -> None:
    """``UPDATE entries``: the entry at ``index`` becomes ``data`` (with its leaf hash)."""
    db.execute(
        "UPDATE entries SET data = ?, leaf_hash = ? WHERE idx = ?",
        (data, leaf_hash(data), index),
    )


def insert_entries(db: sqlite3.Connection, entries: list[bytes]) -> None:
    """``INSERT`` at the next indices: the triggers allow it (it is an append)."""
    (size,) = db.execute("SELECT count(*) FROM entries").fetchone()
    for offset, data in enumerate(entries):
        db.execute(
            "INSERT INTO entries (idx, leaf_hash, data) VALUES (?, ?, ?)",
            (size + offset, leaf_hash(data), data),
        )


def edit_counts(entry: bytes, votes: int) -> bytes:
    """The entry (a c-hasil) with ``votes`` moved from pair 03 to pair 01, re-encoded in
    canonical form; the KPPS's signature is left as it was (the attacker has no key)."""
    envelope = json.loads(entry)
    paslon = envelope["stmt"]["form"]["suara_paslon"]
    assert paslon["03"] >= votes
    paslon["01"] += votes
    paslon["03"] -= votes
    edited: bytes = rfc8785.dumps(envelope)
    return edited


def rebuild_log(world: World, entries: list[bytes]) -> bytes:
    """Replace ``DATA/log`` with a log of ``entries`` signed with the stolen log key: new
    tiles, a new store holding the same photos, and a signed checkpoint published
    without any cosignature (the attacker has no witness key). Its note."""
    photos = world.photos()
    fresh = world.base / "rebuilt-log"
    log, vkey = Log.create(fresh, world.election.origin, open_store, skey=world.skey)
    try:
        assert vkey == world.log_vkey
        log.append(entries)
        note = log.integrate()
        store = open_store(fresh / ".state" / "store.sqlite")
        try:
            for data in photos.values():
                store.put_photo(data)
        finally:
            store.close()
    finally:
        log.close()
    shutil.rmtree(world.data / "log")
    fresh.rename(world.data / "log")
    return note


def integrate(world: World) -> tuple[int, bytes]:
    """Sign a checkpoint of every stored entry with the log key (``Log.integrate``, not
    published); the previous signed size and the new note."""
    log = Log.open(world.data / "log", open_store, publish=False)
    try:
        old = log.signed_checkpoint()
        note = log.integrate(publish=False)
    finally:
        log.close()
    return (0 if old is None else old.size), note


def ask_witnesses(
    world: World, old_size: int, size: int, note: bytes
) -> tuple[bytes, list[WitnessError]]:
    """Send ``note`` to every witness with the proof from ``old_size``, as the service
    would; the note with the cosignatures obtained, and the refusals."""
    log = Log.open(world.data / "log", open_store, publish=False)
    try:
        proof = log.consistency_proof(old_size, size)
    finally:
        log.close()
    lines, refusals = b"", []
    for witness in world.witnesses:
        try:
            lines += add_checkpoint(witness.url, old_size, proof, note, timeout=10)
        except WitnessError as refused:
            refusals.append(refused)
    if not lines:
        return note, refusals
    verifiers = [CosignatureVerifier.from_vkey(w.vkey) for w in world.witnesses]
    return attach_cosignatures(note, lines, verifiers), refusals


def publish(world: World, note: bytes) -> None:
    """Publish ``note`` as ``DATA/log/checkpoint``."""
    log = Log.open(world.data / "log", open_store, publish=False)
    try:
        log.publish(note)
    finally:
        log.close()


def republish_results(world: World, hierarchy: Hierarchy, entries: list[bytes]) -> None:
    """Replace ``DATA/results`` with the Publisher's files for ``entries`` (folded without
    checking signatures, as the service's tables hold them) at the published checkpoint."""
    log = Log.open(world.data / "log", open_store, publish=False)
    try:
        note = log.published()
        checkpoint = log.published_checkpoint()
    finally:
        log.close()
    assert note is not None and checkpoint is not None and checkpoint.size == len(entries)
    fresh = world.base / "republished"
    recap = Recap.replay(hierarchy, entries)
    Publisher(fresh, durable=False).publish(recap, checkpoint, None, checkpoint_note=note)
    shutil.rmtree(world.data / "results")
    fresh.rename(world.data / "results")


__all__ = [
    "ask_witnesses",
    "drop_triggers",
    "edit_counts",
    "insert_entries",
    "integrate",
    "publish",
    "rebuild_log",
    "republish_results",
    "rewrite_entry",
]
