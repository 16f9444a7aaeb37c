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
            var client = new LoadClient(address);
            Console.WriteLine($"server {address}; {Environment.ProcessorCount} cores; .NET {Environment.Version}; server GC {GCSettings.IsServerGC}; {settings}");

            // Warm-up: JIT, tiered compilation and the connection paths of both endpoints, not measured.
            foreach (var variant in Variants)
            {
                await client.ConnectCloseAsync(variant, Math.Min(500, settings.Connects), settings.ConnectWorkers);
                await client.EchoAsync(variant, settings.EchoSockets, Math.Min(500, settings.EchoMessages));
            }

            var connects = Variants.ToDictionary(v => v, _ => new List<double>());
            var echoes = Variants.ToDictionary(v => v, _ => new List<double>());
            for (var round = 0; round < settings.Rounds; round++)
            {
                // Alternate the order so that neither variant always runs on a warmer (or more tired) machine.
                foreach (var variant in round % 2 == 0 ? Variants : Variants.Reverse())
                {
                    connects[variant].Add(await client.ConnectCloseAsync(variant, settings.Connects, settings.ConnectWorkers));
                    echoes[variant].Add(await client.EchoAsync(variant, settings.EchoSockets, settings.EchoMessages));
                    Console.WriteLine($"round {round + 1} {variant}: {connects[variant][^1]:F0} connect+close/s, {echoes[variant][^1]:F0} echo msgs/s");
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

    private static void PrintTable(Dictionary<string, List<double>> connects, Dictionary<string, List<double>> echoes, Dictionary<string, double> memory, LoadSettings settings)
    {
        static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
        static string F(double value) => value.ToString("N0", CultureInfo.InvariantCulture);
        var connectPlain = Median(connects["plain"]);
        var connectSession = Median(connects["session"]);
        var echoPlain = Median(echoes["plain"]);
        var echoSession = Median(echoes["session"]);
        Console.WriteLine();
        Console.WriteLine($"| measure (median of {settings.Rounds} rounds) | plain endpoint | SessionKit endpoint | ratio |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");
        Console.WriteLine($"| WebSocket connect + close per second ({settings.ConnectWorkers} clients in parallel) | {F(connectPlain)} | {F(connectSession)} | {connectSession / connectPlain:F2}× |");
        Console.WriteLine($"| echo messages per second ({settings.EchoSockets} sockets, 64 B ping-pong) | {F(echoPlain)} | {F(echoSession)} | {echoSession / echoPlain:F2}× |");
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
