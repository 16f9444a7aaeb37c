using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SessionKit.Redis.Tests.Fixtures;
using SessionKit.Samples.ChatServer;

namespace SessionKit.Redis.Tests;

/// <summary>The chat sample run as two nodes against one Redis (<c>--redis</c>): <c>who</c> lists both nodes' users.</summary>
public sealed class ChatSampleClusterTests
{
    [Fact]
    public async Task Two_chat_nodes_on_one_Redis_list_each_others_users()
    {
        await using var redis = await RedisServer.StartAsync();
        using var one = ChatServerApp.CreateBuilder(["--port", "0", "--redis", redis.Endpoint, "--node", "chat1"]).Build();
        using var two = ChatServerApp.CreateBuilder(["--port", "0", "--redis", redis.Endpoint, "--node", "chat2"]).Build();
        await one.StartAsync();
        await two.StartAsync();
        try
        {
            using var alice = await LineClient.ConnectAsync(await one.Services.GetRequiredService<TcpChatServer>().Listening);
            using var bob = await LineClient.ConnectAsync(await two.Services.GetRequiredService<TcpChatServer>().Listening);
            (await alice.RequestAsync("auth alice alice")).Should().StartWith("ok");
            (await bob.RequestAsync("auth bob bob")).Should().StartWith("ok");

            var who = await alice.RequestAsync("who");
            who.Should().StartWith("ok who:").And.Contain(" alice (you)").And.Contain("chat2/#").And.Contain(" bob");
            (await bob.RequestAsync("who")).Should().Contain("chat1/#").And.Contain(" alice").And.Contain(" bob (you)");
        }
        finally
        {
            await one.StopAsync();
            await two.StopAsync();
        }
    }

    /// <summary>A bare line client: the welcome line, then one answer line per request.</summary>
    private sealed class LineClient : IDisposable
    {
        private readonly TcpClient _client;
        private readonly StreamReader _reader;
        private readonly StreamWriter _writer;

        private LineClient(TcpClient client)
        {
            _client = client;
            _reader = new StreamReader(client.GetStream(), Encoding.UTF8);
            _writer = new StreamWriter(client.GetStream(), new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
        }

        public static async Task<LineClient> ConnectAsync(IPEndPoint server)
        {
            var client = new TcpClient();
            await client.ConnectAsync(server).WaitAsync(Eventually.Watchdog);
            var line = new LineClient(client);
            (await line.ReadAsync()).Should().StartWith("welcome");
            return line;
        }

        public async Task<string> RequestAsync(string line)
        {
            await _writer.WriteLineAsync(line);
            while (true)
            {
                var answer = await ReadAsync();
                if (answer.StartsWith("ok", StringComparison.Ordinal) || answer.StartsWith("error", StringComparison.Ordinal))
                {
                    return answer;
                }
            }
        }

        public void Dispose()
        {
            _reader.Dispose();
            _writer.Dispose();
            _client.Dispose();
        }

        private async Task<string> ReadAsync() => await _reader.ReadLineAsync().WaitAsync(Eventually.Watchdog) ?? throw new EndOfStreamException();
    }
}
