"""The two roles of a ledger with users (db.users, db.access): a leaf module, so that the
keys (db.keys) can name them without importing the scopes (db.access re-states them)."""

SECRETARY = "书记"
GRID_WORKER = "网格员"
ROLES = (SECRETARY, GRID_WORKER)
DENIED = "无权限"
