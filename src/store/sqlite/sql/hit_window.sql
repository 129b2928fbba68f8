-- One hit on a key's fixed window: a window that ended starts again at 1. Answers the count.
INSERT INTO limit_windows (key, window_end, count) VALUES (@key, @window_end, 1)
ON CONFLICT (key) DO UPDATE SET
  count = CASE WHEN limit_windows.window_end = excluded.window_end THEN limit_windows.count + 1 ELSE 1 END,
  window_end = excluded.window_end
RETURNING count
