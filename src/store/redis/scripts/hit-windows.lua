--[[
  Counts one hit on each fixed-window counter and lets each vanish after its window.

  KEYS[i]   a window's counter (its key names the window's end, so a later window is another key)
  ARGV[i]   milliseconds until that window ends, plus a margin (the counter's TTL)
  Returns   the count of each window, this hit included, in KEYS order
]]
local counts = {}
for i, key in ipairs(KEYS) do
  local count = redis.call('INCR', key)
  if count == 1 then redis.call('PEXPIRE', key, ARGV[i]) end
  counts[i] = count
end
return counts
