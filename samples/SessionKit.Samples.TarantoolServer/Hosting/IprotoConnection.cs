using System.Collections.Concurrent;
using System.IO.Pipelines;
using MessagePack;
using SessionKit.Samples.TarantoolServer.Protocol;

namespace SessionKit.Samples.TarantoolServer.Hosting;

/// <summary>
/// One client connection's output side and its <see cref="ISessionConnection"/>. Requests run concurrently and each
/// queues its finished reply frame; whoever finds the writer free (the reader after a batch of requests, or a request
/// that finished later) becomes the writer, writes everything queued and flushes, so concurrent replies are
/// serialized, a burst of pipelined requests costs one flush, and a reply needs no thread hop.
/// </summary>
internal sealed class IprotoConnection(PipeWriter output, Action abort) : ISessionConnection
{
    private readonly ConcurrentQueue<ReplyBuffer> _queue = new();

    // Held by the one caller that owns the PipeWriter (PipeWriter is not thread-safe); taken with Wait(0), never
    // waited for on the reply path. EndAsync waits for it so that no write races Kestrel completing the pipe.
    private readonly SemaphoreSlim _writer = new(1, 1);

    // Replies queued and not yet written: the reader stops reading while too many wait (a client that does not read).
    private int _backlog;

    // Set once the connection ended: later replies are dropped.
    private volatile bool _completed;

    // Set by a reader waiting for the backlog to shrink; the writer completes it after each drain.
    private TaskCompletionSource? _drained;

    /// <summary>Gets or sets the session, once connected; the push path reads its manager's ambient sync.</summary>
    public Session? Session { get; set; }

    /// <summary>Gets how many replies wait to be written.</summary>
    public int Backlog => Volatile.Read(ref _backlog);

    /// <summary>Queues a finished frame and writes it unless <paramref name="flush"/> is false (the reader flushes once per batch).</summary>
    public void Send(ReplyBuffer reply, bool flush = true)
    {
        if (_completed)
        {
            reply.Return();
            return;
        }

        Interlocked.Increment(ref _backlog);
        _queue.Enqueue(reply);
        if (flush)
        {
            _ = FlushAsync();
        }
    }

    /// <summary>Writes what is queued unless another caller is writing (which then writes it too).</summary>
    public Task FlushAsync() =>
        !_completed && _writer.Wait(0) ? DrainAsync() : Task.CompletedTask;

    /// <summary>Waits until the writer has drained the queue to at most <paramref name="threshold"/> replies.</summary>
    public Task WaitForBacklogAsync(int threshold)
    {
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _drained, waiter);

        // Checked after publishing the waiter: if the writer drained in between, the queue is short now; otherwise
        // the writer owns the output and completes the waiter after its drain.
        return Backlog <= threshold || _completed ? Task.CompletedTask : waiter.Task;
    }

    /// <summary>Stops writing: replies still queued or sent later are dropped.</summary>
    public void Complete()
    {
        _completed = true;
        Interlocked.Exchange(ref _drained, null)?.TrySetResult();
    }

    /// <summary>Stops writing and waits until a write in progress has finished (the connection then ends).</summary>
    public async Task EndAsync()
    {
        Complete();
        await _writer.WaitAsync().ConfigureAwait(false);
        DropQueued();
    }

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

    // Runs while owning _writing: write and flush until the queue is empty, then release ownership and re-check, so a
    // reply queued just before the release is never left behind.
    private async Task DrainAsync()
    {
        try
        {
            while (true)
            {
                var wrote = false;
                while (!_completed && _queue.TryDequeue(out var reply))
                {
                    System.Buffers.BuffersExtensions.Write(output, reply.Frame);
                    reply.Return();
                    Interlocked.Decrement(ref _backlog);
                    wrote = true;
                }

                if (wrote)
                {
                    var flushed = await output.FlushAsync().ConfigureAwait(false);
                    Interlocked.Exchange(ref _drained, null)?.TrySetResult();
                    if (flushed.IsCompleted || flushed.IsCanceled)
                    {
                        Complete();
                    }
                }

                _writer.Release();

                // A reply queued after the last dequeue found the writer taken and left it to us: take it back.
                if (_completed || _queue.IsEmpty || !_writer.Wait(0))
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or OperationCanceledException)
        {
            // The client went away while we wrote: the reader sees the close and disconnects the session.
            Complete();
            DropQueued();
            _writer.Release();
        }
    }

    private void DropQueued()
    {
        while (_queue.TryDequeue(out var left))
        {
            left.Return();
            Interlocked.Decrement(ref _backlog);
        }
    }
}
