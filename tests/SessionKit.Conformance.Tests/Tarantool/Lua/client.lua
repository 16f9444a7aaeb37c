-- SessionKit conformance: the client side, a second tarantool process.
-- Usage: tarantool client.lua <port> <scenario.lua>
--
-- The scenario file returns {setup = <Lua evaluated on the server as admin>, run = function(h) ... return out end}.
-- This script opens an admin control connection, clears the server's triggers, installs the scenario's, runs it with
-- the helpers in `h` (net.box connections, and a raw IPROTO client where net.box hides what the server sent), waits
-- until every scenario connection is destroyed, and prints one line: RESULT <json of {ok, out, events, listings}>.
local nb = require('net.box')
local json = require('json')
local msgpack = require('msgpack')
local socket = require('socket')
local digest = require('digest')
local bit = require('bit')

local port = tonumber(arg[1])
local uri = '127.0.0.1:' .. port
local lists = {'on_connect', 'on_auth', 'on_disconnect', 'on_access_denied'}

local function message(err)
    if type(err) == 'cdata' and err.message ~= nil then return err.message end
    return tostring(err)
end

local ctl = nb.connect(uri, {user = 'admin', password = 'adminpw', connect_timeout = 10})
if not ctl:is_connected() then
    io.stderr:write('control connection failed: ' .. tostring(ctl.error) .. '\n')
    os.exit(2)
end
ctl:call('clear_all')

local h = {}

-- A net.box connection. info.state is 'active' or 'error'; info.error is what net.box reports.
function h.connect(user, password)
    local opts = {connect_timeout = 10}
    if user ~= nil then
        opts.user = user
        opts.password = password
    end
    local c = nb.connect(uri, opts)
    local info = {state = c.state, error = c.error ~= nil and tostring(c.error) or json.NULL}
    return c, info
end

-- A call through net.box: its result, or {error = message}.
function h.call(c, fn, ...)
    local ok, r = pcall(c.call, c, fn, {...})
    if ok then return r end
    return {error = message(r)}
end

-- Runs Lua on the server as admin (to change triggers between connections).
function h.admin(code)
    return ctl:eval(code)
end

-- A raw IPROTO client: reads the greeting and each reply exactly as the server sent them.
local Raw = {}
Raw.__index = Raw

function h.raw()
    local s = socket.tcp_connect('127.0.0.1', port, 10)
    assert(s ~= nil, 'raw connect failed')
    local self = setmetatable({s = s, buf = '', sync = 0}, Raw)
    self.greeting = self:read_exact(128)
    if self.greeting ~= nil then
        self.salt = digest.base64_decode(self.greeting:sub(65, 108)):sub(1, 20)
    end
    return self
end

function Raw:read_exact(n)
    while #self.buf < n do
        if not self.s:readable(10) then return nil end
        local chunk = self.s:recv(65536)
        if chunk == nil or chunk == '' then return nil end
        self.buf = self.buf .. chunk
    end
    local r = self.buf:sub(1, n)
    self.buf = self.buf:sub(n + 1)
    return r
end

-- One reply: {sync, errcode, error} or {sync, data}; nil when the server closed the connection.
function Raw:read_packet()
    local head = self:read_exact(5)
    if head == nil then return nil end
    local payload = self:read_exact(msgpack.decode(head))
    local header, pos = msgpack.decode(payload)
    local body = {}
    if pos <= #payload then body = msgpack.decode(payload, pos) end
    local r = {sync = header[1]}
    if header[0] ~= 0 then
        r.errcode = bit.band(header[0], 0x7fff)
        r.error = body[0x31]
    else
        r.data = body[0x30]
    end
    return r
end

function Raw:send(request_type, body)
    self.sync = self.sync + 1
    local payload = msgpack.encode({[0] = request_type, [1] = self.sync}) .. msgpack.encode(body)
    local n = #payload
    self.s:write(string.char(0xce, bit.band(bit.rshift(n, 24), 255), bit.band(bit.rshift(n, 16), 255),
        bit.band(bit.rshift(n, 8), 255), bit.band(n, 255)) .. payload)
    return self:read_packet()
end

local function xor(a, b)
    local r = {}
    for i = 1, #a do r[i] = string.char(bit.bxor(a:byte(i), b:byte(i))) end
    return table.concat(r)
end

-- AUTH with chap-sha1: scramble = sha1(password) XOR sha1(salt .. sha1(sha1(password))).
function Raw:auth(user, password)
    local step1 = digest.sha1(password)
    local step2 = digest.sha1(step1)
    return self:send(0x07, {[0x23] = user, [0x21] = {'chap-sha1', xor(step1, digest.sha1(self.salt .. step2))}})
end

function Raw:call(fn, ...)
    return self:send(0x0a, {[0x22] = fn, [0x21] = {...}})
end

-- True when the server has closed the connection (after any bytes still buffered).
function Raw:closed_by_server()
    return self:read_exact(#self.buf + 1) == nil
end

function Raw:close()
    self.s:close()
end

local scenario = dofile(arg[2])
local result = {}
if scenario.setup ~= nil then
    local ok, err = pcall(ctl.eval, ctl, scenario.setup)
    if not ok then result.setup_error = message(err) end
end
local ok, out = pcall(scenario.run, h)
result.ok = ok
if ok then result.out = out else result.out = message(out) end

ctl:call('wait_idle', {10})
result.events = ctl:call('get_events')
result.listings = {}
for _, l in ipairs(lists) do result.listings[l] = ctl:call('listing', {l}) end
ctl:call('clear_all')
ctl:close()

print('RESULT ' .. json.encode(result))
io.stdout:flush()
os.exit(0)
