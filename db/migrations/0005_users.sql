-- 用户与角色: who may open this ledger and what they may see. Local to this office (never
-- exported). With no rows the ledger is single-user and its user has the 书记 role.
--   书记   sees everything, including full ID numbers; imports; manages users and settings.
--   网格员 sees and edits only the grid subtree under node_id; ID numbers reach them masked.
-- Passwords are stored as scrypt hashes with a per-user salt. failures / retry_after slow down
-- guessing: after 3 wrong passwords each try waits 2, 4, 8 … up to 300 seconds.
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('书记', '网格员')),
    node_id INTEGER REFERENCES grid_nodes(id),
    pw_salt TEXT NOT NULL,
    pw_hash TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    failures INTEGER NOT NULL DEFAULT 0,
    retry_after TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (role = '书记' OR node_id IS NOT NULL)
);
