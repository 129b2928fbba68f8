-- Baton PostgreSQL schema, version 3.
-- Purpose: the store's step engine. The project header gains `rev` (one more per
-- applied plan). Request ids are scoped to their caller and remember what was asked.
-- Secondary indexes that start with `project` and compete with primary keys are
-- replaced by a partial ready index and time indexes the sweep ranges over, so the
-- sweep's cost follows what is due. apply_plan (below) writes a whole batch with one
-- set-based statement per table and kind of change, in one round trip.
ALTER TABLE projects ADD COLUMN rev BIGINT NOT NULL DEFAULT 0;
-- A queued waiter remembers when the call waiting for it ends: until its deadline after
-- that (a grace period) it keeps its place for the caller's re-call.
ALTER TABLE waiters ADD COLUMN active_until BIGINT;

DROP TABLE requests;
CREATE TABLE requests (
  project TEXT COLLATE "C" NOT NULL,
  caller TEXT COLLATE "C" NOT NULL,
  request_id TEXT COLLATE "C" NOT NULL,
  fingerprint TEXT NOT NULL,
  result JSON NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (project, caller, request_id)
);
CREATE INDEX requests_created ON requests (created_at);

DROP INDEX tasks_by_status;
DROP INDEX tasks_claim_expiry;
DROP INDEX members_silent;
DROP INDEX state_expiry;
DROP INDEX leases_kind;
CREATE INDEX tasks_ready ON tasks (project, priority DESC, seq) WHERE status = 'ready';
CREATE INDEX tasks_by_seq ON tasks (project, seq);
CREATE INDEX tasks_lapsing ON tasks (claim_expires_at) WHERE status = 'claimed';
CREATE INDEX leases_expiry ON leases (expires_at);
CREATE INDEX waiters_deadline ON waiters (deadline);
CREATE INDEX members_heartbeat ON members (last_heartbeat) WHERE end_reason IS NULL;
CREATE INDEX state_expiring ON state (expires_at) WHERE expires_at IS NOT NULL;
CREATE INDEX projects_log_length ON projects ((last_event_id - oldest_event_id));

-- Applies one plan (store/step/plan.ts, encoded by postgres-plan.ts) if the project is
-- still at p_rev (or, for a plan that creates it, does not exist yet). Returns the new
-- rev, or -1 when the project moved (the caller reloads and runs the batch again).
-- A request id recorded meanwhile by another process raises SQLSTATE BT409, which
-- rolls the whole plan back: the caller reruns it and replays that request.
-- Generic plans: the statements are the same for every call, only the data differs.
CREATE FUNCTION apply_plan(p_project TEXT, p_rev BIGINT, p JSON, p_channel TEXT) RETURNS BIGINT
LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
DECLARE
  h JSON := p->'header';
  n BIGINT;
