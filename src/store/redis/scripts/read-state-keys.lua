--[[
  Reads or counts the live keys of one scope that start with a prefix, in one round trip, without
  reading the rest of the scope: the lex index gives the range, the expiry zset the keys that
  lapsed but are not swept yet (few: the sweeper removes them).

  KEYS[1]   stateKeys, the lex zset of `scope\0key`
  KEYS[2]   state, the hash of JSON records by the same member
  KEYS[3]   stateExpiry, the zset of members by expiry time
  ARGV[1]   'page' or 'count'
  ARGV[2]   `scope\0prefix`
  ARGV[3]   for 'page': the member to start after ('' = from the prefix on)
  ARGV[4]   for 'page': how many records at most
  ARGV[5]   now (ms): a member whose expiry is at or before it is not live
  Returns   'page': the records' JSON in key order; 'count': the number of live keys
]]
local from = ARGV[2]
-- Keys are UTF-8, which never holds the byte 0xFF: every key with the prefix sorts below this.
local upto = '(' .. from .. '\255'
local now = tonumber(ARGV[5])

if ARGV[1] == 'count' then
  local n = redis.call('ZLEXCOUNT', KEYS[1], '[' .. from, upto)
  for _, m in ipairs(redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now)) do
    if string.sub(m, 1, #from) == from then n = n - 1 end
  end
  return n
end

local low = ARGV[3] == '' and ('[' .. from) or ('(' .. ARGV[3])
local limit = tonumber(ARGV[4])
local out = {}
local CHUNK = 500
while #out < limit do
  local members = redis.call('ZRANGEBYLEX', KEYS[1], low, upto, 'LIMIT', 0, CHUNK)
  if #members == 0 then break end
  for _, m in ipairs(members) do
    local expiry = redis.call('ZSCORE', KEYS[3], m)
    if not expiry or tonumber(expiry) > now then
      local record = redis.call('HGET', KEYS[2], m)
      if record then out[#out + 1] = record end
      if #out >= limit then break end
    end
  end
  if #members < CHUNK then break end
  low = '(' .. members[#members]
end
return out
