namespace SessionKit;

/// <content>The lifecycle steps a close waits for before its on_disconnect runs (see the state word in Session.cs).</content>
public sealed partial class Session
{
    /// <summary>Enters a lifecycle step (an authentication, a user switch); fails once the session is closed.</summary>
    /// <exception cref="InvalidOperationException">Too many steps are running on this session at once.</exception>
    internal bool TryEnterPhase()
    {
        while (true)
        {
            var state = Volatile.Read(ref _state);
            if ((state & ClosedBit) != 0)
            {
                return false;
            }

            if ((state & PhaseMask) == PhaseMask)
            {
                throw new InvalidOperationException($"Session {Id} has too many authentications or user switches in progress.");
            }

            if (Interlocked.CompareExchange(ref _state, state + PhaseUnit, state) == state)
            {
                return true;
            }
        }
    }

    /// <summary>Leaves a lifecycle step; returns <see langword="true"/> when a close was handed over and this was the last step, so the caller must run its on_disconnect.</summary>
    internal bool ExitPhase()
    {
        while (true)
        {
            var state = Volatile.Read(ref _state);
            var next = state - PhaseUnit;
            var take = (next & PhaseMask) == 0 && (state & HandOverBit) != 0;
            if (take)
            {
                next &= ~HandOverBit;
            }

            if (Interlocked.CompareExchange(ref _state, next, state) == state)
            {
                return take;
            }
        }
    }

    /// <summary>
    /// Called by the close that won <see cref="TryMarkClosed"/>: when a lifecycle step is still running, hands the
    /// on_disconnect over to the last step to leave and returns <see langword="true"/>. No step can start once the
    /// session is closed, so a count read as zero stays zero and the common close pays one read, no atomic write.
    /// </summary>
    internal bool TryHandOverDisconnect()
    {
        while (true)
        {
            var state = Volatile.Read(ref _state);
            if ((state & PhaseMask) == 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _state, state | HandOverBit, state) == state)
            {
                return true;
            }
        }
    }
}
