namespace SessionKit;

/// <summary>
/// Thrown by <see cref="SessionManager.AuthenticateAsync"/> when the user is unknown or the credentials are wrong.
/// Both cases carry the same message, <c>User not found or supplied credentials are invalid</c>, so a client cannot
/// learn which user names exist.
/// </summary>
public sealed class AuthenticationFailedException : SessionKitException
{
    /// <summary>The message for an unknown user or wrong credentials.</summary>
    public const string CredentialsMessage = "User not found or supplied credentials are invalid";

    /// <summary>Initializes a new instance of the <see cref="AuthenticationFailedException"/> class.</summary>
    public AuthenticationFailedException()
        : base(CredentialsMessage)
    {
    }
}
