--[[
  Fast path of claimTask (task-ops.ts claimTask), in one script. It answers only the cases it
  decides exactly like the shared step; anything else returns 'fallback' and the caller runs
  the shared step.

  KEYS[1]       project meta hash
  KEYS[2]       project lock
  KEYS[3]       event stream
  KEYS[4..14]   the task keys (keys.ts, in order)
  ARGV[1]       now (epoch ms)
  ARGV[2]       agent as a JSON string
  ARGV[3]       claim TTL in ms
  ARGV[4]       task id, or '' for the best ready task
  ARGV[5..]     labels the best ready task must carry
  Returns       {'fallback'} when the project is missing or held, a claim lapsed (to requeue first)
                or the named task does not exist; {'none_ready'}; {'claimed' | 'not_ready', id, record};
                {'ok', id, record, event id, event JSON}
]]
-- @include common
-- @include task

if not fast_path_open(KEYS[2]) then return { 'fallback' } end
local tk = task_keys(4)
local now = ARGV[1]
if redis.call('ZCOUNT', tk.claimed, '-inf', now) > 0 then return { 'fallback' } end

local id, record
if ARGV[4] ~= '' then
  id = ARGV[4]
  record = redis.call('HGET', tk.hash, id)
  if not record then return { 'fallback' } end
  -- A task exists only in an existing project.
  local status = record_status(record)
  if status == 'claimed' then return { 'claimed', id, record } end
  if status ~= 'ready' then return { 'not_ready', id, record } end
else
  -- Like the shared step: the best ready task, or with labels the first fit among the best 10000.
  local window = 10000
  if #ARGV < 5 then window = 1 end
  for start = 0, window - 1, 100 do
    local members = redis.call('ZRANGE', tk.ready, start, math.min(start + 99, window - 1))
    for _, member in ipairs(members) do
      local candidate = string.sub(member, 17)
      local candidate_record = redis.call('HGET', tk.hash, candidate)
      local fits = true
      if #ARGV >= 5 then
        local carried = {}
        for _, label in ipairs(cjson.decode(split_record(candidate_record)[12])) do carried[label] = true end
        for i = 5, #ARGV do
          if not carried[ARGV[i]] then fits = false; break end
        end
      end
      if fits then
        id, record = candidate, candidate_record
        break
      end
    end
    if id or #members < math.min(100, window) then break end
  end
  if not id then
    if not project_exists(KEYS[1]) then return { 'fallback' } end
    return { 'none_ready' }
  end
end

local f = split_record(record)
local token = int(redis.call('HINCRBY', KEYS[1], 'seq:token', 1))
local attempts = int(tonumber(f[4]) + 1)
local expires = int(tonumber(now) + tonumber(ARGV[3]))
local agent = ARGV[2]
f[1] = 'claimed'
f[4] = attempts
f[6] = now
f[7] = expires
f[8] = '{"agent":' .. agent .. ',"token":' .. token .. ',"claimedAt":' .. now .. ',"expiresAt":' .. expires .. ',"ttlMs":' .. ARGV[3] .. '}'
f[9] = 'null'
local claimed = put_task(tk, id, f, record)
local event = '{"type":"task.claimed","actor":' .. agent .. ',"subject":' .. cjson.encode(id) .. ',"data":{"agent":' .. agent .. ',"token":' .. token .. ',"attempts":' .. attempts .. '},"at":' .. now .. '}'
local event_id = append_event(KEYS[1], KEYS[3], 'task.claimed', event)
return { 'ok', id, claimed, event_id, event }
