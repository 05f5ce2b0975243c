-- Excel exchange between offices.
--
-- sync_base: per synced row, the version last shared with another office (received in an
-- import, or sent in an export). A row whose current version differs from its base was changed
-- here since the last exchange; an incoming version newer than the base was changed there.
-- Both at once is a conflict.
CREATE TABLE sync_base (
    tbl TEXT NOT NULL,
    uuid TEXT NOT NULL,
    rev INTEGER NOT NULL,
    deleted INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    office TEXT NOT NULL,
    PRIMARY KEY (tbl, uuid)
) WITHOUT ROWID;

-- One line per import, export or roster import, for the 同步记录 list.
CREATE TABLE sync_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,                      -- UTC ISO
    kind TEXT NOT NULL,                    -- export / import / roster
    file_name TEXT NOT NULL DEFAULT '',
    peer_office TEXT NOT NULL DEFAULT '',
    peer_name TEXT NOT NULL DEFAULT '',
    file_exported_at TEXT NOT NULL DEFAULT '',
    counts TEXT NOT NULL DEFAULT '{}',     -- JSON: per sheet new/updated/...
    backup_path TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT ''
);

-- What we know of each other office: its name and the newest file imported from it.
CREATE TABLE sync_peers (
    office TEXT PRIMARY KEY,
    name TEXT NOT NULL DEFAULT '',
    last_file_exported_at TEXT NOT NULL DEFAULT '',
    last_imported_at TEXT NOT NULL DEFAULT ''
);
