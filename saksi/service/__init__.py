"""The submission service's HTTP side: the FastAPI application over the ledger.

:mod:`saksi.service.app` builds the application (the hot routes' front door, the
routers, limits, metrics); the ledger it serves, with no HTTP in it, is
:mod:`saksi.ledger`. docs/api.md describes the HTTP interface.
"""
