--[[
  Task records and their indexes, pasted into a script where it says "-- @include task".
  A record is newline-separated (see records.ts): 1 status, 2 priority, 3 seq, 4 attempts,
  5 createdAt, 6 updatedAt, 7 claim expiry ('' when unclaimed), 8 claim JSON, 9 error JSON,
  10 progress JSON, 11 output JSON, 12 labels JSON, 13 dependencies JSON, 14 the rest as JSON.
]]

local TASK_STATUSES = { 'pending', 'ready', 'claimed', 'done', 'failed', 'cancelled' }

-- The 11 task keys starting at KEYS[first], in the order of keys.ts.
local function task_keys(first)
  local k = { hash = KEYS[first], seq = KEYS[first + 1], st = {}, ready = KEYS[first + 8], claimed = KEYS[first + 9], deps = KEYS[first + 10] }
  for i, status in ipairs(TASK_STATUSES) do
    k.st[status] = KEYS[first + 1 + i]
  end
  return k
end

local function split_record(record)
  local fields, start = {}, 1
  while true do
    local nl = string.find(record, '\n', start, true)
    if not nl then
      fields[#fields + 1] = string.sub(record, start)
      return fields
    end
    fields[#fields + 1] = string.sub(record, start, nl - 1)
    start = nl + 1
  end
end

local function record_status(record)
  return string.match(record, '^[^\n]*')
end

-- Zero-padded seq first, so equal priorities sort by age.
local function ready_member(seq, id)
  return string.format('%016d', tonumber(seq)) .. id
end

-- Writes a task (its record split into fields) and moves it between the indexes; a new task also
-- enters the dependency index. `old` is the stored record when the caller has it (nil: read it).
local function put_task(tk, id, f, old)
  old = old or redis.call('HGET', tk.hash, id)
  if old then
    local old_status, old_seq = string.match(old, '^([^\n]*)\n[^\n]*\n([^\n]*)')
    redis.call('ZREM', tk.st[old_status], id)
    if old_status == 'ready' then redis.call('ZREM', tk.ready, ready_member(old_seq, id)) end
    if old_status == 'claimed' then redis.call('ZREM', tk.claimed, id) end
  else
    for _, dep in ipairs(cjson.decode(f[13])) do
      redis.call('ZADD', tk.deps, 0, dep .. '\0' .. id)
    end
  end
  local record = table.concat(f, '\n')
  redis.call('HSET', tk.hash, id, record)
  if not old then redis.call('ZADD', tk.seq, f[3], id) end
  redis.call('ZADD', tk.st[f[1]], f[3], id)
  if f[1] == 'ready' then redis.call('ZADD', tk.ready, -tonumber(f[2]), ready_member(f[3], id)) end
  if f[1] == 'claimed' and f[7] ~= '' then redis.call('ZADD', tk.claimed, f[7], id) end
  return record
end
