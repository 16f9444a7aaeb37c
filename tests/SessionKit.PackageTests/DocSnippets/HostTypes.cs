namespace SessionKit.PackageTests.DocSnippets;

/// <summary>
/// Stand-ins for the host's own types the documentation mentions (a database context, a token validator): compiled
/// beside the blocks so that a block is checked against SessionKit's API, not against an application nobody wrote.
/// </summary>
internal static class HostTypes
{
    public const string Source = """
        namespace SessionKit.PackageTests.DocSnippets.HostTypes;

        /// <summary>A host's database context, as in docs/dependency-injection.md.</summary>
        public sealed class AuditDbContext
        {
            public List<(ulong SessionId, string User)> Disconnects { get; } = [];

            public Task<int> SaveChangesAsync(CancellationToken cancellationToken) => Task.FromResult(Disconnects.Count);
        }

        /// <summary>What a host's token validator returns, as in docs/users-and-auth.md.</summary>
        public sealed record TokenSubject(ulong Id, string Name);

        /// <summary>A host's token validator, as in docs/users-and-auth.md.</summary>
        public interface ITokenValidator
        {
            ValueTask<TokenSubject?> ValidateAsync(string token, CancellationToken cancellationToken);
        }
        """;
}
