using SessionKit.Tests.TestSupport;

namespace SessionKit.Tests.Storage;

/// <summary>SessionStorage: typed and string keys, thread safety, and clearing at destroy (design.md; spec §2.9).</summary>
public sealed class SessionStorageTests
{
    private static readonly SessionKey<string> Name = new("name");
    private static readonly SessionKey<int> Counter = new("counter");

    [Fact]
    public async Task TypedKey_SetThenGet_ReturnsTheValue()
    {
        await using var sessions = new SessionManager(directory: new FastUserDirectory());
        var session = await sessions.ConnectAsync(SessionType.Binary);
        var storage = session.Storage;

        storage.Set(Name, "alice");
        storage.Set(Counter, 3);

        storage.Get(Name).Should().Be("alice");
        storage.Get(Counter).Should().Be(3);
        storage.TryGet(Counter, out var counter).Should().BeTrue();
        counter.Should().Be(3);
        storage.Count.Should().Be(2);
    }

    [Fact]
    public async Task TypedKey_Absent_GetReturnsDefaultAndTryGetFalse()
    {
        await using var sessions = new SessionManager(directory: new FastUserDirectory());
        var session = await sessions.ConnectAsync(SessionType.Binary);

        session.Storage.Get(Counter).Should().Be(0);
        session.Storage.Get(Name).Should().BeNull();
        session.Storage.TryGet(Name, out var value).Should().BeFalse();
        value.Should().BeNull();
    }

    [Fact]
    public async Task TypedKeys_WithTheSameName_AreDifferentKeys()
    {
        await using var sessions = new SessionManager(directory: new FastUserDirectory());
        var session = await sessions.ConnectAsync(SessionType.Binary);
        var other = new SessionKey<string>("name");

        session.Storage.Set(Name, "first");
        session.Storage.Set(other, "second");

        session.Storage.Get(Name).Should().Be("first");
        session.Storage.Get(other).Should().Be("second");
    }

    [Fact]
    public async Task TypedAndStringKey_WithTheSameName_NeverCollide()
    {
        await using var sessions = new SessionManager(directory: new FastUserDirectory());
        var session = await sessions.ConnectAsync(SessionType.Binary);

        session.Storage.Set(Name, "typed");
        session.Storage.Set("name", "string");

        session.Storage.Get(Name).Should().Be("typed");
        session.Storage.Get("name").Should().Be("string");
        session.Storage.GetStringKeys().Should().Equal("name");
        session.Storage.Count.Should().Be(2);
    }

    [Fact]
    public async Task StringKey_SetReplaceRemove_Works()
    {
        await using var sessions = new SessionManager(directory: new FastUserDirectory());
        var session = await sessions.ConnectAsync(SessionType.Binary);
        var storage = session.Storage;

        storage.Set("abc", "cde");
        storage.Set("abc", "def");

        storage.Get("abc").Should().Be("def");
        storage.TryGet<string>("abc", out var text).Should().BeTrue();
        text.Should().Be("def");
        storage.TryGet<int>("abc", out _).Should().BeFalse("the value is not an int");
        storage.Remove("abc").Should().BeTrue();
        storage.Remove("abc").Should().BeFalse();
        storage.Get("abc").Should().BeNull();
        storage.Count.Should().Be(0);
    }

    [Fact]
    public async Task TypedKey_Remove_RemovesOnlyThatKey()
    {
        await using var sessions = new SessionManager(directory: new FastUserDirectory());
        var session = await sessions.ConnectAsync(SessionType.Binary);
        session.Storage.Set(Name, "x");
        session.Storage.Set(Counter, 1);

        session.Storage.Remove(Name).Should().BeTrue();
        session.Storage.Remove(Name).Should().BeFalse();

        session.Storage.TryGet(Name, out _).Should().BeFalse();
        session.Storage.Get(Counter).Should().Be(1);
    }

    [Fact]
    public async Task Set_NullValue_IsStoredAsAValue()
    {
        // The XML docs: "null is stored as a value (use Remove to delete)" and TryGet is "true when a value is stored".
        await using var sessions = new SessionManager(directory: new FastUserDirectory());
        var session = await sessions.ConnectAsync(SessionType.Binary);
        var nullable = new SessionKey<string?>("nullable");

        session.Storage.Set("plain", null);
        session.Storage.Set(nullable, null);

        session.Storage.Count.Should().Be(2);
        session.Storage.GetStringKeys().Should().Contain("plain");
        session.Storage.TryGet<object?>("plain", out var plain).Should().BeTrue();
        plain.Should().BeNull();
        session.Storage.TryGet(nullable, out var typed).Should().BeTrue();
        typed.Should().BeNull();
    }

