--[[
  Fast path of updateTask (task-ops.ts updateTask) for the holder of a live claim: progress
  (optionally renewing the claim), failed, or done with the promotion of dependants whose
  dependencies are now all done. Every refusal (unknown task, lost or foreign claim) returns
  'fallback', and the caller runs the shared step, which raises the right error.

  KEYS[1]       project meta hash
  KEYS[2]       project lock
  KEYS[3]       event stream
  KEYS[4..14]   the task keys (keys.ts, in order)
  ARGV[1]       now (epoch ms)
  ARGV[2]       task id
  ARGV[3]       agent
  ARGV[4]       agent as a JSON string
  ARGV[5]       claim token
  ARGV[6]       'done', 'failed', or '' for a progress update
  ARGV[7]       '1' to renew the claim on a progress update
  ARGV[8..10]   new output, error and progress as JSON, each '' when unchanged
  Returns       {'fallback'} or {'ok', record, event id, event JSON, event id, event JSON, ...}
]]
-- @include common
-- @include task

if not fast_path_open(KEYS[2]) then return { 'fallback' } end
local tk = task_keys(4)
local now = ARGV[1]
local id = ARGV[2]
local record = redis.call('HGET', tk.hash, id)
if not record or record_status(record) ~= 'claimed' then return { 'fallback' } end
local f = split_record(record)
if f[8] == 'null' then return { 'fallback' } end
local claim = cjson.decode(f[8])
if claim.token ~= tonumber(ARGV[5]) or claim.expiresAt <= tonumber(now) or claim.agent ~= ARGV[3] then return { 'fallback' } end

if ARGV[8] ~= '' then f[11] = ARGV[8] end
if ARGV[9] ~= '' then f[9] = ARGV[9] end
if ARGV[10] ~= '' then f[10] = ARGV[10] end
f[6] = now
local agent = ARGV[4]
local subject = cjson.encode(id)
local out = { 'ok', '' }
local function emit(event_type, actor, event_subject, data)
  local event = '{"type":"' .. event_type .. '","actor":' .. actor .. ',"subject":' .. event_subject .. ',"data":' .. data .. ',"at":' .. now .. '}'
  out[#out + 1] = append_event(KEYS[1], KEYS[3], event_type, event)
  out[#out + 1] = event
end

if ARGV[6] == 'done' or ARGV[6] == 'failed' then
  f[1] = ARGV[6]
  f[7] = ''
  f[8] = 'null'
  out[2] = put_task(tk, id, f, record)
  if ARGV[6] == 'failed' then
    emit('task.failed', agent, subject, '{"agent":' .. agent .. ',"error":' .. f[9] .. '}')
  else
    emit('task.completed', agent, subject, '{"agent":' .. agent .. '}')
    local dependants = redis.call('ZRANGEBYLEX', tk.deps, '[' .. id .. '\0', '(' .. id .. '\1')
    for _, member in ipairs(dependants) do
      local dependant = string.sub(member, #id + 2)
      local dependant_record = redis.call('HGET', tk.hash, dependant)
      if dependant_record and record_status(dependant_record) == 'pending' then
        local d = split_record(dependant_record)
        local all_done = true
        for _, dep in ipairs(cjson.decode(d[13])) do
          local dep_record = redis.call('HGET', tk.hash, dep)
          if not dep_record or record_status(dep_record) ~= 'done' then all_done = false; break end
        end
        if all_done then
          d[1] = 'ready'
          d[6] = now
          put_task(tk, dependant, d, dependant_record)
          emit('task.ready', 'null', cjson.encode(dependant), '{}')
        end
      end
    end
  end
else
  if ARGV[7] == '1' then
    local expires = int(tonumber(now) + claim.ttlMs)
    f[7] = expires
    f[8] = '{"agent":' .. agent .. ',"token":' .. int(claim.token) .. ',"claimedAt":' .. int(claim.claimedAt) .. ',"expiresAt":' .. expires .. ',"ttlMs":' .. int(claim.ttlMs) .. '}'
  end
  out[2] = put_task(tk, id, f, record)
  emit('task.progress', agent, subject, '{"agent":' .. agent .. ',"progress":' .. f[10] .. '}')
end
return out
