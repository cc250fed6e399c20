-- Password sign-ins (OAuth 2.0 password grant) on every connection.
-- Arguments after `--`: email password
package.path = package.path .. ";" .. debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "?.lua"
local report = require("report")

setup = report.setup
done = report.done

local function urlencode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local body

function init(args)
  body = "grant_type=password&username=" .. urlencode(args[1]) .. "&password=" .. urlencode(args[2])
end

function request()
  return wrk.format("POST", "/auth/token", { ["Content-Type"] = "application/x-www-form-urlencoded" }, body)
end
