using System.IO.Compression;
using System.Xml.Linq;
using SessionKit.PackageTests.DocSnippets;
using static SessionKit.PackageTests.PackageFile;

namespace SessionKit.PackageTests;

/// <summary>
/// Issue 15: the SessionKit.AspNetCore package as a user meets it: its contents and dependencies, a Web SDK app that
/// restores it (and SessionKit) by PackageReference from folder feeds and runs a session WebSocket end to end, and
/// docs/aspnetcore.md's C# blocks compiled against both packages.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class AspNetCorePackageTests(PackageFixture fixture, AspNetCorePackageFixture aspNetCore, ITestOutputHelper output) : IClassFixture<AspNetCorePackageFixture>
{
    [Fact]
    public void Package_HoldsTheAssemblyAndDocs_DependsOnSessionKit_AndReferencesTheAspNetCoreFramework()
    {
        var path = aspNetCore.PackageFor(fixture.Version);
        File.Exists(path).Should().BeTrue(aspNetCore.PackOutput);
        using var package = ZipFile.OpenRead(path);
        var entries = package.Entries.Select(e => e.FullName).ToArray();
        entries.Should().Contain(["README.md", "lib/net10.0/SessionKit.AspNetCore.dll", "lib/net10.0/SessionKit.AspNetCore.xml"]);
        entries.Should().NotContain(e => e.EndsWith("SessionKit.dll", StringComparison.Ordinal) && !e.EndsWith("AspNetCore.dll", StringComparison.Ordinal), "the core comes as a dependency, not a copy");

        var metadata = XDocument.Parse(Read(package, "SessionKit.AspNetCore.nuspec")).Root!.Element(Nuspec + "metadata")!;
        metadata.Element(Nuspec + "id")!.Value.Should().Be(AspNetCorePackageFixture.PackageId);
        metadata.Element(Nuspec + "version")!.Value.Should().Be(fixture.Version);
        metadata.Element(Nuspec + "license")!.Value.Should().Be("MIT");
        var dependencies = metadata.Descendants(Nuspec + "dependency").Select(d => (Id: d.Attribute("id")!.Value, Version: d.Attribute("version")!.Value)).ToArray();
        dependencies.Should().Equal([("SessionKit", fixture.Version)], "the package depends on the core of the same version, and on nothing else");
        metadata.Descendants(Nuspec + "frameworkReference").Select(f => f.Attribute("name")!.Value).Should().Equal("Microsoft.AspNetCore.App");
    }

    [Fact]
    public async Task AWebApp_ReferencingThePackage_ServesASessionWebSocket_AndDeliversAKick()
    {
        var consumer = Consumer("aspnetcore-consumer");
        var (exitCode, text) = await consumer.RunAsync(ConsumerProgram, output.WriteLine);

        exitCode.Should().Be(0, text);
        text.Should().Contain("received: alice websocket").And.Contain("closed: 4003 policy-violation: Kicked by an administrator");
    }

    [Fact]
    public async Task EveryCSharpBlockOfTheAspNetCoreDocs_CompilesAgainstBothPackages()
    {
        var snippets = DocSnippetReader.Read(fixture.RepositoryRoot).Where(s => s.Package == AspNetCorePackageFixture.PackageId).ToArray();
        snippets.Should().HaveCountGreaterThanOrEqualTo(8, "docs/aspnetcore.md shows the three integrations");
        snippets.Select(s => s.Path).Distinct().Should().Equal("docs/aspnetcore.md");
        var files = SnippetProject.Render(snippets);

        var consumer = Consumer("aspnetcore-doc-snippets");
        var (exitCode, text) = await consumer.BuildAsync(files, output.WriteLine);

        var errors = text.Split('\n', StringSplitOptions.TrimEntries).Where(l => l.Contains(": error ", StringComparison.Ordinal)).Distinct().ToArray();
        errors.Should().BeEmpty("every C# block of docs/aspnetcore.md compiles ({0} blocks)", snippets.Length);
        exitCode.Should().Be(0, text);
    }

    private ConsumerApp Consumer(string name) => new(
        fixture,
        name,
        "Microsoft.NET.Sdk.Web",
        new Dictionary<string, string>
        {
            [AspNetCorePackageFixture.PackageId] = fixture.Version,
            ["Microsoft.Extensions.TimeProvider.Testing"] = "10.0.0",
        },
        noWarn: "CS0168;CS0219;CS8321;CS1998;CS0162;ASP0000",
        feeds: new Dictionary<string, string> { [aspNetCore.Feed] = AspNetCorePackageFixture.PackageId });

    private const string ConsumerProgram = """
        using System.Net;
        using System.Net.WebSockets;
        using System.Security.Claims;
        using System.Text;
        using SessionKit;
        using SessionKit.AspNetCore;

        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddSessions().AddAspNetCore();
        var app = builder.Build();
        app.Use((context, next) =>
        {
            context.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "alice")], "demo"));
            return next(context);
        });
        app.UseWebSockets();
        app.MapSessionWebSocket("/ws", async socket =>
        {
            await socket.Session.SendAsync($"{socket.Session.User.Name} {socket.Session.Type}");
            var buffer = new byte[64];
            while ((await socket.ReceiveAsync(buffer)).MessageType != WebSocketMessageType.Close)
            {
            }
        });
        await app.StartAsync();

        using var client = new ClientWebSocket();
        await client.ConnectAsync(new Uri(app.Urls.First().Replace("http", "ws") + "/ws"), CancellationToken.None);
        var received = new byte[256];
        var hello = await client.ReceiveAsync(received, CancellationToken.None);
        Console.WriteLine("received: " + Encoding.UTF8.GetString(received, 0, hello.Count));
        await app.Services.GetRequiredService<SessionManager>().Admin.KickUserAsync("alice");
        var close = await client.ReceiveAsync(received, CancellationToken.None);
        Console.WriteLine($"closed: {(int)close.CloseStatus!} {close.CloseStatusDescription}");
        await client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        await app.StopAsync();
        """;
}
