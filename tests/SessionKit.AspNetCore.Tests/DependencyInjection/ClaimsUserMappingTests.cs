using System.Security.Claims;
using Microsoft.Extensions.DependencyInjection;
using SessionKit.AspNetCore.Internal;

namespace SessionKit.AspNetCore.Tests.DependencyInjection;

/// <summary>Issue 15: the claims → session user mapping of <c>AddAspNetCore</c>.</summary>
public sealed class ClaimsUserMappingTests
{
    [Fact]
    public void TheNameIdentifierClaim_ComesFirst_ThenIdentityName()
    {
        using var services = Build();
        var sessions = services.GetRequiredService<HttpSessions>();

        var both = Principal(new Claim(ClaimTypes.NameIdentifier, "alice"), new Claim(ClaimTypes.Name, "Alice Liddell"));
        var nameOnly = Principal(new Claim(ClaimTypes.Name, "bob"));

        sessions.MapUser(both)!.Name.Should().Be("alice");
        sessions.MapUser(nameOnly)!.Name.Should().Be("bob");
        sessions.MapUser(both)!.Id.Should().Be(sessions.MapUser(both)!.Id, "the id derived from a name is stable").And.BeGreaterThanOrEqualTo(1UL << 63);
        sessions.MapUser(nameOnly)!.Id.Should().NotBe(sessions.MapUser(both)!.Id);
    }

    [Fact]
    public void AnAnonymousPrincipal_IsGuest()
    {
        using var services = Build();
        var sessions = services.GetRequiredService<HttpSessions>();

        sessions.MapUser(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "x")]))).Should().BeNull("an identity without an authentication type is anonymous");
        sessions.MapUser(null).Should().BeNull();
    }

    [Fact]
    public async Task ADirectoryUser_ConnectsAsThatUser_ThroughTheDirectory()
    {
        using var services = Build(b => b.AddUser("carol", "secret"));
        var sessions = services.GetRequiredService<HttpSessions>();
        var manager = services.GetRequiredService<SessionManager>();
        manager.Directory.TryFindUser("carol", out var carol).Should().BeTrue();

        var user = sessions.MapUser(Principal(new Claim(ClaimTypes.NameIdentifier, "carol")));
        var session = await sessions.ConnectAsync(new SessionType("websocket"), user, null, new NullConnection(), CancellationToken.None);

        user.Should().Be(carol);
        session.User.Id.Should().Be(carol!.Id);
    }

    [Fact]
    public void AMapUserDelegate_ReplacesTheDefault()
    {
        using var services = Build(configure: o => o.MapUser = p => p.FindFirst("sub") is { } sub ? new SessionUser(5000 + ulong.Parse(sub.Value, System.Globalization.CultureInfo.InvariantCulture), "user" + sub.Value) : null);
        var sessions = services.GetRequiredService<HttpSessions>();

        var user = sessions.MapUser(Principal(new Claim("sub", "7"), new Claim(ClaimTypes.NameIdentifier, "ignored")));

        user.Should().NotBeNull();
        user!.Id.Should().Be(5007UL);
        user.Name.Should().Be("user7");
    }

    private static ClaimsPrincipal Principal(params Claim[] claims) => new(new ClaimsIdentity(claims, "test"));

    private static ServiceProvider Build(Action<ISessionsBuilder>? sessions = null, Action<SessionKitAspNetCoreOptions>? configure = null)
    {
        var services = new ServiceCollection();
        var builder = services.AddSessions().AddAspNetCore(configure);
        sessions?.Invoke(builder);
        return services.BuildServiceProvider();
    }

    private sealed class NullConnection : ISessionConnection
    {
        public ValueTask SendAsync(object message, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask CloseAsync(SessionCloseReason reason, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
