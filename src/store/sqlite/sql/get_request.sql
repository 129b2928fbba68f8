SELECT * FROM requests WHERE project = ? AND caller = ? AND request_id = ?
