using System.IO.Pipelines;
using System.Threading.Channels;
using MessagePack;
using SessionKit.Samples.TarantoolServer.Protocol;

namespace SessionKit.Samples.TarantoolServer.Hosting;

/// <summary>
/// One client connection's output side and its <see cref="ISessionConnection"/>: requests run concurrently and each
/// queues its finished reply frame; one writer loop owns the <see cref="PipeWriter"/> and flushes when the queue is
/// empty, so replies of concurrent requests are serialized and a burst of pipelined requests costs one flush.
/// </summary>
internal sealed class IprotoConnection(PipeWriter output, Action abort) : ISessionConnection
{
    // Unbounded: a handler never waits to queue its reply. The reader stops reading while too many replies wait
    // (see Backlog), which bounds the queue by the requests of one read.
    private readonly Channel<ReplyBuffer> _replies = Channel.CreateUnbounded<ReplyBuffer>(
        new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = false });

    // Set by a reader waiting for the backlog to shrink; the writer completes it after each drain.
    private TaskCompletionSource? _drained;

    // Replies queued and not yet written (ChannelReader.Count is not available with SingleReader).
    private int _backlog;

    /// <summary>Gets or sets the session, once connected; the push path reads its manager's ambient sync.</summary>
    public Session? Session { get; set; }

    /// <summary>Gets how many replies wait for the writer.</summary>
    public int Backlog => Volatile.Read(ref _backlog);

    /// <summary>Queues a finished frame; after the connection ended it is dropped (the reply of a request that outlived its client).</summary>
    public void Send(ReplyBuffer reply)
    {
        Interlocked.Increment(ref _backlog);
        if (!_replies.Writer.TryWrite(reply))
        {
            Interlocked.Decrement(ref _backlog);
            reply.Return();
        }
    }

    /// <summary>Writes queued frames until <see cref="Complete"/>; flushes whenever the queue runs empty.</summary>
    public async Task RunWriterAsync()
    {
        var reader = _replies.Reader;
        try
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (reader.TryRead(out var reply))
                {
                    System.Buffers.BuffersExtensions.Write(output, reply.Frame);
                    reply.Return();
                    Interlocked.Decrement(ref _backlog);
                }

                Interlocked.Exchange(ref _drained, null)?.TrySetResult();

                var flushed = await output.FlushAsync().ConfigureAwait(false);
                if (flushed.IsCompleted || flushed.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or OperationCanceledException)
        {
            // The client went away while we wrote: the reader sees the close and disconnects the session.
        }
        finally
        {
            _replies.Writer.TryComplete();
            Interlocked.Exchange(ref _drained, null)?.TrySetResult();
            while (reader.TryRead(out var left))
            {
                left.Return();
            }
        }
    }

    /// <summary>Waits until the writer has drained the queue to at most <paramref name="threshold"/> replies.</summary>
    public Task WaitForBacklogAsync(int threshold)
    {
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _drained, waiter);

        // Checked after publishing the waiter: if the writer drained in between, the queue is short now; otherwise
        // items are queued and the writer will wake, drain them and complete the waiter.
        return Backlog <= threshold || _replies.Reader.Completion.IsCompleted ? Task.CompletedTask : waiter.Task;
    }

    /// <summary>Stops accepting replies; the writer loop ends after writing what is queued.</summary>
    public void Complete() => _replies.Writer.TryComplete();

    /// <summary>box.session.push: an IPROTO_CHUNK with the sync of the request that pushes (0 outside a request).</summary>
    public ValueTask SendAsync(object message, CancellationToken cancellationToken)
    {
        var sync = Session?.Manager.Sync ?? 0;
        Send(Replies.Data(Iproto.Chunk, sync, 1, message, static (ref MessagePackWriter w, object m) => Values.Write(ref w, m)));
        return ValueTask.CompletedTask;
    }

    /// <summary>A server-side close (kick, shutdown): iproto has no close message, so the socket is closed.</summary>
    public ValueTask CloseAsync(SessionCloseReason reason, CancellationToken cancellationToken)
    {
        abort();
        return ValueTask.CompletedTask;
    }
}
