-- Baton SQLite schema, version 7.
-- Purpose: a page of the tasks in one status, in insertion order, without walking the
-- project's history. claim_task with nothing ready lists the claimed tasks (the next
-- lapse); by (project, seq) that read stepped over every finished task (50 ms a call at
-- 100,000 done tasks, blocking every other write of the process meanwhile).
CREATE INDEX tasks_of_status ON tasks (project, status, seq);
