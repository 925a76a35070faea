-- The practice search page with mixed queries and facets:
-- wrk -t2 -c16 -d20s --latency -s bench/search.lua http://127.0.0.1:18080
local queries = {
  "/pratiques?q=evaluation", "/pratiques?q=calcul+mental&level=cycle-3", "/pratiques?q=eleves+autonomie",
  "/pratiques?q=lecture&subject=francais", "/pratiques", "/pratiques?skill=citoyennete&page=2",
  "/pratiques?q=debat+philosophique", "/pratiques?q=classe+dehors&year=2026", "/pratiques?q=tutorat",
  "/api/v1/search?q=cooperation", "/api/v1/search?q=jardin&level=cycle-2", "/api/v1/search?q=robotique",
}
function request()
  return wrk.format("GET", queries[math.random(#queries)])
end
