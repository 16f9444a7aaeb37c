using SessionKit.Internal;

namespace SessionKit.Tests.Users;

/// <summary>
/// The embedded directory: guest and admin, added users with salted PBKDF2-SHA256 hashes (≥100,000 iterations),
/// may-connect, and no password ever leaving it. Each hash costs tens of milliseconds, so tests keep them few.
/// </summary>
public sealed class InMemoryUserDirectoryTests
{
    private const string Secret = "Sup3r-S3cret-Passw0rd";

    [Fact]
    public void Constructor_Default_UsesAtLeast100000Iterations()
    {
        var directory = new InMemoryUserDirectory();

        InMemoryUserDirectory.MinimumIterations.Should().Be(100_000);
        directory.Iterations.Should().BeGreaterThanOrEqualTo(100_000);
    }

    [Theory]
    [InlineData(99_999)]
    [InlineData(10_000)]
    [InlineData(1)]
    [InlineData(0)]
    [InlineData(-1)]
    public void Constructor_FewerThanMinimumIterations_Throws(int iterations)
    {
        var act = () => new InMemoryUserDirectory(iterations);

        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("iterations");
    }

    [Fact]
    public void Constructor_MoreIterations_AreUsed()
    {
        new InMemoryUserDirectory(150_000).Iterations.Should().Be(150_000);
    }

    [Fact]
    public void Constructor_HoldsGuestAndAdminWhoMayConnect()
    {
        var directory = new InMemoryUserDirectory();

        directory.Users.Should().Equal(SessionUser.Guest, SessionUser.Admin);
        directory.Users.Select(u => u.Name).Should().Equal("guest", "admin");
        directory.MayConnect(SessionUser.Guest).Should().BeTrue();
        directory.MayConnect(SessionUser.Admin).Should().BeTrue();
    }

    [Fact]
    public async Task AddUser_NewUsers_GetIdsFrom32AndVerify()
    {
        var directory = new InMemoryUserDirectory();

        var alice = directory.AddUser("alice", Secret);
        var bob = directory.AddUser("bob", string.Empty, mayConnect: false);

        alice.Id.Should().Be(32UL);
        bob.Id.Should().Be(33UL);
        directory.Users.Select(u => u.Id).Should().Equal(0UL, 1UL, 32UL, 33UL);
        directory.TryFindUser("alice", out var found).Should().BeTrue();
        found.Should().Be(alice);
        directory.MayConnect(bob).Should().BeFalse();
        (await directory.VerifyAsync("alice", Secret)).Should().Be(alice);
        (await directory.VerifyAsync("bob", string.Empty)).Should().Be(bob, "an empty password is a password once it is set");
    }

    [Fact]
    public async Task VerifyAsync_WrongPasswordUnknownUserOrOtherCase_AllReturnNull()
    {
        var directory = new InMemoryUserDirectory();
        directory.AddUser("alice", Secret);

        (await directory.VerifyAsync("alice", "wrong")).Should().BeNull();
        (await directory.VerifyAsync("alice", Secret.ToUpperInvariant())).Should().BeNull();
        (await directory.VerifyAsync("Alice", Secret)).Should().BeNull("names are case-sensitive");
        (await directory.VerifyAsync("eve", Secret)).Should().BeNull();
    }

    [Fact]
    public async Task VerifyAsync_Guest_AcceptsOnlyTheEmptyPassword()
    {
        var directory = new InMemoryUserDirectory();

        (await directory.VerifyAsync("guest", string.Empty)).Should().Be(SessionUser.Guest);
        (await directory.VerifyAsync("guest", "anything")).Should().BeNull();
    }

    [Fact]
    public async Task VerifyAsync_AdminWithoutAPassword_RejectsEveryPassword()
    {
        // Tarantool's admin has no password and so cannot authenticate remotely; only guest is let in without one
        // (spec §4.6 step 2). An empty password must not make anyone admin.
        var directory = new InMemoryUserDirectory();

        (await directory.VerifyAsync("admin", string.Empty)).Should().BeNull();
        (await directory.VerifyAsync("admin", "admin")).Should().BeNull();
    }

    [Fact]
    public async Task SetPassword_ReplacesTheOldPassword()
    {
        var directory = new InMemoryUserDirectory();
        directory.AddUser("alice", "old password");

        directory.SetPassword("alice", Secret);

        (await directory.VerifyAsync("alice", "old password")).Should().BeNull();
        (await directory.VerifyAsync("alice", Secret)).Should().NotBeNull();
    }

    [Fact]
    public async Task SetPassword_OnAdmin_LetsAdminAuthenticate()
    {
        var directory = new InMemoryUserDirectory();

        directory.SetPassword("admin", Secret);

        (await directory.VerifyAsync("admin", Secret)).Should().Be(SessionUser.Admin);
        (await directory.VerifyAsync("admin", string.Empty)).Should().BeNull();
    }

