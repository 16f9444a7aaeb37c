using System.Collections.Concurrent;

using SessionKit.Tests.TestSupport;

namespace SessionKit.Tests.PerUser;

/// <summary>xmpp-sessions.md §3 cases 5–17, 51 and 60, re-expressed for SessionKit (docs/seed-cases.md maps every case).</summary>
public sealed class ResourceBindingTests : ResourceTestBase
{
    [Fact] // case 5
    public async Task Bind_BeforeAuthentication_FailsNotAuthorized()
    {
        var (session, _) = await ConnectAsync();
        var act = () => Manager.Users.BindResourceAsync(session, "home").AsTask();
        var error = (await act.Should().ThrowAsync<ResourceBindException>()).Which;
        error.ErrorType.Should().Be("auth");
        error.Condition.Should().Be("not-authorized");
        error.Message.Should().Be("Cannot bind resource before authentication");
        session.Resource.Should().BeNull();
    }

    [Fact] // case 6
    public async Task Bind_Twice_FailsNotAllowed()
    {
        var session = await ConnectBoundAsync("alice", "home");
        var act = () => Manager.Users.BindResourceAsync(session, "work").AsTask();
        var error = (await act.Should().ThrowAsync<ResourceBindException>()).Which;
        error.Condition.Should().Be("not-allowed");
        error.Message.Should().Be("Cannot bind multiple resources on a single connection");
        session.Resource.Should().Be("home");
    }

    [Theory] // case 7
    [InlineData(null)]
    [InlineData("")]
    public async Task Bind_EmptyResource_AssignsARandomUniqueOne(string? resource)
    {
        var (s1, _) = await ConnectAsync("alice");
        var (s2, _) = await ConnectAsync("alice");
        var r1 = await Manager.Users.BindResourceAsync(s1, resource);
        var r2 = await Manager.Users.BindResourceAsync(s2, resource);

        r1.Should().HaveLength(12).And.NotBe(r2);
        s1.Resource.Should().Be(r1);
        s1.FullAddress.Should().Be($"alice/{r1}");
    }

    [Theory] // case 8, changed deliberately: an invalid resource is an argument error, not silently replaced
    [InlineData(" ")]
    [InlineData("a\u0001b")]
    public async Task Bind_InvalidResource_ThrowsArgumentException_AndLeavesTheSessionUnbound(string resource)
    {
        var (session, _) = await ConnectAsync("alice");
        var act = () => Manager.Users.BindResourceAsync(session, resource).AsTask();
        (await act.Should().ThrowAsync<ArgumentException>()).Which.ParamName.Should().Be("resource");
        session.Resource.Should().BeNull();
        (await Manager.Users.BindResourceAsync(session, "home")).Should().Be("home");
    }

    [Fact] // case 9
    public async Task Bind_Succeeds_FindableByIdUserAndResource_BindEventOnce()
    {
        var binds = new ConcurrentQueue<string>();
        Manager.Users.OnResourceBind.Add(c => { binds.Enqueue($"{c.Session.Id}:{c.Resource}"); return default; });
        var (session, _) = await ConnectAsync("alice", host: "example.org");

        (await Manager.Users.BindResourceAsync(session, "home")).Should().Be("home");

        session.Facets.Should().Be(SessionFacets.Connected);
        session.FullAddress.Should().Be("alice@example.org/home");
        Manager.GetSession(session.Id).Should().BeSameAs(session);
        Manager.Users.SessionsOf("alice", "example.org").Should().Equal(session);
        Manager.Users.FindResource("alice", "home", "example.org").Should().BeSameAs(session);
        binds.Should().Equal($"{session.Id}:home");
    }

    [Fact] // case 10
    public async Task PreBind_VetoWithError_FailsWithThatError_AndLeavesNothingIndexed()
    {
        Manager.Users.OnPreResourceBind.Add(c => { c.Veto(new ResourceBindException("modify", "policy-violation", "No phones")); return default; });
        var (session, _) = await ConnectAsync("alice");
        var act = () => Manager.Users.BindResourceAsync(session, "phone").AsTask();
        (await act.Should().ThrowAsync<ResourceBindException>()).Which.Condition.Should().Be("policy-violation");
        session.Resource.Should().BeNull();
        Manager.Users.FindResource("alice", "phone").Should().BeNull();
    }

