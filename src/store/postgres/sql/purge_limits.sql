-- Windows that ended and holds that expired, in one statement.
WITH windows AS (DELETE FROM limit_windows WHERE window_end <= $1)
DELETE FROM limit_holds WHERE expires_at <= $1
