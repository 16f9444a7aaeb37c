namespace SessionKit.Conformance.Tests.Tarantool;

/// <summary>
/// One Tarantool server shared by the tests of a class (xUnit runs them one at a time). Every scenario clears the
/// server's triggers before and after it runs; a scenario that fails half-way may leave triggers behind, so the next
/// scenario then gets a fresh server.
/// </summary>
public sealed class TarantoolFixture : IAsyncLifetime
{
    private TarantoolServer? _server;
    private bool _dirty;

    /// <summary>Gets the running server's log file contents.</summary>
    internal string ServerLog => _server?.ReadLog() ?? string.Empty;

    public async ValueTask InitializeAsync() => _server = await TarantoolServer.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>Runs a scenario (see client.lua) on the shared server.</summary>
    internal async Task<TarantoolRun> RunAsync(string scenarioLua)
    {
        if (_server is null || _dirty)
        {
            if (_server is not null)
            {
                await _server.DisposeAsync();
            }

            _server = null;
            _server = await TarantoolServer.StartAsync();
            _dirty = false;
        }

        try
        {
            return await _server.RunScenarioAsync(scenarioLua);
        }
        catch
        {
            _dirty = true;
            throw;
        }
    }

    /// <summary>Marks the server as unusable for later scenarios (a scenario that breaks it on purpose calls this).</summary>
    internal void Discard() => _dirty = true;
}
