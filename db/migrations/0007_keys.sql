-- 钥匙 (db/keys.py). On a ledger with users, a member's full ID number is kept sealed
-- (`id_sealed`: readable with the 书记 key only) and `id_number` holds a mask that keeps only
-- the region (6 digits). Two keyed indexes find a number without storing it: `id_index`, fast,
-- with a key only a 书记 holds (lookups, matching in imports; filled at the next 书记 login
-- for a number a 网格员 entered), and `id_probe`, deliberately slow, with a key every user
-- holds (the duplicate check when a 网格员 enters a member; costly to try numbers against).
-- A ledger without users keeps the plain number and leaves the new columns empty.
ALTER TABLE members ADD COLUMN id_sealed TEXT NOT NULL DEFAULT '';
ALTER TABLE members ADD COLUMN id_index TEXT NOT NULL DEFAULT '';
ALTER TABLE members ADD COLUMN id_probe TEXT NOT NULL DEFAULT '';
DROP INDEX members_live_id;
CREATE UNIQUE INDEX members_live_id ON members(id_number)
    WHERE status = '在册' AND deleted = 0 AND id_probe = '';
CREATE UNIQUE INDEX members_live_probe ON members(id_probe)
    WHERE status = '在册' AND deleted = 0 AND id_probe <> '';
CREATE INDEX members_id_index ON members(id_index) WHERE id_index <> '';

-- A MAC (users key) over each user's name, role, grid and state: a role or grid edited in the
-- file is found by the next 书记 login and by `baodao check`.
ALTER TABLE users ADD COLUMN auth TEXT NOT NULL DEFAULT '';

-- Keyed seals of the audit chain: seal(n) = HMAC(audit key, n | hash(n) | seal(n-1)). Entries
-- made in a 网格员's session are sealed at the next 书记 login. The head (meta
-- audit_seal_head) is MACed too, so a cut-off tail shows.
CREATE TABLE audit_seals (
    entry_id INTEGER PRIMARY KEY,
    seal TEXT NOT NULL
);
CREATE TRIGGER audit_seals_no_update BEFORE UPDATE ON audit_seals
BEGIN
    SELECT RAISE(ABORT, '审计日志只能追加，不能修改');
END;
CREATE TRIGGER audit_seals_no_delete BEFORE DELETE ON audit_seals
BEGIN
    SELECT RAISE(ABORT, '审计日志只能追加，不能删除');
END;

-- Witnesses: the audit chain values other offices' exchange files carried (checkpoints and
-- head). A later file whose chain contradicts one is reported by the import and by check.
CREATE TABLE audit_witness (
    office TEXT NOT NULL,
    entry_id INTEGER NOT NULL,
    value TEXT NOT NULL,
    community TEXT NOT NULL DEFAULT '',
    seen_at TEXT NOT NULL,
    PRIMARY KEY (office, entry_id)
);
CREATE TABLE audit_alerts (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    office TEXT NOT NULL,
    community TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL
);
