DELETE FROM docs WHERE project = ? AND kind = ? AND id = ?
