namespace SessionKit.Internal;

/// <summary>
/// The closes an async flow is part of: set by a close for everything it awaits (its triggers, the transport's close,
/// work they start), innermost first. A close or a shutdown asked for from such a flow would wait for itself.
/// </summary>
internal sealed class CloseFlow(Session session, CloseFlow? parent)
{
    private readonly Session _session = session;
    private readonly CloseFlow? _parent = parent;

    /// <summary>Tells whether this flow is part of <paramref name="target"/>'s close.</summary>
    public bool Contains(Session target)
    {
        for (var flow = this; flow is not null; flow = flow._parent)
        {
            if (ReferenceEquals(flow._session, target))
            {
                return true;
            }
        }

        return false;
    }
}
