-- wrk script for bench/run.sh: the root KVStore routes with a bearer token.
--   wrk ... -s kv.lua <url> -- <mode> <keys> <token> <value_bytes> [<delay_ms>]
-- mode: get   GET /bench:<random key>
--       set   POST /bench:<random key> {"value": "vvv..."}
--       mix   90% get, 10% set
-- keys: keys bench:0 .. bench:<keys-1> (preloaded by run.sh); value_bytes: size of the value written.
-- delay_ms (optional): each connection waits this long on average before its next request, which paces the total
-- rate to about connections * 1000 / delay_ms per second (wrk2 is not packaged in Debian). Each wait is drawn from
-- an exponential distribution (think time), so the connections' requests arrive at random, as a service's clients'
-- do. A fixed wait keeps connections answered together in step: wrk's timers tick in whole milliseconds, so they
-- all fire on the same tick again, and every connection arrives in one burst.
-- done() prints one line "BENCH_RESULT {json}" with the counts and latency percentiles in microseconds.

local mode, keys, body, delay_ms
local get_headers, set_headers

function init(args)
  mode = args[1] or "get"
  keys = tonumber(args[2] or "10000")
  local token = args[3] or "bench-token"
  local value_bytes = tonumber(args[4] or "64")
  delay_ms = tonumber(args[5] or "0")
  body = '{"value":"' .. string.rep("v", value_bytes) .. '"}'
  get_headers = { ["Authorization"] = "Bearer " .. token }
  set_headers = { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }
  math.randomseed(os.time() + (tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000))
end

local function get()
  return wrk.format("GET", "/bench:" .. math.random(0, keys - 1), get_headers)
end

local function set()
  return wrk.format("POST", "/bench:" .. math.random(0, keys - 1), set_headers, body)
end

function request()
  if mode == "get" then
    return get()
  elseif mode == "set" then
    return set()
  elseif math.random(1, 10) == 1 then
    return set()
  else
    return get()
  end
end

function delay()
  if delay_ms <= 0 then
    return 0
  end
  -- An exponential wait of mean delay_ms, rounded to a whole millisecond at random so the mean stays delay_ms.
  local wait = -delay_ms * math.log(1 - math.random())
  local whole = math.floor(wait)
  if math.random() < wait - whole then
    return whole + 1
  end
  return whole
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"duration_us":%d,"bytes":%d,"errors_connect":%d,"errors_read":%d,"errors_write":%d,"errors_status":%d,"errors_timeout":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"p999_us":%d,"max_us":%d,"mean_us":%.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9), latency.max, latency.mean))
end
