using System.Diagnostics;

using Microsoft.Extensions.Logging.Testing;
using SessionKit.Tests.TestSupport;
namespace SessionKit.Tests.Triggers;

/// <summary>
/// What an error does in each list (design.md "Triggers", spec §3.5): on_connect and on_auth stop at the first error
/// and fail the call with it, closing the session; on_disconnect runs every trigger and logs each error;
/// on_access_denied logs its errors and never replaces the original <see cref="AccessDeniedException"/>.
/// </summary>
public sealed class TriggerErrorPolicyTests : IAsyncLifetime
{
    private const int ConnectRefusedEventId = 2;
    private const int TriggerFailedEventId = 6;

    private readonly TriggerTestHost _host = new();

    private SessionManager Manager => _host.Manager;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task OnConnectError_SkipsTheRest_ThrowsThatException_ClosesTheSession_RunsOnDisconnect_NotOnAuth()
    {
        var boom = new InvalidOperationException("boom B");
        Session? session = null;
        Manager.OnConnect.Add(_host.SessionTrigger("A"));
        Manager.OnConnect.Add(context =>
        {
            session = context.Session;
            _host.Record("B");
            throw boom;
        });
        Manager.OnConnect.Add(_host.SessionTrigger("C"));
        Manager.OnAuth.Add(_host.AuthTrigger("U"));
        Manager.OnDisconnect.Add(_host.SessionTrigger("D"));

        var act = async () => await _host.ConnectAsync();

        (await act.Should().ThrowAsync<InvalidOperationException>()).Which.Should().BeSameAs(boom);
        _host.Ran.Should().Equal("C", "B", "D");
        _host.Seen.Select(s => s.Current).Should().OnlyContain(s => ReferenceEquals(s, session));
        session!.State.Should().Be(SessionState.Destroyed);
        Manager.Exists(session.Id).Should().BeFalse();
        Manager.Count.Should().Be(0);
        FluentActions.Invoking(() => Manager.Enter(session)).Should().Throw<SessionClosedException>();
        _host.LogsWithEvent(ConnectRefusedEventId).Should().ContainSingle().Which.Exception.Should().BeSameAs(boom);
    }

