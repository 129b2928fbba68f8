-- The leases related to a lock name (reads.ts leasesOn): the name itself, its ancestors (a JSON array),
-- and its descendants, the names starting with 'name:' or 'name.' (':' < ';' and '.' < '/' bound those ranges).
SELECT * FROM leases WHERE project = @project AND kind = @kind AND (
  resource = @resource OR resource IN (SELECT value FROM json_each(@ancestors))
  OR (resource > @resource || ':' AND resource < @resource || ';') OR (resource > @resource || '.' AND resource < @resource || '/')
) ORDER BY token
