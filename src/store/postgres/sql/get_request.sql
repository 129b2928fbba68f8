SELECT * FROM requests WHERE project = $1 AND caller = $2 AND request_id = $3
