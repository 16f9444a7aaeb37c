using System.Diagnostics;
using SessionKit.Benchmarks.Support;
using SessionKit.Redis;
using SessionKit.Redis.Internal;
using StackExchange.Redis;

namespace SessionKit.Benchmarks.Redis;

/// <summary>
/// <c>redis</c> mode (issue 16): the Redis session directory against raw commands on the same redis-server, in one run,
/// so the ratios compare like with like. Prints a Markdown table. <c>--quick</c> shortens every phase.
/// </summary>
public static class RedisBench
{
    private const int Concurrency = 32;
    private const int Users = 1000;

    public static int Run(string[] args) => RunAsync(args.Contains("--quick")).GetAwaiter().GetResult();

    private static async Task<int> RunAsync(bool quick)
    {
        var phase = TimeSpan.FromSeconds(quick ? 1 : 4);
        using var redis = new RedisProcess();
        var names = Enumerable.Range(0, Users).Select(i => $"u{i}").ToArray();
        var node = await BenchNode.StartAsync(redis.Endpoint, "bench-a", names);
        await using var client = await ConnectionMultiplexer.ConnectAsync(redis.Endpoint + ",allowAdmin=true");
        var db = client.GetDatabase();
        var keys = new RedisKeys("sk");
        var rows = new List<string>();

        // 1. connect + authenticate + disconnect through the directory, against the same scripts sent raw.
        var through = new List<double>();
        var raw = new List<double>();
        for (var round = 0; round < 3; round++)
        {
            through.Add(await RateAsync(phase, async i =>
            {
                var session = await node.Manager.ConnectAsync(SessionType.Binary);
                await node.Manager.AuthenticateAsync(session, names[i % Users], "secret");
                await node.Manager.DisconnectAsync(session);
            }));
            raw.Add(await RateAsync(phase, async i =>
            {
                var tag = RedisKeys.Tag(null, names[i % Users]);
                var field = $"raw|{i}";
                var user = keys.User(tag);
                _ = db.SetAddAsync(keys.Members("raw", 1), tag + "\t" + field, CommandFlags.FireAndForget);
                await db.ScriptEvaluateAsync(UserScripts.Admit, user, [field, 1, int.MaxValue, "r", tag, keys.Events.ToString()]);
                _ = db.ScriptEvaluateAsync(UserScripts.Leave, user, [field, tag, keys.Events.ToString()], CommandFlags.FireAndForget);
                _ = db.SetRemoveAsync(keys.Members("raw", 1), tag + "\t" + field, CommandFlags.FireAndForget);
            }));
        }

        rows.Add(Row("connect + auth + disconnect /s: directory vs raw EVALSHA (admit, leave, member set)", Median(through), Median(raw), 0.7));

        // 2. lookups: the sessions of a user, against a raw HGETALL of the same hash.
        var held = new List<Session>();
        for (var i = 0; i < Users; i++)
        {
            held.Add(await node.Manager.ConnectAsync(new ConnectOptions { AuthenticatedUser = node.Users.User(names[i]) }));
        }

        var lookups = new List<double>();
        var hgetall = new List<double>();
        var online = new List<double>();
        for (var round = 0; round < 3; round++)
        {
            lookups.Add(await RateAsync(phase, async i => await node.Directory.SessionsOfAsync(names[i % Users])));
            hgetall.Add(await RateAsync(phase, async i => await db.HashGetAllAsync(keys.User(RedisKeys.Tag(null, names[i % Users]))[0])));
            online.Add(await RateAsync(phase, async i => await node.Directory.IsOnlineAsync(names[i % Users])));
        }

        rows.Add(Row("SessionsOfAsync /s vs raw HGETALL", Median(lookups), Median(hgetall), 0.8));
        rows.Add(Row("IsOnlineAsync /s vs raw HGETALL", Median(online), Median(hgetall), 0.8));

        // 3. local hot path with the directory attached: Enter + dispose, against a manager without one.
        await using (var plain = new SessionManager(null, new FastUserDirectory()))
        {
            var local = await plain.ConnectAsync(SessionType.Binary);
            var with = new List<double>();
            var without = new List<double>();
            for (var round = 0; round < 5; round++)
            {
                with.Add(EnterNs(node.Manager, held[0]));
                without.Add(EnterNs(plain, local));
            }

            rows.Add($"| Enter + dispose, ns: with the directory / without | {Median(with):F1} | {Median(without):F1} | {Median(with) / Median(without):F2} | unchanged |");
        }

        await node.DisposeAsync();
        await db.ExecuteAsync("FLUSHALL");

        // 4. memory per session: 100,000 sessions over 3 nodes (50,000 users, 2 sessions each).
        var total = quick ? 10_000 : 100_000;
        var userNames = Enumerable.Range(0, total / 2).Select(i => $"m{i}").ToArray();
        var nodes = new[] { await BenchNode.StartAsync(redis.Endpoint, "n1", userNames), await BenchNode.StartAsync(redis.Endpoint, "n2", userNames), await BenchNode.StartAsync(redis.Endpoint, "n3", userNames) };
        var before = await UsedMemoryAsync(client, redis.Endpoint);
        await ParallelForAsync(total, async i =>
        {
            var n = nodes[i % 3];
            await n.Manager.ConnectAsync(new ConnectOptions { AuthenticatedUser = n.Users.User(userNames[i / 2]) });
        });
        var after = await UsedMemoryAsync(client, redis.Endpoint);
        rows.Add($"| Redis memory per session, {total:N0} sessions over 3 nodes | {(after - before) / (double)total:F0} B | | | report |");

        // 5. sweep of a dead node holding 30,000 sessions: its purge, timed from another node.
        var dead = await BenchNode.StartAsync(redis.Endpoint, "dead", userNames);
        var count = quick ? 3_000 : 30_000;
        await ParallelForAsync(count, async i => await dead.Manager.ConnectAsync(new ConnectOptions { AuthenticatedUser = dead.Users.User(userNames[i % userNames.Length]) }));
        var watch = Stopwatch.StartNew();
        var removed = await nodes[0].Directory.PurgeAsync("dead", dead.Directory.Incarnation);
        watch.Stop();
        rows.Add($"| sweep (purge) of a dead node holding {count:N0} sessions | {watch.Elapsed.TotalMilliseconds:F0} ms | {removed:N0} removed | | report |");

        Console.WriteLine("| measure | directory | raw / other | ratio | budget |");
        Console.WriteLine("| --- | --- | --- | --- | --- |");
        foreach (var row in rows)
        {
            Console.WriteLine(row);
        }

        foreach (var n in nodes)
        {
            await n.DisposeAsync();
        }

        return 0;
    }

