--[[
  Fast path of releaseLease (lease-ops.ts release) for a live lock or slot of the caller when
  the kind has no waiter and no lapsed lease, so the settle after the release has nothing to do.
  Anything else (a refusal, a hand-over to waiters, expiries) returns 'fallback'.

  KEYS[1]   project meta hash
  KEYS[2]   project lock
  KEYS[3]   event stream
  KEYS[4]   leases of the kind (id -> Lease JSON)
  KEYS[5]   their expiry zset
  KEYS[6]   waiters of the kind
  KEYS[7]   lease names of the kind (see acquire-lease.lua)
  ARGV[1]   now (epoch ms)
  ARGV[2]   lease id
  ARGV[3]   resource
  ARGV[4]   holder
  ARGV[5]   token the caller holds, or '' when not given
  ARGV[6]   the event JSON before the token, ARGV[7] after it
  ARGV[8]   the lease-names member of the lease
  Returns   {'fallback'} or {'ok', lease JSON, event id, event JSON}
]]
-- @include common

if not fast_path_open(KEYS[2]) then return { 'fallback' } end
if redis.call('HLEN', KEYS[6]) > 0 then return { 'fallback' } end
if redis.call('ZCOUNT', KEYS[5], '-inf', ARGV[1]) > 0 then return { 'fallback' } end
local text = redis.call('HGET', KEYS[4], ARGV[2])
if not text then return { 'fallback' } end
local lease = cjson.decode(text)
if lease.resource ~= ARGV[3] or lease.holder ~= ARGV[4] then return { 'fallback' } end
if ARGV[5] ~= '' and tonumber(ARGV[5]) ~= lease.token then return { 'fallback' } end

redis.call('HDEL', KEYS[4], ARGV[2])
redis.call('ZREM', KEYS[5], ARGV[2])
redis.call('ZREM', KEYS[7], ARGV[8])
local event = ARGV[6] .. int(lease.token) .. ARGV[7]
local event_id = append_event(KEYS[1], KEYS[3], 'lease.released', event)
return { 'ok', text, event_id, event }
