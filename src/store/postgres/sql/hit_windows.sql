-- One hit on each key's fixed window ($1 keys, $2 the windows' ends): a window that ended starts again at 1.
INSERT INTO limit_windows AS w (key, window_end, count)
SELECT k, e, 1 FROM unnest($1::text[], $2::bigint[]) AS h(k, e)
ON CONFLICT (key) DO UPDATE SET
  count = CASE WHEN w.window_end = EXCLUDED.window_end THEN w.count + 1 ELSE 1 END,
  window_end = EXCLUDED.window_end
RETURNING key, count
