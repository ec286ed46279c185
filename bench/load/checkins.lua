-- wrk script of make load / make fault: each request a check-in PUT of a unique person and day.
--   wrk -s bench/load/checkins.lua URL -- PEOPLE_TSV ACKED_PREFIX THREADS [START_INDEX]
-- Request n goes to person n % P, day (today - 1 - n // P) in UTC, with the marker
-- "load-<person>-<n>" in its note. Every 200 answer's body (the check-in as stored) is written,
-- one per line, to ACKED_PREFIX.<thread>: bench/load_data.py verify checks each one against the
-- database. Statuses are counted per second; a 503 without Retry-After is counted apart.

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

local people, cookie_names, meeting = {}, {}, nil
local stride, n, start, acked
-- Globals: setup() sets `id`, done() reads the counters through thread:get().
statuses, per_second, no_retry_after = {}, {}, 0
local today = os.time() - os.time() % 86400
local FILLER = " steady day, called my sponsor after the meeting and felt heard"

function init(args)
  for line in io.lines(args[1]) do
    if line:sub(1, 1) == "#" then
      cookie_names.session = line:match("session_cookie=([^\t]+)")
      cookie_names.csrf = line:match("csrf_cookie=([^\t]+)")
      meeting = line:match("meeting=([^\t]+)")
    else
      local person, session, csrf = line:match("^(%d+)\t(%S+)\t(%S+)$")
      table.insert(people, { id = person, session = session, csrf = csrf })
    end
  end
  stride = tonumber(args[3])
  start = tonumber(args[4] or "0")
  n = id
  acked = io.open(args[2] .. "." .. id, "w")
  acked:setvbuf("line")
end

function request()
  local index = start + n
  n = n + stride
  local p = people[(index % #people) + 1]
  local day = os.date("!%Y-%m-%d", today - (1 + math.floor(index / #people)) * 86400)
  local body = '{"meetings":[{"meeting":"' .. meeting .. '"}],"service":true,"use":"none",'
    .. '"mood":4,"note":"load-' .. p.id .. '-' .. index .. FILLER .. '"}'
  local headers = {
    ["Content-Type"] = "application/json",
    ["X-CSRFToken"] = p.csrf,
    ["Cookie"] = cookie_names.session .. "=" .. p.session .. "; "
      .. cookie_names.csrf .. "=" .. p.csrf,
  }
  return wrk.format("PUT", "/api/v1/me/checkins/" .. day, headers, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  -- Flat "second status" keys: wrk copies a thread's table to done() one level deep only.
  local key = os.time() .. " " .. status
  per_second[key] = (per_second[key] or 0) + 1
  if status == 200 then
    acked:write(body, "\n")
  elseif status == 503 and headers["Retry-After"] == nil then
    no_retry_after = no_retry_after + 1
  end
end

-- One JSON line on stdout for bench/load.py: latency percentiles (µs), statuses, the timeline.
function done(summary, latency, requests)
  local total, timeline, lines = {}, {}, {}
  local missing_retry = 0
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      total[status] = (total[status] or 0) + count
    end
    for key, count in pairs(thread:get("per_second")) do
      local second, status = key:match("^(%d+) (%d+)$")
      timeline[second] = timeline[second] or {}
      timeline[second][status] = (timeline[second][status] or 0) + count
    end
    missing_retry = missing_retry + thread:get("no_retry_after")
  end
  local function object(t)
    local parts = {}
    for k, v in pairs(t) do
      table.insert(parts, string.format('"%s":%s', k, type(v) == "table" and object(v) or v))
    end
    return "{" .. table.concat(parts, ",") .. "}"
  end
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"errors":{"connect":%d,"read":%d,"write":%d,'
      .. '"status":%d,"timeout":%d},"latency_us":{"p50":%d,"p90":%d,"p95":%d,"p99":%d,'
      .. '"max":%d,"mean":%.1f},"statuses":%s,"timeline":%s,"no_retry_after":%d}\n',
    summary.requests, summary.duration, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.status, summary.errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99), latency.max, latency.mean, object(total), object(timeline),
    missing_retry))
end
