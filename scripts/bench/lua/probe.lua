-- Liveness probe under load: one connection, one GET every 10 ms (wrk's delay() hook).
package.path = package.path .. ";" .. debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "?.lua"
local report = require("report")

setup = report.setup
done = report.done

function delay()
  return 10
end
