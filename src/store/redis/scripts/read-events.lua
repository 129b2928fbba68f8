--[[
  Reads a page of a project's event log with its bounds, in one atomic step.

  KEYS[1]    project meta hash (fields last, oldest)
  KEYS[2]    event stream (entry id '<event id>-0', fields t = type, e = JSON)
  ARGV[1]    read events with id greater than this
  ARGV[2]    at most this many
  ARGV[3..]  only these types (none: every type)
  Returns    { last id, oldest kept id, entry id, JSON, entry id, JSON, ... }; no entries when the
             cursor is older than the oldest kept id (the caller answers EVENTS_GAP).
]]
-- @include common

local bounds = redis.call('HMGET', KEYS[1], 'last', 'oldest')
local last = tonumber(bounds[1] or '0')
local oldest = tonumber(bounds[2] or '1')
local out = { last, oldest }
local after = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
if after < oldest - 1 then return out end

local wanted = nil
if #ARGV > 2 then
  wanted = {}
  for i = 3, #ARGV do wanted[ARGV[i]] = true end
end
local found = 0
local start = after + 1
while found < limit and start <= last do
  local count = limit - found
  if wanted then count = 512 end
  local entries = redis.call('XRANGE', KEYS[2], int(start) .. '-0', '+', 'COUNT', count)
  if #entries == 0 then break end
  for _, entry in ipairs(entries) do
    local fields = entry[2]
    if found < limit and (not wanted or wanted[fields[2]]) then
      out[#out + 1] = entry[1]
      out[#out + 1] = fields[4]
      found = found + 1
    end
  end
  start = tonumber(string.match(entries[#entries][1], '^%d+')) + 1
end
return out
