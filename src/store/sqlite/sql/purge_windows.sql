-- Windows that ended: a next hit would start them again anyway.
DELETE FROM limit_windows WHERE window_end <= ?
