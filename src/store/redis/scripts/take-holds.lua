--[[
  Takes a hold for one holder on every key, all or none, unless a key has its maximum of live holders.

  KEYS[i]     a zset of holders, score = when the hold expires (epoch ms, the caller's clock)
  ARGV[1]     the holder
  ARGV[2]     when the new holds expire
  ARGV[3]     now (holds that expired by then are dropped first)
  ARGV[4]     the TTL of each zset, in ms, past the new holds' expiry (an idle key vanishes)
  ARGV[4 + i] the most live holders KEYS[i] allows
  Returns     0 when taken, else the 1-based index of the first key that is full
]]
local holder = ARGV[1]
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', ARGV[3])
  local others = redis.call('ZCARD', key)
  if redis.call('ZSCORE', key, holder) then others = others - 1 end
  if others >= tonumber(ARGV[4 + i]) then return i end
end
for _, key in ipairs(KEYS) do
  redis.call('ZADD', key, ARGV[2], holder)
  -- Only ever lengthened: an earlier holder may expire later than this one.
  if redis.call('PTTL', key) < tonumber(ARGV[4]) then redis.call('PEXPIRE', key, ARGV[4]) end
end
return 0
