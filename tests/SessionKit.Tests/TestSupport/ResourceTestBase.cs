using Microsoft.Extensions.Logging.Testing;
using SessionKit.Tests.TestSupport;

namespace SessionKit.Tests.TestSupport;

/// <summary>A manager with a fast directory (alice, bob, carol; password "secret") and helpers to connect authenticated sessions.</summary>
public abstract class ResourceTestBase : IAsyncDisposable
{
    protected ResourceTestBase(SessionManagerOptions? options = null)
    {
        Users = new FastUserDirectory();
        Users.Add("alice");
        Users.Add("bob");
        Users.Add("carol");
        Logs = new FakeLoggerProvider();
        Manager = new SessionManager(options, Users, Logs.CreateFactory());
    }

    protected FastUserDirectory Users { get; }

    protected FakeLoggerProvider Logs { get; }

    protected SessionManager Manager { get; }

    public async ValueTask DisposeAsync()
    {
        await Manager.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    protected async Task<(Session Session, RecordingConnection Connection)> ConnectAsync(string? user = null, string? host = null)
    {
        var connection = new RecordingConnection();
        var session = await Manager.ConnectAsync(new ConnectOptions { Connection = connection, Host = host });
        if (user is not null)
        {
            await Manager.AuthenticateAsync(session, user, "secret");
        }

        return (session, connection);
    }

    protected async Task<Session> ConnectBoundAsync(string user, string resource, string? host = null)
    {
        var (session, _) = await ConnectAsync(user, host);
        await Manager.Users.BindResourceAsync(session, resource);
        return session;
    }
}
