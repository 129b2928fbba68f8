--[[
  Commits one buffered step (redis-repository.ts) atomically, if the project has not changed
  since the step first read it: the optimistic check of every generic step.

  KEYS[1]      project meta hash (fields rev and last: a generic step bumps rev, a fast path appends an event)
  KEYS[2]      project lock (owner of a step that holds the project exclusively)
  KEYS[3..13]  the task keys (keys.ts, in order)
  KEYS[14..]   every other key an op names
  ARGV[1]      revision the step read ('0' for a project without meta)
  ARGV[2]      last event id the step read ('0' for none)
  ARGV[3]      lock owner of this step, or '' when it does not hold the lock
  ARGV[4..]    ops, each a name and its arguments (k = an index into KEYS):
                 hset k field value | hdel k field | zadd k score member | zrem k member
                 sadd k member | srem k member | del k | xadd k id type json | xtrim k minid
                 task id record (writes a task record and its indexes)
                 purge k_hash k_zset max_score (drops hash fields whose zset score is below max_score)
                 srem_if_empty k_hash k_set member
  Returns      1 committed (the revision grows by one when there were ops),
               0 the revision or the last event id moved (retry the step), -1 another step holds the lock (retry later).
]]
-- @include common
-- @include task

local held = redis.call('GET', KEYS[2])
if held and held ~= ARGV[3] then return -1 end
if held then redis.call('DEL', KEYS[2]) end
local seen = redis.call('HMGET', KEYS[1], 'rev', 'last')
if (seen[1] or '0') ~= ARGV[1] or (seen[2] or '0') ~= ARGV[2] then return 0 end
if #ARGV <= 3 then return 1 end

local tk = task_keys(3)
local i = 4
local function key(n) return KEYS[tonumber(ARGV[n])] end
while i <= #ARGV do
  local op = ARGV[i]
  if op == 'hset' then
    redis.call('HSET', key(i + 1), ARGV[i + 2], ARGV[i + 3]); i = i + 4
  elseif op == 'hdel' then
    redis.call('HDEL', key(i + 1), ARGV[i + 2]); i = i + 3
  elseif op == 'zadd' then
    redis.call('ZADD', key(i + 1), ARGV[i + 2], ARGV[i + 3]); i = i + 4
  elseif op == 'zrem' then
    redis.call('ZREM', key(i + 1), ARGV[i + 2]); i = i + 3
  elseif op == 'sadd' then
    redis.call('SADD', key(i + 1), ARGV[i + 2]); i = i + 3
  elseif op == 'srem' then
    redis.call('SREM', key(i + 1), ARGV[i + 2]); i = i + 3
  elseif op == 'del' then
    redis.call('DEL', key(i + 1)); i = i + 2
  elseif op == 'xadd' then
    redis.call('XADD', key(i + 1), ARGV[i + 2], 't', ARGV[i + 3], 'e', ARGV[i + 4]); i = i + 5
  elseif op == 'xtrim' then
    redis.call('XTRIM', key(i + 1), 'MINID', ARGV[i + 2]); i = i + 3
  elseif op == 'task' then
    put_task(tk, ARGV[i + 1], split_record(ARGV[i + 2])); i = i + 3
  elseif op == 'purge' then
    local ids = redis.call('ZRANGEBYSCORE', key(i + 2), '-inf', '(' .. ARGV[i + 3])
    for _, id in ipairs(ids) do
      redis.call('HDEL', key(i + 1), id)
      redis.call('ZREM', key(i + 2), id)
    end
    i = i + 4
  elseif op == 'srem_if_empty' then
    if redis.call('HLEN', key(i + 1)) == 0 then redis.call('SREM', key(i + 2), ARGV[i + 3]) end
    i = i + 4
  else
    return redis.error_reply('commit.lua: unknown op ' .. tostring(op))
  end
end
redis.call('HINCRBY', KEYS[1], 'rev', 1)
return 1