    [Fact] // case 11
    public async Task PreBind_VetoWithoutError_FailsNotAllowed()
    {
        Manager.Users.OnPreResourceBind.Add(c => { c.Veto(); return default; });
        var (session, _) = await ConnectAsync("alice");
        var act = () => Manager.Users.BindResourceAsync(session, "phone").AsTask();
        var error = (await act.Should().ThrowAsync<ResourceBindException>()).Which;
        error.ErrorType.Should().Be("cancel");
        error.Condition.Should().Be("not-allowed");
    }

    [Fact] // case 12
    public async Task PreBind_RewritesTheResource()
    {
        Manager.Users.OnPreResourceBind.Add(c => { c.Resource = "x"; return default; });
        var (session, _) = await ConnectAsync("alice");
        (await Manager.Users.BindResourceAsync(session, "phone")).Should().Be("x");
        session.Resource.Should().Be("x");
        Manager.Users.FindResource("alice", "x").Should().BeSameAs(session);
    }

    [Fact] // case 13: kick_old, and the unbind of the old session comes before the bind of the new one
    public async Task KickOld_ClosesTheOldSessionWithConflict_UnbindBeforeNewBind()
    {
        var order = new ConcurrentQueue<string>();
        Manager.Users.OnResourceUnbind.Add(c => { order.Enqueue($"unbind {c.Session.Id} {c.Reason?.Condition}"); return default; });
        Manager.Users.OnResourceBind.Add(c => { order.Enqueue($"bind {c.Session.Id}"); return default; });
        var (old, oldConnection) = await ConnectAsync("alice");
        await Manager.Users.BindResourceAsync(old, "home");
        var (@new, _) = await ConnectAsync("alice");

        await Manager.Users.BindResourceAsync(@new, "home");

        order.Should().Equal($"bind {old.Id}", $"unbind {old.Id} conflict", $"bind {@new.Id}");
        oldConnection.Closes.Should().Equal(SessionCloseReason.Replaced);
        SessionCloseReason.Replaced.Text.Should().Be("Replaced by new connection");
        old.State.Should().Be(SessionState.Destroyed);
        Manager.Users.FindResource("alice", "home").Should().BeSameAs(@new);
    }

    [Fact] // case 14
    public async Task RejectNew_FailsConflict_OldSessionUntouched()
    {
        await using var manager = new SessionManager(new SessionManagerOptions { ResourceConflictPolicy = ResourceConflictPolicy.RejectNew }, Users);
        var old = await manager.ConnectAsync(SessionType.Binary);
        await manager.AuthenticateAsync(old, "alice", "secret");
        await manager.Users.BindResourceAsync(old, "home");
        var @new = await manager.ConnectAsync(SessionType.Binary);
        await manager.AuthenticateAsync(@new, "alice", "secret");

        var act = () => manager.Users.BindResourceAsync(@new, "home").AsTask();
        var error = (await act.Should().ThrowAsync<ResourceBindException>()).Which;
        error.Condition.Should().Be("conflict");
        error.Message.Should().Be("Resource already exists");
        old.State.Should().Be(SessionState.Open);
        manager.Users.FindResource("alice", "home").Should().BeSameAs(old);
        @new.Resource.Should().BeNull();
    }

    [Fact] // case 15
    public async Task Increment_GivesHash1ThenHash2()
    {
        await using var manager = new SessionManager(new SessionManagerOptions { ResourceConflictPolicy = ResourceConflictPolicy.Increment }, Users);
        var resources = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var session = await manager.ConnectAsync(SessionType.Binary);
            await manager.AuthenticateAsync(session, "alice", "secret");
            resources.Add(await manager.Users.BindResourceAsync(session, "home"));
        }

