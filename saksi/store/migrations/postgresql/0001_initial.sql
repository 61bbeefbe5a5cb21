-- Saksi store, schema version 1 (PostgreSQL).
--
-- The log (entries), content-addressed photos, and a small key/value table (meta):
-- the same tables as the SQLite schema. Entries and photos are append-only: the
-- triggers below make the DATABASE refuse UPDATE, DELETE and TRUNCATE, and an entry
-- at any index but the next, whatever program is connected. Every refusal has
-- SQLSTATE SK001 and a message starting with "store.append-only" (the error code).
-- The triggers are ENABLE ALWAYS, so that even a superuser's
-- session_replication_role = replica does not switch them off.
-- Do not put BEGIN/COMMIT here: the migration runner wraps the file in a transaction.

CREATE TABLE entries (
    idx       bigint NOT NULL PRIMARY KEY CHECK (idx >= 0),
    leaf_hash bytea  NOT NULL UNIQUE CHECK (octet_length(leaf_hash) = 32),
    data      bytea  NOT NULL CHECK (octet_length(data) <= 65535)
);

CREATE TABLE photos (
    sha256 text  NOT NULL PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    data   bytea NOT NULL CHECK (octet_length(data) > 0)
);
-- Photos are JPEG/PNG, already compressed: store them out of line, uncompressed.
ALTER TABLE photos ALTER COLUMN data SET STORAGE EXTERNAL;

-- The service's own small state (for example the latest signed checkpoint),
-- changed only by compare-and-swap.
CREATE TABLE meta (
    key   text  NOT NULL PRIMARY KEY CHECK (char_length(key) BETWEEN 1 AND 200),
    value bytea NOT NULL
);

-- One refusal for every forbidden statement; TG_ARGV[0] says what was refused.
CREATE FUNCTION store_append_only() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    RAISE EXCEPTION USING
        ERRCODE = 'SK001',
        MESSAGE = 'store.append-only: ' || TG_ARGV[0];
END;
$$;

-- Contiguity: a new entry must take the next index (0, 1, 2, ... without gaps).
-- max(idx) is one backward step on the primary key's index. Rows inserted earlier
-- by the same statement are visible here, so a multi-row INSERT is checked row by row.
CREATE FUNCTION store_entries_next_index() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
    expected bigint;
BEGIN
    SELECT coalesce(max(idx), -1) + 1 INTO expected FROM entries;
    IF NEW.idx IS DISTINCT FROM expected THEN
        RAISE EXCEPTION USING
            ERRCODE = 'SK001',
            MESSAGE = format('store.append-only: a new entry must take the next index, %s, not %s',
                             expected, coalesce(NEW.idx::text, 'NULL'));
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER entries_next_index BEFORE INSERT ON entries
    FOR EACH ROW EXECUTE FUNCTION store_entries_next_index();
CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries
    FOR EACH STATEMENT EXECUTE FUNCTION store_append_only('entries cannot be changed');
CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries
    FOR EACH STATEMENT EXECUTE FUNCTION store_append_only('entries cannot be deleted');
CREATE TRIGGER entries_no_truncate BEFORE TRUNCATE ON entries
    FOR EACH STATEMENT EXECUTE FUNCTION store_append_only('entries cannot be truncated');

CREATE TRIGGER photos_no_update BEFORE UPDATE ON photos
    FOR EACH STATEMENT EXECUTE FUNCTION store_append_only('photos cannot be changed');
CREATE TRIGGER photos_no_delete BEFORE DELETE ON photos
    FOR EACH STATEMENT EXECUTE FUNCTION store_append_only('photos cannot be deleted');
CREATE TRIGGER photos_no_truncate BEFORE TRUNCATE ON photos
    FOR EACH STATEMENT EXECUTE FUNCTION store_append_only('photos cannot be truncated');

ALTER TABLE entries ENABLE ALWAYS TRIGGER entries_next_index;
ALTER TABLE entries ENABLE ALWAYS TRIGGER entries_no_update;
ALTER TABLE entries ENABLE ALWAYS TRIGGER entries_no_delete;
ALTER TABLE entries ENABLE ALWAYS TRIGGER entries_no_truncate;
ALTER TABLE photos ENABLE ALWAYS TRIGGER photos_no_update;
ALTER TABLE photos ENABLE ALWAYS TRIGGER photos_no_delete;
ALTER TABLE photos ENABLE ALWAYS TRIGGER photos_no_truncate;
