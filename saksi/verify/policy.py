"""Which checkpoints to believe: the log's key and the witness quorum (C2SP tlog-policy).

A :class:`Policy` is the set of log keys, the named witnesses and the quorum rule of
https://c2sp.org/tlog-policy. :func:`parse_policy` reads the whole format::

    # comments and blank lines are ignored
    log <vkey> [<url>]
    witness <name> <vkey> [<url>]
    group <name> all|any|<k> <member>...
    quorum <name>|none

Rules kept from the specification: items are separated by spaces or tabs; a group or
the quorum may only name witnesses and groups defined on earlier lines; each name is
defined once and listed at most once per group; ``1 <= k <= n``; exactly one quorum
line; no two logs (or witnesses) with the same public key; only tab and newline among
the control characters. URLs are read and ignored (the verifier contacts no one).
Witness keys may be cosignature/v1 (type 0x04) or plain Ed25519 (0x01) verifier keys.

:meth:`Policy.from_options` builds the same thing from ``--log-key``, ``--witness``
and ``--quorum K`` (a group of all the witnesses with threshold K).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Final, TypeVar

from saksi.errors import SaksiError, VerifyError
from saksi.tlog.checkpoint import CosignatureVerifier, SignedCheckpoint, open_checkpoint
from saksi.tlog.note import NoteVerifier, open_note

NONE: Final = "none"
_SPACE: Final = re.compile(r"[ \t]+")
_BAD_BYTES: Final = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]")
_K = TypeVar("_K", NoteVerifier, CosignatureVerifier)


def _policy_error(line: int, en: str, id_: str) -> VerifyError:
    where = f"policy line {line}: " if line else "policy: "
    where_id = f"kebijakan baris {line}: " if line else "kebijakan: "
    return VerifyError(code="verify.policy-invalid", en=where + en, id=where_id + id_, line=line)


@dataclass(frozen=True)
class Group:
    """``threshold`` of ``members`` (witness or group names) must have witnessed."""

    name: str
    threshold: int
    members: tuple[str, ...]


@dataclass(frozen=True)
class Policy:
    """Log keys, named witnesses and a quorum over them (``quorum`` None: ``quorum none``)."""

    logs: tuple[NoteVerifier, ...]
    witnesses: dict[str, CosignatureVerifier] = field(default_factory=dict)
    groups: dict[str, Group] = field(default_factory=dict)
    quorum: str | None = None

    @classmethod
    def from_options(
        cls, log_key: str | None, witnesses: Sequence[str], threshold: int | None
    ) -> Policy:
        """``--log-key``, ``--witness`` (repeatable) and ``--quorum K`` as a policy."""
        if log_key is None:
            raise VerifyError(
                code="verify.no-log-key",
                en="give the log's verifier key (--log-key) or a policy file (--policy)",
                id="berikan kunci verifikasi log (--log-key) atau berkas kebijakan (--policy)",
            )
        logs = (_key(0, "log", log_key, NoteVerifier.from_vkey),)
        named = {
            f"w{i}": _key(0, "witness", v, CosignatureVerifier.from_vkey)
            for i, v in enumerate(witnesses, 1)
        }
        _check_distinct(0, "witness", named.values())
        k = len(named) if threshold is None else threshold
        if not 0 <= k <= len(named):
            raise _policy_error(
                0,
                f"--quorum {k} needs from 0 to {len(named)} witnesses (--witness)",
                f"--quorum {k} memerlukan 0 sampai {len(named)} pemantau (--witness)",
            )
        if k == 0:
            return cls(logs, named)
        group = Group("quorum", k, tuple(named))
        return cls(logs, named, {"quorum": group}, "quorum")

    @property
    def log_verifier(self) -> NoteVerifier:
        return self.logs[0]

    def log_for(self, note: bytes) -> NoteVerifier:
        """The policy's log key that signed ``note`` (the first listed if none did)."""
        if len(self.logs) == 1:
            return self.logs[0]
        for log in self.logs:
            try:
                opened = open_note(note, [log])
            except SaksiError:
                continue
            if opened.signed_by(log.name, log.key_id):
                return log
        return self.logs[0]

    def satisfied(self, cosigned: Iterable[str]) -> bool:
        """Whether witnesses named ``cosigned`` meet the quorum."""
        if self.quorum is None:
            return True
        done = set(cosigned)
        return self._witnessed(self.quorum, done)

    def _witnessed(self, name: str, done: set[str]) -> bool:
        group = self.groups.get(name)
        if group is None:
            return name in done
        count = sum(self._witnessed(member, done) for member in group.members)
        return count >= group.threshold

    def describe(self) -> str:
        """The quorum in words, e.g. ``2 of (w1, w2, w3)``."""
        if self.quorum is None:
            return NONE
        return self._describe(self.quorum)

    def _describe(self, name: str) -> str:
        group = self.groups.get(name)
        if group is None:
            return name
        inner = ", ".join(self._describe(m) for m in group.members)
        return f"{group.threshold} of ({inner})"

    def open(self, note: bytes) -> tuple[SignedCheckpoint, tuple[str, ...]]:
        """Open a checkpoint with the log's key; the names of the witnesses that cosigned.

        Raises what :func:`open_checkpoint` raises (a bad or missing log signature, a
        known witness's cosignature that fails). The quorum is checked by the caller
        with :meth:`satisfied`.
        """
        log = self.log_for(note)
        known = tuple(self.witnesses.values())
        signed = open_checkpoint(note, log, witnesses=known)
        by_slot = {(w.name, w.key_id): name for name, w in self.witnesses.items()}
        names = tuple(sorted(by_slot[(c.name, c.key_id)] for c in signed.cosignatures))
        return signed, names


