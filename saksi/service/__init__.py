"""The submission service: statements in over HTTP, durable receipts, the log out.

:mod:`saksi.service.ledger` sequences statements into the log (no HTTP in it);
:mod:`saksi.service.config` reads the settings; the FastAPI application lives in
:mod:`saksi.service.app`. docs/service.md describes the whole service.
"""
