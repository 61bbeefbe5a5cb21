-- Saksi store, schema version 1 (SQLite).
--
-- The log (entries), content-addressed photos, and a small key/value table (meta).
-- Entries and photos are append-only: the triggers below make the DATABASE refuse
-- UPDATE, DELETE and INSERT OR REPLACE, whatever program is talking to it.
-- Every refusal message starts with "store.append-only" (the error code).
-- Do not put BEGIN/COMMIT here: the migration runner wraps the file in a transaction.

CREATE TABLE entries (
    idx       INTEGER NOT NULL PRIMARY KEY CHECK (idx >= 0),
    leaf_hash BLOB    NOT NULL UNIQUE
              CHECK (typeof(leaf_hash) = 'blob' AND length(leaf_hash) = 32),
    data      BLOB    NOT NULL
              CHECK (typeof(data) = 'blob' AND length(data) <= 65535)
);

-- Contiguity: a new entry must take the next index (0, 1, 2, ... without gaps).
-- max(idx) on the primary key is a single b-tree lookup.
CREATE TRIGGER entries_next_index BEFORE INSERT ON entries
WHEN NEW.idx IS NOT (SELECT coalesce(max(idx), -1) + 1 FROM entries)
BEGIN
    SELECT RAISE(ABORT, 'store.append-only: a new entry must take the next index');
END;

-- INSERT OR REPLACE would delete the stored row first (and delete triggers do not
-- fire for REPLACE unless recursive_triggers is on): refuse a duplicate up front.
CREATE TRIGGER entries_no_replace BEFORE INSERT ON entries
WHEN EXISTS (SELECT 1 FROM entries WHERE leaf_hash = NEW.leaf_hash)
BEGIN
    SELECT RAISE(ABORT, 'store.append-only: this entry is already in the log');
END;

CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries
BEGIN
    SELECT RAISE(ABORT, 'store.append-only: entries cannot be changed');
END;

CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries
BEGIN
    SELECT RAISE(ABORT, 'store.append-only: entries cannot be deleted');
END;

CREATE TABLE photos (
    sha256 TEXT NOT NULL PRIMARY KEY
           CHECK (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*'),
    data   BLOB NOT NULL
           CHECK (typeof(data) = 'blob' AND length(data) > 0)
);

CREATE TRIGGER photos_no_replace BEFORE INSERT ON photos
WHEN EXISTS (SELECT 1 FROM photos WHERE sha256 = NEW.sha256)
BEGIN
    SELECT RAISE(ABORT, 'store.append-only: this photo is already stored');
END;

CREATE TRIGGER photos_no_update BEFORE UPDATE ON photos
BEGIN
    SELECT RAISE(ABORT, 'store.append-only: photos cannot be changed');
END;

CREATE TRIGGER photos_no_delete BEFORE DELETE ON photos
BEGIN
    SELECT RAISE(ABORT, 'store.append-only: photos cannot be deleted');
END;

-- The service's own small state (for example the latest signed checkpoint),
-- changed only by compare-and-swap.
CREATE TABLE meta (
    key   TEXT NOT NULL PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 200),
    value BLOB NOT NULL CHECK (typeof(value) = 'blob')
);
