-- The locked path: holds the project's header row (and, for a project not created yet, its advisory key)
-- until COMMIT, so no other process applies a plan to it meanwhile.
SELECT pg_advisory_xact_lock($2::BIGINT), (SELECT rev FROM projects WHERE id = $1 FOR UPDATE) AS rev
