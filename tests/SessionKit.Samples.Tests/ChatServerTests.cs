using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace SessionKit.Samples.Tests;

/// <summary>
/// Drives the chat server over real sockets, several clients at once. Each test starts its own server on a free port.
/// Waits are event-driven (the next protocol line) or bounded polls of <c>who</c>; nothing sleeps to be correct.
/// </summary>
public sealed partial class ChatServerTests : IAsyncLifetime
{
    private ChatServerHost _server = null!;

    public async ValueTask InitializeAsync() => _server = await ChatServerHost.StartAsync();

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Whoami_ShowsIdUserEffectiveUserTypePeerAndTheLineCountAsSync()
    {
        await using var client = await _server.ConnectAsync();

        var first = await client.RequestAsync("whoami");
        var second = await client.RequestAsync("whoami");

        first.Should().Be($"ok id={client.SessionId} user=guest effective=guest type=binary peer={client.LocalPeer} sync=1");
        second.Should().EndWith("sync=2");
    }

    [Fact]
    public async Task Auth_WithConfiguredUsers_SwitchesTheUser_AWrongPasswordKeepsTheConnection()
    {
        await using var client = await _server.ConnectAsync();

        (await client.RequestAsync("auth alice wrong")).Should().Be("error User not found or supplied credentials are invalid");
        (await client.RequestAsync("auth nobody alice")).Should().Be("error User not found or supplied credentials are invalid");
        (await client.RequestAsync("whoami")).Should().Contain(" user=guest ");
        (await client.RequestAsync("auth alice alice")).Should().Be("ok authenticated as alice");
        (await client.RequestAsync("whoami")).Should().Contain(" user=alice effective=alice ");
        (await client.RequestAsync("auth bob bob")).Should().Be("ok authenticated as bob", "re-authentication is allowed");
        (await client.RequestAsync("whoami")).Should().Contain(" user=bob ");
    }

    [Fact]
    public async Task SetAndGet_UseTheCallersSessionStorage()
    {
        await using var alice = await _server.ConnectAsync();
        await using var bob = await _server.ConnectAsync();

        (await alice.RequestAsync("set color blue and green")).Should().Be("ok set color");
        (await bob.RequestAsync("set color red")).Should().Be("ok set color");

        (await alice.RequestAsync("get color")).Should().Be("ok color=blue and green");
        (await bob.RequestAsync("get color")).Should().Be("ok color=red");
        (await bob.RequestAsync("get shape")).Should().Be("error shape is not set");
    }

    [Fact]
    public async Task Say_ReachesEverySession_WhileOthersKeepTalking()
    {
        await using var alice = await _server.ConnectAsync();
        await using var bob = await _server.ConnectAsync();
        await using var carol = await _server.ConnectAsync();
        await alice.RequestAsync("auth alice alice");

        (await alice.RequestAsync("say hello, everyone")).Should().Be("ok delivered to 3 sessions");

        await bob.WaitForPushAsync(l => l == "message alice: hello, everyone");
        await carol.WaitForPushAsync(l => l == "message alice: hello, everyone");
        alice.Pushes.Should().Contain("message alice: hello, everyone", "the speaker is a session too");
    }

    [Fact]
    public async Task Su_RunsTheCommandAsTheTarget_OnlyWhenThePolicyAllows()
    {
        await using var client = await _server.ConnectAsync();
        await client.RequestAsync("auth alice alice");

        (await client.RequestAsync("su guest whoami")).Should().MatchRegex(@"^ok id=\d+ user=alice effective=guest type=binary .* sync=2$");
        (await client.RequestAsync("su guest say quietly")).Should().Be("ok delivered to 1 sessions");
        client.Pushes.Should().Contain("message guest: quietly");
        (await client.RequestAsync("su bob whoami")).Should().Be("error Su access to user 'bob' is denied for user 'alice'");
        (await client.RequestAsync("su admin whoami")).Should().Be("error Su access to user 'admin' is denied for user 'alice'");
        (await client.RequestAsync("whoami")).Should().Contain(" user=alice effective=alice ", "the effective user is restored after every su");
    }

