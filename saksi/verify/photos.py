"""Published photos against the hashes their statements logged.

A photo is published as ``photos/<sha256>`` (``/v1/photos/<sha256>`` over HTTP), named
by the SHA-256 of its bytes, and a statement cites it by that hash. A photo that is
not published is only counted (it may come later); one whose bytes hash to anything
else was replaced after its form was logged: a ``verify.photo-mismatch`` finding.
"""

from __future__ import annotations

import hashlib

from saksi.tlog.tiledir import TileSource
from saksi.verify.findings import Kind, finding
from saksi.verify.options import Report


def check_photos(photos: TileSource, cited: dict[str, int], report: Report) -> dict[str, int]:
    """Check every photo of ``cited`` (sha256 -> first citing entry); counts and findings
    go to ``report``. Returns the photos to check again next time (absent or wrong)."""
    report.photos_checked = True
    pending: dict[str, int] = {}
    for sha, index in sorted(cited.items()):
        data = photos.read(sha)
        if data is None:
            report.count("photos_absent")
            pending[sha] = index
            continue
        report.count("photos_checked")
        actual = hashlib.sha256(data).hexdigest()
        if actual != sha:
            pending[sha] = index
            report.findings.add(
                finding(
                    Kind.PHOTO,
                    "verify.photo-mismatch",
                    f"photo {sha} (cited by entry {index}) was replaced: its bytes hash to "
                    f"{actual}",
                    f"foto {sha} (dirujuk entri {index}) telah diganti: byte-nya ber-hash {actual}",
                    photo=sha,
                    index=index,
                    sha256=actual,
                )
            )
    return pending


__all__ = ["check_photos"]
