"""What the authorization state keeps of each key and form: small frozen records.

They live apart from :mod:`saksi.election.authority` so that the state's compact
encoding (:mod:`saksi.election.authority_state`) can build them without importing it.
"""

from __future__ import annotations

from dataclasses import dataclass

from saksi.election.statements import ROLE_NAMES

__all__ = ["FormRecord", "KeyRecord", "Revocation"]


@dataclass(frozen=True, slots=True)
class KeyRecord:
    """A key known to the log: a manifest root key or a registered key."""

    key: str
    role: str
    scope: str
    party: str | None
    not_before: str | None  # None: unbounded (root keys)
    not_after: str | None
    label: str | None  # root keys: the institution's name
    registered_by: str | None  # None for a root key
    index: int  # the entry that introduced the key (0: the manifest)

    @property
    def is_root(self) -> bool:
        return self.registered_by is None

    def describe(self) -> tuple[str, str]:
        """(English, Bahasa Indonesia) naming the key, its role and region."""
        party_en = f", party {self.party}" if self.party else ""
        party_id = f", partai {self.party}" if self.party else ""
        role = ROLE_NAMES.get(self.role, self.role)
        return (
            f"key {self.key} ({self.role} / {role}, region {self.scope}{party_en})",
            f"kunci {self.key} ({self.role} / {role}, wilayah {self.scope}{party_id})",
        )


@dataclass(frozen=True, slots=True)
class Revocation:
    key: str
    by: str
    index: int
    effective: str
    reason: str


@dataclass(frozen=True, slots=True)
class FormRecord:
    """A logged form statement (c-hasil, correction, c-salinan) or recap (d-hasil)."""

    index: int
    leaf_hash: bytes  # the entry's RFC 6962 leaf hash (32 bytes)
    type: str
    region: str  # the TPS, or the recap's region
    contest: str
    key: str
