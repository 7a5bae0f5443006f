-- wrk script: POST the fixture SurveyResponse with a fresh eventId and responseId on every request.
-- Env: BENCH_BODY (path of the fixture), BENCH_TOKEN (kz-callback-token).
-- Ids keep the fixture's 36-character length, so every body has the same size; thread number + counter make
-- them unique across wrk's threads.

local EVENT_ID = "0f8fad5b-d9cb-469f-a165-70867728950e"
local RESPONSE_ID = "9a7c5e3b-1d2f-4b6a-8e0c-7f5d3b1a9c24"
local threads = {}
local counter = 0
local parts

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

local function split(body)
  local e1, e2 = body:find(EVENT_ID, 1, true)
  local r1, r2 = body:find(RESPONSE_ID, 1, true)
  assert(e1 and r1 and e1 < r1, "fixture must contain eventId before responseId")
  return { body:sub(1, e1 - 1), body:sub(e2 + 1, r1 - 1), body:sub(r2 + 1) }
end

function init(args)
  local f = assert(io.open(os.getenv("BENCH_BODY"), "rb"))
  local body = f:read("*a"):gsub("%s+$", "")
  f:close()
  parts = split(body)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["kz-callback-token"] = os.getenv("BENCH_TOKEN")
end

function request()
  counter = counter + 1
  local id = string.format("%08x-0000-4000-8000-%012x", tid, counter)
  return wrk.format(nil, nil, nil, parts[1] .. id .. parts[2] .. id .. parts[3])
end
