--[[
  The counts coordinator_status shows, read in one round trip and writing nothing: tasks by
  status, live waiters, the last event id and the ids of the live leases (the caller tells a
  lease's kind from its id, as core's leaseKindOf does, so no lease record is read or parsed).

  KEYS[1]   the project's meta hash
  KEYS[2]   the lease expiry zset (lease id, score = expiry)
  KEYS[3]   the wait deadline zset (ticket, score = deadline)
  KEYS[4..] the task status zsets, in the caller's order
  ARGV[1]   now (epoch ms): a lease or wait ending at or before it is over
  Returns   { last event id, live waiters, the size of each status zset..., the live leases' ids... }
]]
local live = '(' .. ARGV[1]
local out = { tonumber(redis.call('HGET', KEYS[1], 'last') or '0'), redis.call('ZCOUNT', KEYS[3], live, '+inf') }
for k = 4, #KEYS do out[#out + 1] = redis.call('ZCARD', KEYS[k]) end
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], live, '+inf')) do out[#out + 1] = id end
return out
