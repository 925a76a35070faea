-- Public practice pages, picked at random from the ids written by search-load:
-- wrk -t2 -c16 -d20s --latency -s bench/practices.lua http://127.0.0.1:18080 -- IDS_FILE
local ids = {}
function init(args)
  for line in io.lines(args[1]) do ids[#ids + 1] = line end
end
function request()
  return wrk.format("GET", "/pratiques/" .. ids[math.random(#ids)])
end
