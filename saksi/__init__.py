"""Saksi: election results recorded as signed statements in a public, append-only log.

The package is laid out by concept (see docs/architecture.md):

- ``saksi.tlog``: the transparency log (knows nothing of elections).
- ``saksi.election``: regions, contests, the C.Hasil form, its rules, statements,
  signatures and authorization. Pure: no web framework, no database driver.
- ``saksi.recap``: the fold from log entries to totals.
- ``saksi.store``: storage backends behind one interface.
- ``saksi.sim``: the synthetic election and the demo.
- ``saksi.cli``: the ``saksi`` command.
"""

__version__ = "0.1.0"