    // Both settings: with logging on, the triggers run inside an async method (for the log scope); with it off, a
    // connect whose triggers finish synchronously runs no async method at all, and these tests guard that path.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task OnConnectError_ThrownSynchronously_FaultsTheReturnedTask_NeverThrowsFromTheCall(bool logging)
    {
        await using var host = new TriggerTestHost(logging);
        var boom = new InvalidOperationException("sync boom");
        host.Manager.OnConnect.Add(_ => throw boom);
        host.Manager.OnDisconnect.Add(host.SessionTrigger("D"));

        ValueTask<Session> pending = default;
        FluentActions.Invoking(() => pending = host.Manager.ConnectAsync(SessionType.Binary)).Should().NotThrow();

        pending.IsFaulted.Should().BeTrue("the refusal (close and on_disconnect) is synchronous here too, and its error is the task's");
        var act = async () => await pending;
        (await act.Should().ThrowAsync<InvalidOperationException>()).Which.Should().BeSameAs(boom);
        host.Ran.Should().Equal("D");
        host.Manager.Count.Should().Be(0);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task OnConnect_SynchronousTriggers_CompleteTheConnectSynchronously_WithTheSessionCurrent(bool logging)
    {
        await using var host = new TriggerTestHost(logging);
        var seen = new List<ulong>();
        host.Manager.OnConnect.Add(context =>
        {
            seen.Add(host.Manager.Id);
            return default;
        });

        var pending = host.Manager.ConnectAsync(SessionType.Binary);

        pending.IsCompletedSuccessfully.Should().BeTrue("no trigger went async, so no await was needed");
        seen.Should().Equal(pending.Result.Id);
        host.Manager.Current.Should().BeNull("the trigger's ambient session does not leak into the caller");
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public async Task OnConnect_WhatASynchronousTriggerSetsInTheExecutionContext_NeverLeaksIntoTheCaller(bool logging, bool refuse)
    {
        await using var host = new TriggerTestHost(logging);
        using var source = new ActivitySource("SessionKit.Tests.Leak." + Guid.NewGuid().ToString("N"));
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => ReferenceEquals(s, source),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
        };
        ActivitySource.AddActivityListener(listener);
        var local = new AsyncLocal<string?>();
        var before = Activity.Current;
        var synchronizationContext = SynchronizationContext.Current;
        Activity? started = null;
        host.Manager.OnConnect.Add(_ =>
        {
            local.Value = "set by the trigger";
            started = source.StartActivity("trigger-span");
            SynchronizationContext.SetSynchronizationContext(new SynchronizationContext());
            return refuse ? throw new InvalidOperationException("refused") : default;
        });

        // Called here, not inside an async lambda: an async method would itself contain whatever the call leaked.
        var pending = host.Manager.ConnectAsync(SessionType.Binary);

        started.Should().NotBeNull("the trigger ran and its source has a listener");
        local.Value.Should().BeNull("an AsyncLocal the trigger set stays in the trigger's context");
        Activity.Current.Should().BeSameAs(before, "a span the trigger started does not become the caller's");
        SynchronizationContext.Current.Should().BeSameAs(synchronizationContext, "nor does a SynchronizationContext it set");
        host.Manager.Current.Should().BeNull();
        var act = async () => await pending;
        if (refuse)
        {
            await act.Should().ThrowAsync<InvalidOperationException>();
        }
        else
        {
            await act.Should().NotThrowAsync();
        }
    }

    [Fact]
    public async Task OnConnectError_AfterAnAwait_BehavesTheSame()
    {
        var boom = new InvalidOperationException("late boom");
        Manager.OnConnect.Add(_host.SessionTrigger("A"));
        Manager.OnConnect.Add(async _ =>
        {
            await Task.Yield();
            _host.Record("B");
            throw boom;
        });
        Manager.OnDisconnect.Add(_host.SessionTrigger("D"));

        var act = async () => await _host.ConnectAsync();

        (await act.Should().ThrowAsync<InvalidOperationException>()).Which.Should().BeSameAs(boom);
        _host.Ran.Should().Equal("B", "D");
        Manager.Count.Should().Be(0);
    }

    [Fact]
    public async Task OnConnectError_WhenOnDisconnectAlsoFails_TheCallerGetsTheOnConnectError()
    {
        var connectError = new InvalidOperationException("connect");
        var disconnectError = new InvalidOperationException("disconnect");
        Manager.OnConnect.Add(_host.SessionTrigger("C", connectError));
        Manager.OnDisconnect.Add("d", _host.SessionTrigger("D", disconnectError));

        var act = async () => await _host.ConnectAsync();

        (await act.Should().ThrowAsync<InvalidOperationException>()).Which.Should().BeSameAs(connectError);
        _host.LogsWithEvent(TriggerFailedEventId).Should().ContainSingle().Which.Exception.Should().BeSameAs(disconnectError);
    }

    [Fact]
    public async Task OnAuth_RunsForSuccess_WrongPassword_AndUnknownUser_WithTheNameAsSent()
    {
        var args = new List<(string User, bool Ok)>();
        Manager.OnAuth.Add(_host.AuthTrigger("U", args: args));
        var session = await _host.ConnectAsync();

        (await Manager.AuthenticateAsync(session, "alice", "secret")).Name.Should().Be("alice");
        await FluentActions.Awaiting(() => Manager.AuthenticateAsync(session, "alice", "wrong").AsTask())
            .Should().ThrowAsync<AuthenticationFailedException>().WithMessage("User not found or supplied credentials are invalid");
        await FluentActions.Awaiting(() => Manager.AuthenticateAsync(session, "eve", "x").AsTask())
            .Should().ThrowAsync<AuthenticationFailedException>().WithMessage("User not found or supplied credentials are invalid");
        await FluentActions.Awaiting(() => Manager.AuthenticateAsync(session, "Alice", "secret").AsTask())
            .Should().ThrowAsync<AuthenticationFailedException>();

        args.Should().Equal(("alice", true), ("alice", false), ("eve", false), ("Alice", false));
        session.User.Name.Should().Be("alice", "failed attempts leave the user unchanged");
        session.State.Should().Be(SessionState.Open, "a credentials failure does not close the session");
    }

    [Fact]
    public async Task OnAuth_DoesNotRun_WhenTheUserMayNotConnect()
    {
        Manager.OnAuth.Add(_host.AuthTrigger("U"));
        var session = await _host.ConnectAsync();

        var act = async () => await Manager.AuthenticateAsync(session, "nosess", "secret");

        await act.Should().ThrowAsync<AccessDeniedException>().WithMessage("Session access is denied for user 'nosess'");
        _host.Ran.Should().BeEmpty();
    }

    [Fact]
    public async Task OnAuth_WrongPasswordOfAUserThatMayNotConnect_RunsOnAuthFalse_AndFailsWithTheCredentialsError()
    {
        // The 2.11+ order: the password is checked before the session privilege.
        var args = new List<(string User, bool Ok)>();
        Manager.OnAuth.Add(_host.AuthTrigger("U", args: args));
        Manager.OnAccessDenied.Add(_host.AccessDeniedTrigger("X"));
        var session = await _host.ConnectAsync();

        var act = async () => await Manager.AuthenticateAsync(session, "nosess", "wrong");

        await act.Should().ThrowAsync<AuthenticationFailedException>();
        args.Should().Equal(("nosess", false));
        _host.Ran.Should().Equal("U");
    }

    [Fact]
    public async Task OnAuthError_SkipsTheRest_FailsWithThatError_LeavesTheUser_ClosesTheSession_RunsOnDisconnect()
    {
        var boom = new InvalidOperationException("auth boom");
        Manager.OnAuth.Add(_host.AuthTrigger("U1"));
        Manager.OnAuth.Add(_host.AuthTrigger("U2", boom));
        Manager.OnAuth.Add(_host.AuthTrigger("U3"));
        Manager.OnDisconnect.Add(_host.SessionTrigger("D"));
        var session = await _host.ConnectAsync();

        var act = async () => await Manager.AuthenticateAsync(session, "alice", "secret");

        (await act.Should().ThrowAsync<InvalidOperationException>()).Which.Should().BeSameAs(boom);
        _host.Ran.Should().Equal("U3", "U2", "D");
        session.User.Name.Should().Be("guest");
        _host.Seen.Last().User.Should().Be("guest", "on_disconnect sees the unchanged user");
        session.State.Should().Be(SessionState.Destroyed);
        Manager.Users.SessionsOf("alice").Should().BeEmpty();
    }

    [Fact]
    public async Task OnAuthError_OnReAuthentication_KeepsThePreviousUser()
    {
        var session = await _host.ConnectAsync();
        await Manager.AuthenticateAsync(session, "alice", "secret");
        var boom = new InvalidOperationException("no bob today");
        Manager.OnDisconnect.Add(_host.SessionTrigger("D"));
        Manager.OnAuth.Add(_host.AuthTrigger("U", boom));

        Session? inside = null;
        using (Manager.Enter(session, 2))
        {
            var act = async () => await Manager.AuthenticateAsync(session, "bob", "secret");
            (await act.Should().ThrowAsync<InvalidOperationException>()).Which.Should().BeSameAs(boom);
            inside = Manager.Current;
            Manager.User.Should().Be("alice");
            session.State.Should().Be(SessionState.Closed, "the request scope still holds the session");
        }

        inside.Should().BeSameAs(session);
        session.User.Name.Should().Be("alice");
        _host.Ran.Should().Equal("U", "D");
        _host.Seen.Last().User.Should().Be("alice");
        session.State.Should().Be(SessionState.Destroyed);
    }

    [Fact]
    public async Task OnAuthError_OnTheWrongPasswordPath_ReplacesTheCredentialsError()
    {
        var boom = new InvalidOperationException("auth boom");
        Manager.OnAuth.Add(_host.AuthTrigger("U", boom));
        var session = await _host.ConnectAsync();

        var act = async () => await Manager.AuthenticateAsync(session, "alice", "wrong");

        (await act.Should().ThrowAsync<InvalidOperationException>()).Which.Should().BeSameAs(boom);
        session.State.Should().Be(SessionState.Destroyed);
    }

    [Fact]
    public async Task OnDisconnectErrors_EveryTriggerStillRuns_AndEachErrorIsLogged()
    {
        var first = new InvalidOperationException("disc boom 1");
        var second = new InvalidOperationException("disc boom 2");
        Manager.OnDisconnect.Add("d1", _host.SessionTrigger("D1"));
        Manager.OnDisconnect.Add("d2", _host.SessionTrigger("D2", first));
        Manager.OnDisconnect.Add("d3", _host.SessionTrigger("D3"));
        Manager.OnDisconnect.Add("d4", _host.SessionTrigger("D4", second));
        var session = await _host.ConnectAsync();

        await Manager.DisconnectAsync(session);

        _host.Ran.Should().Equal("D4", "D3", "D2", "D1");
        session.State.Should().Be(SessionState.Destroyed);
        Manager.Count.Should().Be(0);
        var logs = _host.LogsWithEvent(TriggerFailedEventId);
        logs.Should().HaveCount(2);
        logs.Select(l => l.Id.Name).Should().OnlyContain(n => n == "TriggerFailed");
        logs.Select(l => l.Exception).Should().Equal(second, first);
        logs.Select(l => l.GetStructuredStateValue("TriggerName")).Should().Equal("d4", "d2");
        logs.Select(l => l.GetStructuredStateValue("SessionId")).Should().OnlyContain(id => id == session.Id.AsLogged());
        logs.Select(l => l.GetStructuredStateValue("TriggerList")).Should().OnlyContain(list => Equals(list, "on_disconnect"));
        logs.Should().OnlyContain(l => l.Level == Microsoft.Extensions.Logging.LogLevel.Error);
    }

    [Fact]
    public async Task OnDisconnectErrors_OfUnnamedAndAsyncTriggers_AreLoggedToo()
    {
        var syncError = new InvalidOperationException("sync");
        var asyncError = new InvalidOperationException("async");
        Manager.OnDisconnect.Add(_host.SessionTrigger("D1"));
        Manager.OnDisconnect.Add(async _ =>
        {
            await Task.Yield();
            _host.Record("D2");
            throw asyncError;
        });
        Manager.OnDisconnect.Add(FailingDisconnectTrigger);
        Manager.OnDisconnect.Add(_host.SessionTrigger("D4"));
        var session = await _host.ConnectAsync();

        await Manager.DisconnectAsync(session);

        _host.Ran.Should().Equal("D4", "D2", "D1");
        var logs = _host.LogsWithEvent(TriggerFailedEventId);
        logs.Select(l => l.Exception?.Message).Should().Equal("from a method", "async");
        logs[0].GetStructuredStateValue("TriggerName").Should().Be(nameof(FailingDisconnectTrigger), "an unnamed trigger is logged under its method name");
        logs[1].GetStructuredStateValue("SessionId").Should().Be(session.Id.AsLogged());
        session.State.Should().Be(SessionState.Destroyed);
    }

    [Fact]
    public async Task OnDisconnectErrors_DuringShutdown_AreLogged_AndEveryTriggerRuns()
    {
        var boom = new InvalidOperationException("shutdown boom");
        Manager.OnDisconnect.Add(_host.SessionTrigger("D1"));
        Manager.OnDisconnect.Add("bad", _host.SessionTrigger("D2", boom));
        var a = await _host.ConnectAsync();
        var b = await _host.ConnectAsync();

        await Manager.DisposeAsync();

        _host.Seen.GroupBy(s => s.Id).Should().HaveCount(2)
            .And.OnlyContain(g => g.Select(s => s.Trigger).SequenceEqual(new[] { "D2", "D1" }));
        _host.LogsWithEvent(TriggerFailedEventId).Select(l => l.GetStructuredStateValue("SessionId")).Should().BeEquivalentTo(a.Id.AsLogged(), b.Id.AsLogged());
    }

    [Fact]
    public async Task OnAccessDeniedErrors_AreLogged_AndNeverReplaceTheOriginalError()
    {
        var boom = new InvalidOperationException("ad boom");
        Manager.OnAccessDenied.Add("x1", _host.AccessDeniedTrigger("X1"));
        Manager.OnAccessDenied.Add("x2", _host.AccessDeniedTrigger("X2", boom));
        var session = await Manager.ConnectAsync(new ConnectOptions { User = "alice" });

        using (Manager.Enter(session, 1))
        {
            FluentActions.Invoking(() => Manager.Su("admin")).Should().Throw<AccessDeniedException>()
                .WithMessage("Su access to user 'admin' is denied for user 'alice'");
            FluentActions.Invoking(() => Manager.ChangeUser("admin")).Should().Throw<AccessDeniedException>()
                .WithMessage("ChangeUser access to user 'admin' is denied for user 'alice'");
        }

        var connect = async () => await Manager.ConnectAsync(new ConnectOptions { User = "nosess" });
        await connect.Should().ThrowAsync<AccessDeniedException>().WithMessage("Session access is denied for user 'nosess'");

        var auth = async () => await Manager.AuthenticateAsync(session, "nosess", "secret");
        await auth.Should().ThrowAsync<AccessDeniedException>();

        // SessionKit isolates on_access_denied triggers: the one after the failing trigger runs as well.
        _host.Ran.Should().Equal("X2", "X1", "X2", "X1", "X2", "X1", "X2", "X1");
        var logs = _host.LogsWithEvent(TriggerFailedEventId);
        logs.Should().HaveCount(4);
        logs.Should().OnlyContain(l => ReferenceEquals(l.Exception, boom) && Equals(l.GetStructuredStateValue("TriggerName"), "x2") && l.Id.Name == "TriggerFailed");
        logs.Should().OnlyContain(l => Equals(l.GetStructuredStateValue("TriggerList"), "on_access_denied"));
        logs.Select(l => l.GetStructuredStateValue("SessionId")).Should().Equal(session.Id.AsLogged(), session.Id.AsLogged(), "0", session.Id.AsLogged());
        session.State.Should().Be(SessionState.Open);
    }

    [Fact]
    public async Task OnAccessDeniedError_AfterAnAwait_IsLogged_AndTheOriginalErrorStands()
    {
        var boom = new InvalidOperationException("late ad boom");
        Manager.OnAccessDenied.Add("late", async _ =>
        {
            await Task.Yield();
            throw boom;
        });
        var session = await _host.ConnectAsync();

        var auth = async () => await Manager.AuthenticateAsync(session, "nosess", "secret");

        await auth.Should().ThrowAsync<AccessDeniedException>();
        var log = _host.LogsWithEvent(TriggerFailedEventId).Should().ContainSingle().Subject;
        log.Exception.Should().BeSameAs(boom);
        log.GetStructuredStateValue("TriggerList").Should().Be("on_access_denied");
        log.GetStructuredStateValue("SessionId").Should().Be(session.Id.AsLogged());
    }

    private static ValueTask FailingDisconnectTrigger(SessionTriggerContext context) => throw new InvalidOperationException("from a method");
}
