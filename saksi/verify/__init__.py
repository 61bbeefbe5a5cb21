"""The independent verifier: reads only what is published, checks everything.

``verify(source, VerifyOptions(policy=...))`` checks a publication (a folder or a
URL): the checkpoint's signatures and witness quorum, consistency with what this
verifier verified before, every tile and bundle, every entry's signature and
authorization, the published totals and exports, and the published photos. The
result is a :class:`Report` whose findings name what is wrong and where; its exit
code is one of :data:`EXIT_CODES`. docs/verify.md describes it for its users.

It depends only on the published formats (``saksi.tlog``, ``saksi.election``,
``saksi.recap``) and the standard library: no web framework, no database driver.
"""

from saksi.verify.findings import (
    EXIT_CODES,
    EXIT_USAGE,
    EXIT_VERIFIED,
    Finding,
    Findings,
    Kind,
)
from saksi.verify.options import Progress, Report, VerifyOptions
from saksi.verify.policy import Policy, parse_policy
from saksi.verify.report import headline, report_dict, summary_text
from saksi.verify.source import Publication, open_publication
from saksi.verify.verifier import verify

__all__ = [
    "EXIT_CODES",
    "EXIT_USAGE",
    "EXIT_VERIFIED",
    "Finding",
    "Findings",
    "Kind",
    "Policy",
    "Progress",
    "Publication",
    "Report",
    "VerifyOptions",
    "headline",
    "open_publication",
    "parse_policy",
    "report_dict",
    "summary_text",
    "verify",
]
