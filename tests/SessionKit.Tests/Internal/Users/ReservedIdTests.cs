using System.Diagnostics.CodeAnalysis;
using SessionKit.Internal;

namespace SessionKit.Tests.Internal.Users;

/// <summary>
/// Issue 12, reserved ids at authentication: a directory that verifies a user with id 0 or 1 under another name is
/// refused with a clear error (nothing runs, the session user is unchanged); the real guest and admin are allowed.
/// </summary>
public sealed class ReservedIdTests
{
    [Theory]
    [InlineData(0UL, "guest", false)]
    [InlineData(1UL, "admin", false)]
    [InlineData(1UL, "mallory", true)]
    [InlineData(0UL, "mallory", true)]
    [InlineData(1UL, "Admin", true)]
    [InlineData(32UL, "admin", false)]
    [InlineData(33UL, "alice", false)]
    public void IsImpostor_IsAReservedIdUnderAnotherName(ulong id, string name, bool impostor)
    {
        ReservedUsers.IsImpostor(new SessionUser(id, name)).Should().Be(impostor);
    }

    [Fact]
    public async Task AuthenticateAsync_ADirectoryUserWithAReservedIdAndAnotherName_IsRefused()
    {
        var directory = new OneUserDirectory(new SessionUser(1, "mallory"));
        await using var m = new SessionManager(directory: directory);
        var authRan = false;
        m.OnAuth.Add(_ => { authRan = true; return default; });
        var session = await m.ConnectAsync(SessionType.Binary);

        var thrown = await Record.ExceptionAsync(() => m.AuthenticateAsync(session, "mallory", "pw").AsTask());

        thrown.Should().BeOfType<AccessDeniedException>().Which.Message.Should().Contain("reserved id 1").And.Contain("'mallory'").And.NotContain("pw");
        session.User.Should().Be(SessionUser.Guest);
        session.IsClosed.Should().BeFalse();
        authRan.Should().BeFalse();
    }

    [Fact]
    public async Task AuthenticateAsync_TheRealAdmin_IsAllowed()
    {
        await using var m = new SessionManager(directory: new OneUserDirectory(SessionUser.Admin));
        var session = await m.ConnectAsync(SessionType.Binary);

        (await m.AuthenticateAsync(session, "admin", "pw")).Should().BeSameAs(SessionUser.Admin);
        session.User.Id.Should().Be(1);
    }

    /// <summary>Knows guest, admin and one more user, and verifies that user with any password.</summary>
    private sealed class OneUserDirectory(SessionUser user) : IUserDirectory
    {
        public bool TryFindUser(string name, [NotNullWhen(true)] out SessionUser? found)
        {
            found = name == user.Name ? user : name == "guest" ? SessionUser.Guest : name == "admin" ? SessionUser.Admin : null;
            return found is not null;
        }

        public ValueTask<SessionUser?> VerifyAsync(string name, string password, CancellationToken cancellationToken = default) =>
            new(name == user.Name ? user : null);

        public bool MayConnect(SessionUser candidate) => true;
    }
}
