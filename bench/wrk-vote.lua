-- wrk script: each thread draws battles in the demo arena and votes on them.
-- A battle's id, read from the response, is voted on by the thread's next
-- request; with no id waiting, the next request draws a battle. At the end it
-- prints the battles drawn and the votes stored (201) per second.
-- In "next" mode a vote asks for the next battle (?next=true) and the id in
-- its answer is voted on next: one request per vote, as the vote page does.
-- Usage (a server on port 8080):
--   wrk -t2 -c64 -d10s --latency -s bench/wrk-vote.lua http://127.0.0.1:8080
--   wrk -t2 -c64 -d10s --latency -s bench/wrk-vote.lua http://127.0.0.1:8080 -- next
--   wrk -t2 -c64 -d10s --latency -s bench/wrk-vote.lua http://127.0.0.1:8080 -- battles-only
-- and the yardstick, the same server's static file rate:
--   wrk -t2 -c64 -d10s --latency http://127.0.0.1:8080/assets/prefer.js
local threads = {}
local pending = {}
local choices = { "left", "right", "tie", "both_bad" }
local n = 0
votes, battles = 0, 0
local battlesOnly = false
local nextMode = false

function setup(thread)
    thread:set("id", tostring(math.random(1, 2 ^ 30)))
    table.insert(threads, thread)
end

function init(args)
    battlesOnly = args[1] == "battles-only"
    nextMode = args[1] == "next"
end

function request()
    n = n + 1
    local battle = not battlesOnly and table.remove(pending)
    if battle then
        local body = '{"choice":"' .. choices[n % 4 + 1] .. '","client_vote_id":"wrk-' .. id .. '-' .. n .. '"}'
        return wrk.format("POST", "/api/battles/" .. battle .. "/vote" .. (nextMode and "?next=true" or ""),
            { ["Content-Type"] = "application/json" }, body)
    end
    return wrk.format("POST", "/api/arenas/demo/battles",
        { ["Cookie"] = "prefer_session=wrk-session-" .. id .. "-0000" }, nil)
end

function response(status, headers, body)
    if status == 201 then
        if body:find('"choice"', 1, true) then
            votes = votes + 1
            if nextMode then
                local upcoming = body:match('"next":{.-"battle":"([^"]+)"')
                if upcoming then table.insert(pending, upcoming) end
            end
        else
            battles = battles + 1
            if not battlesOnly then table.insert(pending, body:match('"battle":"([^"]+)"')) end
        end
    end
end

function done(summary, latency, requests)
    local v, b = 0, 0
    for _, thread in ipairs(threads) do
        v = v + thread:get("votes")
        b = b + thread:get("battles")
    end
    local seconds = summary.duration / 1e6
    io.write(string.format("battles/s %.0f  votes/s %.0f  (requests/s %.0f)\n", b / seconds, v / seconds, summary.requests / seconds))
end
