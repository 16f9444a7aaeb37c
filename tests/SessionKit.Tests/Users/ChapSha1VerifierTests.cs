using System.Security.Cryptography;
using System.Text;
using SessionKit.Internal;

namespace SessionKit.Tests.Users;

/// <summary>
/// The directory's chap-sha1 credential (issue 17): Tarantool's iproto AUTH proves the password with a scramble, so
/// <see cref="InMemoryUserDirectory"/> keeps <c>sha1(sha1(password))</c> beside the PBKDF2 hash and checks scrambles.
/// The scrambles here are computed by the test itself from the formula, independently of the library's helper.
/// </summary>
public sealed class ChapSha1VerifierTests
{
    private static readonly byte[] Salt = Enumerable.Range(1, 32).Select(i => (byte)(i * 7)).ToArray();

    [Fact]
    public void StoredCredential_IsSha1OfSha1_AsTarantoolStoresItInUser()
    {
        // sha1(sha1("alice")) in base64, as box.schema.user.password('alice') prints it.
        Convert.ToBase64String(ChapSha1.StoredCredential("alice")).Should().Be("T1zKZXvWHRwRJ+XE6jsO5KmEG4U=");
    }

    [Fact]
    public void VerifyChapSha1_WithTheRightPassword_ReturnsTheUser()
    {
        var directory = new InMemoryUserDirectory();
        var alice = directory.AddUser("alice", "alice");

        directory.VerifyChapSha1("alice", Salt, ClientScramble("alice", Salt), out var user).Should().BeTrue();
        user.Should().Be(alice);
    }

    [Fact]
    public void VerifyChapSha1_UsesOnlyTheFirst20BytesOfTheSalt()
    {
        var directory = new InMemoryUserDirectory();
        directory.AddUser("alice", "alice");
        var longer = Salt.Concat(new byte[] { 9, 9, 9 }).ToArray();
        var changedTail = (byte[])Salt.Clone();
        changedTail[25] ^= 0xFF;

        directory.VerifyChapSha1("alice", longer, ClientScramble("alice", Salt), out _).Should().BeTrue();
        directory.VerifyChapSha1("alice", changedTail, ClientScramble("alice", Salt), out _).Should().BeTrue();
    }

    [Theory]
    [InlineData("alice", "wrong")]
    [InlineData("eve", "alice")]
    [InlineData("admin", "")]
    [InlineData("guest", "x")]
    public void VerifyChapSha1_WrongPasswordUnknownUserOrUserWithoutPassword_Fails(string name, string password)
    {
        var directory = new InMemoryUserDirectory();
        directory.AddUser("alice", "alice");

        directory.VerifyChapSha1(name, Salt, ClientScramble(password, Salt), out var user).Should().BeFalse();
        user.Should().BeNull();
    }

    [Fact]
    public void VerifyChapSha1_GuestWithTheEmptyPasswordScramble_Verifies()
    {
        var directory = new InMemoryUserDirectory();

        directory.VerifyChapSha1("guest", Salt, ClientScramble(string.Empty, Salt), out var user).Should().BeTrue();
        user.Should().Be(SessionUser.Guest);
    }

    [Fact]
    public void VerifyChapSha1_AnotherSaltOrAScrambleOfTheWrongSize_Fails()
    {
        var directory = new InMemoryUserDirectory();
        directory.AddUser("alice", "alice");
        var otherSalt = Salt.Select(b => (byte)(b + 1)).ToArray();
        var scramble = ClientScramble("alice", Salt);

        directory.VerifyChapSha1("alice", otherSalt, scramble, out _).Should().BeFalse();
        directory.VerifyChapSha1("alice", Salt, scramble.AsSpan(0, 19), out _).Should().BeFalse();
        directory.VerifyChapSha1("alice", Salt, scramble.Concat(new byte[] { 0 }).ToArray(), out _).Should().BeFalse();
    }

    [Fact]
    public void VerifyChapSha1_AfterSetPassword_AcceptsOnlyTheNewPassword()
    {
        var directory = new InMemoryUserDirectory();
        directory.AddUser("alice", "alice");
        directory.SetPassword("alice", "n3w");

        directory.VerifyChapSha1("alice", Salt, ClientScramble("alice", Salt), out _).Should().BeFalse();
        directory.VerifyChapSha1("alice", Salt, ClientScramble("n3w", Salt), out _).Should().BeTrue();
    }

    [Fact]
    public void VerifyChapSha1_AdminAfterSetPassword_Verifies()
    {
        var directory = new InMemoryUserDirectory();
        directory.SetPassword("admin", "adminpw");

        directory.VerifyChapSha1("admin", Salt, ClientScramble("adminpw", Salt), out var user).Should().BeTrue();
        user.Should().Be(SessionUser.Admin);
    }

    [Fact]
    public void VerifyChapSha1_ArgumentChecks()
    {
        var directory = new InMemoryUserDirectory();

        var nullName = () => directory.VerifyChapSha1(null!, Salt, new byte[20], out _);
        var shortSalt = () => directory.VerifyChapSha1("guest", new byte[19], new byte[20], out _);

        nullName.Should().Throw<ArgumentNullException>().WithParameterName("name");
        shortSalt.Should().Throw<ArgumentException>().WithParameterName("salt");
    }

    [Fact]
    public void Scramble_HelperMatchesTheFormula()
    {
        ChapSha1.Scramble("bob", Salt).Should().Equal(ClientScramble("bob", Salt));
    }

    // scramble = sha1(pw) XOR sha1(salt[0..20] ‖ sha1(sha1(pw))), written out here on purpose.
    private static byte[] ClientScramble(string password, byte[] salt)
    {
#pragma warning disable CA5350 // chap-sha1 is Tarantool's protocol; SHA-1 is what it specifies.
        var step1 = SHA1.HashData(Encoding.UTF8.GetBytes(password));
        var step2 = SHA1.HashData(step1);
        var mask = SHA1.HashData(salt.Take(20).Concat(step2).ToArray());
#pragma warning restore CA5350
        return step1.Zip(mask, (a, b) => (byte)(a ^ b)).ToArray();
    }
}
