--[[
  Adds hits to fixed-window counters and lets each vanish after its window.

  KEYS[i]         a window's counter (its key names the window's end, so a later window is another key)
  ARGV[2i - 1]    how many hits to add to KEYS[i]
  ARGV[2i]        milliseconds until that window ends, plus a margin (the counter's TTL)
  Returns         the count of each window after its hits, in KEYS order
]]
local counts = {}
for i, key in ipairs(KEYS) do
  local by = tonumber(ARGV[2 * i - 1])
  local count = redis.call('INCRBY', key, by)
  if count == by then redis.call('PEXPIRE', key, ARGV[2 * i]) end
  counts[i] = count
end
return counts
