"""``saksi keygen``, ``saksi sign`` and ``saksi sign-photo``: device keys, signed
statements and signed photo uploads."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

import click

from saksi.cli.files import write_output
from saksi.election.envelope import sign_statement
from saksi.election.keys import SigningKey
from saksi.election.photo_upload import sign_photo
from saksi.election.statements import AnyStatement, parse_statement
from saksi.election.text_rule import check_text
from saksi.election.wire import loads
from saksi.errors import InputError


def write_private(path: Path, text: str) -> None:
    """Write a private key readable by its owner only; never overwrite one."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise InputError(
            code="cli.key-exists",
            en=f"{path} exists: refusing to overwrite a private key",
            id=f"{path} sudah ada: kunci privat tidak akan ditimpa",
        ) from None
    except OSError as exc:
        raise InputError(
            code="cli.unwritable-key",
            en=f"cannot write key file {path}: {exc.strerror or exc.__class__.__name__}",
            id=f"berkas kunci {path} tidak dapat ditulis: {exc.strerror or exc.__class__.__name__}",
        ) from None
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(text + "\n")


def statement_to_sign(raw: bytes, what: str, election: str | None = None) -> AnyStatement:
    """A statement as ``saksi sign`` takes it: a missing ``at`` is the current UTC time
    (the time of signing), a missing ``election`` is ``election`` when given."""
    data = loads(raw, what=what)
    if isinstance(data, dict):
        data.setdefault("at", datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
        if election is not None:
            data.setdefault("election", election)
    return parse_statement(json.dumps(data, ensure_ascii=False))


def read_private(path: Path) -> SigningKey:
    try:
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            code="cli.unreadable-key",
            en=f"cannot read key file {path}: {exc.__class__.__name__}",
            id=f"berkas kunci {path} tidak dapat dibaca: {exc.__class__.__name__}",
        ) from None
    return SigningKey.from_text(text)


@click.command()
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="File to write the private key to (created with mode 0600, never overwritten).",
)
def keygen(out: Path) -> None:
    """Make an Ed25519 key; print its public key (base64).

    Membuat kunci Ed25519 baru dan mencetak kunci publiknya.
    """
    key = SigningKey.generate()
    write_private(out, key.to_text())
    click.echo(key.public.b64)


KEY_FILE = click.option(
    "--key",
    "key_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    required=True,
    help="Private key file written by `saksi keygen`.",
)


@click.command()
@KEY_FILE
@click.option(
    "--election", default=None, help="Fill the statement's `election` (log origin) if it has none."
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the entry's exact bytes to this file (no newline after them: ready for "
    "POST /v1/statements) instead of printing them.",
)
@click.argument("statement", type=click.File("rb"))
def sign(key_file: Path, election: str | None, out: Path | None, statement: BinaryIO) -> None:
    """Sign a statement (JSON; `-` for standard input); print the log entry.

    The statement is checked against the format first, and its text against the
    service's intake policy (no text that would not show as it is). It is signed as
    format v1, or as v2 when it needs what v2 added (a legislative contest's form or
    D.Hasil, a DPD candidate's key). A missing `at` is set to the current UTC time.
    The output is the entry's canonical bytes (one line), or, with --out, those bytes
    alone in a file.

    Menandatangani sebuah pernyataan dan mencetak entri log-nya.
    """
    stmt = statement_to_sign(statement.read(), getattr(statement, "name", "statement"), election)
    envelope = sign_statement(stmt, read_private(key_file))
    check_text(envelope)  # what the service would refuse is not signed (text.*)
    entry = envelope.to_bytes()
    if out is None:
        click.echo(entry.decode("utf-8"))
        return
    write_output(out, entry)


@click.command("sign-photo")
@KEY_FILE
@click.option("--election", required=True, help="The election (log origin) the photo is for.")
@click.argument("photo", type=click.File("rb"))
def sign_photo_command(key_file: Path, election: str, photo: BinaryIO) -> None:
    """Sign a photo upload (saksi/photo/v1); print its two HTTP headers.

    The output is `Saksi-Key: ...` and `Saksi-Signature: ...`, one per line, for
    `curl -H @FILE` (docs/api.md, "Photos").

    Menandatangani unggahan foto dan mencetak dua header HTTP-nya.
    """
    signed = sign_photo(read_private(key_file), election, photo.read())
    for name, value in signed.headers().items():
        click.echo(f"{name}: {value}")
