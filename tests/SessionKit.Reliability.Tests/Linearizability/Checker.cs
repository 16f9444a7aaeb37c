using System.Globalization;
using System.Text;

namespace SessionKit.Reliability.Tests.Linearizability;

/// <summary>One completed operation of a concurrent history: who ran it, when it was invoked and when it returned.</summary>
/// <param name="Thread">The client (thread) that ran it; a client's operations never overlap.</param>
/// <param name="Invoked">Timestamp just before the call.</param>
/// <param name="Returned">Timestamp just after the call returned.</param>
/// <param name="Call">What was called.</param>
/// <param name="Result">What it returned.</param>
public sealed record HistoryOp(int Thread, long Invoked, long Returned, Call Call, Result Result)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"T{Thread} [{Invoked}..{Returned}] {Call} -> {Result}");
}

/// <summary>The operations the registry model knows.</summary>
public abstract record Call
{
    /// <summary>ConnectAsync, as <paramref name="User"/> (pre-authenticated) or as guest.</summary>
    public sealed record Connect(string? User) : Call
    {
        public override string ToString() => User is null ? "connect()" : $"connect({User})";
    }

    /// <summary>DisconnectAsync of the session with this id.</summary>
    public sealed record Disconnect(ulong Id) : Call
    {
        public override string ToString() => $"disconnect({Id})";
    }

    public sealed record Exists(ulong Id) : Call
    {
        public override string ToString() => $"exists({Id})";
    }

    public sealed record TryGet(ulong Id) : Call
    {
        public override string ToString() => $"tryGet({Id})";
    }

    public sealed record SessionsOf(string User) : Call
    {
        public override string ToString() => $"sessionsOf({User})";
    }
}

/// <summary>What an operation returned.</summary>
public abstract record Result
{
    public sealed record None : Result
    {
        public static None Instance { get; } = new();

        public override string ToString() => "ok";
    }

    public sealed record Id(ulong Value) : Result
    {
        public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
    }

    public sealed record Bool(bool Value) : Result
    {
        public override string ToString() => Value ? "true" : "false";
    }

    /// <summary>TryGetSession: found or not, and the id of the session returned (0 when not found).</summary>
    public sealed record Found(bool Value, ulong SessionId) : Result
    {
        public override string ToString() => Value ? $"found {SessionId}" : "not found";
    }

    /// <summary>SessionsOf: the ids listed, in the order listed.</summary>
    public sealed record Ids(IReadOnlyList<ulong> Values) : Result
    {
        public bool Equals(Ids? other) => other is not null && Values.SequenceEqual(other.Values);

        public override int GetHashCode() => Values.Count;

        public override string ToString() => "[" + string.Join(",", Values) + "]";
    }
}

/// <summary>
/// The sequential specification of the registry and the user index (design.md "Identity", "Lifecycle"): ids are
/// fresh and never reused; a session is registered from connect until its disconnect returns (no request scopes are
/// open in these histories, so destroy is part of disconnect); SessionsOf lists a user's registered sessions in the
/// order they joined, guests never.
/// </summary>
public sealed class RegistryModel
{
    private RegistryModel(IReadOnlyList<(ulong Id, string? User)> live, IReadOnlySet<ulong> used)
    {
        Live = live;
        Used = used;
    }

    /// <summary>The registered sessions in the order they were connected.</summary>
    public IReadOnlyList<(ulong Id, string? User)> Live { get; }

    /// <summary>Every id ever handed out.</summary>
    public IReadOnlySet<ulong> Used { get; }

    public static RegistryModel Initial(IEnumerable<(ulong Id, string? User)> live)
    {
        var list = live.ToList();
        return new RegistryModel(list, list.Select(s => s.Id).ToHashSet());
    }

    /// <summary>Applies <paramref name="op"/>; returns null when the model cannot produce the recorded result.</summary>
    public RegistryModel? Apply(HistoryOp op)
    {
        switch (op.Call)
        {
            case Call.Connect connect:
            {
                if (op.Result is not Result.Id { Value: var id } || id == 0 || Used.Contains(id))
                {
                    return null;
                }

                var used = new HashSet<ulong>(Used) { id };
                return new RegistryModel([.. Live, (id, connect.User)], used);
            }

            case Call.Disconnect disconnect:
                return op.Result is Result.None ? new RegistryModel(Live.Where(s => s.Id != disconnect.Id).ToList(), Used) : null;

            case Call.Exists exists:
                return op.Result is Result.Bool b && b.Value == Live.Any(s => s.Id == exists.Id) ? this : null;

            case Call.TryGet get:
            {
                var found = Live.Any(s => s.Id == get.Id);
                return op.Result is Result.Found f && f.Value == found && f.SessionId == (found ? get.Id : 0) ? this : null;
            }

            case Call.SessionsOf of:
            {
                var expected = of.User == "guest" ? [] : Live.Where(s => s.User == of.User).Select(s => s.Id).ToList();
                return op.Result is Result.Ids ids && ids.Values.SequenceEqual(expected) ? this : null;
            }

            default:
                return null;
        }
    }

    /// <summary>A key identifying the state, for the checker's memo.</summary>
    public string Key()
    {
        var sb = new StringBuilder();
        foreach (var (id, user) in Live)
        {
            sb.Append(id).Append(':').Append(user).Append(';');
        }

        return sb.ToString();
    }
}

/// <summary>
/// A Wing &amp; Gong linearizability checker with Lowe's memoisation: it searches for a total order of the operations
/// that respects real-time precedence (an operation that returned before another was invoked comes first) and that the
/// sequential model accepts, result by result.
/// </summary>
public static class LinearizabilityChecker
{
    /// <summary>Checks a history; on success returns a witness order, otherwise null.</summary>
    public static IReadOnlyList<HistoryOp>? Check(IReadOnlyList<HistoryOp> history, RegistryModel initial)
    {
        if (history.Count > 62)
        {
            throw new ArgumentException("The checker handles at most 62 operations per history.", nameof(history));
        }

        var all = (1L << history.Count) - 1;
        var failed = new HashSet<(long, string)>();
        var order = new List<HistoryOp>(history.Count);
        return Search(0, initial) ? order : null;

        bool Search(long done, RegistryModel state)
        {
            if (done == all)
            {
                return true;
            }

            if (!failed.Add((done, state.Key())))
            {
                // Already explored from this set of linearised operations and this state, without success.
                return false;
            }

            // An operation may go next only if no pending operation returned before it was invoked.
            var earliestReturn = long.MaxValue;
            for (var i = 0; i < history.Count; i++)
            {
                if ((done & (1L << i)) == 0)
                {
                    earliestReturn = Math.Min(earliestReturn, history[i].Returned);
                }
            }

            for (var i = 0; i < history.Count; i++)
            {
                if ((done & (1L << i)) != 0 || history[i].Invoked > earliestReturn)
                {
                    continue;
                }

                if (state.Apply(history[i]) is { } next)
                {
                    order.Add(history[i]);
                    if (Search(done | (1L << i), next))
                    {
                        return true;
                    }

                    order.RemoveAt(order.Count - 1);
                }
            }

            return false;
        }
    }

    public static string Describe(IEnumerable<HistoryOp> history) =>
        string.Join(Environment.NewLine, history.OrderBy(o => o.Invoked).Select(o => "  " + o));
}
