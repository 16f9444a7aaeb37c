using Microsoft.AspNetCore.Authentication.Cookies;
using SessionKit;
using SessionKit.AspNetCore;
using SessionKit.Samples.WebChat;

// 1. Sign-in: a cookie; an unauthenticated API call gets 401 rather than a redirect (the page shows its login form).
var builder = WebApplication.CreateBuilder(args);
builder.Services.Configure<ChatOptions>(builder.Configuration.GetSection("Chat"));
var chat = builder.Configuration.GetSection("Chat").Get<ChatOptions>() ?? new ChatOptions();
builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(o =>
{
    o.Events.OnRedirectToLogin = context =>
    {
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        return Task.CompletedTask;
    };
    o.Events.OnRedirectToAccessDenied = context =>
    {
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        return Task.CompletedTask;
    };
});
builder.Services.AddAuthorizationBuilder().AddPolicy("admin", p => p.RequireRole("admin"));

// 2. Sessions: the signed-in user is the session user; a per-user limit refuses the next tab; a resource (a named
// tab) bound twice kicks the older one.
builder.Services.AddSessions(o =>
    {
        o.MaxSessionsPerUser = _ => chat.MaxSessionsPerUser;
        o.SessionLimitPolicy = SessionLimitPolicy.RejectNew;
        o.ResourceConflictPolicy = ResourceConflictPolicy.KickOld;
    })
    .AddAspNetCore()
    .OnDisconnect<PresenceTrigger>();
builder.Services.AddSingleton<Presence>();

// 3. SignalR (its hub methods run inside the caller's session) and the health check.
builder.Services.AddSignalR();
builder.Services.AddHealthChecks().AddSessionKitHealthCheck(o => o.DegradedSessionCount = 10_000);

var app = builder.Build();
app.UseDefaultFiles();
app.UseStaticFiles();
app.UseAuthentication();
app.UseAuthorization();
app.UseWebSockets();

// 4. The endpoints: sign-in, the session list and kicks, the chat socket, the hub, /health.
app.MapChatApi();
app.MapSessionWebSocket("/ws/chat", ChatSocket.ServeAsync).RequireAuthorization();
app.MapHub<ChatHub>("/hubs/chat").RequireAuthorization();
app.MapHealthChecks("/health");
app.Run();

/// <summary>The sample's entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
