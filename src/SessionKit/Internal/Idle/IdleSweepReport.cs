using Microsoft.Extensions.Logging;

namespace SessionKit.Internal;

/// <summary>
/// What one idle sweep found wrong with <see cref="SessionManagerOptions.IdleTimeout"/>'s answers. Logged once per sweep (the
/// first case and a count), so a broken delegate over a million sessions writes two lines a sweep, not a million.
/// </summary>
internal struct IdleSweepReport
{
    private int _invalidCount;
    private ulong _invalidSession;
    private TimeSpan _invalidValue;
    private int _failedCount;
    private ulong _failedSession;
    private Exception? _failure;

    /// <summary>Records a zero or negative timeout returned for <paramref name="session"/>.</summary>
    public void Invalid(Session session, TimeSpan value)
    {
        if (_invalidCount++ == 0)
        {
            _invalidSession = session.Id;
            _invalidValue = value;
        }
    }

    /// <summary>Records an exception the delegate threw for <paramref name="session"/>.</summary>
    public void Failed(Session session, Exception exception)
    {
        if (_failedCount++ == 0)
        {
            _failedSession = session.Id;
            _failure = exception;
        }
    }

    /// <summary>Writes what was recorded, if anything.</summary>
    public readonly void Log(ILogger logger)
    {
        if (_invalidCount != 0)
        {
            logger.IdleTimeoutInvalid(_invalidValue, _invalidSession, _invalidCount);
        }

        if (_failedCount != 0)
        {
            logger.IdleTimeoutFailed(_failedSession, _failedCount, _failure!);
        }
    }
}