    [Fact]
    public async Task MalformedLines_GetAnErrorLine_AndNeverDropTheConnection()
    {
        await using var client = await _server.ConnectAsync();

        (await client.RequestAsync("dance")).Should().StartWith("error unknown command 'dance'; commands: auth USER PASS");
        (await client.RequestAsync("auth alice")).Should().Be("error usage: auth USER PASS");
        (await client.RequestAsync("su")).Should().Be("error usage: su USER CMD...");
        (await client.RequestAsync("su guest")).Should().Be("error usage: su USER CMD...");
        (await client.RequestAsync("set onlykey")).Should().Be("error usage: set KEY VALUE");
        (await client.RequestAsync("get a b")).Should().Be("error usage: get KEY");
        (await client.RequestAsync("say")).Should().Be("error usage: say TEXT");
        (await client.RequestAsync("su nobody whoami")).Should().Be("error Su access to user 'nobody' is denied for user 'guest'", "a refused caller never learns which users exist");
        (await client.RequestAsync("say \u0007bell")).Should().Be("error control characters are not allowed");
        (await client.RequestAsync("su guest su guest su guest su guest su guest whoami")).Should().Be("error su nests at most 4 deep");
        (await client.RequestAsync("say " + new string('x', 5000))).Should().Be("error line too long (at most 4096 bytes)");
        await client.SendRawAsync([0xFF, 0xFE, (byte)'\n']);
        (await client.NextAnswerAsync()).Should().Be("error invalid UTF-8: the line was not run");

        (await client.RequestAsync("whoami")).Should().MatchRegex(@"sync=\d+$").And.Contain(" user=guest ");
    }

    [Fact]
    public async Task InvalidUtf8_GetsAnErrorLine_IsNotCounted_AndReachesNoOtherClient()
    {
        await using var speaker = await _server.ConnectAsync();
        await using var bob = await _server.ConnectAsync();
        await using var carol = await _server.ConnectAsync();

        // 0xC3 starts a two-byte sequence but 0x28 is no continuation byte; 0xFF never occurs in UTF-8. The old server
        // decoded both as U+FFFD and broadcast "message guest: caf\uFFFD(".
        await speaker.SendRawAsync([.. "say caf"u8, 0xC3, 0x28, (byte)'\n']);
        (await speaker.NextAnswerAsync()).Should().Be("error invalid UTF-8: the line was not run");
        await speaker.SendRawAsync([.. "say "u8, 0xFF, (byte)'\r', (byte)'\n']);
        (await speaker.NextAnswerAsync()).Should().Be("error invalid UTF-8: the line was not run");

        // Pushes to one connection are written in order and a say pushes before it answers, so once this valid say has
        // arrived everywhere, anything the refused lines had broadcast would have arrived before it.
        (await speaker.RequestAsync("say after")).Should().Be("ok delivered to 3 sessions");
        await bob.WaitForPushAsync(l => l == "message guest: after");
        await carol.WaitForPushAsync(l => l == "message guest: after");

        bob.Pushes.Should().Equal(["message guest: after"], "a refused line is never broadcast");
        carol.Pushes.Should().Equal(["message guest: after"], "a refused line is never broadcast");
        speaker.Pushes.Should().Equal(["message guest: after"]);
        (await speaker.RequestAsync("whoami")).Should().EndWith(" sync=2", "refused lines are not commands, so they use up no sync");
    }

    [Fact]
    public async Task ClientVanishingMidLine_IsDisconnected_AndItsOnDisconnectRuns()
    {
        await using var watcher = await _server.ConnectAsync();
        await using var leaver = await _server.ConnectAsync();
        await leaver.RequestAsync("auth bob bob");
        (await watcher.RequestAsync("who")).Should().Contain($"#{leaver.SessionId} bob ");

        // Half a command, then a TCP reset: the server must drop the half line and clean up.
        await leaver.SendRawAsync(Encoding.UTF8.GetBytes("say this never finish"));
        leaver.Abort();

        // The on_disconnect trigger tells the other sessions...
        await watcher.WaitForPushAsync(l => l == $"left #{leaver.SessionId} bob");

        // ...and once it has finished the session is destroyed, so who stops listing it.
        await PollAsync(watcher, "who", answer => !answer.Contains($"#{leaver.SessionId} ", StringComparison.Ordinal));
        watcher.Pushes.Should().NotContain(l => l.Contains("this never finish", StringComparison.Ordinal), "an unfinished line is never executed");
        _server.Logs.Collector.GetSnapshot().Should().Contain(r => r.Category!.EndsWith("DisconnectTrigger", StringComparison.Ordinal) && r.Message == $"Session {leaver.SessionId} (bob) disconnected");
    }

