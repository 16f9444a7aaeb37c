namespace SessionKit.Internal;

/// <summary>Registered by the first <c>AddSessions</c> call; later calls see it and register the core services no more.</summary>
internal sealed class SessionsMarker;
