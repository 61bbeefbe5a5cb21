"""Storage backends behind one interface (SQLite embedded default; PostgreSQL next)."""
