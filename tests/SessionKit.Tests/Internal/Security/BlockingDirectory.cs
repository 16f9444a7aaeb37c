using System.Diagnostics.CodeAnalysis;

namespace SessionKit.Tests.Internal.Security;

/// <summary>
/// A directory whose checks block their thread (as PBKDF2 does) until <see cref="Release"/>, and that records how
/// many run at once and whether one ever ran on the thread that called <c>AuthenticateAsync</c>. Knows alice with
/// password "right".
/// </summary>
internal sealed class BlockingDirectory : IUserDirectory
{
    private readonly ManualResetEventSlim _release = new();
    private readonly TaskCompletionSource _full = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SessionUser _alice = new(32, "alice");
    private int _running;
    private int _maxRunning;
    private int _calls;

    public BlockingDirectory(int fullAt) => FullAt = fullAt;

    public int FullAt { get; }

    /// <summary>Gets or sets the id of the thread that starts the attempts; a check on it does not block.</summary>
    public int CallerThread { get; set; } = -1;

    public bool RanOnCallerThread { get; private set; }

    public int MaxRunning => Volatile.Read(ref _maxRunning);

    public int Calls => Volatile.Read(ref _calls);

    /// <summary>Gets a task that completes once <see cref="FullAt"/> checks are blocked at once.</summary>
    public Task Full => _full.Task;

    public void Release() => _release.Set();

    public bool TryFindUser(string name, [NotNullWhen(true)] out SessionUser? user)
    {
        user = name switch
        {
            "guest" => SessionUser.Guest,
            "admin" => SessionUser.Admin,
            "alice" => _alice,
            _ => null,
        };
        return user is not null;
    }

    public ValueTask<SessionUser?> VerifyAsync(string name, string password, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        var running = Interlocked.Increment(ref _running);
        try
        {
            InterlockedMax(ref _maxRunning, running);
            if (Environment.CurrentManagedThreadId == CallerThread)
            {
                // Blocking here would hang the test instead of failing it.
                RanOnCallerThread = true;
            }
            else
            {
                if (running >= FullAt)
                {
                    _full.TrySetResult();
                }

                _release.Wait(cancellationToken);
            }

            return new(name == "alice" && password == "right" ? _alice : null);
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }

    public bool MayConnect(SessionUser user) => true;

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
