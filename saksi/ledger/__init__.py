"""The ledger: statements in, durable receipts out, the log published; no HTTP.

:mod:`saksi.ledger.ledger` sequences statements into the log (the one writer thread
of :mod:`saksi.ledger.sequencer`, replay at start in :mod:`saksi.ledger.startup`, the
integrator, witnessing, photo keeping); :mod:`saksi.ledger.config` reads the
settings. The HTTP side that serves it is :mod:`saksi.service`. docs/service.md
describes the ledger and the settings, docs/architecture.md the layering.
"""

from saksi.ledger.config import ConfigError, RateLimit, ServiceConfig, load_config
from saksi.ledger.ledger import Ledger
from saksi.ledger.views import Receipt

__all__ = ["ConfigError", "Ledger", "RateLimit", "Receipt", "ServiceConfig", "load_config"]