    [Fact]
    public async Task ClientClosingMidLine_WithAnOrderlyFin_IsDisconnectedToo()
    {
        await using var watcher = await _server.ConnectAsync();
        var leaver = await _server.ConnectAsync();

        await leaver.SendRawAsync(Encoding.UTF8.GetBytes("set half"));
        await leaver.DisposeAsync();

        await watcher.WaitForPushAsync(l => l == $"left #{leaver.SessionId} guest");
        await PollAsync(watcher, "who", answer => !answer.Contains($"#{leaver.SessionId} ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Quit_AnswersAndClosesTheConnection()
    {
        await using var watcher = await _server.ConnectAsync();
        await using var client = await _server.ConnectAsync();

        (await client.RequestAsync("quit")).Should().Be("ok bye");

        (await client.ReadToEndAsync()).Should().BeEmpty();
        await watcher.WaitForPushAsync(l => l == $"left #{client.SessionId} guest");
    }

    [Fact]
    public async Task Who_ListsTheSessionsOfThisServer_MarkingTheCaller()
    {
        await using var alice = await _server.ConnectAsync();
        await using var bob = await _server.ConnectAsync();
        await alice.RequestAsync("auth alice alice");

        var who = await bob.RequestAsync("who");

        who.Should().Be($"ok who: #{alice.SessionId} alice {alice.LocalPeer}; #{bob.SessionId} guest {bob.LocalPeer} (you)");
    }

    [Fact]
    public async Task ManyClientsAtOnce_EachGetsItsOwnSession_AndHearsEveryone()
    {
        const int count = 8;
        var clients = await Task.WhenAll(Enumerable.Range(0, count).Select(_ => _server.ConnectAsync()));
        try
        {
            await Task.WhenAll(clients.Select(async (c, i) =>
            {
                var user = i % 2 == 0 ? "alice" : "bob";
                (await c.RequestAsync($"auth {user} {user}")).Should().Be($"ok authenticated as {user}");
                (await c.RequestAsync($"set n {i}")).Should().Be("ok set n");
                (await c.RequestAsync("whoami")).Should().Contain($"id={c.SessionId} user={user} ");
            }));

            (await clients[0].RequestAsync("who")).Split(';').Should().HaveCount(count);
            clients.Select(c => c.SessionId).Should().OnlyHaveUniqueItems();

            await Task.WhenAll(clients.Select((c, i) => c.RequestAsync($"say from {i}")));
            await Task.WhenAll(clients.Select(async c =>
            {
                for (var i = 0; i < count; i++)
                {
                    var text = $": from {i}";
                    await c.WaitForPushAsync(l => l.StartsWith("message ", StringComparison.Ordinal) && l.EndsWith(text, StringComparison.Ordinal));
                }
            }));

            var values = await Task.WhenAll(clients.Select(c => c.RequestAsync("get n")));
            values.Should().Equal(Enumerable.Range(0, count).Select(i => $"ok n={i}"));
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Triggers_LogConnectsAuthsAndDisconnects()
    {
        var client = await _server.ConnectAsync();
        await client.RequestAsync("auth alice wrong");
        await client.RequestAsync("auth alice alice");
        await client.RequestAsync("quit");
        await client.ReadToEndAsync();
        await client.DisposeAsync();
        await using var other = await _server.ConnectAsync();
        await PollAsync(other, "who", answer => !answer.Contains($"#{client.SessionId} ", StringComparison.Ordinal));

        var messages = _server.Logs.Collector.GetSnapshot().Select(r => r.Message).ToArray();
        messages.Should().ContainInOrder(
            $"Session {client.SessionId} connected from {client.LocalPeer}",
            $"Session {client.SessionId} failed to authenticate",
            $"Session {client.SessionId} authenticated as alice",
            $"Session {client.SessionId} (alice) disconnected");
        messages.Should().NotContain(m => m.Contains("wrong", StringComparison.Ordinal), "passwords are never logged");
    }

    [Fact]
    public async Task StoppingTheHost_TellsEveryClient_AndRunsEveryOnDisconnect()
    {
        var server = await ChatServerHost.StartAsync();
        await using var a = await server.ConnectAsync();
        await using var b = await server.ConnectAsync();
        await a.RequestAsync("auth alice alice");

        await server.Host.StopAsync().WaitAsync(ChatClient.Timeout);

        (await a.ReadToEndAsync()).Should().Contain("bye system-shutdown: Server is shutting down");
        (await b.ReadToEndAsync()).Should().Contain("bye system-shutdown: Server is shutting down");
        server.Logs.Collector.GetSnapshot().Select(r => r.Message).Should().Contain(
            [$"Session {a.SessionId} (alice) disconnected", $"Session {b.SessionId} (guest) disconnected"]);
        var count = () => server.Sessions.Count;
        count.Should().Throw<ObjectDisposedException>("the server shut the manager down before the container went");
        server.Host.Dispose();
    }

    /// <summary>Repeats a request until its answer satisfies <paramref name="done"/>: at most 200 tries, 25 ms apart.</summary>
    private static async Task PollAsync(ChatClient client, string request, Func<string, bool> done)
    {
        string answer = string.Empty;
        for (var attempt = 0; attempt < 200; attempt++)
        {
            answer = await client.RequestAsync(request);
            if (done(answer))
            {
                return;
            }

            await Task.Delay(25);
        }

        Assert.Fail($"'{request}' never gave the expected answer; the last one was '{answer}'.");
    }
}
