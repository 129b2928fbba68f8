--[[
  Shared helpers, pasted into a script where it says "-- @include common".
]]

-- Integers as Redis and JSON want them (tostring would switch to exponents past 1e14).
local function int(x)
  return string.format('%.0f', x)
end

-- Appends one event (its type and stored JSON) to the project's stream; returns its id.
local function append_event(meta_key, events_key, event_type, event_json)
  local id = redis.call('HINCRBY', meta_key, 'last', 1)
  redis.call('XADD', events_key, int(id) .. '-0', 't', event_type, 'e', event_json)
  return id
end

-- A fast path applies only when no step holds the project exclusively. It need not bump the
-- revision: every fast path that writes appends an event, and commit.lua checks the last event id too.
local function fast_path_open(lock_key)
  return redis.call('EXISTS', lock_key) == 0
end

-- The project exists (the shared step would create it, with its registration, otherwise).
local function project_exists(meta_key)
  return redis.call('HEXISTS', meta_key, 'created') == 1
end
