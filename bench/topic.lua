-- Pages of a forum topic with 10,000 replies, at random places in it (the first page too),
-- as a signed-in member:
-- wrk -t2 -c16 -d20s --latency -s bench/topic.lua http://127.0.0.1:18082 -- SPACE TOPIC SESSION
local space, topic, session
function init(args)
  space, topic, session = args[1], args[2], args[3]
end
function request()
  local after = math.random(0, 199) * 50
  return wrk.format("GET", "/espaces/" .. space .. "/forum/" .. topic .. "?apres=" .. after, {
    ["Cookie"] = "territoire_session=" .. session,
  })
end
