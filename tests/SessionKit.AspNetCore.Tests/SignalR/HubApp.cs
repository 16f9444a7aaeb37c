using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace SessionKit.AspNetCore.Tests.SignalR;

/// <summary>A Kestrel app with <see cref="ProbeHub"/> at <c>/hub</c>, SignalR registered before SessionKit's integration (the user id provider must still be SessionKit's).</summary>
internal static class HubApp
{
    public static Task<KestrelApp> StartAsync(TriggerJournal journal, Action<SessionManagerOptions>? options = null, Action<ISessionsBuilder>? sessions = null) =>
        KestrelApp.StartAsync(
            builder =>
            {
                builder.Services.AddSignalR();
                builder.Services.AddSingleton<HubProbe>();
                var registered = builder.Services.AddSessions(o => options?.Invoke(o)).AddAspNetCore();
                journal.Register(registered);
                sessions?.Invoke(registered);
            },
            app => app.MapHub<ProbeHub>("/hub"));
}
