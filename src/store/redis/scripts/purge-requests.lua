--[[
  Forgets request ids recorded before a time, across projects, a bounded number per call.

  KEYS[1]   the global requests zset (member `<project as in its keys>\0caller\0request id`, score = time recorded)
  ARGV[1]   forget records older than this (epoch ms)
  ARGV[2]   at most this many
  ARGV[3]   the key prefix of a project's requests hash up to the project id: '{<prefix>:'
  Returns   how many were forgotten
]]
local old = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, member in ipairs(old) do
  local cut = string.find(member, '\0', 1, true)
  local project = string.sub(member, 1, cut - 1)
  redis.call('HDEL', ARGV[3] .. project .. '}:requests', string.sub(member, cut + 1))
  redis.call('ZREM', KEYS[1], member)
end
return #old
