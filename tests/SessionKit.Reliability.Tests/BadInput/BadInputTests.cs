using SessionKit.Reliability.Tests.Support;
using SessionKit.Tests.TestSupport;

namespace SessionKit.Reliability.Tests.BadInput;

/// <summary>
/// Issue 7, part 5: the bad-input table (<see cref="BadInputCases"/>). Each case gets the exception type its docs
/// promise, naming the parameter, with a message of bounded size; and the registry, user index, resources, trigger lists,
/// users and storage are exactly as before (<see cref="BadInputFixture.Snapshot"/>).
/// </summary>
public sealed class BadInputTests(ITestOutputHelper output)
{
    public static TheoryData<string> Cases => new(BadInputCases.All.Keys);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task BadInput_GetsTheDocumentedOutcome_AndChangesNothing(string name)
    {
        var c = BadInputCases.All[name];
        await using var fx = await BadInputFixture.CreateAsync();
        var before = fx.Snapshot();

        object? returned = null;
        var thrown = await Record.ExceptionAsync(async () => returned = await c.Act(fx));

        if (c.Throws is null)
        {
            thrown.Should().BeNull();
            returned.Should().Be(c.Returns);
        }
        else
        {
            thrown.Should().BeOfType(c.Throws);
            if (c.Param is not null)
            {
                ((ArgumentException)thrown!).ParamName.Should().Be(c.Param);
            }

            if (c.Message is not null)
            {
                thrown!.Message.Should().Be(c.Message);
            }

            thrown!.Message.Length.Should().BeLessThan(1024, "a 64 KiB argument never becomes a 64 KiB message");
        }

        fx.Snapshot().Should().Be(before, "a refused call changes nothing");
        Current(fx).Should().BeNull("no ambient context outlives the call");
    }

    [Fact]
    public void TheTable_Covers_EveryPublicMethodOfTheCoreTypes_AndIsCounted()
    {
        var cases = BadInputCases.All.Values.ToArray();
        var members = cases.Select(c => XmlDocs.Resolve(c.Member)).Distinct().ToArray();
        var throwing = cases.Count(c => c.Throws is not null);

        // The public methods of the types the issue names, by documentation id (overloads and generic methods included).
        string[] required =
        [
            "M:SessionKit.SessionManager.#ctor(", "M:SessionKit.SessionManager.ConnectAsync(SessionKit.SessionType", "M:SessionKit.SessionManager.ConnectAsync(SessionKit.ConnectOptions",
            "M:SessionKit.SessionManager.DisconnectAsync(SessionKit.Session,SessionKit.SessionCloseReason", "M:SessionKit.SessionManager.Enter(", "M:SessionKit.SessionManager.AuthenticateAsync(",
            "M:SessionKit.SessionManager.ChangeUser(", "M:SessionKit.SessionManager.Su(System.String)", "M:SessionKit.SessionManager.Su(System.String,System.Action)",
            "M:SessionKit.SessionManager.Su``1(", "M:SessionKit.SessionManager.SuAsync(System.String,System.Func{System.Threading.Tasks.ValueTask}", "M:SessionKit.SessionManager.SuAsync``1(System.String,System.Func{System.Threading.Tasks.ValueTask{``0}}",
            "M:SessionKit.SessionManager.Exists(System.UInt64)", "M:SessionKit.SessionManager.TryGetSession(", "M:SessionKit.SessionManager.GetSession(",
            "M:SessionKit.SessionManager.GetSessions", "M:SessionKit.SessionManager.Peer(System.UInt64)", "P:SessionKit.SessionManager.Count", "P:SessionKit.SessionManager.Storage",
            "M:SessionKit.UserSessions.SessionsOf(", "M:SessionKit.UserSessions.IsOnline(", "M:SessionKit.UserSessions.StorageOf(",
            "M:SessionKit.UserSessions.FindResource(", "M:SessionKit.UserSessions.ResourcesOf(", "M:SessionKit.UserSessions.BindResourceAsync(",
            "M:SessionKit.UserSessions.SendToAllAsync(", "M:SessionKit.UserSessions.SendToAvailableAsync(", "M:SessionKit.UserSessions.SendToInterestedAsync(",
            "M:SessionKit.SessionAdministration.CloseUserSessionsAsync(", "M:SessionKit.SessionAdministration.KickAsync(", "M:SessionKit.SessionAdministration.KickUserAsync(",
            "M:SessionKit.SessionAdministration.KickAllAsync(", "M:SessionKit.SessionAdministration.ListSessions", "M:SessionKit.SessionManager.DisposeAsync",
            "M:SessionKit.Session.SendAsync(", "M:SessionKit.Session.CloseAsync(", "P:SessionKit.Session.Priority", "M:SessionKit.SessionScope.Dispose",
            "M:SessionKit.SessionStorage.Get``1(", "M:SessionKit.SessionStorage.TryGet``1(SessionKit.SessionKey", "M:SessionKit.SessionStorage.Set``1(",
            "M:SessionKit.SessionStorage.Remove``1(", "M:SessionKit.SessionStorage.Get(System.String)", "M:SessionKit.SessionStorage.TryGet``1(System.String",
            "M:SessionKit.SessionStorage.Set(System.String", "M:SessionKit.SessionStorage.Remove(System.String)",
            "M:SessionKit.TriggerList`1.Add(System.Func", "M:SessionKit.TriggerList`1.Add(System.String", "M:SessionKit.TriggerList`1.Replace(",
            "M:SessionKit.TriggerList`1.Remove(System.Func", "M:SessionKit.TriggerList`1.Remove(System.String)",
            "M:SessionKit.InMemoryUserDirectory.#ctor(", "M:SessionKit.InMemoryUserDirectory.AddUser(", "M:SessionKit.InMemoryUserDirectory.SetPassword(",
            "M:SessionKit.InMemoryUserDirectory.SetMayConnect(", "M:SessionKit.InMemoryUserDirectory.RemoveUser(", "M:SessionKit.InMemoryUserDirectory.TryFindUser(",
            "M:SessionKit.InMemoryUserDirectory.VerifyAsync(", "M:SessionKit.InMemoryUserDirectory.MayConnect(",
            "M:SessionKit.SessionType.#ctor(", "M:SessionKit.SessionType.TryCreate(", "M:SessionKit.SessionKey`1.#ctor(", "M:SessionKit.SessionCloseReason.#ctor(",
            "M:SessionKit.SessionUser.#ctor(",
        ];
        members.Should().Contain(required.Select(XmlDocs.Resolve));

        Figures.Report(output, "bad inputs", ("cases", cases.Length), ("expecting an exception", throwing), ("expecting a documented return", cases.Length - throwing), ("members covered", members.Length));
    }

