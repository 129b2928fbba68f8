--[[
  Fast path of acquireLease (lease-ops.ts acquire) for a lock or slot that nothing touches:
  no waiter of the kind, no lapsed lease of the kind to expire first, and no live lease of the
  kind on a related name (the same name, an ancestor or a descendant, by anyone: the caller's
  own lease on the same name is a renewal). Then the request is granted, as the shared step does.
  Names are canonical (keys.ts canonicalLockName), so related names are string prefixes.

  KEYS[1]   project meta hash
  KEYS[2]   project lock
  KEYS[3]   event stream
  KEYS[4]   leases of the kind (id -> Lease JSON)
  KEYS[5]   their expiry zset
  KEYS[6]   waiters of the kind
  KEYS[7]   lease names of the kind (lex zset of 'canonical name NUL holder')
  ARGV[1]   now (epoch ms)
  ARGV[2]   lease id
  ARGV[3]   expiresAt
  ARGV[4]   the lease JSON after its leading token field (starts with ',')
  ARGV[5]   the event JSON before the token, ARGV[6] after it
  ARGV[7]   the lease-names member of the request
  ARGV[8]   canonical name of the request
  ARGV[9..] canonical names of its ancestors
  Returns   {'fallback'} or {'ok', token, event id}
]]
-- @include common

if not fast_path_open(KEYS[2]) or not project_exists(KEYS[1]) then return { 'fallback' } end
if redis.call('HLEN', KEYS[6]) > 0 then return { 'fallback' } end
if redis.call('ZCOUNT', KEYS[5], '-inf', ARGV[1]) > 0 then return { 'fallback' } end
for i = 8, #ARGV do
  if #redis.call('ZRANGEBYLEX', KEYS[7], '[' .. ARGV[i] .. '\0', '(' .. ARGV[i] .. '\1', 'LIMIT', 0, 1) > 0 then return { 'fallback' } end
end
if #redis.call('ZRANGEBYLEX', KEYS[7], '[' .. ARGV[8] .. ':', '(' .. ARGV[8] .. ';', 'LIMIT', 0, 1) > 0 then return { 'fallback' } end

local token = int(redis.call('HINCRBY', KEYS[1], 'seq:token', 1))
redis.call('HSET', KEYS[4], ARGV[2], '{"token":' .. token .. ARGV[4])
redis.call('ZADD', KEYS[5], ARGV[3], ARGV[2])
redis.call('ZADD', KEYS[7], 0, ARGV[7])
local event_id = append_event(KEYS[1], KEYS[3], 'lease.acquired', ARGV[5] .. token .. ARGV[6])
return { 'ok', token, event_id }
