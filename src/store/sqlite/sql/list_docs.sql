SELECT * FROM docs WHERE project = @project AND kind = @kind
  AND (@owner IS NULL OR owner = @owner) AND (@status IS NULL OR status = @status)
  AND sort >= @from AND sort <= @to
ORDER BY sort, id LIMIT @limit
