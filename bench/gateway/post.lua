-- wrk script: POST the fixture SurveyResponse (1.8 KB) to the gateway, rotating eventId/responseId.
-- Env: BENCH_BODY (path of the fixture), BENCH_TOKEN (kz-callback-token), BENCH_ID_POOL (requests per wrk
-- thread, default 20000). Each wrk thread builds its pool of complete requests once in init(), each with its
-- own 36-character eventId and responseId (thread number + index, the fixture's length, so every body has the
-- same size), and cycles through it: building a 1.8 KB request per call in Lua would cost the load generator
-- more CPU than the bare-HTTP comparison's plain GET does. Ids repeat after BENCH_ID_POOL requests per thread;
-- the gateway does not deduplicate, so this changes nothing it does.

local EVENT_ID = "0f8fad5b-d9cb-469f-a165-70867728950e"
local RESPONSE_ID = "9a7c5e3b-1d2f-4b6a-8e0c-7f5d3b1a9c24"
local threads = {}
local pool = {}
local size = 0
local next_index = 0

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  local f = assert(io.open(os.getenv("BENCH_BODY"), "rb"))
  local body = f:read("*a"):gsub("%s+$", "")
  f:close()
  local e1, e2 = body:find(EVENT_ID, 1, true)
  local r1, r2 = body:find(RESPONSE_ID, 1, true)
  assert(e1 and r1 and e1 < r1, "fixture must contain eventId before responseId")
  local a, b, c = body:sub(1, e1 - 1), body:sub(e2 + 1, r1 - 1), body:sub(r2 + 1)
  local headers = { ["Content-Type"] = "application/json", ["kz-callback-token"] = os.getenv("BENCH_TOKEN") }
  size = tonumber(os.getenv("BENCH_ID_POOL") or "20000")
  for i = 1, size do
    local id = string.format("%08x-0000-4000-8000-%012x", tid, i)
    pool[i] = wrk.format("POST", nil, headers, a .. id .. b .. id .. c)
  end
end

function request()
  next_index = next_index % size + 1
  return pool[next_index]
end
