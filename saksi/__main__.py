"""``python -m saksi`` runs the ``saksi`` command."""

from saksi.cli import main

main()
