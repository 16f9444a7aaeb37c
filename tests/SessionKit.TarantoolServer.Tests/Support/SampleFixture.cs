namespace SessionKit.TarantoolServer.Tests.Support;

/// <summary>One sample server shared by the tests of a class (xUnit runs them one at a time).</summary>
public sealed class SampleFixture : IAsyncLifetime
{
    private SampleServer? _server;

    internal SampleServer Server => _server ?? throw new InvalidOperationException("Not started.");

    public async ValueTask InitializeAsync() => _server = await SampleServer.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
