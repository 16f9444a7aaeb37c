using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SessionKit.Samples.TarantoolServer.Hosting;
using SessionKit.Samples.TarantoolServer.Requests;

namespace SessionKit.Samples.TarantoolServer;

/// <summary>Builds the server. Program.cs runs it; the tests start it in-process on port 0.</summary>
public static class TarantoolServerApp
{
    /// <summary>Tarantool's own default port.</summary>
    public const int DefaultPort = 3301;

    /// <summary>Builds the application.</summary>
    /// <param name="args">Command-line arguments: <c>--port 3301</c> (0 for a free port), or any configuration key (<c>--Tarantool:Users:carol=secret</c>).</param>
    /// <returns>The application; <see cref="StartAsync"/> starts it and returns the bound port.</returns>
    public static WebApplication Build(string[] args)
    {
        // 1. A slim web host (Kestrel without HTTP middleware), configuration from appsettings.json beside the binary.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddCommandLine(args, new Dictionary<string, string> { ["--port"] = "Tarantool:Port" });
        var options = new TarantoolServerOptions { Port = ReadPort(builder.Configuration) };

        // 2. The users (as the chat sample: alice/alice, bob/bob) in the embedded directory, which also keeps each
        //    password's chap-sha1 credential; ChapSha1Directory lets AUTH check a scramble through AuthenticateAsync.
        var users = new InMemoryUserDirectory();
        foreach (var user in builder.Configuration.GetSection("Tarantool:Users").GetChildren())
        {
            users.AddUser(user.Key, user.Value ?? string.Empty);
        }

        // 3. SessionKit with triggers that record what they see (trigger_events() returns it), and the chat sample's
        //    Su policy: admin may switch to anyone, anyone may drop to guest.
        var log = new TriggerLog();
        builder.Services.AddSingleton(log);
        builder.Services.AddSingleton(users);
        builder.Services.AddSingleton(new ChapSha1Directory(users));
        builder.Services.AddSessions()
            .UseUserDirectory<ChapSha1Directory>()
            .OnConnect(c => Record(() => log.Connected(c.Session.Manager)))
            .OnAuth(c => Record(() => log.Authenticated(c.Session.Manager, c.UserName, c.Succeeded)))
            .OnDisconnect(c => Record(() => log.Disconnected(c.Session.Manager)))
            .ConfigureSu(request => SwitchUserRequest.AdminOnly(request) || request.TargetName == SessionUser.Guest.Name);

        // 4. The iproto side: Kestrel's connection handler on 127.0.0.1.
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<ServerActivity>();
        builder.Services.AddSingleton<CallTable>();
        builder.Services.AddSingleton<RequestDispatcher>();
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, options.Port, listen => listen.UseConnectionHandler<IprotoConnectionHandler>()));
        return builder.Build();
    }

    /// <summary>Starts <paramref name="app"/> and returns the port it listens on.</summary>
    /// <param name="app">An application from <see cref="Build"/>.</param>
    /// <returns>The bound port (the free one chosen for port 0).</returns>
    public static async Task<int> StartAsync(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        await app.StartAsync().ConfigureAwait(false);
        var addresses = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses;
        return new Uri(addresses.First()).Port;
    }

    private static ValueTask Record(Action record)
    {
        record();
        return ValueTask.CompletedTask;
    }

    private static int ReadPort(IConfiguration configuration)
    {
        var text = configuration["Tarantool:Port"];
        if (string.IsNullOrWhiteSpace(text))
        {
            return DefaultPort;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            throw new InvalidOperationException($"Tarantool:Port (--port) must be a number from 0 to 65535; it is '{text}'.");
        }

        return port;
    }
}
