namespace SessionKit.Redis.Internal;

/// <summary>
/// The lease scripts, over the keys of the <c>{nodes}</c> tag (KEYS: leases, clock, incarnations, sweeping). Time is Redis
/// server time (<c>TIME</c>), so no node's clock matters. Every call records the time it ran at; a call that finds the
/// last record older than the stall bound concludes that Redis itself stalled (paused clients, a long command, a
/// restart) rather than every node at once, and gives every lease a fresh term before anything can be swept.
/// </summary>
internal static class NodeScripts
{
    private const string Clock = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local lease, stall = tonumber(ARGV[1]), tonumber(ARGV[2])
        local last = tonumber(redis.call('GET', KEYS[2]) or '0')
        local stalled = now - last > stall
        if stalled then
          for _, m in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
            redis.call('ZADD', KEYS[1], 'GT', now + lease, m)
          end
        end
        redis.call('SET', KEYS[2], now)

        """;

    /// <summary>
    /// ARGV: lease ms, stall ms, node, the node's last incarnation (0 at start). Takes the node's next incarnation with
    /// a fresh lease, always above the last one even when Redis lost its counters. Returns it.
    /// </summary>
    public const string Join = Clock + """
        local inc = redis.call('HINCRBY', KEYS[3], ARGV[3], 1)
        if inc <= tonumber(ARGV[4]) then
          inc = tonumber(ARGV[4]) + 1
          redis.call('HSET', KEYS[3], ARGV[3], inc)
        end
        redis.call('ZADD', KEYS[1], now + lease, ARGV[3] .. '|' .. inc)
        return inc
        """;

    /// <summary>ARGV: lease ms, stall ms, member. Renews; returns 0 when the member was swept (or Redis lost it), 1 otherwise.</summary>
    public const string Renew = Clock + """
        if not redis.call('ZSCORE', KEYS[1], ARGV[3]) then return 0 end
        redis.call('ZADD', KEYS[1], 'GT', now + lease, ARGV[3])
        return 1
        """;

    /// <summary>
    /// ARGV: lease ms, stall ms, most members. Claims expired members (moved to the sweeping set, so each goes to one
    /// sweeper), and reclaims those whose sweeper has not finished within a lease (it died). Returns them.
    /// </summary>
    public const string Sweep = Clock + """
        if stalled then return {} end
        local max = tonumber(ARGV[3])
        local dead = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. now, 'LIMIT', 0, max)
        for _, m in ipairs(dead) do
          redis.call('ZREM', KEYS[1], m)
          redis.call('ZADD', KEYS[4], now, m)
        end
        for _, m in ipairs(redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', '(' .. (now - lease), 'LIMIT', 0, max)) do
          redis.call('ZADD', KEYS[4], now, m)
          dead[#dead + 1] = m
        end
        return dead
        """;

    /// <summary>ARGV: lease ms, stall ms, member. Leaves for good (clean shutdown).</summary>
    public const string Quit = Clock + """
        return redis.call('ZREM', KEYS[1], ARGV[3])
        """;
}
