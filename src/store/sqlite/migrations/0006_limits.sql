-- Baton SQLite schema, version 6.
-- Purpose: limits per caller (store/limits-port.ts). One row per counted key holds the
-- current fixed window (a hit in a later window starts it again at 1), and one row per
-- holder of a bounded key (a concurrent wait) holds its expiry. Both are swept by expiry.
CREATE TABLE limit_windows (
  key TEXT PRIMARY KEY,
  window_end INTEGER NOT NULL,
  count INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX limit_windows_ending ON limit_windows (window_end);
CREATE TABLE limit_holds (
  key TEXT NOT NULL,
  holder TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (key, holder)
) WITHOUT ROWID;
CREATE INDEX limit_holds_expiring ON limit_holds (expires_at);
