-- 审计日志: append-only and hash-chained. Each entry's hash covers its fields and the previous
-- entry's hash, so an edited, removed or reordered entry breaks the chain (baodao check).
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,            -- UTC ISO
    user TEXT NOT NULL,
    action TEXT NOT NULL,        -- 登录/导入/导出/恢复/删除/评价/查看完整证件号 …
    target TEXT NOT NULL DEFAULT '',
    result TEXT NOT NULL DEFAULT '成功',
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, '审计日志只能追加，不能修改');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, '审计日志只能追加，不能删除');
END;
