namespace SessionKit.AspNetCore.Tests.SignalR;

/// <summary>What <see cref="ProbeHub.OnDisconnectedAsync"/> saw: the current session id (0 when none).</summary>
public sealed class HubProbe
{
    private readonly TaskCompletionSource<ulong> _disconnected = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<ulong> Disconnected => _disconnected.Task;

    public void OnDisconnected(ulong currentId) => _disconnected.TrySetResult(currentId);
}
