"""``saksi log new|append|prove|check-proof|fsck``: a transparency log in a directory.

The directory is a complete C2SP tlog-tiles publication (``checkpoint``, ``tile/``)
with the private state in ``.state/`` (see docs/log.md). This module is where the
log meets the store: :mod:`saksi.tlog` never imports a storage driver, so the
commands here open the SQLite store and hand it to :class:`~saksi.tlog.log.Log`.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

import click

from saksi.cli.files import write_output
from saksi.errors import InputError, LogError, SaksiError
from saksi.store import open_store
from saksi.tlog.checkpoint import SignedCheckpoint
from saksi.tlog.hashes import MAX_ENTRY_SIZE
from saksi.tlog.log import Log
from saksi.tlog.note import NoteVerifier
from saksi.tlog.proof import TlogProof, trailing_newlines
from saksi.tlog.state import EntryStore

EXIT_OK, EXIT_FAILED, EXIT_UNREADABLE = 0, 1, 2
APPEND_CHUNK = 10_000
"""Lines per store transaction in ``log append`` (each chunk is durable on its own)."""


def _open_store(path: Path) -> EntryStore:
    return open_store(path)


@contextmanager
def _opened(directory: Path, *, recover: bool = True) -> Iterator[Log]:
    log = Log.open(directory, _open_store, recover=recover)
    try:
        yield log
    finally:
        log.close()


def _read_bytes(source: BinaryIO | Path, what: str) -> bytes:
    try:
        return source.read_bytes() if isinstance(source, Path) else source.read()
    except OSError as exc:
        raise InputError(
            code="cli.unreadable-file",
            en=f"cannot read {what}: {exc.strerror or exc.__class__.__name__}",
            id=f"{what} tidak dapat dibaca: {exc.strerror or exc.__class__.__name__}",
        ) from None


def split_lines(data: bytes) -> list[bytes]:
    """Each line of ``data`` without its ``\\n`` (a last line without one counts too).

    Bytes are kept exactly: a ``\\r`` before the ``\\n`` stays in the entry, and an
    empty line is the empty entry.
    """
    lines = data.split(b"\n")
    if lines[-1] == b"":
        lines.pop()
    for number, line in enumerate(lines, start=1):
        if len(line) > MAX_ENTRY_SIZE:
            raise LogError(
                code="log.entry-too-large",
                en=(
                    f"line {number} is {len(line)} bytes; a log entry is at most {MAX_ENTRY_SIZE} "
                    "bytes. Nothing was appended."
                ),
                id=(
                    f"baris {number} berukuran {len(line)} bita; entri log paling besar "
                    f"{MAX_ENTRY_SIZE} bita. Tidak ada yang ditambahkan."
                ),
                line=number,
                size=len(line),
                max=MAX_ENTRY_SIZE,
            )
    return lines


@click.group()
def log() -> None:
    """A transparency log in a directory: create, append, prove, check.

    Log transparansi dalam sebuah folder: buat, tambah, buktikan, periksa.
    """


@log.command("new")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--origin", required=True, help="The log's origin (name of its key), e.g. example.org/log."
)
@click.option(
    "--key",
    "key_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Use this signed-note private key (PRIVATE+KEY+ORIGIN+...) instead of a new one.",
)
def new(directory: Path, origin: str, key_file: Path | None) -> None:
    """Create a log in DIRECTORY; print its verifier key as the last line.

    The key is written to DIRECTORY/.state/log.key (mode 0600) and the checkpoint of
    the empty log is signed and published at DIRECTORY/checkpoint.

    Membuat log baru; baris terakhir keluaran adalah kunci verifikasinya.
    """
    skey = None
    if key_file is not None:
        skey = _read_bytes(key_file, str(key_file)).decode("ascii", "replace").strip()
    created, vkey = Log.create(directory, origin, _open_store, skey=skey)
    created.close()
    click.echo(f"log: {directory}")
    click.echo(f"origin: {origin}")
    click.echo(vkey)


@log.command("append")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--lines",
    "lines_file",
    type=click.File("rb"),
    required=True,
    help="Each line of this file (without its newline) is one entry; `-` reads standard input.",
)
def append(directory: Path, lines_file: BinaryIO) -> None:
    """Append each line as an entry, integrate, publish; print each line's index.

    Identical entries are stored once: a line equal to an entry already in the log
    (or to an earlier line) gets that entry's index. An index is printed only once
    its entry is durable. Then a new checkpoint is signed and DIRECTORY/checkpoint
    and DIRECTORY/tile/ are a complete tlog-tiles publication.

    Menambahkan setiap baris sebagai entri, lalu menerbitkan checkpoint baru.
    """
    entries = split_lines(_read_bytes(lines_file, getattr(lines_file, "name", "input")))
    with _opened(directory) as opened:
        for start in range(0, len(entries), APPEND_CHUNK):
            indices = opened.append(entries[start : start + APPEND_CHUNK])
            click.echo("\n".join(str(index) for index in indices))
        opened.integrate()
        signed = opened.signed_checkpoint()
    click.echo(f"checkpoint: {signed.size if signed else 0} entries", err=True)


@log.command("prove")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("index", type=click.IntRange(min=0))
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the proof here (conventionally NAME.tlog-proof) instead of standard output.",
)
def prove(directory: Path, index: int, out: Path | None) -> None:
    """Write a C2SP tlog-proof of entry INDEX against the latest checkpoint.

    Menulis bukti tlog-proof untuk entri INDEX terhadap checkpoint terakhir.
    """
    with _opened(directory) as opened:
        text = opened.prove(index).to_text()
    if out is None:
        click.echo(text.decode("utf-8"), nl=False)
        return
    write_output(out, text)


def _verifier(key: str) -> NoteVerifier:
    """The verifier key given as a string, or read from the file it names."""
    try:
        is_file = Path(key).is_file()
    except OSError:  # not a path at all (too long a name, ...)
        is_file = False
    if is_file:
        key = _read_bytes(Path(key), key).decode("ascii", "replace").strip()
    return NoteVerifier.from_vkey(key)


@log.command("check-proof")
@click.argument("proof_file", metavar="PROOF", type=click.File("rb"))
@click.option(
    "--key",
    "key",
    required=True,
    help="The log's verifier key (origin+keyid+base64), or a file holding it.",
)
@click.option(
    "--entry",
    "entry_file",
    type=click.File("rb"),
    default=None,
    help="The entry's bytes: the whole file (a final newline that is not part of the "
    "entry is recognised and said).",
)
def check_proof(proof_file: BinaryIO, key: str, entry_file: BinaryIO | None) -> None:
    """Verify a tlog-proof: the log's signature on its checkpoint, and with --entry
    that the entry is in the log at the proof's index.

    Empty lines after the proof's checkpoint (what `>` and editors leave) are not part
    of a tlog-proof: they are ignored, and said. Exit status: 0 verified; 1 read but
    does not verify; 2 unreadable or malformed.

    Memeriksa bukti tlog-proof: tanda tangan log dan, dengan --entry, keberadaan entri.
    """
    verifier = _verifier(key)
    data = _read_bytes(proof_file, getattr(proof_file, "name", "proof"))
    data, extra = trailing_newlines(data)
    proof = TlogProof.parse(data)
    if extra:
        click.echo(
            f"proof: {extra} empty line(s) after the checkpoint ignored (not part of a "
            f"tlog-proof) / {extra} baris kosong setelah checkpoint diabaikan"
        )
    entry = None
    if entry_file is not None:
        entry = _read_bytes(entry_file, getattr(entry_file, "name", "entry"))
    try:
        signed, trimmed = _verify_entry(proof, entry, verifier)
    except SaksiError as exc:
        click.echo(exc.diagnostics(), err=True)
        click.echo("proof: NOT VERIFIED / bukti: TIDAK SAH")
        sys.exit(EXIT_FAILED)
    click.echo(f"index: {proof.index}")
    click.echo(f"checkpoint: {verifier.name} size {signed.checkpoint.size}")
    if entry is None:
        click.echo(
            "entry: not given; only the checkpoint signature and the proof's shape were "
            "checked (use --entry) / entri tidak diberikan"
        )
    elif trimmed:
        click.echo(
            f"entry: the file's final newline is not part of the entry (as `>` and editors "
            f"add it); the {len(entry) - trimmed:,} bytes before it are the entry, in the "
            "log / entri: baris baru di akhir berkas bukan bagian dari entri; byte sebelumnya "
            "adalah entri itu, tercatat di log"
        )
    click.echo("proof: verified / bukti: sah")


def _verify_entry(
    proof: TlogProof, entry: bytes | None, verifier: NoteVerifier
) -> tuple[SignedCheckpoint, int]:
    """The verified checkpoint, and how many bytes of the entry file were a final
    newline left out to verify (0: the file's bytes verified as they are)."""
    try:
        return proof.verify(entry, verifier), 0
    except SaksiError as exc:
        for newline in (b"\n", b"\r\n"):  # a line of `log append` may keep its \r
            if entry is not None and entry.endswith(newline):
                try:
                    return proof.verify(entry.removesuffix(newline), verifier), len(newline)
                except SaksiError:
                    pass
        raise exc from None


@log.command("fsck")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def fsck(directory: Path, as_json: bool) -> None:
    """Re-derive the root from every tile and entry; compare with the checkpoints.

    Exit status: 0 clean; 1 problems found (each listed with its code); 2 not a log.
    Nothing is repaired.

    Memeriksa seluruh tile dan entri terhadap checkpoint. Keluar 1 bila ada masalah.
    """
    with _opened(directory, recover=False) as opened:
        report = opened.fsck()
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(f"origin: {report.origin}")
        click.echo(f"checkpoint: {report.checkpoint_size} entries")
        if report.published_size != report.checkpoint_size:
            click.echo(f"published: {report.published_size} entries (awaiting witnesses)")
        click.echo(f"store: {report.store_size} entries ({report.pending} pending)")
        click.echo(f"entries checked: {report.checked_entries}")
        for problem in report.problems:
            click.echo(problem.diagnostics())
        click.echo(
            "fsck: clean / bersih" if report.ok else f"fsck: {len(report.problems)} problems"
        )
    if not report.ok:
        sys.exit(EXIT_FAILED)
