--[[
  Reads a list of docs in one round trip: one range of docIndex (lib/doc_index.lua) in (sort, id)
  order, at most a limit, and their records. A project written before the sorted members existed
  (members K|O|S without the sort) has its docIndex rebuilt from the docs hash on its first read.

  KEYS[1]   docIndex
  KEYS[2]   docs
  ARGV[1]   range start (inclusive, with '[') and ARGV[2] range end (exclusive, with '(')
  ARGV[3]   most docs (-1 for all)
  ARGV[4]   bytes of each member before the doc id
  ARGV[5]   the kind (a record's field is kind .. '\0' .. id)
  Returns   the docs' JSON, in order
]]
-- @include doc_index
local doc_index, docs = KEYS[1], KEYS[2]

local function rebuilt_from_docs()
  local all = redis.call('HGETALL', docs)
  for j = 2, #all, 2 do
    local d = cjson.decode(all[j])
    local owner = type(d.owner) == 'string' and d.owner or ''
    for _, m in ipairs(doc_index_members(d.kind, d.id, owner, d.status, d.sort)) do redis.call('ZADD', doc_index, 0, m) end
  end
  for _, tag in ipairs({ 'K', 'O', 'S' }) do redis.call('ZREMRANGEBYLEX', doc_index, '[' .. tag .. '\0', '(' .. tag .. '\1') end
end
if #redis.call('ZRANGEBYLEX', doc_index, '[K\0', '(T', 'LIMIT', 0, 1) > 0 then rebuilt_from_docs() end

local members = redis.call('ZRANGEBYLEX', doc_index, ARGV[1], ARGV[2], 'LIMIT', 0, tonumber(ARGV[3]))
if #members == 0 then return {} end
local strip = tonumber(ARGV[4])
local head = ARGV[5] .. '\0'
local fields = {}
for j, m in ipairs(members) do fields[j] = head .. string.sub(m, strip + 1) end
-- HMGET in chunks: unpack() of more than about 8,000 members overflows Lua's C stack.
local CHUNK = 1000
local out = {}
for first = 1, #fields, CHUNK do
  local records = redis.call('HMGET', docs, unpack(fields, first, math.min(first + CHUNK - 1, #fields)))
  for _, r in ipairs(records) do
    if r then out[#out + 1] = r end
  end
end
return out
