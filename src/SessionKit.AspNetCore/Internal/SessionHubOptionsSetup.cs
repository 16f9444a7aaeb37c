using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace SessionKit.AspNetCore.Internal;

/// <summary>Adds the session filter to every hub (a global filter), once.</summary>
internal sealed class SessionHubOptionsSetup : IConfigureOptions<HubOptions>
{
    public void Configure(HubOptions options) => options.AddFilter<SessionHubFilter>();
}
