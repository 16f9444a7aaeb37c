using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Runtime;

namespace SessionKit.AspNetCore.Load;

/// <summary>Starts the server process, measures both endpoints round by round (alternating which goes first), prints the table.</summary>
internal static class LoadDriver
{
    private static readonly string[] Variants = ["plain", "session"];

    public static async Task<int> RunAsync(LoadSettings settings)
    {
        using var server = StartServer(out var address);
        try
        {
            var client = new LoadClient(address, () =>
            {
                server.Refresh();
                return server.TotalProcessorTime;
            });
            Console.WriteLine($"server {address}; {Environment.ProcessorCount} cores; .NET {Environment.Version}; server GC {GCSettings.IsServerGC}; {settings}");

            // Warm-up: JIT, tiered compilation and the connection paths of both endpoints, not measured.
            foreach (var variant in Variants)
            {
                await client.ConnectCloseAsync(variant, Math.Min(500, settings.Connects), settings.ConnectWorkers);
                await client.EchoAsync(variant, settings.EchoSockets, Math.Min(500, settings.EchoMessages));
            }

            var connects = Variants.ToDictionary(v => v, _ => new List<Measure>());
            var echoes = Variants.ToDictionary(v => v, _ => new List<Measure>());
            for (var round = 0; round < settings.Rounds; round++)
            {
                // Alternate the order so that neither variant always runs on a warmer (or more tired) machine.
                foreach (var variant in round % 2 == 0 ? Variants : Variants.Reverse())
                {
                    connects[variant].Add(await client.ConnectCloseAsync(variant, settings.Connects, settings.ConnectWorkers));
                    echoes[variant].Add(await client.EchoAsync(variant, settings.EchoSockets, settings.EchoMessages));
                    Console.WriteLine($"round {round + 1} {variant}: {connects[variant][^1].Rate:F0} connect+close/s ({connects[variant][^1].CpuMicrosPerOp:F1} µs server CPU each), {echoes[variant][^1].Rate:F0} echo msgs/s ({echoes[variant][^1].CpuMicrosPerOp:F2} µs each)");
                }
            }

            var memory = new Dictionary<string, double>();
            foreach (var variant in Variants)
            {
                memory[variant] = await client.MemoryPerSocketAsync(variant, settings.MemorySockets);
                Console.WriteLine($"memory {variant}: {memory[variant]:F0} B per open socket");
            }

            PrintTable(connects, echoes, memory, settings);
            return 0;
        }
        finally
        {
            await StopServerAsync(server);
        }
    }

    private static void PrintTable(Dictionary<string, List<Measure>> connects, Dictionary<string, List<Measure>> echoes, Dictionary<string, double> memory, LoadSettings settings)
    {
        static double Median(IEnumerable<double> values)
        {
            var sorted = values.Order().ToArray();
            return sorted[sorted.Length / 2];
        }

        static string F(double value, string format = "N0") => value.ToString(format, CultureInfo.InvariantCulture);
        var rows = new[]
        {
            ("WebSocket connect + close per second", connects, $"{settings.ConnectWorkers} clients in parallel"),
            ("echo messages per second", echoes, $"{settings.EchoSockets} sockets, 64 B ping-pong"),
        };
        Console.WriteLine();
        Console.WriteLine($"| measure (median of {settings.Rounds} rounds) | plain endpoint | SessionKit endpoint | SessionKit ÷ plain |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");
        foreach (var (name, measures, how) in rows)
        {
            var plainRate = Median(measures["plain"].Select(m => m.Rate));
            var sessionRate = Median(measures["session"].Select(m => m.Rate));
            var plainCpu = Median(measures["plain"].Select(m => m.CpuMicrosPerOp));
            var sessionCpu = Median(measures["session"].Select(m => m.CpuMicrosPerOp));
            Console.WriteLine($"| {name} ({how}) | {F(plainRate)} | {F(sessionRate)} | {sessionRate / plainRate:F2}× |");
            Console.WriteLine($"| server CPU per operation, and the throughput it allows (plain ÷ SessionKit) | {F(plainCpu, "N2")} µs | {F(sessionCpu, "N2")} µs | {plainCpu / sessionCpu:F2}× |");
        }

        Console.WriteLine($"| server managed memory per open WebSocket ({settings.MemorySockets} open) | {F(memory["plain"])} B | {F(memory["session"])} B | +{F(memory["session"] - memory["plain"])} B |");
    }

    private static Process StartServer(out Uri address)
    {
        var path = Environment.ProcessPath!;
        var info = new ProcessStartInfo(path) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(path) == "dotnet")
        {
            // Started as `dotnet SessionKit.AspNetCore.Load.dll`: the child needs the assembly too.
            info.ArgumentList.Add(typeof(LoadDriver).Assembly.Location);
        }

        info.ArgumentList.Add("--server");
        var process = Process.Start(info)!;
        var line = process.StandardOutput.ReadLine() ?? throw new InvalidOperationException("The server process exited before listening.");
        address = new Uri(line["listening on ".Length..]);
        return process;
    }

    private static async Task StopServerAsync(Process server)
    {
        try
        {
            await server.StandardInput.WriteLineAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await server.WaitForExitAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            server.Kill(entireProcessTree: true);
        }
    }
}