    /// <summary>
    /// Where a case expects an exception, the member's own XML docs must list it (or a base type), and a parameter
    /// name it carries must be one of the member's documented parameters. Collected over the whole table and reported
    /// at once: these are documentation bugs, one line each.
    /// </summary>
    [Fact]
    public void EveryExceptionInTheTable_IsDocumentedOnItsMember_WithADocumentedParameterName()
    {
        var gaps = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var group in BadInputCases.All.Values.Where(c => c.Throws is not null).GroupBy(c => (Member: XmlDocs.Resolve(c.Member), c.Throws)))
        {
            var (member, type) = group.Key;
            if (!XmlDocs.Documents(member, type!))
            {
                gaps.Add($"{member}: throws {type!.Name} in {group.Count()} case(s) (e.g. {group.First().Name}) but documents only [{string.Join(", ", XmlDocs.ExceptionsOf(member).Order())}]");
            }
        }

        foreach (var c in BadInputCases.All.Values.Where(c => c.Throws is not null))
        {
            var member = XmlDocs.Resolve(c.Member);

            if (c.Param is not null && !XmlDocs.ParametersOf(member).Contains(c.Param))
            {
                gaps.Add($"{member}: names parameter '{c.Param}' which it does not document");
            }
        }

        output.WriteLine(string.Join(Environment.NewLine, gaps));
        gaps.Should().BeEmpty("the code and its XML docs must agree");
    }

    /// <summary>Two exceptions the table cannot reach with its default options: the per-user session limit.</summary>
    [Theory]
    [InlineData("ChangeUser")]
    [InlineData("ConnectAsync(ConnectOptions)")]
    public async Task AtTheSessionLimit_TheExceptionThrownIsDocumented(string call)
    {
        var users = new FastUserDirectory();
        users.Add("alice", "pw");
        await using var m = new SessionManager(new SessionManagerOptions { MaxSessionsPerUser = _ => 1 }, users);
        await m.ConnectAsync(new ConnectOptions { User = "alice" });
        var admin = await m.ConnectAsync(new ConnectOptions { User = "admin" });

        var thrown = call == "ChangeUser"
            ? await Record.ExceptionAsync(async () =>
            {
                await Task.Yield();
                using (m.Enter(admin))
                {
                    m.ChangeUser("alice");
                }
            })
            : await Record.ExceptionAsync(() => m.ConnectAsync(new ConnectOptions { User = "alice" }).AsTask());

        thrown.Should().BeOfType<SessionLimitExceededException>();
        var member = call == "ChangeUser" ? "M:SessionKit.SessionManager.ChangeUser(" : "M:SessionKit.SessionManager.ConnectAsync(SessionKit.ConnectOptions";
        XmlDocs.Documents(member, thrown!.GetType()).Should().BeTrue(
            $"{call} throws SessionLimitExceededException at the per-user limit, so its <exception> list must say so (it lists [{string.Join(", ", XmlDocs.ExceptionsOf(member).Order())}])");
    }

    private static Session? Current(BadInputFixture fx) => fx.M.Current;
}
