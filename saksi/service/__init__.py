"""The submission service: statements in over HTTP, durable receipts, the log out.

:mod:`saksi.service.ledger` sequences statements into the log (no HTTP in it);
:mod:`saksi.service.config` reads the settings; the FastAPI application lives in
:mod:`saksi.service.app`. docs/service.md describes the ledger and the settings,
docs/api.md the HTTP interface.
"""

from saksi.service.config import ConfigError, RateLimit, ServiceConfig, load_config
from saksi.service.ledger import Ledger
from saksi.service.views import Receipt

__all__ = ["ConfigError", "Ledger", "RateLimit", "Receipt", "ServiceConfig", "load_config"]
