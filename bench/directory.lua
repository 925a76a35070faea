-- wrk script: the directory searches of bench/src/bin/directory-load.rs, in turn.
-- Usage: wrk -t2 -c16 -d20s --latency -s bench/directory.lua http://127.0.0.1:18080/annuaire
local queries = {
  "q=arras", "q=lens", "q=clermont", "q=jean+jaures", "q=victor+hugo", "q=college+pasteur", "q=lycee+professionnel",
  "q=ecole+maternelle+lille", "q=marseille", "q=paris", "q=toulouse+lycee", "q=saint", "q=louise+michel",
  "q=ecole&departement=62", "q=college&departement=63&type=college", "departement=27&type=ecole",
  "type=lycee&statut=prive", "ep=REP%2B", "q=jules+ferry&departement=59", "q=bordeaux&type=ecole",
  "q=nantes&page=2", "departement=75", "q=rennes+college", "q=curie", "q=val+de+reuil",
}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", wrk.path .. "?" .. queries[(i % #queries) + 1])
end
