using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SessionKit.PackageTests;

/// <summary>
/// SessionKit.Redis as a user gets it: by PackageReference from the packed feed. The app registers the directory with
/// <c>AddRedisDirectory</c>, runs against a redis-server of the test's own, and the docs' blocks annotated
/// <c>package: SessionKit.Redis</c> (and the package README's block) compile in it.
/// </summary>
public sealed class RedisPackageTests(RedisPackageFixture fixture) : IClassFixture<RedisPackageFixture>
{
    [Fact]
    public async Task The_packed_Redis_directory_registers_a_session_and_its_doc_blocks_compile()
    {
        await File.WriteAllTextAsync(Path.Combine(fixture.Consumer, "Snippets.cs"), RenderSnippets());
        await File.WriteAllTextAsync(Path.Combine(fixture.Consumer, "Program.cs"), """
            using Microsoft.Extensions.DependencyInjection;
            using SessionKit;
            using SessionKit.Redis;

            var services = new ServiceCollection();
            services.AddSessions(o => o.MaxSessionsPerUser = _ => 2).AddRedisDirectory(o =>
            {
                o.Configuration = args[0];
                o.NodeName = "package-node";
            });
            await using var provider = services.BuildServiceProvider();
            var manager = provider.GetRequiredService<SessionManager>();
            var directory = provider.GetRequiredService<RedisSessionDirectory>();
            await manager.ConnectAsync(new ConnectOptions { AuthenticatedUser = new SessionUser(100, "pat") });
            Console.WriteLine($"status {directory.Status}");
            Console.WriteLine($"online {await directory.IsOnlineAsync("pat")}");
            var sessions = await directory.SessionsOfAsync("pat");
            Console.WriteLine($"node {sessions.Single().Id.Node}");
            """);

        var port = FreePort();
        using var redis = StartRedis(port);
        var (exitCode, text) = await DotNetCli.RunAsync(fixture.Consumer, "run", "-c", "Release", "--", $"127.0.0.1:{port}");

        exitCode.Should().Be(0, text);
        text.Should().Contain("status Available").And.Contain("online True").And.Contain("node package-node");
    }

    /// <summary>
    /// Every docs block annotated <c>package: SessionKit.Redis</c> (read as the core's doc snippet test reads them, with
    /// its <c>given</c> as parameters) and the package README's <c>```csharp</c> block (given <c>services</c>), as methods.
    /// </summary>
    private string RenderSnippets()
    {
        var blocks = DocSnippets.DocSnippetReader.Read(fixture.RepositoryRoot)
            .Where(s => s.Package == "SessionKit.Redis")
            .Select(s => (s.Given, s.Code))
            .Concat(Blocks(Path.Combine(fixture.RepositoryRoot, "src", "SessionKit.Redis", "README.md"), "```csharp").Select(code => (Given: "IServiceCollection services", Code: code)))
            .ToArray();
        blocks.Should().HaveCountGreaterThan(1, "docs/cluster.md shows the registration, and so does the package README");
        var text = new StringBuilder("using Microsoft.Extensions.DependencyInjection;\nusing SessionKit;\nusing SessionKit.Redis;\n\ninternal static class Snippets\n{\n");
        for (var i = 0; i < blocks.Length; i++)
        {
            text.Append($"    internal static void Snippet{i}({blocks[i].Given})\n    {{\n{blocks[i].Code}\n    }}\n\n");
        }

        return text.Append("}\n").ToString();
    }

    private static IEnumerable<string> Blocks(string file, string fence)
    {
        var lines = File.ReadAllLines(file);
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].TrimEnd() == fence)
            {
                var end = Array.FindIndex(lines, i + 1, l => l.TrimEnd() == "```");
                yield return string.Join('\n', lines[(i + 1)..end]);
                i = end;
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static RedisProcess StartRedis(int port) => new(port);

    /// <summary>A redis-server on a free loopback port without persistence, killed on dispose.</summary>
    private sealed class RedisProcess : IDisposable
    {
        private readonly Process _process;
        private readonly string _dir = Directory.CreateTempSubdirectory("sk-package-redis-").FullName;

        public RedisProcess(int port)
        {
            var info = new ProcessStartInfo("redis-server") { UseShellExecute = false, RedirectStandardOutput = true };
            foreach (var arg in new[] { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", string.Empty, "--appendonly", "no", "--dir", _dir })
            {
                info.ArgumentList.Add(arg);
            }

            _process = Process.Start(info)!;
            _process.OutputDataReceived += (_, _) => { };
            _process.BeginOutputReadLine();
        }

        public void Dispose()
        {
            _process.Kill();
            _process.WaitForExit();
            _process.Dispose();
            Directory.Delete(_dir, recursive: true);
        }
    }
}
