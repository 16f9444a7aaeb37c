using SessionKit.Tests.TestSupport;

namespace SessionKit.Tests.Internal.Bounds;

/// <summary>
/// Issue 12, bounds on what a client can grow: values per session storage and per user storage, triggers per list.
/// Each: the documented default, the allowed side (up to the bound, replacing in place, adding after a removal) and
/// the refused side (a clear exception naming the option and the bound; nothing changes).
/// </summary>
public sealed class StorageAndTriggerBoundsTests
{
    private static readonly SessionKey<string> Typed = new("typed");

    [Fact]
    public void TheDefaults_AreTheDocumentedOnes()
    {
        var options = new SessionManagerOptions();

        options.MaxUserNameLength.Should().Be(256);
        options.MaxHostLength.Should().Be(256);
        options.MaxResourceLength.Should().Be(256);
        options.MaxPeerLength.Should().Be(512);
        options.MaxPasswordBytes.Should().Be(1024);
        options.MaxStorageKeys.Should().Be(1024);
        options.MaxUserStorageKeys.Should().Be(1024);
        options.MaxTriggersPerList.Should().Be(10_000);
        options.MaxConcurrentVerifications.Should().Be(Environment.ProcessorCount);
        new TriggerList<int>().MaxCount.Should().Be(10_000);
    }

    [Fact]
    public async Task SessionStorage_HoldsUpToItsBound_ThenRefusesANewKey_AndChangesNothing()
    {
        await using var m = new SessionManager(new SessionManagerOptions { MaxStorageKeys = 3 }, new FastUserDirectory());
        var storage = (await m.ConnectAsync(SessionType.Binary)).Storage;
        storage.Set("a", 1);
        storage.Set("b", 2);
        storage.Set(Typed, "typed keys count too");

        var act = () => storage.Set("c", 3);

        act.Should().Throw<InvalidOperationException>().WithMessage("*3 values*SessionManagerOptions.MaxStorageKeys*");
        storage.Count.Should().Be(3);
        storage.Get("c").Should().BeNull();
        storage.Invoking(s => s.Set(new SessionKey<int>("other"), 1)).Should().Throw<InvalidOperationException>();

        storage.Set("a", 10);
        storage.Set(Typed, "replaced");
        storage.Get("a").Should().Be(10, "replacing a value never grows the storage");
        storage.Remove("b").Should().BeTrue();
        storage.Set("c", 3);
        storage.Get("c").Should().Be(3, "a removal makes room");
    }

    [Fact]
    public async Task UserStorage_HoldsUpToItsOwnBound_ThenRefusesANewKey()
    {
        var users = new FastUserDirectory();
        users.Add("alice");
        await using var m = new SessionManager(new SessionManagerOptions { MaxUserStorageKeys = 2, MaxStorageKeys = 5 }, users);
        await m.ConnectAsync(new ConnectOptions { User = "alice" });
        var shared = m.Users.StorageOf("alice")!;
        shared.Set("a", 1);
        shared.Set("b", 2);

        var act = () => shared.Set("c", 3);

        act.Should().Throw<InvalidOperationException>().WithMessage("*2 values*SessionManagerOptions.MaxUserStorageKeys*");
        shared.Count.Should().Be(2);
        shared.Set("b", 20);
        shared.Get("b").Should().Be(20);
    }

    [Fact]
    public async Task ATriggerList_HoldsUpToItsBound_ThenRefusesANewTrigger_AndChangesNothing()
    {
        await using var m = new SessionManager(new SessionManagerOptions { MaxTriggersPerList = 3 }, new FastUserDirectory());
        Func<SessionTriggerContext, ValueTask> a = _ => default, b = _ => default, c = _ => default, d = _ => default;
        m.OnConnect.Add(a);
        m.OnConnect.Add("named", b);
        m.OnConnect.Add(c);
        m.OnConnect.MaxCount.Should().Be(3);
        var before = m.OnConnect.ToArray();

        m.OnConnect.Invoking(l => l.Add(d)).Should().Throw<InvalidOperationException>().WithMessage("*3 triggers*SessionManagerOptions.MaxTriggersPerList*");
        m.OnConnect.Invoking(l => l.Add("new name", d)).Should().Throw<InvalidOperationException>();
        m.OnConnect.ToArray().Should().Equal(before);

        m.OnConnect.Add(a).Should().BeSameAs(a, "adding a trigger already there changes nothing, so it is allowed at the bound");
        m.OnConnect.Add("named", d);
        m.OnConnect.Single(t => t.Name == "named").Handler.Should().BeSameAs(d, "a named replace is in place, so it is allowed at the bound");
        m.OnConnect.Replace(c, b);
        m.OnConnect.Remove(a);
        m.OnConnect.Add(c);
        m.OnConnect.Count.Should().Be(3, "a removal makes room");
        m.OnDisconnect.MaxCount.Should().Be(3, "the bound applies to every list of the manager");
        m.Users.OnUserOffline.MaxCount.Should().Be(3);
    }
}
