namespace SessionKit.Internal;

/// <summary>
/// Ids 0 and 1 belong to <c>guest</c> and <c>admin</c>. A user a directory returns with one of those ids and another
/// name is an impostor: trusting its id would make it admin (or guest) under another name, so it is refused wherever
/// a directory's user is adopted (authentication here; <c>Su</c> and the switch policy elsewhere).
/// </summary>
internal static class ReservedUsers
{
    /// <summary>Tells whether <paramref name="user"/> holds a reserved id (0 or 1) under a name that is not the one reserved for it.</summary>
    public static bool IsImpostor(SessionUser user) =>
        (user.Id == SessionUser.Guest.Id && !string.Equals(user.Name, SessionUser.Guest.Name, StringComparison.Ordinal)) ||
        (user.Id == SessionUser.Admin.Id && !string.Equals(user.Name, SessionUser.Admin.Name, StringComparison.Ordinal));

    /// <summary>The error that refuses an impostor: names the user and the rule, never a credential.</summary>
    public static AccessDeniedException Refusal(SessionUser user, string access) => new(
        access,
        "user",
        user.Name,
        user.Name,
        $"User '{Text.Truncate(user.Name)}' has the reserved id {user.Id}: ids 0 and 1 belong to 'guest' and 'admin' only, so the user directory is misconfigured");
}
