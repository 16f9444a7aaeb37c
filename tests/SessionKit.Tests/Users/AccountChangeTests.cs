using System.Collections.Concurrent;
using SessionKit.Tests.TestSupport;

namespace SessionKit.Tests.Users;

/// <summary>
/// Removing, disabling or re-passwording a user whose sessions are live (spec §5.2 case 39; XMPP cases 29 and 30):
/// the directory tells every manager, which refuses to remove the current session's own user and closes the rest.
/// </summary>
public sealed class AccountChangeTests
{
    private const string DropRefused = "Failed to drop user or role 'tester': the user is active in the current session";

    [Fact]
    public async Task RemoveUser_InsideSuAdminWhileTheSessionUserIsTheUser_IsRefusedWithTarantoolsMessageAndChangesNothing()
    {
        // spec §5.2 case 39: inside Su('admin', drop 'tester') while the session user is tester.
        var directory = new InMemoryUserDirectory();
        directory.AddUser("tester", "pw");
        await using var sessions = new SessionManager(new SessionManagerOptions { SwitchUserPolicy = _ => true }, directory);
        var session = await sessions.ConnectAsync(new ConnectOptions { User = "tester" });

        using (sessions.Enter(session, 1))
        using (sessions.Su("admin"))
        {
            var drop = () => directory.RemoveUser("tester");
            drop.Should().Throw<InvalidOperationException>().WithMessage(DropRefused);
        }

        directory.TryFindUser("tester", out _).Should().BeTrue();
        session.IsClosed.Should().BeFalse();
        session.User.Name.Should().Be("tester");
    }

    [Fact]
    public async Task RemoveUser_WhileTheUserIsOnlyTheEffectiveUserOfTheCurrentFlow_IsRefused()
    {
        var directory = new InMemoryUserDirectory();
        directory.AddUser("tester", "pw");
        await using var sessions = new SessionManager(directory: directory);
        var admin = await sessions.ConnectAsync(new ConnectOptions { User = "admin" });

        using (sessions.Enter(admin, 1))
        using (sessions.Su("tester"))
        {
            var drop = () => directory.RemoveUser("tester");
            drop.Should().Throw<InvalidOperationException>().WithMessage(DropRefused);
        }

        directory.TryFindUser("tester", out _).Should().BeTrue();
    }

    [Fact]
    public async Task RemoveUser_FromAnotherUsersSession_ClosesEveryOneOfTheUsersSessionsWithAccountDeleted()
    {
        var directory = new InMemoryUserDirectory();
        directory.AddUser("tester", "pw");
        directory.AddUser("other", "pw");
        await using var sessions = new SessionManager(directory: directory);
        var disconnects = CountDisconnects(sessions, expected: 3, out var allClosed);
        var connections = new List<RecordingConnection>();
        var testers = new List<Session>();
        for (var i = 0; i < 3; i++)
        {
            var connection = new RecordingConnection();
            connections.Add(connection);
            testers.Add(await sessions.ConnectAsync(new ConnectOptions { User = "tester", Connection = connection }));
        }

        var bystander = await sessions.ConnectAsync(new ConnectOptions { User = "other" });
        var adminSession = await sessions.ConnectAsync(new ConnectOptions { User = "admin" });

        using (sessions.Enter(adminSession, 7))
        {
            directory.RemoveUser("tester").Should().BeTrue();
        }

        await allClosed.WaitAsync(TimeSpan.FromMinutes(1));
        testers.Should().OnlyContain(s => s.IsClosed);
        connections.Should().OnlyContain(c => c.Closes.SequenceEqual(new[] { SessionCloseReason.AccountDeleted }));
        disconnects.Keys.Should().BeEquivalentTo(testers.Select(s => s.Id));
        bystander.IsClosed.Should().BeFalse();
        adminSession.IsClosed.Should().BeFalse();
        sessions.Users.SessionsOf("tester").Should().BeEmpty();
    }

    [Fact]
    public async Task SetMayConnectFalse_ClosesTheUsersSessionsWithAccountDisabled_AndNeitherARepeatNorReEnablingClosesMore()
    {
        var directory = new InMemoryUserDirectory();
        directory.AddUser("tester", "pw");
        await using var sessions = new SessionManager(directory: directory);
        var disconnects = CountDisconnects(sessions, expected: 2, out var allClosed);
        var first = new RecordingConnection();
        var second = new RecordingConnection();
        var a = await sessions.ConnectAsync(new ConnectOptions { User = "tester", Connection = first });
        var b = await sessions.ConnectAsync(new ConnectOptions { User = "tester", Connection = second });

        directory.SetMayConnect("tester", false);
        await allClosed.WaitAsync(TimeSpan.FromMinutes(1));
        directory.SetMayConnect("tester", true);
        var later = await sessions.ConnectAsync(new ConnectOptions { User = "tester" });
        directory.SetMayConnect("tester", true);

        a.IsClosed.Should().BeTrue();
        b.IsClosed.Should().BeTrue();
        first.Closes.Should().Equal(SessionCloseReason.AccountDisabled);
        second.Closes.Should().Equal(SessionCloseReason.AccountDisabled);
        later.IsClosed.Should().BeFalse();
        disconnects.Should().HaveCount(2);
    }

