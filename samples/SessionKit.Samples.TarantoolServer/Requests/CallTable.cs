using SessionKit.Samples.TarantoolServer.Protocol;

namespace SessionKit.Samples.TarantoolServer.Requests;

/// <summary>
/// The functions a client may CALL (and the console may evaluate), each mapped to SessionKit: the <c>box.session</c>
/// readers, storage get/set, <c>su</c>, push, and the trigger log. Runs inside the request's
/// <c>Enter(session, sync)</c> scope, so the ambient members answer for the caller's session and request.
/// </summary>
internal sealed class CallTable(SessionManager sessions, TriggerLog log)
{
    /// <summary>Calls <paramref name="name"/> with raw MessagePack <paramref name="args"/>.</summary>
    public ValueTask<CallResult> CallAsync(Session session, string name, IReadOnlyList<byte[]> args)
    {
        try
        {
            return name switch
            {
                "box.session.id" => Done(sessions.Id),
                "box.session.user" => Done(sessions.User),
                "box.session.effective_user" => Done(sessions.EffectiveUser),
                "box.session.type" => Done(sessions.Type.Name),
                "box.session.sync" => Done(sessions.Sync),
                "box.session.uid" => Done(sessions.Uid),
                "box.session.euid" => Done(sessions.Euid),
                "box.session.peer" => Done(args.Count == 0 ? sessions.Peer() : sessions.Peer(Id(args[0]))),
                "box.session.exists" => Done(args.Count == 0 ? sessions.Exists() : sessions.Exists(Id(args[0]))),
                "box.session.su" => ChangeUser(args),
                "su_whoami" => SuWhoAmI(args),
                "storage_set" => StorageSet(args),
                "storage_get" => Done(args.Count == 1 ? sessions.Storage.Get(Text(args[0])) : null),
                "trigger_events" => Done(log.Snapshot()),
                "yield_sync" => YieldSyncAsync(),
                "push_twice" => PushTwiceAsync(session, args),
                _ => Failed(ErrorCode.NoSuchProc, $"Procedure '{name}' is not defined"),
            };
        }
        catch (Exception ex)
        {
            return new ValueTask<CallResult>(Map(ex));
        }
    }

    /// <summary>Maps SessionKit's exceptions to the Tarantool errors a client would get for the same failure.</summary>
    public static CallResult Map(Exception ex) => ex switch
    {
        UserNotFoundException => CallResult.Fail(ErrorCode.NoSuchUser, ex.Message),
        AccessDeniedException => CallResult.Fail(ErrorCode.AccessDenied, ex.Message),
        AuthenticationFailedException => CallResult.Fail(ErrorCode.CredentialsMismatch, ex.Message),
        _ => CallResult.Fail(ErrorCode.ProcLua, ex.Message),
    };

    private static ValueTask<CallResult> Done(object? value) => new(CallResult.Of(value));

    private static ValueTask<CallResult> Failed(uint code, string message) => new(CallResult.Fail(code, message));

    private static ulong Id(byte[] raw) =>
        Values.Number(raw) ?? throw new ArgumentException("expected int64_t as -1 argument");

    private static string Text(byte[] raw) =>
        Values.Text(raw) ?? throw new ArgumentException("a string argument was expected");

    private ValueTask<CallResult> ChangeUser(IReadOnlyList<byte[]> args)
    {
        if (args.Count != 1)
        {
            return Failed(ErrorCode.ProcLua, "session.su(): bad arguments");
        }

        sessions.ChangeUser(Text(args[0]));
        return new ValueTask<CallResult>(CallResult.Of());
    }

    private ValueTask<CallResult> SuWhoAmI(IReadOnlyList<byte[]> args)
    {
        if (args.Count != 1)
        {
            return Failed(ErrorCode.ProcLua, "session.su(): bad arguments");
        }

        var (user, effective) = sessions.Su(Text(args[0]), () => (sessions.User, sessions.EffectiveUser));
        return new ValueTask<CallResult>(CallResult.Of(user, effective));
    }

    private ValueTask<CallResult> StorageSet(IReadOnlyList<byte[]> args)
    {
        if (args.Count != 2)
        {
            return Failed(ErrorCode.ProcLua, "storage_set(key, value): bad arguments");
        }

        sessions.Storage.Set(Text(args[0]), new Values.Raw(args[1]));
        return Done(true);
    }

    // A request that yields: another request of the same connection runs meanwhile, and the sync stays this one's.
    private async ValueTask<CallResult> YieldSyncAsync()
    {
        await Task.Yield();
        return CallResult.Of(sessions.Sync);
    }

    private async ValueTask<CallResult> PushTwiceAsync(Session session, IReadOnlyList<byte[]> args)
    {
        foreach (var arg in args.Take(2))
        {
            await session.SendAsync(new Values.Raw(arg)).ConfigureAwait(false);
        }

        return CallResult.Of("done");
    }
}
