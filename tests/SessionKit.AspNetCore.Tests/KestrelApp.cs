using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SessionKit.AspNetCore.Tests;

/// <summary>
/// A real Kestrel app on a free loopback port, built by the test: <c>?user=NAME</c> signs the request in as NAME
/// (a name-identifier claim), standing in for a cookie or a bearer token.
/// </summary>
internal sealed class KestrelApp : IAsyncDisposable
{
    public static readonly TimeSpan Watchdog = TimeSpan.FromMinutes(1);

    private KestrelApp(WebApplication app, Uri address)
    {
        App = app;
        Address = address;
    }

    public WebApplication App { get; }

    public Uri Address { get; }

    public SessionManager Sessions => App.Services.GetRequiredService<SessionManager>();

    public static async Task<KestrelApp> StartAsync(Action<WebApplicationBuilder> configureServices, Action<WebApplication> configureApp, Action<ListenOptions>? listen = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0, l => listen?.Invoke(l)));
        configureServices(builder);
        var app = builder.Build();
        app.Use((context, next) =>
        {
            if (context.Request.Query["user"] is [{ Length: > 0 } user])
            {
                context.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, user)], "test"));
            }

            return next(context);
        });
        app.UseWebSockets();
        configureApp(app);
        await app.StartAsync().WaitAsync(Watchdog);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new KestrelApp(app, new Uri(address));
    }

    public Uri WebSocketUri(string pathAndQuery) => new(Address.ToString().Replace("http://", "ws://", StringComparison.Ordinal).TrimEnd('/') + pathAndQuery);

    public Uri HttpUri(string pathAndQuery) => new(Address.ToString().TrimEnd('/') + pathAndQuery);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await App.StopAsync().WaitAsync(Watchdog);
        }
        finally
        {
            await App.DisposeAsync();
        }
    }
}
