DELETE FROM limit_holds WHERE key = ANY($1::text[]) AND holder = $2
