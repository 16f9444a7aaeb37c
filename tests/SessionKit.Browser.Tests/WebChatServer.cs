using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SessionKit.Browser.Tests;

/// <summary>
/// The WebChat sample on real Kestrel (a free loopback port) through <see cref="WebApplicationFactory{TEntryPoint}"/>,
/// with probes the tests synchronize on: every <c>on_connect</c> and <c>on_disconnect</c>, and the end of every chat
/// socket's request (after the endpoint disconnected the session, so it is destroyed by then).
/// </summary>
internal sealed class WebChatServer : WebApplicationFactory<Program>
{
    public static readonly TimeSpan Watchdog = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<ulong, Session> _connected = new();
    private readonly ConcurrentDictionary<ulong, SessionCloseReason?> _disconnected = new();
    private readonly Counter _connects = new();
    private readonly Counter _socketsEnded = new();

    public WebChatServer()
    {
        UseKestrel(0);
        StartServer();
        Address = new Uri(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    public Uri Address { get; }

    public SessionManager Sessions => Services.GetRequiredService<SessionManager>();

    public Session SessionOf(ulong id) => _connected[id];

    public SessionCloseReason? ReasonOf(ulong id) => _disconnected.TryGetValue(id, out var reason) ? reason : null;

    public bool Disconnected(ulong id) => _disconnected.ContainsKey(id);

    /// <summary>Completes when <paramref name="count"/> sessions have connected since start.</summary>
    public Task Connects(int count) => _connects.Reached(count);

    /// <summary>Completes when <paramref name="count"/> chat socket requests have ended since start.</summary>
    public Task SocketsEnded(int count) => _socketsEnded.Reached(count);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("Urls", "http://127.0.0.1:0");
        builder.ConfigureLogging(l => l.ClearProviders());
        builder.ConfigureServices(services =>
        {
            services.AddSessions()
                .OnConnect(context =>
                {
                    _connected[context.Session.Id] = context.Session;
                    _connects.Increment();
                    return ValueTask.CompletedTask;
                })
                .OnDisconnect(context =>
                {
                    _disconnected[context.Session.Id] = context.Reason;
                    return ValueTask.CompletedTask;
                });
            services.AddSingleton<IStartupFilter>(new SocketEndProbe(_socketsEnded));
        });
    }

    /// <summary>Counts the chat socket requests that have ended, outermost in the pipeline.</summary>
    private sealed class SocketEndProbe(Counter ended) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (HttpContext context, RequestDelegate inner) =>
            {
                try
                {
                    await inner(context);
                }
                finally
                {
                    if (context.Request.Path == "/ws/chat")
                    {
                        ended.Increment();
                    }
                }
            });
            next(app);
        };
    }

    /// <summary>A count that tests await reaching a value, with no polling.</summary>
    private sealed class Counter
    {
        private readonly List<(int Count, TaskCompletionSource Done)> _waits = [];
        private int _value;

        public void Increment()
        {
            lock (_waits)
            {
                _value++;
                foreach (var wait in _waits.Where(w => w.Count <= _value).ToArray())
                {
                    wait.Done.TrySetResult();
                    _waits.Remove(wait);
                }
            }
        }

        public Task Reached(int count)
        {
            lock (_waits)
            {
                if (_value >= count)
                {
                    return Task.CompletedTask;
                }

                var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waits.Add((count, done));
                return done.Task.WaitAsync(Watchdog);
            }
        }
    }
}
