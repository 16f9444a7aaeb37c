using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace SessionKit.AspNetCore.Tests.WebSockets;

/// <summary>
/// <c>MapSessionWebSocket</c> without <c>AddSessions().AddAspNetCore()</c> fails where the mistake is, at mapping, with
/// a message that says what to call, instead of every request failing later with "no service for type
/// SessionKit.AspNetCore.Internal.HttpSessions" (a type the user cannot know).
/// </summary>
public sealed class MissingRegistrationTests
{
    [Fact]
    public async Task MappingWithoutAddAspNetCore_ThrowsAtOnce_NamingTheMissingCall()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Services.AddSessions();
        await using var app = builder.Build();

        var map = () => app.MapSessionWebSocket("/ws", _ => Task.CompletedTask);

        map.Should().Throw<InvalidOperationException>().Which.Message.Should().Contain("AddAspNetCore()");
    }
}
