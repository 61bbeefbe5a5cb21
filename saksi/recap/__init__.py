"""Recapitulation: the fold from log entries to totals (issue 5)."""
