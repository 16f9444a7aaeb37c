-- The differential client: the same script runs against a real Tarantool 2.6 and against the SessionKit sample.
-- Usage: tarantool client.lua <port>. Prints key<TAB>value lines; session ids are printed as sid:N so the test can
-- renumber them, and peers as 127.0.0.1:PORT (the test normalises the port).
local nb = require('net.box')
local fiber = require('fiber')
local json = require('json')
local socket = require('socket')
local msgpack = require('msgpack')
local digest = require('digest')

local port = tonumber(arg[1])
local uri = function(cred) return (cred and cred .. '@' or '') .. '127.0.0.1:' .. port end

local function show(v)
    if type(v) == 'table' then return json.encode(v) end
    return tostring(v)
end
local function out(k, v) print(k .. '\t' .. show(v)) end
local function err_text(e)
    if type(e) == 'cdata' or type(e) == 'table' then return 'error ' .. tostring(e.code) .. ' ' .. tostring(e.message) end
    return 'error ' .. tostring(e)
end
local function call(c, f, args)
    local res = {pcall(c.call, c, f, args)}
    if not res[1] then return err_text(res[2]) end
    if #res > 2 then return {unpack(res, 2)} end
    return res[2]
end

-- Every box.session function through CALL, as one user.
local function session_calls(prefix, c)
    local id = c:call('box.session.id')
    out(prefix .. '.id', 'sid:' .. id)
    for _, f in ipairs({'user', 'effective_user', 'type', 'sync', 'uid', 'euid', 'peer', 'exists'}) do
        out(prefix .. '.' .. f, call(c, 'box.session.' .. f))
    end
    out(prefix .. '.exists(own)', call(c, 'box.session.exists', {id}))
    out(prefix .. '.exists(999999)', call(c, 'box.session.exists', {999999}))
    return id
end

-- The observer connection lives to the end; it waits for on_disconnect runs of connections closed meanwhile.
local observer = nb.connect(uri())
local function disconnects()
    local n = 0
    for _, e in ipairs(observer:call('trigger_events')) do
        if e:find('^on_disconnect') then n = n + 1 end
    end
    return n
end
local function wait_disconnects(n)
    local deadline = fiber.clock() + 30
    while disconnects() < n and fiber.clock() < deadline do fiber.sleep(0.01) end
end
local closed = 0
local function close(c) c:close() closed = closed + 1 wait_disconnects(closed) end

out('observer.state', observer.state)
out('ping', observer:ping())
session_calls('guest', observer)
out('unknown_function', call(observer, 'no_such_function'))

local alice = nb.connect(uri('alice:alice'))
out('alice.state', alice.state)
session_calls('alice', alice)
out('alice.storage_set', call(alice, 'storage_set', {'k', {1, 2, 'x'}}))
out('alice.storage_get', call(alice, 'storage_get', {'k'}))
out('guest.storage_get', call(observer, 'storage_get', {'k'}))
out('alice.su_whoami(guest)', call(alice, 'su_whoami', {'guest'}))
out('alice.su_whoami(admin)', call(alice, 'su_whoami', {'admin'}))
out('alice.eval_console', alice:eval('return require("console").eval(...)', {'box.session.user()'}))

local pushes = {}
out('alice.push_twice', call(alice, 'push_twice', {'p1', {p = 2}}))
local r = alice:call('push_twice', {'p1', {p = 2}}, {on_push = function(_, m) table.insert(pushes, m) end})
out('alice.pushes', {r, pushes})

-- 64 fibers on one connection: each request's sync inside the call equals the request's own sync.
local matched, done = 0, fiber.channel(64)
for _ = 1, 64 do
    fiber.create(function()
        local f = alice:call('yield_sync', {}, {is_async = true})
        local id = f.id
        local res = f:wait_result(30)
        if res ~= nil and res[1] == id then matched = matched + 1 end
        done:put(true)
    end)
end
for _ = 1, 64 do done:get() end
out('fibers.sync_matched', matched)
close(alice)

local wrong = nb.connect(uri('alice:wrong'))
out('wrong_password', wrong.state .. ' ' .. tostring(wrong.error))
close(wrong)
local eve = nb.connect(uri('eve:x'))
out('unknown_user', eve.state .. ' ' .. tostring(eve.error))
close(eve)

