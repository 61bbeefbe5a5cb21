"""Files and folders a command writes: refused in both languages when it cannot."""

from __future__ import annotations

from pathlib import Path

from saksi.errors import InputError


def empty_folder(out: Path, *, code: str, why: tuple[str, str]) -> Path:
    """``out`` created, or refused with ``code`` when it exists and is not an empty
    folder; ``why`` says (in English, then Indonesian) what the command puts there."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise InputError(
            code=code,
            en=(
                f"{out} already exists and is not an empty folder: choose a new or empty one "
                f"({why[0]})"
            ),
            id=f"{out} sudah ada dan bukan folder kosong: pilih folder baru atau kosong ({why[1]})",
            out=str(out),
        )
    out.mkdir(parents=True, exist_ok=True)
    return out


def write_output(out: Path, data: bytes) -> None:
    """Write ``data`` to ``out`` (an option such as ``--out FILE``), or refuse with
    ``cli.unwritable-file``."""
    try:
        out.write_bytes(data)
    except OSError as exc:
        raise InputError(
            code="cli.unwritable-file",
            en=f"cannot write {out}: {exc.strerror or exc.__class__.__name__}",
            id=f"{out} tidak dapat ditulis: {exc.strerror or exc.__class__.__name__}",
            file=str(out),
        ) from None


__all__ = ["empty_folder", "write_output"]
