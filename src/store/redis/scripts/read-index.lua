--[[
  Reads the records of a hash named by an index zset, in one round trip: the cold loads of the
  project cache (the whole ready or claimed set, dependants, a scope, expired state).

  KEYS[1]   the index zset
  KEYS[2]   the hash of JSON records
  ARGV[1]   'all' (every member), 'lex' (members in [ARGV[2], ARGV[3]) by lex order) or 'score'
            (members scored up to ARGV[2])
  ARGV[4]   for 'lex': the length of a prefix to strip from each member to get the record's field ('0' for none)
  Returns   the records' JSON, in index order (members whose record is missing are skipped)
]]
local members
if ARGV[1] == 'all' then
  members = redis.call('ZRANGE', KEYS[1], 0, -1)
elseif ARGV[1] == 'lex' then
  members = redis.call('ZRANGEBYLEX', KEYS[1], '[' .. ARGV[2], '(' .. ARGV[3])
else
  members = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
end
if #members == 0 then return {} end
local strip = tonumber(ARGV[4] or '0')
if strip > 0 then
  for j, m in ipairs(members) do members[j] = string.sub(m, strip + 1) end
end
-- HMGET in chunks: unpack() of more than about 8,000 members overflows Lua's C stack.
local CHUNK = 1000
local out = {}
for first = 1, #members, CHUNK do
  local records = redis.call('HMGET', KEYS[2], unpack(members, first, math.min(first + CHUNK - 1, #members)))
  for _, r in ipairs(records) do
    if r then out[#out + 1] = r end
  end
end
return out
