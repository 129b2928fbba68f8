--[[
  Shared helpers, pasted into a script where it says "-- @include common".
]]

-- Integers as Redis and JSON want them (tostring would switch to exponents past 1e14).
local function int(x)
  return string.format('%.0f', x)
end
