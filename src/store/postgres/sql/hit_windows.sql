-- Hits on each key's fixed window ($1 keys, each once; $2 the windows' ends; $3 the hits): a window that ended starts again from them.
INSERT INTO limit_windows AS w (key, window_end, count)
SELECT k, e, n FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS h(k, e, n)
ON CONFLICT (key) DO UPDATE SET
  count = CASE WHEN w.window_end = EXCLUDED.window_end THEN w.count + EXCLUDED.count ELSE EXCLUDED.count END,
  window_end = EXCLUDED.window_end
RETURNING key, count
