--[[
  Reads the task records named by a range of one task index, in index order.

  KEYS[1]  task hash (id -> record)
  KEYS[2]  the index (a task zset from keys.ts)
  ARGV[1]  'rank' (ARGV[2..3] start, stop), 'score' (min, max) or 'lex' (min, max)
  ARGV[4]  how members name tasks: 'id', 'ready' (16-digit seq then id) or 'dep' (dependency NUL id)
  Returns  { id, record, id, record, ... }
]]

local members
if ARGV[1] == 'rank' then
  members = redis.call('ZRANGE', KEYS[2], ARGV[2], ARGV[3])
elseif ARGV[1] == 'score' then
  members = redis.call('ZRANGEBYSCORE', KEYS[2], ARGV[2], ARGV[3])
else
  members = redis.call('ZRANGEBYLEX', KEYS[2], ARGV[2], ARGV[3])
end
local out = {}
for _, member in ipairs(members) do
  local id = member
  if ARGV[4] == 'ready' then
    id = string.sub(member, 17)
  elseif ARGV[4] == 'dep' then
    id = string.sub(member, string.find(member, '\0', 1, true) + 1)
  end
  local record = redis.call('HGET', KEYS[1], id)
  if record then
    out[#out + 1] = id
    out[#out + 1] = record
  end
end
return out
