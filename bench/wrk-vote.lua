-- wrk script: each thread draws battles in the demo arena and votes on them.
-- A battle's id, read from the response, is voted on by the thread's next
-- request; with no id waiting, the next request draws a battle. So about
-- half the requests are votes. Usage (a server on port 8080):
--   wrk -t2 -c64 -d10s --latency -s bench/wrk-vote.lua http://127.0.0.1:8080
local pending = {}
local choices = { "left", "right", "tie", "both_bad" }
local n = 0
local votes, battles = 0, 0

function setup(thread)
    thread:set("id", tostring(math.random(1, 2 ^ 30)))
end

function request()
    n = n + 1
    local battle = table.remove(pending)
    if battle then
        local body = '{"choice":"' .. choices[n % 4 + 1] .. '","client_vote_id":"wrk-' .. id .. '-' .. n .. '"}'
        return wrk.format("POST", "/api/battles/" .. battle .. "/vote",
            { ["Content-Type"] = "application/json" }, body)
    end
    return wrk.format("POST", "/api/arenas/demo/battles",
        { ["Cookie"] = "prefer_session=wrk-session-" .. id .. "-0000" }, nil)
end

function response(status, headers, body)
    if status == 201 then
        if body:find('"choice"', 1, true) then
            votes = votes + 1
        else
            battles = battles + 1
            table.insert(pending, body:match('"battle":"([^"]+)"'))
        end
    end
end

function done(summary, latency, requests)
    io.write(string.format("requests/s %.0f\n", summary.requests / (summary.duration / 1e6)))
end