    [Fact]
    public async Task SetPassword_FromOneOfTheUsersSessions_ClosesTheOthersWithPasswordChangedAndKeepsTheChangingOne()
    {
        // Prosody: the resource that changed the password stays (XMPP case 29).
        var directory = new InMemoryUserDirectory();
        directory.AddUser("tester", "pw");
        await using var sessions = new SessionManager(directory: directory);
        CountDisconnects(sessions, expected: 2, out var othersClosed);
        var changing = await sessions.ConnectAsync(new ConnectOptions { User = "tester" });
        var otherConnections = new[] { new RecordingConnection(), new RecordingConnection() };
        var others = new List<Session>();
        foreach (var connection in otherConnections)
        {
            others.Add(await sessions.ConnectAsync(new ConnectOptions { User = "tester", Connection = connection }));
        }

        using (sessions.Enter(changing, 3))
        {
            directory.SetPassword("tester", "new-password");
        }

        await othersClosed.WaitAsync(TimeSpan.FromMinutes(1));
        changing.IsClosed.Should().BeFalse();
        others.Should().OnlyContain(s => s.IsClosed);
        otherConnections.Should().OnlyContain(c => c.Closes.SequenceEqual(new[] { SessionCloseReason.PasswordChanged }));
    }

    [Fact]
    public async Task SetPassword_OutsideAnySession_ClosesAllOfTheUsersSessions()
    {
        var directory = new InMemoryUserDirectory();
        directory.AddUser("tester", "pw");
        await using var sessions = new SessionManager(directory: directory);
        CountDisconnects(sessions, expected: 2, out var allClosed);
        var a = await sessions.ConnectAsync(new ConnectOptions { User = "tester" });
        var b = await sessions.ConnectAsync(new ConnectOptions { User = "tester" });

        directory.SetPassword("tester", "new-password");

        await allClosed.WaitAsync(TimeSpan.FromMinutes(1));
        a.IsClosed.Should().BeTrue();
        b.IsClosed.Should().BeTrue();
    }

    [Fact]
    public async Task PolicyNone_AccountChangesCloseNothing_ButRemovingTheCurrentUserIsStillRefused()
    {
        var directory = new InMemoryUserDirectory();
        directory.AddUser("tester", "pw");
        directory.AddUser("gone", "pw");
        await using var sessions = new SessionManager(new SessionManagerOptions { UserChangeClosePolicy = UserChangeClosePolicy.None }, directory);
        var tester = await sessions.ConnectAsync(new ConnectOptions { User = "tester" });
        var gone = await sessions.ConnectAsync(new ConnectOptions { User = "gone" });

        directory.SetPassword("tester", "x");
        directory.SetMayConnect("tester", false);
        directory.RemoveUser("gone").Should().BeTrue();
        using (sessions.Enter(tester, 1))
        {
            var drop = () => directory.RemoveUser("tester");
            drop.Should().Throw<InvalidOperationException>().WithMessage(DropRefused);
        }

        tester.IsClosed.Should().BeFalse();
        gone.IsClosed.Should().BeFalse();
    }

    [Fact]
    public void Options_AnUndefinedClosePolicyFlag_IsRefusedNamingTheOption()
    {
        var act = () => new SessionManager(new SessionManagerOptions { UserChangeClosePolicy = (UserChangeClosePolicy)8 });

        act.Should().Throw<ArgumentException>().WithMessage("*UserChangeClosePolicy*");
    }

    [Fact]
    public async Task CustomDirectory_RemovingAUser_ClosesItsSessionsAndDisposingTheManagerUnsubscribes()
    {
        var directory = new ObservableTestDirectory();
        directory.Add("tester");
        var sessions = new SessionManager(directory: directory);
        CountDisconnects(sessions, expected: 1, out var closed);
        var session = await sessions.ConnectAsync(new ConnectOptions { User = "tester" });
        directory.Subscribers.Should().Be(1);

        directory.Remove("tester").Should().BeTrue();
        await closed.WaitAsync(TimeSpan.FromMinutes(1));
        await sessions.DisposeAsync();

        session.IsClosed.Should().BeTrue();
        directory.Subscribers.Should().Be(0);
    }

