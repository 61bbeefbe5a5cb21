"""The log's side of C2SP tlog-witness: send a checkpoint, get cosignatures back.

Standard library only (``urllib``), so the service and the verifier can both use it.
Each answer the specification defines becomes a :class:`~saksi.errors.WitnessError`
with the same code the witness refused with (:data:`CODE_OF_STATUS`):

========  ==============================  =================================================
status    code                            meaning
========  ==============================  =================================================
400       ``witness.bad-request``         malformed body, or old size above the new size
403       ``witness.not-signed``          not signed by a key the witness trusts
404       ``witness.unknown-log``         the witness does not watch this origin
409       ``witness.conflict``            ``text/x.tlog.size``: the witness holds another
                                          size, ``details.size``; resend from that size
409       ``witness.fork``                same size, another root: the log forked
422       ``witness.bad-proof``           the consistency proof does not verify
other     ``witness.unexpected-status``   ``details.status``
========  ==============================  =================================================

A witness that cannot be reached (refused connection, DNS, timeout) is
``witness.unreachable``; a 200 whose body is not signature lines is
``witness.bad-response``.
"""

from __future__ import annotations

import http.client
import urllib.error
import urllib.request
from collections.abc import Iterable
from typing import Final

from saksi.errors import NoteError, WitnessError
from saksi.tlog.checkpoint import CosignatureVerifier
from saksi.tlog.note import NoteSignature, add_signatures, open_note, split_note
from saksi.witness.protocol import (
    ADD_CHECKPOINT_PATH,
    SIZE_CONTENT_TYPE,
    format_request,
)

CODE_OF_STATUS: Final = {
    400: "witness.bad-request",
    403: "witness.not-signed",
    404: "witness.unknown-log",
    409: "witness.fork",
    422: "witness.bad-proof",
}
MAX_RESPONSE_BYTES: Final = 64 * 1024
USER_AGENT: Final = "saksi-witness-client"


def add_checkpoint(
    url: str, old_size: int, proof: list[bytes], note: bytes, *, timeout: float
) -> bytes:
    """POST ``note`` to the witness at ``url`` (its submission prefix); its cosignature lines.

    ``old_size`` is the size the witness is believed to have cosigned last (0 the first
    time) and ``proof`` the consistency proof from it to the note's size. Returns the
    200 body, one or more ``— name base64`` lines, unverified: check them with
    :func:`attach_cosignatures`. Refusals are WitnessError (see the module's table).
    """
    body = format_request(old_size, proof, note)
    target = url.rstrip("/") + ADD_CHECKPOINT_PATH
    request = urllib.request.Request(
        target,
        data=body,
        method="POST",
        headers={"Content-Type": "text/plain; charset=utf-8", "User-Agent": USER_AGENT},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            status = int(answer.status)
            data = answer.read(MAX_RESPONSE_BYTES + 1)
            content_type = answer.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        with exc:
            data = exc.read(MAX_RESPONSE_BYTES + 1)
            raise _refusal(target, exc.code, exc.headers.get("Content-Type", ""), data) from None
    except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError) as exc:
        raise _unreachable(target, exc) from None
    if status != 200:
        raise _refusal(target, status, content_type, data)
    return _check_lines(target, data)


def _unreachable(target: str, exc: BaseException) -> WitnessError:
    reason = getattr(exc, "reason", None) or exc
    return WitnessError(
        code="witness.unreachable",
        en=f"the witness at {target} cannot be reached: {reason}",
        id=f"pemantau di {target} tidak dapat dihubungi: {reason}",
        url=target,
        reason=str(reason)[:200],
    )


def _refusal(target: str, status: int, content_type: str, data: bytes) -> WitnessError:
    text = data[:MAX_RESPONSE_BYTES].decode("utf-8", "replace")
    media = content_type.split(";", maxsplit=1)[0].strip().lower()
    if status == 409 and media == SIZE_CONTENT_TYPE:
        size = _parse_size(text)
        if size is not None:
            return WitnessError(
                code="witness.conflict",
                en=f"the witness at {target} last cosigned size {size}: send a proof from there",
                id=(
                    f"pemantau di {target} terakhir menandatangani ukuran {size}: kirim bukti dari "
                    "ukuran itu"
                ),
                url=target,
                status=status,
                size=size,
            )
    code = CODE_OF_STATUS.get(status, "witness.unexpected-status")
    shown = text.strip().splitlines()[0][:200] if text.strip() else ""
    return WitnessError(
        code=code,
        en=f"the witness at {target} refused the checkpoint ({status}): {shown}",
        id=f"pemantau di {target} menolak checkpoint ({status}): {shown}",
        url=target,
        status=status,
        body=text[:500],
    )


def _parse_size(text: str) -> int | None:
    if not text.endswith("\n") or not text[:-1].isdigit() or not text[:-1].isascii():
        return None
    if len(text) > 20:  # no tree has 10^19 entries (and int() refuses 4,300 digits)
        return None
    digits = text[:-1]
    return int(digits) if digits == "0" or not digits.startswith("0") else None


def _check_lines(target: str, data: bytes) -> bytes:
    try:
        if len(data) > MAX_RESPONSE_BYTES or not data:
            raise ValueError
        for line in data.decode("utf-8").splitlines(keepends=True):
            NoteSignature.from_line(line)
    except (ValueError, NoteError):
        raise WitnessError(
            code="witness.bad-response",
            en=f"the witness at {target} answered 200 without cosignature lines",
            id=f"pemantau di {target} menjawab 200 tanpa baris kosignatur",
            url=target,
        ) from None
    return data


def attach_cosignatures(
    note: bytes, lines: bytes, witnesses: Iterable[CosignatureVerifier]
) -> bytes:
    """``note`` with the lines of ``lines`` that are valid cosignatures by ``witnesses``.

    As the specification suggests: the lines are appended to the note and opened with
    the witnesses' keys; lines by unknown keys are dropped. A line by a known witness
    that does not verify is NoteError ``log.note-bad-signature``; none by a known
    witness, ``log.note-no-known-signature``.
    """
    text, _ = split_note(note)
    opened = open_note(text + b"\n" + lines, list(witnesses))
    return add_signatures(note, opened.verified)


__all__ = ["CODE_OF_STATUS", "add_checkpoint", "attach_cosignatures"]
