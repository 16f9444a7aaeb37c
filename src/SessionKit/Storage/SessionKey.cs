namespace SessionKit;

/// <summary>
/// A typed key for <see cref="SessionStorage"/>. Keys compare by identity: create each once (a <c>static readonly</c>
/// field) and share it. Two keys with the same name are different keys.
/// </summary>
/// <typeparam name="T">The type of the value stored under the key.</typeparam>
public sealed class SessionKey<T>
{
    /// <summary>Initializes a new instance of the <see cref="SessionKey{T}"/> class.</summary>
    /// <param name="name">A name for diagnostics; it is not part of the key's identity.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null, empty or whitespace.</exception>
    public SessionKey(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
    }

    /// <summary>Gets the key's diagnostic name.</summary>
    public string Name { get; }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
