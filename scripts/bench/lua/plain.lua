-- GET the URL given to wrk (headers such as Authorization come from -H), report as JSON.
package.path = package.path .. ";" .. debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "?.lua"
local report = require("report")

setup = report.setup
done = report.done