    [Fact]
    public async Task NullKeys_ThrowArgumentNullAndChangeNothing()
    {
        await using var sessions = new SessionManager(directory: new FastUserDirectory());
        var session = await sessions.ConnectAsync(SessionType.Binary);
        session.Storage.Set("keep", 1);

        var actions = new Action[]
        {
            () => session.Storage.Set((SessionKey<int>)null!, 1),
            () => session.Storage.Get((SessionKey<int>)null!),
            () => session.Storage.TryGet((SessionKey<int>)null!, out _),
            () => session.Storage.Remove((SessionKey<int>)null!),
        };

        foreach (var act in actions)
        {
            act.Should().ThrowExactly<ArgumentNullException>().Which.ParamName.Should().Be("key");
        }

        session.Storage.Count.Should().Be(1);
        session.Storage.Get("keep").Should().Be(1);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("empty")]
    [InlineData("whitespace")]
    [InlineData("control")]
    [InlineData("oversized")]
    public async Task StringKey_Invalid_ThrowsNamingKeyAndChangesNothing(string kind)
    {
        await using var sessions = new SessionManager(directory: new FastUserDirectory());
        var session = await sessions.ConnectAsync(SessionType.Binary);
        session.Storage.Set("keep", "kept");
        var key = kind switch
        {
            "null" => null!,
            "empty" => string.Empty,
            "whitespace" => " \t ",
            "control" => "ke\u0000y",
            _ => new string('k', 64 * 1024),
        };

        var actions = new Action[]
        {
            () => session.Storage.Set(key, "x"),
            () => session.Storage.Get(key),
            () => session.Storage.TryGet<string>(key, out _),
            () => session.Storage.Remove(key),
        };

        foreach (var act in actions)
        {
            var error = act.Should().Throw<ArgumentException>().Which;
            error.ParamName.Should().Be("key");
            (error is ArgumentNullException).Should().Be(kind == "null");
            error.Message.Length.Should().BeLessThan(300);
        }

        session.Storage.GetStringKeys().Should().Equal("keep");
        session.Storage.Get("keep").Should().Be("kept");
    }

    [Fact]
    public async Task ConcurrentRequests_WritingDistinctKeys_LoseNothing()
    {
        // 3,200 keys: above the default bound of 1,024 values per session, so the bound is raised to fit.
        await using var sessions = new SessionManager(new SessionManagerOptions { MaxStorageKeys = 16 * 200 }, new FastUserDirectory());
        var session = await sessions.ConnectAsync(SessionType.Binary);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var writers = Enumerable.Range(0, 16).Select(w => Task.Run(async () =>
        {
            await gate.Task;
            using (sessions.Enter(session, (ulong)w + 1))
            {
                for (var i = 0; i < 200; i++)
                {
                    sessions.Storage.Set($"w{w}-k{i}", i);
                    sessions.Storage.Get($"w{w}-k{i}").Should().Be(i);
                }
            }
        })).ToArray();
        gate.SetResult();
        await Task.WhenAll(writers);

        session.Storage.Count.Should().Be(16 * 200);
        session.Storage.GetStringKeys().Should().OnlyHaveUniqueItems().And.HaveCount(16 * 200);
    }

    [Fact]
    public async Task Destroy_ClearsEverythingAndRefusesWritesButAllowsReadsAndRemoves()
    {
        await using var sessions = new SessionManager(directory: new FastUserDirectory());
        var session = await sessions.ConnectAsync(SessionType.Binary);
        var storage = session.Storage;
        storage.Set(Name, "alice");
        storage.Set("abc", 1);

        await sessions.DisconnectAsync(session);

        storage.Count.Should().Be(0);
        storage.Get(Name).Should().BeNull();
        storage.GetStringKeys().Should().BeEmpty();
        storage.Remove("abc").Should().BeFalse();
        var typedWrite = () => storage.Set(Name, "again");
        var stringWrite = () => storage.Set("abc", 2);
        typedWrite.Should().Throw<SessionClosedException>().Which.SessionId.Should().Be(session.Id);
        stringWrite.Should().Throw<SessionClosedException>();
        storage.Count.Should().Be(0);
    }

    [Fact]
    public async Task ToString_ShowsOwnerAndCountButNoValues()
    {
        await using var sessions = new SessionManager(directory: new FastUserDirectory());
        var session = await sessions.ConnectAsync(SessionType.Binary);
        session.Storage.Set("password", "s3cr3t-value");

        var text = session.Storage.ToString();

        text.Should().Be($"SessionStorage(session {session.Id}, 1 values)");
        text.Should().NotContain("s3cr3t-value");
    }
}
