-- 积分超市 / 爱心存折 and frozen rankings.
--
-- reward_items is the catalogue of things points can be redeemed for; it is synced like every
-- record table. A redemption is a points entry (source_kind 'redeem', source_uuid the item's
-- uuid), so the passbook is just the member's entries.
CREATE TABLE reward_items (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    price REAL NOT NULL CHECK (price > 0),   -- points per piece
    stock INTEGER,                           -- NULL: not counted
    note TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT '上架',      -- 上架/下架
    uuid TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    rev INTEGER NOT NULL DEFAULT 1,
    office TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0
);

-- A closed ranking period: the ranking as it stood when the secretary closed it. Later edits
-- to entries never touch these rows. Local to this office (the street office ranks its own).
CREATE TABLE ranking_snapshots (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('member', 'unit')),
    period TEXT NOT NULL,
    closed_at TEXT NOT NULL,                 -- UTC ISO
    closed_by TEXT NOT NULL DEFAULT '',
    rule TEXT NOT NULL DEFAULT ''            -- how it was ordered, as shown to the user
);
CREATE UNIQUE INDEX ranking_snapshots_period ON ranking_snapshots(kind, period);

CREATE TABLE ranking_rows (
    snapshot_id INTEGER NOT NULL REFERENCES ranking_snapshots(id),
    rank INTEGER NOT NULL,
    subject_id INTEGER NOT NULL,             -- member or unit id at the time
    subject_uuid TEXT NOT NULL,
    name TEXT NOT NULL,
    org TEXT NOT NULL DEFAULT '',            -- work unit (members) or category (units)
    points REAL NOT NULL,
    services INTEGER NOT NULL,
    hours REAL NOT NULL,
    PRIMARY KEY (snapshot_id, rank)
) WITHOUT ROWID;
