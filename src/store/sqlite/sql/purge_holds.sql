-- Holds that expired (their holder's process died, or never gave them back).
DELETE FROM limit_holds WHERE expires_at <= ?
