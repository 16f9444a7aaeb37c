namespace SessionKit.Redis;

/// <summary>
/// Turns a message sent to a user's sessions on other nodes into bytes, and back on the receiving node. Every node of
/// a cluster must use the same one. Set it in <see cref="RedisDirectoryOptions.MessageSerializer"/>.
/// </summary>
public interface IClusterMessageSerializer
{
    /// <summary>Writes a message.</summary>
    /// <param name="message">The message given to a cluster send.</param>
    /// <returns>Its bytes.</returns>
    /// <exception cref="NotSupportedException">The message's type is not supported.</exception>
    byte[] Serialize(object message);

    /// <summary>Reads a message on the receiving node; the result is what that node's sessions get in <see cref="ISessionConnection.SendAsync"/>.</summary>
    /// <param name="bytes">What <see cref="Serialize"/> wrote.</param>
    /// <returns>The message.</returns>
    object Deserialize(ReadOnlyMemory<byte> bytes);
}
