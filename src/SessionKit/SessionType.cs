using System.Diagnostics.CodeAnalysis;

namespace SessionKit;

/// <summary>
/// The kind of a session: one of Tarantool's well-known types (<see cref="Binary"/>, <see cref="Console"/>,
/// <see cref="Repl"/>, <see cref="Applier"/>, <see cref="Background"/>) or a custom name such as <c>"c2s"</c>.
/// </summary>
/// <remarks>
/// A custom name is 1 to <see cref="MaxLength"/> ASCII characters: it starts with a letter and continues with
/// letters, digits, <c>_</c>, <c>-</c> or <c>.</c>. Names compare ordinally (case-sensitive).
/// <c>default(SessionType)</c> is <see cref="Background"/>.
/// </remarks>
public readonly struct SessionType : IEquatable<SessionType>
{
    /// <summary>The longest custom type name accepted.</summary>
    public const int MaxLength = 64;

    private readonly string? _name;

    /// <summary>Initializes a new instance of the <see cref="SessionType"/> struct with a validated name.</summary>
    /// <param name="name">The type name.</param>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> breaks the naming rule.</exception>
    public SessionType(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!IsValidName(name, out var problem))
        {
            throw new ArgumentException($"Session type '{Internal.Text.Truncate(name)}' is invalid: {problem}", nameof(name));
        }

        _name = name;
    }

    /// <summary>Gets the type of a network client connection (Tarantool's IPROTO sessions).</summary>
    public static SessionType Binary { get; } = new("binary");

    /// <summary>Gets the type of a text console connection.</summary>
    public static SessionType Console { get; } = new("console");

    /// <summary>Gets the type of the interactive console on the process's own terminal.</summary>
    public static SessionType Repl { get; } = new("repl");

    /// <summary>Gets the type of a replication applier.</summary>
    public static SessionType Applier { get; } = new("applier");

    /// <summary>Gets the type reported outside any session (host start-up code, background jobs).</summary>
    public static SessionType Background { get; } = new("background");

    /// <summary>Gets the type name.</summary>
    public string Name => _name ?? "background";

    /// <summary>Compares two types by name.</summary>
    /// <param name="left">The first type.</param>
    /// <param name="right">The second type.</param>
    /// <returns><see langword="true"/> when the names are equal.</returns>
    public static bool operator ==(SessionType left, SessionType right) => left.Equals(right);

    /// <summary>Compares two types by name.</summary>
    /// <param name="left">The first type.</param>
    /// <param name="right">The second type.</param>
    /// <returns><see langword="true"/> when the names differ.</returns>
    public static bool operator !=(SessionType left, SessionType right) => !left.Equals(right);

    /// <summary>Checks a candidate type name without throwing.</summary>
    /// <param name="name">The candidate.</param>
    /// <param name="type">The type when the name is valid.</param>
    /// <returns><see langword="true"/> when <paramref name="name"/> is a valid type name.</returns>
    public static bool TryCreate([NotNullWhen(true)] string? name, out SessionType type)
    {
        if (name is not null && IsValidName(name, out _))
        {
            type = new SessionType(name);
            return true;
        }

        type = default;
        return false;
    }

    /// <inheritdoc/>
    public bool Equals(SessionType other) => string.Equals(Name, other.Name, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is SessionType other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Name);

    /// <inheritdoc/>
    public override string ToString() => Name;

    private static bool IsValidName(string name, [NotNullWhen(false)] out string? problem)
    {
        if (name.Length == 0)
        {
            problem = "it must not be empty.";
            return false;
        }

        if (name.Length > MaxLength)
        {
            problem = $"it must be at most {MaxLength} characters long.";
            return false;
        }

        if (!char.IsAsciiLetter(name[0]))
        {
            problem = "it must start with an ASCII letter.";
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '-' or '.'))
            {
                problem = "only ASCII letters, digits, '_', '-' and '.' are allowed.";
                return false;
            }
        }

        problem = null;
        return true;
    }
}