    [Fact]
    public void AddUser_DuplicateName_ThrowsAndKeepsTheOriginal()
    {
        var directory = new InMemoryUserDirectory();
        var alice = directory.AddUser("alice", Secret);

        var act = () => directory.AddUser("alice", "other password");

        var error = act.Should().Throw<ArgumentException>().Which;
        error.ParamName.Should().Be("name");
        error.Message.Should().NotContain("other password");
        directory.Users.Should().HaveCount(3);
        directory.TryFindUser("alice", out var found).Should().BeTrue();
        found!.Id.Should().Be(alice.Id);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("empty")]
    [InlineData("whitespace")]
    [InlineData("control")]
    [InlineData("oversized")]
    public void AddUser_InvalidName_ThrowsNamingNameAndAddsNothing(string kind)
    {
        var directory = new InMemoryUserDirectory();
        var name = kind switch
        {
            "null" => null!,
            "empty" => string.Empty,
            "whitespace" => " ",
            "control" => "ali\u001bce",
            _ => new string('a', 64 * 1024),
        };

        var act = () => directory.AddUser(name, Secret);

        var error = act.Should().Throw<ArgumentException>().Which;
        error.ParamName.Should().Be("name");
        (error is ArgumentNullException).Should().Be(kind == "null");
        error.Message.Should().NotContain(Secret);
        directory.Users.Should().HaveCount(2);
    }

    [Fact]
    public void AddUser_NullPassword_ThrowsAndAddsNothing()
    {
        var directory = new InMemoryUserDirectory();

        var act = () => directory.AddUser("alice", null!);

        act.Should().ThrowExactly<ArgumentNullException>().Which.ParamName.Should().Be("password");
        directory.TryFindUser("alice", out _).Should().BeFalse();
    }

    [Fact]
    public void SetPasswordAndSetMayConnect_UnknownUser_ThrowUserNotFoundWithoutThePassword()
    {
        var directory = new InMemoryUserDirectory();

        var setPassword = () => directory.SetPassword("nosuch", Secret);
        var setMayConnect = () => directory.SetMayConnect("nosuch", false);

        var error = setPassword.Should().Throw<UserNotFoundException>().Which;
        error.Message.Should().Be("User 'nosuch' is not found").And.NotContain(Secret);
        error.ToString().Should().NotContain(Secret);
        setMayConnect.Should().Throw<UserNotFoundException>().Which.UserName.Should().Be("nosuch");
        directory.Users.Should().HaveCount(2);
    }

    [Fact]
    public void SetMayConnect_RevokesAndGrantsSessionAccess()
    {
        var directory = new InMemoryUserDirectory();
        var alice = directory.AddUser("alice", Secret);

        directory.SetMayConnect("alice", false);
        directory.MayConnect(alice).Should().BeFalse();
        directory.SetMayConnect("alice", true);
        directory.MayConnect(alice).Should().BeTrue();
    }

    [Fact]
    public void MayConnect_StaleOrForeignUser_IsFalse()
    {
        var directory = new InMemoryUserDirectory();
        var alice = directory.AddUser("alice", Secret);

        directory.MayConnect(new SessionUser(99, "alice")).Should().BeFalse("same name, different id");
        directory.MayConnect(new SessionUser(40, "stranger")).Should().BeFalse();
        directory.RemoveUser("alice").Should().BeTrue();
        directory.MayConnect(alice).Should().BeFalse();
    }

    [Fact]
    public void RemoveUser_UnknownReturnsFalseBuiltInsThrow()
    {
        var directory = new InMemoryUserDirectory();

        directory.RemoveUser("nosuch").Should().BeFalse();
        var guest = () => directory.RemoveUser("guest");
        var admin = () => directory.RemoveUser("admin");
        guest.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("name");
        admin.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("name");
        directory.Users.Should().Equal(SessionUser.Guest, SessionUser.Admin);
    }

    [Fact]
    public async Task VerifyAsync_CancelledToken_Throws()
    {
        var directory = new InMemoryUserDirectory();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        var act = async () => await directory.VerifyAsync("guest", string.Empty, cancelled.Token);

        await act.Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public void Passwords_NeverAppearInToStringOfTheDirectoryOrItsUsers()
    {
        var directory = new InMemoryUserDirectory();
        var alice = directory.AddUser("alice", Secret);

        directory.ToString().Should().NotContain(Secret);
        alice.ToString().Should().Be("alice");
        string.Join(",", directory.Users).Should().NotContain(Secret);
    }

    [Fact]
    public void PasswordHasher_SamePasswordTwice_UsesDistinctSaltsAndVerifies()
    {
        // The directory's hashing: salted PBKDF2-SHA256 with the configured iterations, constant-time comparison.
        var hasher = new PasswordHasher(InMemoryUserDirectory.MinimumIterations);

        var first = hasher.Hash(Secret);
        var second = hasher.Hash(Secret);

        first.Salt.Should().HaveCount(16).And.NotEqual(second.Salt);
        first.Hash.Should().HaveCount(32).And.NotEqual(second.Hash);
        hasher.Verify(Secret, first).Should().BeTrue();
        hasher.Verify(Secret, second).Should().BeTrue();
        hasher.Verify("wrong", first).Should().BeFalse();
        first.Hash.Should().NotEqual(System.Text.Encoding.UTF8.GetBytes(Secret));
    }

    [Fact]
    public async Task AddUser_Concurrently_GivesUniqueIds()
    {
        var directory = new InMemoryUserDirectory();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var adders = Enumerable.Range(0, 6).Select(i => Task.Run(async () =>
        {
            await gate.Task;
            return directory.AddUser($"user{i}", Secret);
        })).ToArray();
        gate.SetResult();
        var added = await Task.WhenAll(adders);

        added.Select(u => u.Id).Should().OnlyHaveUniqueItems().And.OnlyContain(id => id >= 32 && id < 38);
        directory.Users.Should().HaveCount(8);
    }
}
