-- Hits on a key's fixed window: a window that ended starts again from them. Answers the count.
INSERT INTO limit_windows (key, window_end, count) VALUES (@key, @window_end, @by)
ON CONFLICT (key) DO UPDATE SET
  count = CASE WHEN limit_windows.window_end = excluded.window_end THEN limit_windows.count + excluded.count ELSE excluded.count END,
  window_end = excluded.window_end
RETURNING count