    [Fact]
    public async Task Authenticate_WhenTheUserIsRemovedWhileItsCredentialsAreBeingVerified_IsDeniedAndTheSessionStaysGuest()
    {
        var directory = new ObservableTestDirectory();
        directory.Add("tester");
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        directory.VerifyGate = gate.Task;
        await using var sessions = new SessionManager(directory: directory);
        var session = await sessions.ConnectAsync(SessionType.Binary);

        var authenticating = sessions.AuthenticateAsync(session, "tester", "secret").AsTask();
        await directory.VerifyStarted.WaitAsync(TimeSpan.FromMinutes(1));
        directory.Remove("tester").Should().BeTrue();
        gate.SetResult();

        await FluentActions.Awaiting(() => authenticating).Should().ThrowAsync<AccessDeniedException>();
        session.User.Should().Be(SessionUser.Guest);
        session.IsClosed.Should().BeFalse();
        sessions.Users.SessionsOf("tester").Should().BeEmpty();
    }

    [Fact]
    public async Task Authenticate_WhenTheUserIsRemovedWhileOnAuthRuns_FailsAndClosesTheSessionWithAccountDeleted()
    {
        // The narrowest window: the directory verified the user and allowed it, on_auth awaits, the user is removed,
        // then the session takes the user. The removal's scan could not see it; the authentication's re-check must.
        var directory = new ObservableTestDirectory();
        directory.Add("tester");
        var inTrigger = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var sessions = new SessionManager(directory: directory);
        sessions.OnAuth.Add(async _ =>
        {
            inTrigger.TrySetResult();
            await release.Task;
        });
        CountDisconnects(sessions, expected: 1, out var closed);
        var connection = new RecordingConnection();
        var session = await sessions.ConnectAsync(new ConnectOptions { Connection = connection });

        var authenticating = sessions.AuthenticateAsync(session, "tester", "secret").AsTask();
        await inTrigger.Task.WaitAsync(TimeSpan.FromMinutes(1));
        directory.Remove("tester").Should().BeTrue();
        release.SetResult();

        await FluentActions.Awaiting(() => authenticating).Should().ThrowAsync<AuthenticationFailedException>();
        await closed.WaitAsync(TimeSpan.FromMinutes(1));
        session.IsClosed.Should().BeTrue();
        connection.Closes.Should().Equal(SessionCloseReason.AccountDeleted);
        sessions.Users.SessionsOf("tester").Should().BeEmpty();
    }

    [Fact]
    public async Task ManyAuthenticationsRacingARemoval_NoSessionStaysOpenAsTheRemovedUser()
    {
        const int callers = 64;
        var directory = new ObservableTestDirectory();
        directory.Add("tester");
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var sessions = new SessionManager(directory: directory);
        var disconnected = 0;
        sessions.OnDisconnect.Add(_ =>
        {
            Interlocked.Increment(ref disconnected);
            return ValueTask.CompletedTask;
        });
        var guests = new Session[callers];
        for (var i = 0; i < callers; i++)
        {
            guests[i] = await sessions.ConnectAsync(SessionType.Binary);
        }

        var attempts = guests.Select(s => Task.Run(async () =>
        {
            await gate.Task;
            try
            {
                await sessions.AuthenticateAsync(s, "tester", "secret");
                return true;
            }
            catch (Exception ex) when (ex is AuthenticationFailedException or AccessDeniedException)
            {
                // Unknown by the time it was verified (unified failure), or verified but no longer allowed to connect.
                return false;
            }
        })).ToArray();
        var removal = Task.Run(async () =>
        {
            await gate.Task;

            // Let about half of the attempts get going first, so that the removal lands among them.
            await Task.Yield();
            return directory.Remove("tester");
        });

        gate.SetResult();
        var results = await Task.WhenAll(attempts).WaitAsync(TimeSpan.FromMinutes(1));
        (await removal).Should().BeTrue();

        // Every close that a removal or a failed authentication started is joined here; none may still be open as tester.
        foreach (var session in guests)
        {
            if (session.User.Name == "tester")
            {
                await session.CloseAsync(SessionCloseReason.AccountDeleted);
            }
        }

        var runningAsTester = guests.Where(s => s.User.Name == "tester").ToArray();
        runningAsTester.All(s => s.IsClosed).Should().BeTrue("a session labelled with a removed user is closed");
        guests.Where(s => s.User.Name != "tester").All(s => !s.IsClosed).Should().BeTrue("a failed authentication that never took the user leaves the guest session open");
        (runningAsTester.Length + guests.Count(s => s.User.Name == "guest")).Should().Be(callers);
        results.Count(ok => ok).Should().BeLessThanOrEqualTo(runningAsTester.Length, "every successful authentication labelled its session");
        Volatile.Read(ref disconnected).Should().Be(runningAsTester.Length);
        sessions.Users.SessionsOf("tester").Should().BeEmpty();
    }

    private static ConcurrentDictionary<ulong, bool> CountDisconnects(SessionManager sessions, int expected, out Task allClosed)
    {
        var seen = new ConcurrentDictionary<ulong, bool>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        sessions.OnDisconnect.Add(context =>
        {
            if (seen.TryAdd(context.Session.Id, true) && seen.Count == expected)
            {
                done.TrySetResult();
            }

            return ValueTask.CompletedTask;
        });
        allClosed = done.Task;
        return seen;
    }
}
