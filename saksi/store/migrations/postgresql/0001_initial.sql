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
    leaf_hash bytea  NOT NULL UNIQUE,
    data      bytea  NOT NULL CHECK (octet_length(data) <= 65535),
    -- The RFC 6962 leaf hash, SHA-256(0x00 || data), checked by the database: no
    -- program can file an entry under another entry's hash.
    CONSTRAINT entries_leaf_hash_is_rfc6962 CHECK (leaf_hash = sha256('\x00'::bytea || data))
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

-- Appending, in one call (one statement, so one round trip and its own transaction):
-- for each (leaf hash, entry) in order, the index it has, or the next index if it
-- is new. The advisory lock serialises appenders to this log (its key holds the
-- entries table's oid: 'SAKS' << 32 | oid); every statement after it sees every
-- append committed before (READ COMMITTED takes a new snapshot per statement).
-- An entry stored under the hash but with other bytes is refused (SQLSTATE SK002).
CREATE FUNCTION store_append(hashes bytea[], datas bytea[])
RETURNS TABLE (idx bigint, new boolean)
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
    next_index bigint;
    stored_index bigint;
    stored_data bytea;
BEGIN
    PERFORM pg_advisory_xact_lock((1396788051::bigint << 32) | 'entries'::regclass::oid::bigint);
    SELECT coalesce(max(e.idx), -1) + 1 INTO next_index FROM entries e;
    FOR i IN 1 .. coalesce(array_length(hashes, 1), 0) LOOP
        SELECT e.idx, e.data INTO stored_index, stored_data
            FROM entries e WHERE e.leaf_hash = hashes[i];
        IF FOUND THEN
            IF stored_data IS DISTINCT FROM datas[i] THEN
                RAISE EXCEPTION USING
                    ERRCODE = 'SK002',
                    MESSAGE = format('store.corrupt: entry %s does not match its leaf hash',
                                     stored_index),
                    DETAIL = stored_index::text;
            END IF;
            idx := stored_index;
            new := false;
        ELSE
            INSERT INTO entries VALUES (next_index, hashes[i], datas[i]);
            idx := next_index;
            new := true;
            next_index := next_index + 1;
        END IF;
        RETURN NEXT;
    END LOOP;
END;
$$;
