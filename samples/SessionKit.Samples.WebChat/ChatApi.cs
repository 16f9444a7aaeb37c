using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace SessionKit.Samples.WebChat;

/// <summary>The page's HTTP API: sign-in and out, who am I, the session list, and the admin's kicks.</summary>
public static class ChatApi
{
    /// <summary>Maps <c>/login</c>, <c>/logout</c>, <c>/api/me</c>, <c>/api/sessions</c> and <c>/api/sessions/{id}/kick</c>.</summary>
    public static void MapChatApi(this WebApplication app)
    {
        // A demo sign-in: any name that is a valid SessionKit user name, no password.
        app.MapPost("/login", async (HttpContext context, IOptions<ChatOptions> options) =>
        {
            var form = await context.Request.ReadFormAsync();
            var name = form["name"].ToString().Trim();
            if (name.Length is 0 or > 32 || !name.All(char.IsAsciiLetterOrDigit) || name is "guest" or "admin")
            {
                return Results.BadRequest("Pick a name of 1 to 32 letters and digits.");
            }

            var claims = new List<Claim> { new(ClaimTypes.NameIdentifier, name), new(ClaimTypes.Name, name) };
            if (options.Value.Admins.Contains(name))
            {
                claims.Add(new Claim(ClaimTypes.Role, "admin"));
            }

            await context.SignInAsync(new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme)));
            return Results.Redirect("/");
        }).DisableAntiforgery();

        app.MapPost("/logout", async (HttpContext context) =>
        {
            await context.SignOutAsync();
            return Results.Redirect("/");
        });

        app.MapGet("/api/me", (ClaimsPrincipal user) => new { name = user.Identity!.Name, admin = user.IsInRole("admin") }).RequireAuthorization();

        app.MapGet("/api/sessions", (SessionManager sessions) => sessions.Admin.ListSessions()
            .Where(s => s.State == SessionState.Open)
            .Select(s => new { s.Id, s.User, type = s.Type.Name, s.Peer, s.Resource, s.ConnectedAt })).RequireAuthorization();

        app.MapPost("/api/sessions/{id}/kick", async (ulong id, SessionManager sessions) =>
            await sessions.Admin.KickAsync(id) ? Results.NoContent() : Results.NotFound()).RequireAuthorization("admin");
    }
}
