-- The reference side of the differential test: a real Tarantool 2.6 configured like the SessionKit sample
-- (users alice/alice and bob/bob, the same callable functions, triggers that log in the sample's format).
-- Usage: tarantool reference.lua <port> <work_dir>; prints READY once it listens.
local port, work_dir = arg[1], arg[2]
local fiber = require('fiber')

box.cfg{listen = '127.0.0.1:' .. port, work_dir = work_dir, log = work_dir .. '/tarantool.log'}
box.schema.user.create('alice', {password = 'alice', if_not_exists = true})
box.schema.user.create('bob', {password = 'bob', if_not_exists = true})
-- The sample lets every user call its fixed function table; here that is execute on universe.
for _, u in ipairs({'guest', 'alice', 'bob'}) do
    box.schema.user.grant(u, 'execute', 'universe', nil, {if_not_exists = true})
end

local events = {}
local function peer()
    local p = box.session.peer()
    if p == nil then return 'nil' end
    return p
end

box.session.on_connect(function()
    table.insert(events, string.format('on_connect sid:%d %s %s %s sync=%d peer=%s', box.session.id(),
        box.session.user(), box.session.effective_user(), box.session.type(), box.session.sync(), peer()))
end)
box.session.on_auth(function(name, ok)
    table.insert(events, string.format('on_auth sid:%d %s %s name=%s ok=%s sync=%d', box.session.id(),
        box.session.user(), box.session.effective_user(), name, tostring(ok), box.session.sync()))
end)
box.session.on_disconnect(function()
    table.insert(events, string.format('on_disconnect sid:%d %s %s sync=%d peer=%s', box.session.id(),
        box.session.user(), box.session.effective_user(), box.session.sync(), peer()))
end)

function trigger_events() return events end
function storage_set(k, v) box.session.storage[k] = v return true end
function storage_get(k) return box.session.storage[k] end
function su_whoami(u)
    return box.session.su(u, function() return box.session.user(), box.session.effective_user() end)
end
function yield_sync() fiber.yield() return box.session.sync() end
function push_twice(a, b) box.session.push(a) box.session.push(b) return 'done' end

print('READY')
io.stdout:flush()
