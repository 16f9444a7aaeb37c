-- SessionKit conformance: a Tarantool server whose session triggers record what they see.
-- Usage: tarantool server.lua <port> <work_dir>
--
-- Scenarios install their triggers through an admin connection (see client.lua) with the helpers below, so one
-- server can serve many scenarios: clear_all() removes every session trigger and forgets the recorded events.
local port, work_dir = arg[1], arg[2]
local json = require('json')
local fiber = require('fiber')

box.cfg{
    listen = '127.0.0.1:' .. port,
    work_dir = work_dir,
    log = work_dir .. '/tarantool.log',
}

box.schema.user.passwd('admin', 'adminpw')
box.schema.user.create('alice', {password = 'secret', if_not_exists = true})
box.schema.user.create('nosess', {password = 'secret', if_not_exists = true})
-- A non-guest user whose password is empty (spec §5.2 case 63, auth.test's test2).
box.schema.user.create('test2', {password = '', if_not_exists = true})
-- nosess may not open a session (SessionKit: MayConnect false).
box.schema.user.revoke('nosess', 'session', 'universe', nil, {if_exists = true})

-- What every recorded event holds: the trigger list and label, and the session as box.session reports it.
events = {}
-- Labels of trigger functions, so listings can be read back as labels.
names = {}

local function text(v)
    if v == nil then return json.NULL end
    return tostring(v)
end

function record(list, label, ...)
    local args = {}
    for i = 1, select('#', ...) do args[i] = text(select(i, ...)) end
    local sid = box.session.id()
    table.insert(events, {
        list = list,
        trigger = label,
        id = sid,
        user = box.session.user(),
        euser = box.session.effective_user(),
        type = box.session.type(),
        sync = box.session.sync(),
        peer = text(box.session.peer()),
        storage = text(box.session.storage.mark),
        exists = box.session.exists(sid),
        args = args,
    })
end

-- A labelled trigger that records itself, then fails with `fail` when given.
function rec(list, label, fail)
    local f = function(...)
        record(list, label, ...)
        if fail ~= nil then error(fail, 0) end
    end
    names[f] = label
    return f
end

-- The list as box.session.on_x() returns it, as labels.
function listing(list)
    local r = {}
    for _, f in ipairs(box.session[list]()) do table.insert(r, names[f] or '?') end
    return r
end

local lists = {'on_connect', 'on_auth', 'on_disconnect', 'on_access_denied'}

function clear_all()
    for _, l in ipairs(lists) do
        local fs = box.session[l]()
        for i = #fs, 1, -1 do box.session[l](nil, fs[i]) end
    end
    events = {}
    names = {}
end

function get_events() return events end

-- Waits until the caller's connection is the only one left. In 2.6 a connection leaves box.stat.net() only when its
-- session is destroyed, which is after its on_disconnect triggers finished: so afterwards every trigger of the
-- scenario has run. A bounded poll of server state (readiness), not a timed wait.
function wait_idle(timeout)
    local deadline = fiber.clock() + timeout
    while box.stat.net().CONNECTIONS.current > 1 do
        if fiber.clock() > deadline then
            error('scenario connections still open after ' .. timeout .. ' s')
        end
        fiber.sleep(0.001)
    end
end

-- Requests the scenario connections make.
function whoami()
    return {
        id = box.session.id(),
        user = box.session.user(),
        euser = box.session.effective_user(),
        type = box.session.type(),
        sync = box.session.sync(),
        peer = text(box.session.peer()),
    }
end

function set_mark(v)
    box.session.storage.mark = v
    return box.session.sync()
end

function su_probe(target)
    local inside = box.session.su(target, function()
        return {user = box.session.user(), euser = box.session.effective_user()}
    end)
    return {inside = inside, after = {user = box.session.user(), euser = box.session.effective_user()}, sync = box.session.sync()}
end

for _, f in ipairs({'whoami', 'set_mark', 'su_probe'}) do
    box.schema.func.create(f, {if_not_exists = true})
    box.schema.role.grant('public', 'execute', 'function', f, {if_not_exists = true})
end

print('READY')
io.stdout:flush()
