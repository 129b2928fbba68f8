-- Live holders of a key other than the one asking (whose own hold is renewed, not added).
SELECT COUNT(*) AS n FROM limit_holds WHERE key = @key AND holder <> @holder AND expires_at > @now
