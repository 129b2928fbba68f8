-- A kind's docs by sort; each filtered read has its own statement naming its index (SQLite, without
-- statistics, would take the sort range of docs_by_sort for the more selective one and scan).
SELECT * FROM docs INDEXED BY docs_by_sort WHERE project = @project AND kind = @kind AND sort >= @from AND sort <= @to
ORDER BY sort, id LIMIT @limit
