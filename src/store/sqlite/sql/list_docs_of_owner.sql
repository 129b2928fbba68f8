SELECT * FROM docs INDEXED BY docs_by_owner WHERE project = @project AND kind = @kind AND owner = @owner AND sort >= @from AND sort <= @to
ORDER BY sort, id LIMIT @limit
