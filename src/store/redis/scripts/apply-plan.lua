--[[
  Applies one plan of a project (store/step/plan.ts, encoded by redis-plan.ts) if the project is
  still at the revision the plan was decided on. The script holds no domain rule: it checks, writes
  what the ops say, keeps the cross-project indexes of the sweep, and announces the new events.

  KEYS[1..5]   global: projects set, due zset, beats zset, log-length zset, requests zset (keys.ts)
  KEYS[6..]    the project's keys in PROJECT_KEY_ORDER (keys.ts): 6 meta, 7 lock, 8 events, 9 members,
               10 member beats, 11 leases, 12 lease expiry, 13 waiters, 14 wait deadlines, 15 tasks, ...
  ARGV[1]      project id
  ARGV[2]      revision the plan was decided on, or 'new' for a plan that creates the project
  ARGV[3]      lock owner of this step ('' when it does not hold the project)
  ARGV[4]      pub/sub channel for the wake-up
  ARGV[5..11]  header after the plan: created, seq:token, seq:ticket, seq:task, last, oldest, trim-below
  ARGV[12..]   ops, each a letter and its arguments (k = an index into KEYS):
                 Q field json at m   record a request id (refused if the id is recorded already); m is its member in the global zset
                 H k field value     HSET            D k field        HDEL
                 Z k score member    ZADD            R k member       ZREM
                 T field             ZREM the task from every status zset (before its new one is added)
                 E id type json      XADD an event
                 P field kind id owner status expires sort json   put a doc (owner/expires '' for none): the
                                     hash, its docIndex members (the old ones removed) and its docDue entry
                 X field             delete a doc, its index members and due entry
  Returns      the new revision; 0 when the project moved (or a request id was recorded meanwhile):
               the caller reloads and runs the batch again; -1 when another step holds the project.
]]
-- @include common

local meta, lock, events = KEYS[6], KEYS[7], KEYS[8]
local held = redis.call('GET', lock)
if held and held ~= ARGV[3] then return -1 end

local rev = redis.call('HGET', meta, 'rev')
if ARGV[2] == 'new' then
  if redis.call('EXISTS', meta) == 1 then return 0 end
elseif rev ~= ARGV[2] then
  return 0
end

-- Checks first: a script cannot roll back, so nothing is written before every check passed.
local requests = KEYS[28]
local i = 12
while i <= #ARGV do
  local op = ARGV[i]
  if op == 'Q' then
    if redis.call('HEXISTS', requests, ARGV[i + 1]) == 1 then return 0 end
    i = i + 5
  elseif op == 'H' or op == 'Z' then i = i + 4
  elseif op == 'D' or op == 'R' then i = i + 3
  elseif op == 'T' then i = i + 2
  elseif op == 'E' then i = i + 4
  elseif op == 'P' then i = i + 9
  elseif op == 'X' then i = i + 2
  else return redis.error_reply('apply-plan.lua: unknown op ' .. tostring(op)) end
end

local docs, doc_index, doc_due = KEYS[29], KEYS[30], KEYS[31]
-- @include doc_index
local function unindex(field)
  local old = redis.call('HGET', docs, field)
  if not old then return end
  local d = cjson.decode(old)
  local owner = type(d.owner) == 'string' and d.owner or ''
  for _, m in ipairs(doc_index_members(d.kind, d.id, owner, d.status, d.sort)) do redis.call('ZREM', doc_index, m) end
end

local project = ARGV[1]
local appended = false
i = 12
while i <= #ARGV do
  local op = ARGV[i]
  if op == 'Q' then
    redis.call('HSET', requests, ARGV[i + 1], ARGV[i + 2])
    redis.call('ZADD', KEYS[5], ARGV[i + 3], ARGV[i + 4])
    i = i + 5
  elseif op == 'H' then
    redis.call('HSET', KEYS[tonumber(ARGV[i + 1])], ARGV[i + 2], ARGV[i + 3]); i = i + 4
  elseif op == 'D' then
    redis.call('HDEL', KEYS[tonumber(ARGV[i + 1])], ARGV[i + 2]); i = i + 3
  elseif op == 'Z' then
    redis.call('ZADD', KEYS[tonumber(ARGV[i + 1])], ARGV[i + 2], ARGV[i + 3]); i = i + 4
  elseif op == 'R' then
    redis.call('ZREM', KEYS[tonumber(ARGV[i + 1])], ARGV[i + 2]); i = i + 3
  elseif op == 'T' then
    for s = 19, 24 do redis.call('ZREM', KEYS[s], ARGV[i + 1]) end
    i = i + 2
  elseif op == 'P' then
    local field = ARGV[i + 1]
    unindex(field)
    redis.call('HSET', docs, field, ARGV[i + 8])
    for _, m in ipairs(doc_index_members(ARGV[i + 2], ARGV[i + 3], ARGV[i + 4], ARGV[i + 5], tonumber(ARGV[i + 7]))) do redis.call('ZADD', doc_index, 0, m) end
    if ARGV[i + 6] ~= '' then redis.call('ZADD', doc_due, ARGV[i + 6], field) else redis.call('ZREM', doc_due, field) end
    i = i + 9
  elseif op == 'X' then
    unindex(ARGV[i + 1])
    redis.call('HDEL', docs, ARGV[i + 1])
    redis.call('ZREM', doc_due, ARGV[i + 1])
    i = i + 2
  elseif op == 'E' then
    redis.call('XADD', events, ARGV[i + 1] .. '-0', 't', ARGV[i + 2], 'e', ARGV[i + 3]); i = i + 4
    appended = true
  end
end

local last, oldest, trim = tonumber(ARGV[9]), tonumber(ARGV[10]), tonumber(ARGV[11])
if trim > 0 then redis.call('XTRIM', events, 'MINID', int(trim) .. '-0') end
local new_rev = (tonumber(rev) or 0) + 1
redis.call('HSET', meta, 'rev', new_rev, 'seq:token', ARGV[6], 'seq:ticket', ARGV[7], 'seq:task', ARGV[8], 'last', ARGV[9], 'oldest', ARGV[10])
if ARGV[2] == 'new' then
  redis.call('HSET', meta, 'created', ARGV[5])
  redis.call('SADD', KEYS[1], project)
end
if held then redis.call('DEL', lock) end

-- The sweep's indexes across projects: the earliest time something lapses, the oldest live heartbeat, the log's length.
local due = nil
for _, k in ipairs({ 12, 14, 17, 27, 31 }) do
  local head = redis.call('ZRANGE', KEYS[k], 0, 0, 'WITHSCORES')
  if head[2] and (due == nil or tonumber(head[2]) < due) then due = tonumber(head[2]) end
end
if due then redis.call('ZADD', KEYS[2], due, project) else redis.call('ZREM', KEYS[2], project) end
local beat = redis.call('ZRANGE', KEYS[10], 0, 0, 'WITHSCORES')
if beat[2] then redis.call('ZADD', KEYS[3], beat[2], project) else redis.call('ZREM', KEYS[3], project) end
redis.call('ZADD', KEYS[4], last - oldest, project)

-- Published inside the script, so the wake-up never precedes the data it announces.
if appended then redis.call('PUBLISH', ARGV[4], '{"project":' .. cjson.encode(project) .. ',"lastId":' .. ARGV[9] .. '}') end
return new_rev
