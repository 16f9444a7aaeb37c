using System.Diagnostics.CodeAnalysis;

namespace SessionKit;

/// <summary>
/// Values kept for one session (Tarantool's <c>box.session.storage</c>) or shared by one user's sessions: typed keys
/// (<see cref="SessionKey{T}"/>) and string keys. Thread-safe: concurrent requests of one session may read and write it.
/// </summary>
/// <remarks>
/// Storage is created with its session and cleared when the session is destroyed (after <c>on_disconnect</c> and the
/// last in-flight request). After that, reads find nothing and writes throw <see cref="SessionClosedException"/>, so
/// no value outlives its session. A typed key and a string key never collide, even with the same name.
/// <para>
/// Bounded: a session's storage holds at most <see cref="SessionManagerOptions.MaxStorageKeys"/> values and a user's shared
/// storage at most <see cref="SessionManagerOptions.MaxUserStorageKeys"/> (1024 each by default). Storing under a new key
/// beyond the bound throws <see cref="InvalidOperationException"/> and stores nothing; replacing a value never does.
/// </para>
/// </remarks>
public sealed class SessionStorage
{
    // One lock guards the dictionary and the sealed flag. Critical sections are a single dictionary operation, so a
    // plain lock beats lock-free structures here and keeps the typed-key read free of allocation.
    private readonly Lock _lock = new();
    private readonly ulong _ownerId;
    private readonly int _maxKeys;
    private readonly string _boundName;
    private Dictionary<object, object?>? _values;
    private bool _sealed;

    internal SessionStorage(ulong ownerId, int maxKeys, string boundName)
    {
        _ownerId = ownerId;
        _maxKeys = maxKeys;
        _boundName = boundName;
    }