local bob = nb.connect(uri('bob:bob'))
session_calls('bob', bob)
out('bob.su(guest)', call(bob, 'box.session.su', {'guest'}))
out('bob.after_su.user', call(bob, 'box.session.user'))
out('bob.after_su.uid', call(bob, 'box.session.uid'))
close(bob)

-- A raw iproto client: re-authentication on one connection, and requests net.box never sends.
local raw = socket.tcp_connect('127.0.0.1', port)
local greeting = raw:read(128)
out('greeting.line1', greeting:sub(1, 25))
out('greeting.sizes', #greeting:sub(1, 64) .. ' ' .. #greeting:sub(65, 128))
local salt = digest.base64_decode(greeting:sub(65, 108))
out('greeting.salt_bytes', #salt)
local sync = 100
local function request(header, body)
    sync = sync + 1
    header[0x01] = sync
    local payload = msgpack.encode(header) .. (body and msgpack.encode(body) or '')
    raw:write('\206' .. string.char(bit.band(bit.rshift(#payload, 24), 255), bit.band(bit.rshift(#payload, 16), 255),
        bit.band(bit.rshift(#payload, 8), 255), bit.band(#payload, 255)) .. payload)
    local len = msgpack.decode(raw:read(5))
    local data = raw:read(len)
    local hdr, pos = msgpack.decode(data)
    local resp = pos <= #data and msgpack.decode(data, pos) or {}
    local code = hdr[0x00]
    local text = 'code=' .. code .. ' sync_ok=' .. tostring(hdr[0x01] == sync) .. ' schema=' .. tostring(hdr[0x05] ~= nil)
    if code ~= 0 then text = text .. ' ' .. tostring(resp[0x31]) end
    if resp[0x30] ~= nil then text = text .. ' data=' .. json.encode(resp[0x30]) end
    return text
end
local function auth(user, password)
    if password == nil then return request({[0x00] = 7}, {[0x23] = user, [0x21] = {}}) end
    local step1 = digest.sha1(password)
    local step2 = digest.sha1(step1)
    local mask = digest.sha1(salt:sub(1, 20) .. step2)
    local scramble = {}
    for i = 1, 20 do scramble[i] = string.char(bit.bxor(step1:byte(i), mask:byte(i))) end
    return request({[0x00] = 7}, {[0x23] = user, [0x21] = {'chap-sha1', table.concat(scramble)}})
end
local function raw_call(f) return request({[0x00] = 10}, {[0x22] = f, [0x21] = {}}) end
out('raw.ping', request({[0x00] = 64}))
out('raw.ping_unknown_header_key', request({[0x00] = 64, [0x55] = 'x'}))
out('raw.auth_alice', auth('alice', 'alice'))
out('raw.user', raw_call('box.session.user'))
out('raw.auth_alice_wrong', auth('alice', 'nope'))
out('raw.user_after_failure', raw_call('box.session.user'))
out('raw.auth_guest_empty', auth('guest', nil))
out('raw.user_after_guest', raw_call('box.session.user'))
out('raw.unknown_type', request({[0x00] = 99}))
out('raw.select_vspace', request({[0x00] = 1}, {[0x10] = 281, [0x11] = 0, [0x14] = 2, [0x12] = 0xFFFFFFFF, [0x13] = 0, [0x20] = {}}))
out('raw.select_space_512', request({[0x00] = 1}, {[0x10] = 512, [0x11] = 0, [0x14] = 2, [0x12] = 10, [0x13] = 0, [0x20] = {}}))
out('raw.eval_user', request({[0x00] = 8}, {[0x27] = 'return box.session.user()', [0x21] = {}}))
raw:close()
closed = closed + 1
wait_disconnects(closed)

-- The console, as a person types it: tarantoolctl connect with one line on stdin.
local console = io.popen("echo 'box.session.user()' | tarantoolctl connect alice:alice@127.0.0.1:" .. port .. " 2>&1")
local n = 0
for line in console:lines() do
    n = n + 1
    out('console.' .. n, line)
end
console:close()
closed = closed + 1
wait_disconnects(closed)

for i, e in ipairs(observer:call('trigger_events')) do out('event.' .. i, e) end
observer:close()
os.exit(0)