BEGIN
  IF (p->>'creates')::BOOLEAN THEN
    INSERT INTO projects (id, rev, created_at, seq_token, seq_ticket, seq_task, last_event_id, oldest_event_id)
    VALUES (p_project, 1, (h->>'createdAt')::BIGINT, (h->>'token')::BIGINT, (h->>'ticket')::BIGINT, (h->>'taskSeq')::BIGINT,
            (h->>'lastEventId')::BIGINT, (h->>'oldestEventId')::BIGINT)
    ON CONFLICT (id) DO NOTHING;
  ELSE
    UPDATE projects SET rev = rev + 1, seq_token = (h->>'token')::BIGINT, seq_ticket = (h->>'ticket')::BIGINT,
      seq_task = (h->>'taskSeq')::BIGINT, last_event_id = (h->>'lastEventId')::BIGINT, oldest_event_id = (h->>'oldestEventId')::BIGINT
    WHERE id = p_project AND rev = p_rev;
  END IF;
  GET DIAGNOSTICS n = ROW_COUNT;
  IF n = 0 THEN RETURN -1; END IF;

  IF p->'requests' IS NOT NULL THEN
    -- result (like state's value) arrives as JSON text: a JSON null must stay a value, not become SQL NULL.
    INSERT INTO requests (project, caller, request_id, fingerprint, result, created_at)
    SELECT r.project, r.caller, r.request_id, r.fingerprint, r.result::JSON, r.created_at
    FROM json_to_recordset(p->'requests') AS r(project TEXT, caller TEXT, request_id TEXT, fingerprint TEXT, result TEXT, created_at BIGINT)
    ON CONFLICT DO NOTHING;
    GET DIAGNOSTICS n = ROW_COUNT;
    IF n <> json_array_length(p->'requests') THEN
      RAISE EXCEPTION 'a request id of this plan was recorded meanwhile' USING ERRCODE = 'BT409';
    END IF;
  END IF;
  IF p->'members' IS NOT NULL THEN
    INSERT INTO members SELECT * FROM json_populate_recordset(NULL::members, p->'members')
    ON CONFLICT (project, id) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind, modules = EXCLUDED.modules, metadata = EXCLUDED.metadata,
      activity = EXCLUDED.activity, current_file = EXCLUDED.current_file, registered_at = EXCLUDED.registered_at, last_heartbeat = EXCLUDED.last_heartbeat,
      ended_at = EXCLUDED.ended_at, end_reason = EXCLUDED.end_reason, service = EXCLUDED.service;
  END IF;
  IF p->'leases_deleted' IS NOT NULL THEN
    DELETE FROM leases WHERE project = p_project AND id IN (SELECT json_array_elements_text(p->'leases_deleted'));
  END IF;
  IF p->'leases' IS NOT NULL THEN
    INSERT INTO leases SELECT * FROM json_populate_recordset(NULL::leases, p->'leases')
    ON CONFLICT (project, id) DO UPDATE SET kind = EXCLUDED.kind, resource = EXCLUDED.resource, paths = EXCLUDED.paths, holder = EXCLUDED.holder,
      mode = EXCLUDED.mode, holder_limit = EXCLUDED.holder_limit, token = EXCLUDED.token, acquired_at = EXCLUDED.acquired_at,
      expires_at = EXCLUDED.expires_at, ttl_ms = EXCLUDED.ttl_ms, reason = EXCLUDED.reason;
  END IF;
  IF p->'waiters_deleted' IS NOT NULL THEN
    DELETE FROM waiters WHERE project = p_project AND ticket IN (SELECT json_array_elements_text(p->'waiters_deleted')::BIGINT);
  END IF;
  IF p->'waiters' IS NOT NULL THEN
    INSERT INTO waiters SELECT * FROM json_populate_recordset(NULL::waiters, p->'waiters')
    ON CONFLICT (project, ticket) DO UPDATE SET kind = EXCLUDED.kind, holder = EXCLUDED.holder, request = EXCLUDED.request,
      enqueued_at = EXCLUDED.enqueued_at, deadline = EXCLUDED.deadline, active_until = EXCLUDED.active_until;
  END IF;
  IF p->'tasks' IS NOT NULL THEN
    INSERT INTO tasks SELECT * FROM json_populate_recordset(NULL::tasks, p->'tasks')
    ON CONFLICT (project, id) DO UPDATE SET title = EXCLUDED.title, description = EXCLUDED.description, dependencies = EXCLUDED.dependencies,
      priority = EXCLUDED.priority, labels = EXCLUDED.labels, files = EXCLUDED.files, status = EXCLUDED.status, output = EXCLUDED.output,
      error = EXCLUDED.error, progress = EXCLUDED.progress, attempts = EXCLUDED.attempts, claim = EXCLUDED.claim, claim_agent = EXCLUDED.claim_agent,
      claim_expires_at = EXCLUDED.claim_expires_at, updated_at = EXCLUDED.updated_at;
  END IF;
  IF p->'dependencies' IS NOT NULL THEN
    INSERT INTO task_dependencies SELECT * FROM json_populate_recordset(NULL::task_dependencies, p->'dependencies') ON CONFLICT DO NOTHING;
  END IF;
  IF p->'state_deleted' IS NOT NULL THEN
    DELETE FROM state s USING json_populate_recordset(NULL::state, p->'state_deleted') d
    WHERE s.project = p_project AND s.scope = d.scope AND s.key = d.key;
  END IF;
  IF p->'state' IS NOT NULL THEN
    INSERT INTO state (project, scope, key, value, version, updated_at, updated_by, expires_at)
    SELECT r.project, r.scope, r.key, r.value::JSON, r.version, r.updated_at, r.updated_by, r.expires_at
    FROM json_to_recordset(p->'state') AS r(project TEXT, scope TEXT, key TEXT, value TEXT, version BIGINT, updated_at BIGINT, updated_by TEXT, expires_at BIGINT)
    ON CONFLICT (project, scope, key) DO UPDATE SET value = EXCLUDED.value, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at,
      updated_by = EXCLUDED.updated_by, expires_at = EXCLUDED.expires_at;
  END IF;
  IF p->'events' IS NOT NULL THEN
    INSERT INTO events SELECT * FROM json_populate_recordset(NULL::events, p->'events');
    PERFORM pg_notify(p_channel, json_build_object('project', p_project, 'lastId', (h->>'lastEventId')::BIGINT)::TEXT);
  END IF;
  IF (p->>'trim_below')::BIGINT > 0 THEN
    DELETE FROM events WHERE project = p_project AND id < (p->>'trim_below')::BIGINT;
  END IF;
  RETURN CASE WHEN (p->>'creates')::BOOLEAN THEN 1 ELSE p_rev + 1 END;
END
$$;