# --- the file format ---


def _key(line: int, what: str, vkey: str, parse: Callable[[str], _K]) -> _K:
    try:
        return parse(vkey)
    except SaksiError as exc:
        raise _policy_error(
            line,
            f"the {what} key is not a verifier key: {exc.message_en}",
            f"kunci {what} bukan kunci verifikasi: {exc.message_id}",
        ) from None


def _check_distinct(
    line: int, what: str, keys: Iterable[NoteVerifier | CosignatureVerifier]
) -> None:
    seen: set[bytes] = set()
    for key in keys:
        if key.public_key in seen:
            raise _policy_error(
                line,
                f"two {what} lines name the same public key",
                f"dua baris {what} memakai kunci publik yang sama",
            )
        seen.add(key.public_key)


@dataclass
class _Reader:
    logs: list[NoteVerifier] = field(default_factory=list)
    witnesses: dict[str, CosignatureVerifier] = field(default_factory=dict)
    groups: dict[str, Group] = field(default_factory=dict)
    quorum: str | None = None
    quorum_seen: bool = False

    def defined(self, name: str) -> bool:
        return name in self.witnesses or name in self.groups

    def line(self, number: int, words: list[str]) -> None:
        keyword, args = words[0], words[1:]
        if keyword == "log" and len(args) in (1, 2):
            self.logs.append(_key(number, "log", args[0], NoteVerifier.from_vkey))
            _check_distinct(number, "log", self.logs)
        elif keyword == "witness" and len(args) in (2, 3):
            self._name(number, args[0])
            self.witnesses[args[0]] = _key(
                number, "witness", args[1], CosignatureVerifier.from_vkey
            )
            _check_distinct(number, "witness", self.witnesses.values())
        elif keyword == "group" and len(args) >= 3:
            self._group(number, args[0], args[1], args[2:])
        elif keyword == "quorum" and len(args) == 1:
            self._quorum(number, args[0])
        else:
            raise _policy_error(
                number,
                f"expected 'log', 'witness', 'group' or 'quorum' with its arguments, "
                f"not {' '.join(words)[:80]!r}",
                f"seharusnya 'log', 'witness', 'group' atau 'quorum' dengan argumennya, "
                f"bukan {' '.join(words)[:80]!r}",
            )

    def _name(self, number: int, name: str) -> None:
        if name == NONE or self.defined(name):
            raise _policy_error(
                number,
                f"the name {name!r} is reserved or already defined",
                f"nama {name!r} dicadangkan atau sudah didefinisikan",
            )

    def _group(self, number: int, name: str, k_text: str, members: list[str]) -> None:
        self._name(number, name)
        for member in members:
            if not self.defined(member):
                raise _policy_error(
                    number,
                    f"group {name!r} names {member!r}, which is not defined above",
                    f"grup {name!r} menyebut {member!r}, yang belum didefinisikan di atas",
                )
        if len(set(members)) != len(members):
            raise _policy_error(
                number,
                f"group {name!r} lists a member twice",
                f"grup {name!r} menyebut satu anggota dua kali",
            )
        n = len(members)
        k = {"all": n, "any": 1}.get(k_text)
        if k is None and re.fullmatch(r"[1-9][0-9]{0,5}", k_text):
            k = int(k_text)
        if k is None or not 1 <= k <= n:
            raise _policy_error(
                number,
                f"group {name!r}: the threshold is 'all', 'any' or a number from 1 to {n}, "
                f"not {k_text!r}",
                f"grup {name!r}: ambang adalah 'all', 'any' atau angka 1 sampai {n}, "
                f"bukan {k_text!r}",
            )
        self.groups[name] = Group(name, k, tuple(members))

    def _quorum(self, number: int, name: str) -> None:
        if self.quorum_seen:
            raise _policy_error(
                number,
                "a policy has exactly one quorum line",
                "kebijakan memiliki tepat satu baris quorum",
            )
        if name != NONE and not self.defined(name):
            raise _policy_error(
                number,
                f"the quorum names {name!r}, which is not defined above",
                f"quorum menyebut {name!r}, yang belum didefinisikan di atas",
            )
        self.quorum_seen = True
        self.quorum = None if name == NONE else name


def parse_policy(data: bytes) -> Policy:
    """A C2SP tlog-policy file; VerifyError ``verify.policy-invalid`` naming the line."""
    bad = _BAD_BYTES.search(data)
    if bad is not None:
        line = data[: bad.start()].count(b"\n") + 1
        raise _policy_error(
            line,
            "a policy holds no control characters but tab and newline",
            "kebijakan tidak boleh memuat karakter kontrol selain tab dan baris baru",
        )
    reader = _Reader()
    text = data.decode("utf-8", errors="surrogateescape")
    for number, raw in enumerate(text.split("\n"), 1):
        stripped = raw.strip(" \t")
        if not stripped or stripped.startswith("#"):
            continue
        reader.line(number, _SPACE.split(stripped))
    if not reader.quorum_seen:
        raise _policy_error(
            0, "the policy has no quorum line", "kebijakan tidak memiliki baris quorum"
        )
    if not reader.logs:
        raise _policy_error(
            0,
            "the policy lists no log: the verifier needs the log's key",
            "kebijakan tidak mencantumkan log: pemverifikasi memerlukan kunci log",
        )
    return Policy(tuple(reader.logs), reader.witnesses, reader.groups, reader.quorum)


__all__ = ["NONE", "Group", "Policy", "parse_policy"]
