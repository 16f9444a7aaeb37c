using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SessionKit.Redis;

namespace SessionKit.Samples.ChatServer;

/// <summary>Builds the chat server's host. Program.cs runs it; the end-to-end tests start it in-process on port 0.</summary>
public static class ChatServerApp
{
    /// <summary>The port used when neither configuration nor the command line names one.</summary>
    public const int DefaultPort = 5555;

    /// <summary>Creates the host builder with everything registered.</summary>
    /// <param name="args">Command-line arguments: <c>--port 5555</c>, or any configuration key (<c>--Chat:Users:carol=secret</c>).</param>
    /// <returns>The builder; call <c>Build()</c> and run the host.</returns>
    public static HostApplicationBuilder CreateBuilder(string[] args)
    {
        // 1. A Generic Host whose content root is the app's folder, so appsettings.json is found whatever the
        //    current directory (dotnet run --project ... runs from the repository root).
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });

        // 2. "--port 6000" on the command line maps to Chat:Port (which appsettings.json sets to 5555).
        builder.Configuration.AddCommandLine(args, new Dictionary<string, string> { ["--port"] = "Chat:Port", ["--redis"] = "Chat:Redis", ["--node"] = "Chat:Node" });
        var port = ReadPort(builder.Configuration);

        // 3. SessionKit: the manager, users from configuration, triggers that log connects, auths and disconnects,
        //    and a Su policy that also lets anyone drop to guest (by default only admin may switch users).
        var sessions = builder.Services.AddSessions()
            .OnConnect<ConnectTrigger>()
            .OnAuth<AuthTrigger>()
            .OnDisconnect<DisconnectTrigger>()
            .ConfigureSu(request => SwitchUserRequest.AdminOnly(request) || request.TargetName == SessionUser.Guest.Name);
        foreach (var user in builder.Configuration.GetSection("Chat:Users").GetChildren())
        {
            sessions.AddUser(user.Key, user.Value ?? string.Empty);
        }

        // 3b. "--redis host:port [--node name]": one node of a cluster sharing a Redis session directory; `who` then lists
        //     every node's users (ClusterWho).
        if (builder.Configuration["Chat:Redis"] is { Length: > 0 } redis)
        {
            sessions.AddRedisDirectory(o =>
            {
                o.Configuration = redis;
                o.NodeName = builder.Configuration["Chat:Node"] ?? $"chat-{Environment.ProcessId}";
            });
        }

        // 4. The TCP server itself, as a hosted service that tests can also resolve to learn the bound port.
        builder.Services.AddSingleton(new ChatServerOptions { Port = port });
        builder.Services.AddSingleton<ChatCommands>();
        builder.Services.AddSingleton<TcpChatServer>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<TcpChatServer>());
        return builder;
    }

    private static int ReadPort(IConfiguration configuration)
    {
        var text = configuration["Chat:Port"];
        if (string.IsNullOrWhiteSpace(text))
        {
            return DefaultPort;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            throw new InvalidOperationException($"Chat:Port (--port) must be a number from 0 to 65535; it is '{text}'.");
        }

        return port;
    }
}
