-- Refresh-token rotation, one chain per session. The argument after `--` is a file with one
-- refresh token per line: one per connection, plus one, because wrk calls request() once before
-- the run to verify the script, and that token is never sent. A token is spent exactly once:
-- request() takes one from the pool and response() puts the rotated successor back, so every
-- connection always refreshes a different session with its current token.
package.path = package.path .. ";" .. debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "?.lua"
local report = require("report")

setup = report.setup
done = report.done

local pool = {}
local headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }
starved = 0

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then table.insert(pool, line) end
  end
end

function request()
  local token = table.remove(pool)
  if token == nil then
    -- Only reachable if a refresh failed and its chain ended; counted and reported.
    starved = starved + 1
    return wrk.format("GET", "/health")
  end
  return wrk.format("POST", "/auth/token", headers, "grant_type=refresh_token&refresh_token=" .. token)
end

function response(status, _, body)
  if status == 200 then
    local successor = body:match('"refresh_token"%s*:%s*"([^"]+)"')
    if successor then table.insert(pool, successor) end
  end
end
