-- Baton PostgreSQL schema, version 6.
-- Purpose: limits per caller (store/limits-port.ts), shared by every coordinator on the
-- schema. One row per counted key holds its current fixed window (a hit in a later window
-- starts it again at 1); one row per holder of a bounded key (a concurrent wait) holds its
-- expiry. take_holds checks and takes the holds of several keys all or none, each key's
-- check serialised by a transaction advisory lock (taken in key order: no deadlock).
-- Both tables are UNLOGGED: a write needs no WAL flush, and a database crash only forgets
-- counts and waits, which are rebuilt by the next minute.
CREATE UNLOGGED TABLE limit_windows (
  key TEXT COLLATE "C" PRIMARY KEY,
  window_end BIGINT NOT NULL,
  count BIGINT NOT NULL
);
CREATE INDEX limit_windows_ending ON limit_windows (window_end);
CREATE UNLOGGED TABLE limit_holds (
  key TEXT COLLATE "C" NOT NULL,
  holder TEXT COLLATE "C" NOT NULL,
  expires_at BIGINT NOT NULL,
  PRIMARY KEY (key, holder)
);
CREATE INDEX limit_holds_expiring ON limit_holds (expires_at);

-- Answers 0 when every hold was taken, else the 1-based position of the first full key.
CREATE FUNCTION take_holds(p_keys TEXT[], p_max INT[], p_holder TEXT, p_expires BIGINT, p_now BIGINT) RETURNS INT
LANGUAGE plpgsql AS $$
DECLARE
  i INT;
  k TEXT;
  others BIGINT;
BEGIN
  FOR k IN SELECT DISTINCT x FROM unnest(p_keys) AS x ORDER BY x LOOP
    PERFORM pg_advisory_xact_lock(hashtextextended('baton-limit:' || k, 0));
  END LOOP;
  FOR i IN 1 .. coalesce(array_length(p_keys, 1), 0) LOOP
    SELECT count(*) INTO others FROM limit_holds
    WHERE key = p_keys[i] AND holder <> p_holder AND expires_at > p_now;
    IF others >= p_max[i] THEN RETURN i; END IF;
  END LOOP;
  INSERT INTO limit_holds (key, holder, expires_at)
  SELECT x, p_holder, p_expires FROM unnest(p_keys) AS x
  ON CONFLICT (key, holder) DO UPDATE SET expires_at = EXCLUDED.expires_at;
  RETURN 0;
END
$$;
