namespace SessionKit.Redis;

/// <summary>
/// A session's identity across the cluster: the node, the node's incarnation (a new one each start, and each time it
/// came back after losing its lease) and the session's local <see cref="Session.Id"/>, which stays what
/// <c>box.session.id()</c> says.
/// </summary>
/// <param name="Node">The node name.</param>
/// <param name="Incarnation">The node's incarnation the session is registered under.</param>
/// <param name="LocalId">The session's id on its node.</param>
public readonly record struct ClusterSessionId(string Node, long Incarnation, ulong LocalId)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Node}/{Incarnation}/{LocalId}";
}
