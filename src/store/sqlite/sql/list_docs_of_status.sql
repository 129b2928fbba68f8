SELECT * FROM docs INDEXED BY docs_by_status WHERE project = @project AND kind = @kind AND status = @status AND sort >= @from AND sort <= @to
ORDER BY sort, id LIMIT @limit
