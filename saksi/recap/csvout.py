"""CSV exports for spreadsheets: one file per level, one row per region (or TPS).

Every file starts with a header row. A region row holds its code, name, parent code,
TPS expected / received / counted, then every totals field (``suara_paslon_01`` ..,
``suara_sah``, ``suara_tidak_sah``, ``suara_total``, ``pengguna_total_j``,
``pemilih_dpt_j``, ``jumlah_tps``). A TPS row holds its code, name, desa, status,
witness, whether it is counted, then every box of its form in force (empty while
no form is logged). The last two columns of every row, ``tree_size`` and
``root_hash``, name the checkpoint the file was computed from.

Rows come in code order; the rows of one level add up to the row of their parent in
the level above (the TPS rows: those counted), as the tests check.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Final

from saksi.election.codes import Level, parent_of
from saksi.recap.fold import Recap
from saksi.recap.snapshot import LEVEL_NAMES
from saksi.recap.state import TpsState, tps_state
from saksi.tlog.checkpoint import Checkpoint

CSV_LEVELS: Final = (Level.PROVINSI, Level.KABKOTA, Level.KECAMATAN, Level.DESA, Level.TPS)
"""The levels that get a CSV file, named ``<contest>-<level>.csv`` by :data:`LEVEL_NAMES`."""


def csv_name(contest: str, level: Level) -> str:
    return f"{contest}-{LEVEL_NAMES[level]}.csv"


def _write(rows: Iterator[list[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _region_rows(
    recap: Recap, contest: str, level: Level, checkpoint: Checkpoint
) -> Iterator[list[object]]:
    stamp = [checkpoint.size, checkpoint.root.hex()]
    fields = list(recap.layout(contest).totals(recap.layout(contest).zero()).flat())
    yield ["code", "name", "parent", "expected", "received", "counted", *fields,
           "tree_size", "root_hash"]  # fmt: skip
    for code in recap.hierarchy.codes(level):
        progress = recap.progress(code, contest)
        totals = recap.totals(code, contest).flat()
        yield [
            code, recap.hierarchy.name(code), parent_of(code),
            progress.expected, progress.received, progress.counted,
            *(totals[f] for f in fields), *stamp,
        ]  # fmt: skip


def _states(recap: Recap, contest: str) -> Iterator[TpsState]:
    """Every TPS of the hierarchy in code order, ``missing`` where nothing is logged."""
    logged = recap.logged_tps(contest)
    fields = recap.layout(contest).form_fields
    ahead = next(logged, None)
    for code in recap.hierarchy.iter_tps():
        if ahead is not None and ahead.tps == code:
            yield ahead
            ahead = next(logged, None)
        else:
            yield tps_state(code, contest, None, fields)


def _tps_rows(recap: Recap, contest: str, checkpoint: Checkpoint) -> Iterator[list[object]]:
    stamp = [checkpoint.size, checkpoint.root.hex()]
    fields = recap.layout(contest).form_fields
    yield ["code", "name", "parent", "status", "witness", "counted", *fields,
           "tree_size", "root_hash"]  # fmt: skip
    for state in _states(recap, contest):
        values = state.values
        numbers = [values[f] for f in fields] if values is not None else [""] * len(fields)
        yield [
            state.tps, recap.hierarchy.name(state.tps), state.tps[:10], state.status.value,
            state.witness.value, int(state.counted), *numbers, *stamp,
        ]  # fmt: skip


def level_csv(recap: Recap, contest: str, level: Level, checkpoint: Checkpoint) -> bytes:
    """The CSV of every region (or TPS) of ``level`` for ``contest``."""
    if level is Level.TPS:
        return _write(_tps_rows(recap, contest, checkpoint))
    return _write(_region_rows(recap, contest, level, checkpoint))


__all__ = ["CSV_LEVELS", "csv_name", "level_csv"]
