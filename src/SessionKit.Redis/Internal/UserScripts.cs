namespace SessionKit.Redis.Internal;

/// <summary>
/// The per-user Lua scripts. Each runs over one user's keys only (KEYS: sessions hash <c>s</c>, age order <c>o</c>,
/// resources <c>r</c>, sequence <c>n</c>, all under the user's hash tag), so it is atomic per user and touches one
/// slot. A session's field is <c>node|localId</c>; its value <c>incarnation|resource</c>. Events go to the channel in
/// the last fixed argument: <c>+|tag</c> online, <c>-|tag</c> offline, <c>b|tag|resource|field</c> bound,
/// <c>u|tag|resource|field</c> unbound, published inside the script so their order is the directory's order.
/// </summary>
internal static class UserScripts
{
    // Shared helpers, prepended to every script: the resource of a value, and a removal with its events.
    private const string Helpers = """
        local function res_of(v) return string.match(v, '^[^|]*|(.*)$') or '' end
        local function inc_of(v) return tonumber(string.match(v, '^([^|]*)|')) or 0 end
        local function remove(s, o, r, f, v, tag, ch)
          local res = res_of(v)
          if res ~= '' and redis.call('HGET', r, res) == f then
            redis.call('HDEL', r, res)
            redis.call('PUBLISH', ch, 'u|' .. tag .. '|' .. res .. '|' .. f)
          end
          redis.call('HDEL', s, f)
          redis.call('ZREM', o, f)
        end
        local function offline_if_empty(s, n, tag, ch)
          if redis.call('HLEN', s) == 0 then
            redis.call('DEL', n)
            redis.call('PUBLISH', ch, '-|' .. tag)
          end
        end

        """;

    /// <summary>
    /// ARGV: field, incarnation, limit, policy (<c>r</c> reject, <c>e</c> evict oldest), tag, channel. Returns
    /// <c>{0}</c> refused, or <c>{1, evicted fields...}</c>. A session already present only takes the new incarnation.
    /// </summary>
    public const string Admit = Helpers + """
        local s, o, r, n = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
        local f, inc, limit, policy, tag, ch = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5], ARGV[6]
        local cur = redis.call('HGET', s, f)
        if cur then
          redis.call('HSET', s, f, inc .. '|' .. res_of(cur))
          return {1}
        end
        local count = redis.call('HLEN', s)
        local out = {1}
        if count >= limit then
          if policy ~= 'e' then return {0} end
          for _, old in ipairs(redis.call('ZRANGE', o, 0, count - limit)) do
            local v = redis.call('HGET', s, old)
            if v then remove(s, o, r, old, v, tag, ch) else redis.call('ZREM', o, old) end
            out[#out + 1] = old
          end
        end
        redis.call('HSET', s, f, inc .. '|')
        redis.call('ZADD', o, redis.call('INCR', n), f)
        if count == 0 then redis.call('PUBLISH', ch, '+|' .. tag) end
        return out
        """;

    /// <summary>ARGV: field, tag, channel. Removes the session and its resource. Returns 1 when it was there.</summary>
    public const string Leave = Helpers + """
        local s, o, r, n = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
        local f, tag, ch = ARGV[1], ARGV[2], ARGV[3]
        local v = redis.call('HGET', s, f)
        if not v then return 0 end
        remove(s, o, r, f, v, tag, ch)
        offline_if_empty(s, n, tag, ch)
        return 1
        """;

    /// <summary>
    /// ARGV: field, resource, tag, channel. Returns <c>{1}</c> claimed, <c>{-1}</c> the session is not registered, or
    /// <c>{0, holder field, holder incarnation}</c>. A holder entry without a session (never left by the scripts) is freed.
    /// </summary>
    public const string Claim = Helpers + """
        local s, o, r, n = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
        local f, res, tag, ch = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
        local v = redis.call('HGET', s, f)
        if not v then return {-1} end
        local holder = redis.call('HGET', r, res)
        if holder == f then return {1} end
        if holder then
          local hv = redis.call('HGET', s, holder)
          if hv then return {0, holder, tostring(inc_of(hv))} end
        end
        redis.call('HSET', r, res, f)
        redis.call('HSET', s, f, inc_of(v) .. '|' .. res)
        redis.call('PUBLISH', ch, 'b|' .. tag .. '|' .. res .. '|' .. f)
        return {1}
        """;

    /// <summary>ARGV: field, resource, tag, channel. Releases the resource if the session holds it. Returns 1 when it did.</summary>
    public const string Release = Helpers + """
        local s, o, r, n = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
        local f, res, tag, ch = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
        if redis.call('HGET', r, res) ~= f then return 0 end
        redis.call('HDEL', r, res)
        local v = redis.call('HGET', s, f)
        if v then redis.call('HSET', s, f, inc_of(v) .. '|') end
        redis.call('PUBLISH', ch, 'u|' .. tag .. '|' .. res .. '|' .. f)
        return 1
        """;

    /// <summary>
    /// ARGV: dead incarnation, tag, channel, fields... Removes those sessions of a dead node incarnation that no newer
    /// incarnation of the node re-registered meanwhile. Returns how many it removed.
    /// </summary>
    public const string Purge = Helpers + """
        local s, o, r, n = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
        local dead, tag, ch = tonumber(ARGV[1]), ARGV[2], ARGV[3]
        local removed = 0
        for i = 4, #ARGV do
          local v = redis.call('HGET', s, ARGV[i])
          if v and inc_of(v) <= dead then
            remove(s, o, r, ARGV[i], v, tag, ch)
            removed = removed + 1
          end
        end
        if removed > 0 then offline_if_empty(s, n, tag, ch) end
        return removed
        """;

    /// <summary>
    /// ARGV: field, incarnation, limit, resource (or empty), tag, channel. Re-registers a live session after its node
    /// lost its lease or Redis lost its data, without ever evicting or replacing a newer session. Returns 1 registered
    /// (with its resource), 0 no room (the user is at its limit), 2 registered but the resource is someone else's now.
    /// </summary>
    public const string Resync = Helpers + """
        local s, o, r, n = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
        local f, inc, limit, res, tag, ch = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5], ARGV[6]
        local cur = redis.call('HGET', s, f)
        local count = redis.call('HLEN', s)
        if not cur then
          if count >= limit then return 0 end
          redis.call('ZADD', o, redis.call('INCR', n), f)
          if count == 0 then redis.call('PUBLISH', ch, '+|' .. tag) end
        end
        local status, bound = 1, ''
        if res ~= '' then
          local holder = redis.call('HGET', r, res)
          if holder and holder ~= f and redis.call('HEXISTS', s, holder) == 1 then
            status = 2
          else
            bound = res
            if holder ~= f then
              redis.call('HSET', r, res, f)
              redis.call('PUBLISH', ch, 'b|' .. tag .. '|' .. res .. '|' .. f)
            end
          end
        end
        redis.call('HSET', s, f, inc .. '|' .. bound)
        return status
        """;

    /// <summary>ARGV: resource. Returns the holder's field and value, or nil.</summary>
    public const string Find = """
        local f = redis.call('HGET', KEYS[3], ARGV[1])
        if not f then return nil end
        local v = redis.call('HGET', KEYS[1], f)
        if not v then return nil end
        return {f, v}
        """;
}
