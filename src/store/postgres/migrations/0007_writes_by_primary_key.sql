-- Baton PostgreSQL schema, version 7.
-- Purpose: every write reaches its rows through their primary key. apply_plan and apply_docs run
-- generic plans, in which a JSON array is guessed at 100 rows: against a project's few hundred
-- leases (or state entries, or docs) the planner deleted by scanning the whole project and hash
-- joining, and for leases it scanned leases_holder. Each delete's keys now come through a LIMIT of
-- the array's own length, which deletes the same rows but tells the plan the set is small, so it
-- looks each key up in the primary key. leases_holder and leases_resource go: no statement reads
-- by them (the engine's lease reads come from its project cache, loaded by project), they only
-- won plans from the primary key and cost every acquire and release two more index writes.
-- test/regression/postgres-plans-stay-narrow.test.ts checks these plans on a seeded schema.
DROP INDEX leases_holder;
DROP INDEX leases_resource;

CREATE OR REPLACE FUNCTION apply_docs(p_project TEXT, p JSON) RETURNS VOID
LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
BEGIN
  IF p->'docs_deleted' IS NOT NULL THEN
    DELETE FROM docs d USING (SELECT * FROM json_to_recordset(p->'docs_deleted') AS x(kind TEXT, id TEXT)
      LIMIT json_array_length(p->'docs_deleted')) x
    WHERE d.project = p_project AND d.kind = x.kind AND d.id = x.id;
  END IF;
  IF p->'docs' IS NOT NULL THEN
    INSERT INTO docs (project, kind, id, owner, status, sort, expires_at, body)
    SELECT p_project, r.kind, r.id, r.owner, r.status, r.sort, r.expires_at, r.body
    FROM json_to_recordset(p->'docs') AS r(kind TEXT, id TEXT, owner TEXT, status TEXT, sort BIGINT, expires_at BIGINT, body JSON)
    ON CONFLICT (project, kind, id) DO UPDATE SET owner = EXCLUDED.owner, status = EXCLUDED.status, sort = EXCLUDED.sort,
      expires_at = EXCLUDED.expires_at, body = EXCLUDED.body;
  END IF;
END
$$;

CREATE OR REPLACE FUNCTION apply_plan(p_project TEXT, p_rev BIGINT, p JSON, p_channel TEXT) RETURNS BIGINT
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
    DELETE FROM leases l USING (SELECT json_array_elements_text(p->'leases_deleted') AS id LIMIT json_array_length(p->'leases_deleted')) x
    WHERE l.project = p_project AND l.id = x.id;
  END IF;
  IF p->'leases' IS NOT NULL THEN
    INSERT INTO leases SELECT * FROM json_populate_recordset(NULL::leases, p->'leases')
    ON CONFLICT (project, id) DO UPDATE SET kind = EXCLUDED.kind, resource = EXCLUDED.resource, paths = EXCLUDED.paths, holder = EXCLUDED.holder,
      mode = EXCLUDED.mode, holder_limit = EXCLUDED.holder_limit, token = EXCLUDED.token, acquired_at = EXCLUDED.acquired_at,
      expires_at = EXCLUDED.expires_at, ttl_ms = EXCLUDED.ttl_ms, reason = EXCLUDED.reason;
  END IF;
  IF p->'waiters_deleted' IS NOT NULL THEN
    DELETE FROM waiters w USING (SELECT json_array_elements_text(p->'waiters_deleted')::BIGINT AS ticket LIMIT json_array_length(p->'waiters_deleted')) x
    WHERE w.project = p_project AND w.ticket = x.ticket;
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
    DELETE FROM state s USING (SELECT * FROM json_to_recordset(p->'state_deleted') AS x(scope TEXT, key TEXT)
      LIMIT json_array_length(p->'state_deleted')) d
    WHERE s.project = p_project AND s.scope = d.scope AND s.key = d.key;
  END IF;
  IF p->'state' IS NOT NULL THEN
    INSERT INTO state (project, scope, key, value, version, updated_at, updated_by, expires_at)
    SELECT r.project, r.scope, r.key, r.value::JSON, r.version, r.updated_at, r.updated_by, r.expires_at
    FROM json_to_recordset(p->'state') AS r(project TEXT, scope TEXT, key TEXT, value TEXT, version BIGINT, updated_at BIGINT, updated_by TEXT, expires_at BIGINT)
    ON CONFLICT (project, scope, key) DO UPDATE SET value = EXCLUDED.value, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at,
      updated_by = EXCLUDED.updated_by, expires_at = EXCLUDED.expires_at;
  END IF;
  PERFORM apply_docs(p_project, p);
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
