using MessagePack;
using SessionKit.Samples.TarantoolServer.Hosting;
using SessionKit.Samples.TarantoolServer.Protocol;

namespace SessionKit.Samples.TarantoolServer.Requests;

/// <summary>Runs one request inside <c>Enter(session, IPROTO_SYNC)</c> and builds its reply frame.</summary>
internal sealed class RequestDispatcher(SessionManager sessions, CallTable calls)
{
    private static readonly Replies.BodyWriter<object?[]> WriteValues = static (ref MessagePackWriter writer, object?[] values) =>
    {
        foreach (var value in values)
        {
            Values.Write(ref writer, value);
        }
    };

    /// <summary>Handles <paramref name="request"/> for <paramref name="session"/>; <paramref name="salt"/> is the greeting's.</summary>
    public ValueTask<ReplyBuffer> HandleAsync(Session session, byte[] salt, IprotoRequest request)
    {
        if (request.BodyError is not null)
        {
            return new(Replies.Error(request.Sync, request.BodyErrorCode, request.BodyError));
        }

        switch (request.Type)
        {
            case Iproto.Ping:
                return new(Replies.Empty(request.Sync));
            case Iproto.Select:
                return new(Select(request));
            case Iproto.Auth:
                return AuthAsync(session, salt, request);
            case Iproto.Call:
                return CallAsync(session, request);
            case Iproto.Eval:
                return EvalAsync(session, request);
            default:
                return new(Replies.Error(request.Sync, ErrorCode.UnknownRequestType, $"Unknown request type {request.Type}"));
        }
    }

    private static ReplyBuffer Select(IprotoRequest request) => request.SpaceId switch
    {
        null => Replies.Error(request.Sync, ErrorCode.MissingRequestField, "Missing mandatory field 'SPACE_ID' in request"),
        Iproto.VSpace or Iproto.VIndex or Iproto.VCollation => Replies.Data(Iproto.Ok, request.Sync, 0, 0, static (ref MessagePackWriter _, int _) => { }),
        var space => Replies.Error(request.Sync, ErrorCode.NoSuchSpace, $"Space '{space}' does not exist"),
    };

    private static ReplyBuffer Reply(ulong sync, CallResult result) => result.Error is null
        ? Replies.Data(Iproto.Ok, sync, result.Values!.Length, result.Values, WriteValues)
        : Replies.Error(sync, result.ErrorCode, result.Error);

    private async ValueTask<ReplyBuffer> AuthAsync(Session session, byte[] salt, IprotoRequest request)
    {
        if (request.UserName is null)
        {
            return Replies.Error(request.Sync, ErrorCode.MissingRequestField, "Missing mandatory field 'USER_NAME' in request");
        }

        if (!ChapSha1Directory.TryMakeCredential(request.Tuple, salt, out var credential))
        {
            return Replies.Error(request.Sync, ErrorCode.InvalidMsgPack, "Invalid MsgPack - authentication request body");
        }

        using var scope = sessions.Enter(session, request.Sync);
        try
        {
            await sessions.AuthenticateAsync(session, request.UserName, credential).ConfigureAwait(false);
            return Replies.Empty(request.Sync);
        }
        catch (ArgumentException)
        {
            // A name SessionKit refuses to look up ('', 'a@b', control characters): for the client, an unknown user.
            return Replies.Error(request.Sync, ErrorCode.CredentialsMismatch, AuthenticationFailedException.CredentialsMessage);
        }
        catch (Exception ex) when (ex is SessionKitException or InvalidOperationException)
        {
            var mapped = CallTable.Map(ex);
            return Replies.Error(request.Sync, mapped.ErrorCode, mapped.Error!);
        }
    }

    private async ValueTask<ReplyBuffer> CallAsync(Session session, IprotoRequest request)
    {
        if (request.FunctionName is null)
        {
            return Replies.Error(request.Sync, ErrorCode.MissingRequestField, "Missing mandatory field 'FUNCTION_NAME' in request");
        }

        using var scope = sessions.Enter(session, request.Sync);
        var result = await calls.CallAsync(session, request.FunctionName, Values.Arguments(request.Tuple)).ConfigureAwait(false);
        return Reply(request.Sync, result);
    }

    private async ValueTask<ReplyBuffer> EvalAsync(Session session, IprotoRequest request)
    {
        if (request.Expression is null)
        {
            return Replies.Error(request.Sync, ErrorCode.MissingRequestField, "Missing mandatory field 'EXPR' in request");
        }

        var args = Values.Arguments(request.Tuple);
        using var scope = sessions.Enter(session, request.Sync);
        if (request.Expression == ConsoleEval.ConsoleLoader)
        {
            // The console sends each typed line as the one argument and prints the YAML text it gets back.
            var line = args.Count == 1 ? Values.Text(args[0]) : null;
            var result = line is null || !ConsoleEval.TryParse(line, out var function, out var callArgs)
                ? CallResult.Fail(ErrorCode.ProcLua, ConsoleEval.Unsupported)
                : await EvaluateAsync(session, function, callArgs).ConfigureAwait(false);
            return Reply(request.Sync, CallResult.Of(ConsoleEval.Yaml(result)));
        }

        if (ConsoleEval.TryParse(request.Expression, out var name, out var literalArgs))
        {
            return Reply(request.Sync, await EvaluateAsync(session, name, literalArgs).ConfigureAwait(false));
        }

        return Replies.Error(request.Sync, ErrorCode.ProcLua, ConsoleEval.Unsupported);
    }

    private ValueTask<CallResult> EvaluateAsync(Session session, string function, IReadOnlyList<byte[]> args) =>
        function == "true" ? new(CallResult.Of(true)) : calls.CallAsync(session, function, args);
}
