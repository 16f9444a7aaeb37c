-- The side-by-side load: the same net.box load against any Tarantool-compatible server.
-- Usage: tarantool load.lua <port> [calls_per_fiber] [connects]
-- Prints three lines: calls/s over one connection (64 fibers x N call('box.session.id')), and
-- connect+auth+call+close/s sequentially and with 16 fibers.
local nb = require('net.box')
local fiber = require('fiber')
local clock = require('clock')

local port = tonumber(arg[1])
local per_fiber = tonumber(arg[2] or 2000)
local connects = tonumber(arg[3] or 1000)
local uri = 'alice:alice@127.0.0.1:' .. port

local function run_fibers(n, body)
    local done = fiber.channel(n)
    for i = 1, n do
        fiber.create(function() body(i) done:put(true) end)
    end
    for _ = 1, n do done:get() end
end

-- 1. One connection, 64 fibers, each call('box.session.id') per_fiber times.
local c = nb.connect(uri)
assert(c:call('box.session.user') == 'alice', 'auth failed: ' .. tostring(c.error))
for _ = 1, 1000 do c:call('box.session.id') end -- warm-up
local t0 = clock.monotonic()
run_fibers(64, function()
    for _ = 1, per_fiber do c:call('box.session.id') end
end)
local calls = 64 * per_fiber / (clock.monotonic() - t0)
c:close()

local function cycle()
    local k = nb.connect(uri)
    assert(k:call('box.session.id') > 0)
    k:close()
end

-- 2. connect + auth + call + close, one after another.
for _ = 1, 50 do cycle() end -- warm-up
t0 = clock.monotonic()
for _ = 1, connects do cycle() end
local sequential = connects / (clock.monotonic() - t0)

-- 3. The same with 16 fibers.
t0 = clock.monotonic()
run_fibers(16, function()
    for _ = 1, connects / 16 do cycle() end
end)
local parallel = (16 * math.floor(connects / 16)) / (clock.monotonic() - t0)

print(string.format('calls_per_s\t%.0f', calls))
print(string.format('connects_seq_per_s\t%.0f', sequential))
print(string.format('connects_16_per_s\t%.0f', parallel))
os.exit(0)
