--[[
  The docIndex members of a doc, pasted where a script says "-- @include doc_index": one per list a
  step reads (a kind; a kind of one owner; of one status; of one owner in one status), each ending in
  the doc's sort as 16 digits and its id, so a list is one ZRANGEBYLEX range in (sort, id) order.
  redis-loader.ts builds the same prefixes and digits for its bounds.
]]
local function doc_sort_key(sort)
  -- Offset so that every sort a doc may have (times, seqs, versions; |sort| < 4e15) is 16 non-negative digits.
  return string.format('%016.0f', sort + 4e15)
end
local function doc_index_members(kind, id, owner, status, sort)
  local z = '\0'
  local tail = kind .. z .. doc_sort_key(sort) .. z .. id
  local out = { 'k' .. z .. tail, 's' .. z .. status .. z .. tail }
  if owner ~= '' then
    out[#out + 1] = 'o' .. z .. owner .. z .. tail
    out[#out + 1] = 'b' .. z .. owner .. z .. status .. z .. tail
  end
  return out
end
