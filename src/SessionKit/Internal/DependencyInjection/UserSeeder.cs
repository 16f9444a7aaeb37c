using System.Runtime.CompilerServices;

namespace SessionKit.Internal;

/// <summary>
/// Adds the users registered with <c>AddUser</c> to a directory, once per directory: the embedded directory is seeded
/// when the container creates it, and the manager factory calls <see cref="Seed{TDirectory}"/> again for whatever
/// directory the manager gets (which is a no-op for the embedded one).
/// </summary>
internal sealed class UserSeeder(IEnumerable<SessionUserSeed> seeds)
{
    private readonly SessionUserSeed[] _seeds = seeds.ToArray();

    // Directories already seeded. Guarded by the table's own lock; weak so a seeder never keeps a directory alive.
    private readonly ConditionalWeakTable<IUserDirectory, object> _seeded = [];

    public TDirectory Seed<TDirectory>(TDirectory directory)
        where TDirectory : IUserDirectory
    {
        if (_seeds.Length == 0 || _seeded.TryGetValue(directory, out _))
        {
            return directory;
        }

        if (directory is not InMemoryUserDirectory memory)
        {
            throw new InvalidOperationException(
                $"AddUser adds users to the embedded InMemoryUserDirectory, but the registered IUserDirectory is {directory.GetType().FullName}. Add the users to that directory instead.");
        }

        lock (_seeds)
        {
            if (_seeded.TryGetValue(directory, out _))
            {
                return directory;
            }

            foreach (var seed in _seeds)
            {
                try
                {
                    memory.AddUser(seed.Name, seed.Password);
                }
                catch (ArgumentException ex)
                {
                    // The message names the user only; the password never reaches an exception.
                    throw new InvalidOperationException($"AddUser(\"{Text.Truncate(seed.Name)}\") could not add the user: {ex.Message}", ex);
                }
            }

            _seeded.Add(directory, this);
        }

        return directory;
    }
}
