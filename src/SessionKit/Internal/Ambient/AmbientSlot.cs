namespace SessionKit.Internal;

/// <summary>
/// The manager's one <see cref="AsyncLocal{T}"/>: the request, <c>Su</c> or trigger context of the current async flow,
/// and the reads of <c>box.session</c> that follow from it (session, sync, user, effective user).
/// </summary>
/// <remarks>
/// Writers: <see cref="RequestScopes"/> (enter and leave a scope) and <see cref="TriggerInvoker"/> (a trigger run's
/// system context, for the synchronous part of the run). Everything else only reads.
/// </remarks>
internal sealed class AmbientSlot(SessionUser backgroundUser)
{
    private readonly AsyncLocal<AmbientContext?> _value = new();

    /// <summary>Gets the user of code that runs outside any session.</summary>
    public SessionUser BackgroundUser { get; } = backgroundUser;

    /// <summary>Gets or sets the raw value of the flow, disposed <c>Su</c> scopes included.</summary>
    public AmbientContext? Raw
    {
        get => _value.Value;
        set => _value.Value = value;
    }

    /// <summary>
    /// Gets the ambient context of this flow, reading through disposed Su scopes: a disposed Su scope grants nothing
    /// to any flow, whichever flow disposed it. A disposed request scope is not read through: a flow that still
    /// carries it keeps that session's identity (the holder pattern), never what was under it.
    /// </summary>
    public AmbientContext? Current
    {
        get
        {
            var context = _value.Value;
            while (context is { IsRevoked: true })
            {
                context = context.Parent;
            }

            return context;
        }
    }

    /// <summary>Gets the session of the current flow, or <see langword="null"/>.</summary>
    public Session? Session => Current?.Holder?.Session;

    /// <summary>
    /// The context whose user a <c>ChangeUser</c> is judged against: the current one with every <c>Su</c> grant above
    /// it set aside. That is the innermost request scope (its session user) or the trigger run (admin in
    /// <c>on_connect</c>, the pre-authentication user in <c>on_auth</c>), never a temporary <c>Su</c> target.
    /// </summary>
    public static AmbientContext? WithoutSuGrants(AmbientContext? context)
    {
        // Request contexts have no override; trigger contexts have no parent. Every other context is a Su scope.
        while (context is { EffectiveUser: not null, Parent: not null })
        {
            context = context.Parent;
        }

        return context;
    }

    /// <summary>Gets the session user of <paramref name="context"/>: the background user outside any session.</summary>
    public SessionUser SessionUserOf(AmbientContext? context) => context?.Holder?.User ?? BackgroundUser;

    /// <summary>Gets the effective user of <paramref name="context"/>: the <c>Su</c> target, else the session user.</summary>
    public SessionUser EffectiveUserOf(AmbientContext? context) =>
        context?.EffectiveUser ?? context?.Holder?.User ?? BackgroundUser;
}
