using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SessionKit.AspNetCore.Tests.Sample;

/// <summary>
/// Issue 15: the WebChat sample through <see cref="WebApplicationFactory{TEntryPoint}"/> on real Kestrel
/// (<c>UseKestrel(0)</c>, <c>StartServer()</c>), with a cookie signed in by its own <c>/login</c> and the .NET SignalR client.
/// </summary>
public sealed class WebChatSampleTests : IAsyncDisposable
{
    private readonly Factory _factory = new();

    [Fact]
    public async Task ASignedInHubClient_IsASignalRSessionOfThatUser_AndHubMethodsSeeItsSync()
    {
        var cookies = await SignInAsync("carol");
        await using var hub = Hub(cookies);
        await hub.StartAsync().WaitAsync(KestrelApp.Watchdog);

        var first = (await hub.InvokeAsync<string>("Whoami").WaitAsync(KestrelApp.Watchdog)).Split(' ');
        var second = (await hub.InvokeAsync<string>("Whoami").WaitAsync(KestrelApp.Watchdog)).Split(' ');

        first[1].Should().Be("carol");
        first[2].Should().Be("signalr");
        (first[3], second[3]).Should().Be(("1", "2"));
        _factory.Services.GetRequiredService<SessionManager>().Users.SessionsOf("carol").Should().ContainSingle();
    }

    [Fact]
    public async Task ThePerUserLimitOfThree_RefusesTheFourthConnection()
    {
        var cookies = await SignInAsync("dave");
        var hubs = new List<HubConnection>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var hub = Hub(cookies);
                hubs.Add(hub);
                await hub.StartAsync().WaitAsync(KestrelApp.Watchdog);
            }

            var fourth = Hub(cookies);
            hubs.Add(fourth);
            var closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
            fourth.Closed += e =>
            {
                closed.TrySetResult(e);
                return Task.CompletedTask;
            };
            Exception? refusal;
            try
            {
                await fourth.StartAsync().WaitAsync(KestrelApp.Watchdog);
                refusal = await closed.Task.WaitAsync(KestrelApp.Watchdog);
            }
            catch (Microsoft.AspNetCore.SignalR.HubException ex)
            {
                refusal = ex;
            }

            refusal!.Message.Should().Contain(new SessionLimitExceededException("dave", 3).Message);
            _factory.Services.GetRequiredService<SessionManager>().Users.SessionsOf("dave").Should().HaveCount(3);
        }
        finally
        {
            foreach (var hub in hubs)
            {
                await hub.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Health_IsHealthy()
    {
        using var http = new HttpClient { BaseAddress = _factory.Address };

        var response = await http.GetAsync("/health");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Be("Healthy");
    }

    [Fact]
    public async Task TheSessionList_RequiresSignIn()
    {
        using var http = new HttpClient { BaseAddress = _factory.Address };

        var response = await http.GetAsync("/api/sessions");

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    public async ValueTask DisposeAsync() => await _factory.DisposeAsync();

    private async Task<CookieContainer> SignInAsync(string name)
    {
        var cookies = new CookieContainer();
        using var handler = new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false };
        using var http = new HttpClient(handler) { BaseAddress = _factory.Address };
        var response = await http.PostAsync("/login", new FormUrlEncodedContent([new("name", name)]));
        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        return cookies;
    }

    private HubConnection Hub(CookieContainer cookies) => new HubConnectionBuilder()
        .WithUrl(new Uri(_factory.Address, "/hubs/chat"), o =>
        {
            o.Transports = HttpTransportType.WebSockets;
            o.SkipNegotiation = true;
            o.Cookies = cookies;
        })
        .Build();

    private sealed class Factory : WebApplicationFactory<Program>
    {
        public Factory()
        {
            UseKestrel(0);
            StartServer();
            Address = new Uri(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        }

        public Uri Address { get; }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Production");
            builder.UseSetting("Urls", "http://127.0.0.1:0");
            builder.ConfigureLogging(l => l.ClearProviders());
        }
    }
}
