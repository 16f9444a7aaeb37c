using Microsoft.Extensions.DependencyInjection;

namespace SessionKit.Tests.Internal.Bounds;

/// <summary>
/// Issue 12: the bounds set through <c>AddSessions(options => ...)</c> reach the manager the container builds, an
/// invalid one fails the resolution naming the option, and <c>AddUser</c> refuses a password that is not valid text
/// when it is registered.
/// </summary>
public sealed class BoundsWiringTests
{
    [Fact]
    public async Task BoundsConfiguredThroughTheContainer_ApplyToItsManager()
    {
        var services = new ServiceCollection();
        services.AddSessions(o =>
        {
            o.MaxStorageKeys = 1;
            o.MaxTriggersPerList = 2;
            o.MaxUserNameLength = 5;
        });
        await using var provider = services.BuildServiceProvider();
        var manager = provider.GetRequiredService<SessionManager>();
        var session = await manager.ConnectAsync(SessionType.Binary);

        session.Storage.Set("a", 1);
        session.Storage.Invoking(s => s.Set("b", 2)).Should().Throw<InvalidOperationException>().WithMessage("*MaxStorageKeys*");
        manager.OnAuth.MaxCount.Should().Be(2);
        var longName = await Record.ExceptionAsync(() => manager.AuthenticateAsync(session, "sixsix", "pw").AsTask());
        longName.Should().BeOfType<ArgumentException>().Which.Message.Should().Contain("at most 5");
    }

    [Fact]
    public async Task AnInvalidBound_FailsTheResolution_NamingTheOption()
    {
        var services = new ServiceCollection();
        services.AddSessions(o => o.MaxConcurrentVerifications = 0);
        await using var provider = services.BuildServiceProvider();

        var act = () => provider.GetRequiredService<SessionManager>();

        // Issue 14: the options pattern validates the options before the manager is built (ValidateOnStart in a host).
        act.Should().Throw<Microsoft.Extensions.Options.OptionsValidationException>().WithMessage("*SessionManagerOptions.MaxConcurrentVerifications*");
    }

    [Fact]
    public void AddUser_WithAPasswordThatIsNotValidText_IsRefusedAtRegistration_WithoutQuotingIt()
    {
        var builder = new ServiceCollection().AddSessions();

        var act = () => builder.AddUser("alice", "pw\uD800-secret");

        act.Should().Throw<ArgumentException>().Which.Message.Should().NotContain("secret").And.Contain("surrogate");
    }
}
