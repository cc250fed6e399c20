-- Shared by every benchmark script: print wrk's summary as one JSON line ("BENCH_JSON {...}")
-- so run.py never parses wrk's human-readable table. Latencies are in microseconds.
local report = {}

local threads = {}

function report.setup(thread)
  table.insert(threads, thread)
end

local function sum_thread_counter(name)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + (tonumber(thread:get(name)) or 0)
  end
  return total
end

function report.done(summary, latency, requests)
  local e = summary.errors
  local parts = {
    string.format('"duration_us":%d', summary.duration),
    string.format('"requests":%d', summary.requests),
    string.format('"bytes":%d', summary.bytes),
    string.format('"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}',
      e.connect, e.read, e.write, e.status, e.timeout),
    string.format('"latency_us":{"min":%d,"mean":%.1f,"max":%d,"p50":%d,"p90":%d,"p99":%d}',
      latency.min, latency.mean, latency.max,
      latency:percentile(50), latency:percentile(90), latency:percentile(99)),
    string.format('"starved":%d', sum_thread_counter("starved")),
  }
  io.write("BENCH_JSON {" .. table.concat(parts, ",") .. "}\n")
end

return report