    /// <summary>Gets the number of values stored.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _values?.Count ?? 0;
            }
        }
    }

    /// <summary>Gets the value stored under a typed key, or <c>default</c>.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="key">The key.</param>
    /// <returns>The value, or <c>default(T)</c> when absent.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    public T? Get<T>(SessionKey<T> key) => TryGet(key, out var value) ? value : default;

    /// <summary>Looks up a typed key.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="key">The key.</param>
    /// <param name="value">The value when present.</param>
    /// <returns><see langword="true"/> when a value is stored under <paramref name="key"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    public bool TryGet<T>(SessionKey<T> key, [MaybeNullWhen(false)] out T value)
    {
        ArgumentNullException.ThrowIfNull(key);
        return TryGetCore(key, out value);
    }

    /// <summary>Stores a value under a typed key, replacing any previous value.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <exception cref="SessionClosedException">The session was destroyed.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The key is new and the storage already holds its bound of values (<see cref="SessionManagerOptions.MaxStorageKeys"/> or <see cref="SessionManagerOptions.MaxUserStorageKeys"/>); nothing is stored.</exception>
    public void Set<T>(SessionKey<T> key, T value)
    {
        ArgumentNullException.ThrowIfNull(key);
        SetCore(key, value);
    }

    /// <summary>Removes a typed key.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="key">The key.</param>
    /// <returns><see langword="true"/> when a value was removed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    public bool Remove<T>(SessionKey<T> key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return RemoveCore(key);
    }

    /// <summary>Gets the value stored under a string key, or <see langword="null"/>.</summary>
    /// <param name="key">The key: not empty, at most 256 characters, no control characters.</param>
    /// <returns>The value, or <see langword="null"/> when absent.</returns>
    /// <exception cref="ArgumentException"><paramref name="key"/> is null (<see cref="ArgumentNullException"/>), empty, whitespace, longer than 256 characters, or has control characters or lone surrogates.</exception>
    public object? Get(string key) => TryGet<object>(key, out var value) ? value : null;

    /// <summary>Looks up a string key.</summary>
    /// <typeparam name="T">The expected value type.</typeparam>
    /// <param name="key">The key.</param>
    /// <param name="value">The value when present and of type <typeparamref name="T"/>.</param>
    /// <returns><see langword="true"/> when a value of type <typeparamref name="T"/> is stored under <paramref name="key"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="key"/> is null (<see cref="ArgumentNullException"/>), empty, whitespace, longer than 256 characters, or has control characters or lone surrogates.</exception>
    public bool TryGet<T>(string key, [MaybeNullWhen(false)] out T value)
    {
        Internal.Names.Validate(key, nameof(key), "storage key");
        return TryGetCore(key, out value);
    }

    /// <summary>Stores a value under a string key, replacing any previous value.</summary>
    /// <param name="key">The key: not empty, at most 256 characters, no control characters.</param>
    /// <param name="value">The value; <see langword="null"/> is stored as a value (use <see cref="Remove(string)"/> to delete).</param>
    /// <exception cref="SessionClosedException">The session was destroyed.</exception>
    /// <exception cref="ArgumentException"><paramref name="key"/> is null (<see cref="ArgumentNullException"/>), empty, whitespace, longer than 256 characters, or has control characters or lone surrogates.</exception>
    /// <exception cref="InvalidOperationException">The key is new and the storage already holds its bound of values (<see cref="SessionManagerOptions.MaxStorageKeys"/> or <see cref="SessionManagerOptions.MaxUserStorageKeys"/>); nothing is stored.</exception>
    public void Set(string key, object? value)
    {
        Internal.Names.Validate(key, nameof(key), "storage key");
        SetCore(key, value);
    }

    /// <summary>Removes a string key.</summary>
    /// <param name="key">The key.</param>
    /// <returns><see langword="true"/> when a value was removed.</returns>
    /// <exception cref="ArgumentException"><paramref name="key"/> is null (<see cref="ArgumentNullException"/>), empty, whitespace, longer than 256 characters, or has control characters or lone surrogates.</exception>
    public bool Remove(string key)
    {
        Internal.Names.Validate(key, nameof(key), "storage key");
        return RemoveCore(key);
    }

    /// <summary>Gets a snapshot of the string keys.</summary>
    /// <returns>The string keys, in no particular order.</returns>
    public IReadOnlyList<string> GetStringKeys()
    {
        lock (_lock)
        {
            return _values is null ? [] : _values.Keys.OfType<string>().ToArray();
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"SessionStorage(session {_ownerId}, {Count} values)";

    /// <summary>Drops every value and refuses later writes; called once when the owner is destroyed.</summary>
    internal void Seal()
    {
        lock (_lock)
        {
            _sealed = true;
            _values = null;
        }
    }

    private bool TryGetCore<T>(object key, [MaybeNullWhen(false)] out T value)
    {
        lock (_lock)
        {
            if (_values is not null && _values.TryGetValue(key, out var boxed))
            {
                if (boxed is T typed)
                {
                    value = typed;
                    return true;
                }

                if (boxed is null && default(T) is null)
                {
                    // A stored null is a value, readable as any reference or nullable type.
                    value = default!;
                    return true;
                }
            }
        }

        value = default;
        return false;
    }

    private void SetCore(object key, object? value)
    {
        lock (_lock)
        {
            if (_sealed)
            {
                throw new SessionClosedException(_ownerId, $"Session {_ownerId} was destroyed; its storage no longer accepts values.");
            }

            var values = _values ??= [];
            if (values.Count >= _maxKeys && !values.ContainsKey(key))
            {
                ThrowFull();
            }

            values[key] = value;
        }
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private void ThrowFull() => throw new InvalidOperationException(
        $"{(_ownerId == 0 ? "The user's shared storage" : $"The storage of session {_ownerId}")} already holds {_maxKeys} values, its bound (SessionManagerOptions.{_boundName}); remove one before storing under a new key.");

    private bool RemoveCore(object key)
    {
        lock (_lock)
        {
            return _values is not null && _values.Remove(key);
        }
    }
}