    private static string Row(string what, double directory, double raw, double budget) =>
        $"| {what} | {directory:N0} | {raw:N0} | {directory / raw:F2} | ≥ {budget:F1} {(directory / raw >= budget ? "met" : "NOT met")} |";

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    /// <summary>Runs <paramref name="operation"/> from <see cref="Concurrency"/> loops for the phase; returns completions per second.</summary>
    private static async Task<double> RateAsync(TimeSpan phase, Func<int, Task> operation)
    {
        var done = 0L;
        var next = 0;
        var watch = Stopwatch.StartNew();
        var loops = Enumerable.Range(0, Concurrency).Select(_ => Task.Run(async () =>
        {
            while (watch.Elapsed < phase)
            {
                await operation(Interlocked.Increment(ref next));
                Interlocked.Increment(ref done);
            }
        }));
        await Task.WhenAll(loops);
        return done / watch.Elapsed.TotalSeconds;
    }

    private static async Task ParallelForAsync(int count, Func<int, Task> body)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                await body(i);
            }
        })));
    }

    private static double EnterNs(SessionManager manager, Session session)
    {
        const int n = 2_000_000;
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < n; i++)
        {
            using (manager.Enter(session))
            {
            }
        }

        return watch.Elapsed.TotalMilliseconds * 1_000_000 / n;
    }

    private static async Task<long> UsedMemoryAsync(ConnectionMultiplexer client, string endpoint)
    {
        var server = client.GetServer(endpoint);
        var memory = (await server.InfoAsync("memory")).SelectMany(g => g).First(p => p.Key == "used_memory").Value;
        return long.Parse(memory);
    }
}
