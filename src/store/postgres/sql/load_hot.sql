-- A project's header and every member, lease and waiter, in one round trip (the cache's warm-up).
SELECT (SELECT row_to_json(p) FROM projects p WHERE p.id = $1) AS header,
  (SELECT coalesce(json_agg(m ORDER BY m.registered_at, m.id), '[]') FROM members m WHERE m.project = $1) AS members,
  (SELECT coalesce(json_agg(l ORDER BY l.token), '[]') FROM leases l WHERE l.project = $1) AS leases,
  (SELECT coalesce(json_agg(w ORDER BY w.ticket), '[]') FROM waiters w WHERE w.project = $1) AS waiters