        resources.Should().Equal("home", "home#1", "home#2");
        manager.Users.SessionsOf("alice").Should().OnlyContain(s => s.State == SessionState.Open);
    }

    [Fact] // case 16
    public async Task Random_GivesAFreshResourceDifferentFromEveryExistingOne()
    {
        await using var manager = new SessionManager(new SessionManagerOptions { ResourceConflictPolicy = ResourceConflictPolicy.Random }, Users);
        var resources = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var session = await manager.ConnectAsync(SessionType.Binary);
            await manager.AuthenticateAsync(session, "alice", "secret");
            resources.Add(await manager.Users.BindResourceAsync(session, "home"));
        }

        resources[0].Should().Be("home");
        resources.Should().OnlyHaveUniqueItems();
        manager.Users.ResourcesOf("alice").Select(r => r.Key).Should().BeEquivalentTo(resources);
    }

    [Fact] // case 17: the rollback leaves the user's entry as it was before the bind
    public async Task PostBindFailure_FailsInternalServerError_AndRollsBack()
    {
        Manager.Users.OnResourceBind.Add(_ => throw new InvalidOperationException("roster load failed"));
        var (session, _) = await ConnectAsync("alice");
        var act = () => Manager.Users.BindResourceAsync(session, "home").AsTask();
        var error = (await act.Should().ThrowAsync<ResourceBindException>()).Which;
        error.ErrorType.Should().Be("cancel");
        error.Condition.Should().Be("internal-server-error");
        error.InnerException!.Message.Should().Be("roster load failed");
        session.Resource.Should().BeNull();
        Manager.Users.FindResource("alice", "home").Should().BeNull();
        Manager.Users.ResourcesOf("alice").Should().BeEmpty("no index entry is left");
        session.State.Should().Be(SessionState.Open);
        session.User.Name.Should().Be("alice", "back to authenticated, unbound");
        Manager.Users.SessionsOf("alice").Should().Equal(session);

        await session.CloseAsync();
        Manager.Users.IsOnline("alice").Should().BeFalse("the user's entry went with its last session");
        Manager.Users.StorageOf("alice").Should().BeNull();
    }

    [Fact] // case 17: the user's only session closes while its post-bind step runs; the emptied user entry is removed
    public async Task PostBindFailure_AfterTheUsersLastSessionClosed_RemovesTheEmptiedUserEntry()
    {
        Manager.Users.OnResourceBind.Add(async c =>
        {
            await Manager.DisconnectAsync(c.Session);
            throw new InvalidOperationException("roster load failed");
        });
        var (session, _) = await ConnectAsync("alice");
        var act = () => Manager.Users.BindResourceAsync(session, "home").AsTask();
        (await act.Should().ThrowAsync<ResourceBindException>()).Which.Condition.Should().Be("internal-server-error");

        session.State.Should().Be(SessionState.Destroyed);
        Manager.Users.FindResource("alice", "home").Should().BeNull();
        Manager.Users.ResourcesOf("alice").Should().BeEmpty();
        Manager.Users.SessionsOf("alice").Should().BeEmpty();
        Manager.Users.IsOnline("alice").Should().BeFalse();
        Manager.Users.StorageOf("alice").Should().BeNull("no empty user entry is left behind");
    }

    [Fact] // case 51
    public async Task TwoConnectionsBindTheSameFullAddress_TheFirstReceivesConflictThenCloses()
    {
        var (first, firstConnection) = await ConnectAsync("alice");
        await Manager.Users.BindResourceAsync(first, "desk");
        var (second, secondConnection) = await ConnectAsync("alice");
        await Manager.Users.BindResourceAsync(second, "desk");

        firstConnection.Closes.Should().ContainSingle().Which.Condition.Should().Be("conflict");
        first.IsClosedOrDestroyed().Should().BeTrue();
        secondConnection.Closes.Should().BeEmpty();
    }

    [Fact] // case 60, one replacement at a time; the race is ConflictConcurrencyTests.Case60_...
    public async Task ResourcesOf_ListsEachResourceOnce_NewestOwnerWins()
    {
        await ConnectBoundAsync("alice", "home");
        var newest = await ConnectBoundAsync("alice", "home");
        var work = await ConnectBoundAsync("alice", "work");

        var resources = Manager.Users.ResourcesOf("alice");
        resources.Select(r => r.Key).Should().BeEquivalentTo("home", "work");
        resources.Single(r => r.Key == "home").Value.Should().BeSameAs(newest);
        resources.Single(r => r.Key == "work").Value.Should().BeSameAs(work);
    }

    [Fact]
    public async Task ChangingUser_ReleasesTheResourceBoundUnderTheOldUser()
    {
        var unbinds = new ConcurrentQueue<string>();
        Manager.Users.OnResourceUnbind.Add(c => { unbinds.Enqueue(c.Resource); return default; });
        var session = await ConnectBoundAsync("alice", "home");
        await Manager.AuthenticateAsync(session, "bob", "secret");

        Manager.Users.FindResource("alice", "home").Should().BeNull();
        session.Resource.Should().BeNull();
        unbinds.Should().Equal("home");
        (await Manager.Users.BindResourceAsync(session, "home")).Should().Be("home");
        Manager.Users.FindResource("bob", "home").Should().BeSameAs(session);
    }
}

internal static class SessionStateExtensions
{
    public static bool IsClosedOrDestroyed(this Session session) => session.State != SessionState.Open;
}
