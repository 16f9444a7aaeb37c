using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using SessionKit.Samples.TarantoolServer.Protocol;
using SessionKit.Samples.TarantoolServer.Requests;

namespace SessionKit.Samples.TarantoolServer.Hosting;

/// <summary>
/// Kestrel's handler for one iproto connection: connects a SessionKit session (type binary, with the peer) before
/// the greeting as Tarantool does, then reads frames and starts each request at once, so requests of one connection
/// run concurrently and their replies go out as they finish, matched by sync.
/// </summary>
internal sealed class IprotoConnectionHandler(
    SessionManager sessions,
    RequestDispatcher dispatcher,
    ServerActivity activity,
    TarantoolServerOptions options,
    ILogger<IprotoConnectionHandler> logger) : ConnectionHandler
{
    /// <inheritdoc/>
    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        activity.Opened();
        try
        {
            await ServeAsync(connection).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // A bug, not a client's doing: counted so the fuzz test can see it, then Kestrel closes the socket.
            activity.Faulted();
            logger.LogError(ex, "The iproto handler failed");
        }
        finally
        {
            activity.Closed();
        }
    }

    private static void Track(ulong sync, ValueTask<ReplyBuffer> pending, IprotoConnection output, InFlight inFlight)
    {
        inFlight.Add();
        _ = Complete(sync, pending, output, inFlight);

        static async Task Complete(ulong sync, ValueTask<ReplyBuffer> pending, IprotoConnection output, InFlight inFlight)
        {
            try
            {
                output.Send(await pending.ConfigureAwait(false));
            }
            catch (SessionClosedException)
            {
                // The session closed under the request (a kick, the client left): there is no one to reply to.
            }
            catch (Exception ex)
            {
                // Any other failure of one request is that request's error reply, never the connection's end.
                output.Send(Replies.Error(sync, ErrorCode.ProcLua, ex.Message));
            }
            finally
            {
                inFlight.Done();
            }
        }
    }

    private async Task ServeAsync(ConnectionContext connection)
    {
        var output = new IprotoConnection(connection.Transport.Output, connection.Abort);
        var salt = Greeting.NewSalt();
        Session session;
        try
        {
            // Tarantool runs on_connect before it sends the greeting: a slow trigger delays the client's connect.
            session = await sessions.ConnectAsync(new ConnectOptions
            {
                Type = SessionType.Binary,
                Peer = connection.RemoteEndPoint,
                Connection = output,
            }).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A failing on_connect: the greeting, then the error, then the close (spec §4.1 step 3).
            output.Send(ReplyBuffer.Verbatim(Greeting.Build(options.InstanceUuid, salt)), flush: false);
            var mapped = CallTable.Map(ex);
            output.Send(Replies.Error(0, mapped.ErrorCode, mapped.Error!), flush: false);
            await output.FlushAsync().ConfigureAwait(false);
            await output.EndAsync().ConfigureAwait(false);
            return;
        }

        output.Session = session;
        var inFlight = new InFlight();
        Exception? transportError = null;
        try
        {
            output.Send(ReplyBuffer.Verbatim(Greeting.Build(options.InstanceUuid, salt)));
            await ReadLoopAsync(connection.Transport.Input, session, salt, output, inFlight).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ConnectionResetException or InvalidOperationException or OperationCanceledException)
        {
            transportError = ex;
        }
        finally
        {
            // on_disconnect runs now, even while requests still run (Tarantool since 1.10.3); their replies are dropped.
            await sessions.DisconnectAsync(session, transportException: transportError).ConfigureAwait(false);
            await inFlight.WaitAsync().ConfigureAwait(false);

            // A write may be waiting on a client that stopped reading: cancel it, then wait for the writer to let go
            // of the PipeWriter, which Kestrel completes once this method returns.
            connection.Transport.Output.CancelPendingFlush();
            await output.EndAsync().ConfigureAwait(false);
        }
    }

    private ValueTask<ReplyBuffer> Dispatch(Session session, byte[] salt, IprotoRequest request)
    {
        try
        {
            return dispatcher.HandleAsync(session, salt, request);
        }
        catch (Exception ex)
        {
            return ValueTask.FromException<ReplyBuffer>(ex);
        }
    }

    private async Task ReadLoopAsync(PipeReader input, Session session, byte[] salt, IprotoConnection output, InFlight inFlight)
    {
        while (true)
        {
            var read = await input.ReadAsync().ConfigureAwait(false);
            var buffer = read.Buffer;
            var broken = false;
            while (true)
            {
                var outcome = FrameReader.TryRead(ref buffer, options.MaxFrameSize, out var request);
                if (outcome == FrameReader.Outcome.NeedMore)
                {
                    break;
                }

                if (outcome == FrameReader.Outcome.Broken)
                {
                    broken = true;
                    break;
                }

                // Started at once and not awaited: a request that yields lets the next one run (replies by sync).
                var pending = Dispatch(session, salt, request!);
                if (pending.IsCompletedSuccessfully)
                {
                    // Written after the batch: pipelined requests read together are answered with one flush.
                    output.Send(pending.Result, flush: false);
                }
                else
                {
                    Track(request!.Sync, pending, output, inFlight);
                }
            }

            input.AdvanceTo(buffer.Start, buffer.End);
            await output.FlushAsync().ConfigureAwait(false);
            if (broken)
            {
                logger.LogDebug("Closing session {SessionId}: unreadable frame", session.Id);
                return;
            }

            if (read.IsCompleted || read.IsCanceled)
            {
                return;
            }

            // Backpressure: a client that sends without reading waits here instead of growing the reply queue.
            if (output.Backlog > options.MaxQueuedReplies)
            {
                await output.WaitForBacklogAsync(options.MaxQueuedReplies / 2).ConfigureAwait(false);
            }
        }
    }
}
