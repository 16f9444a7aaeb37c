using SessionKit.Tests.TestSupport;

namespace SessionKit.Reliability.Tests;

/// <summary>
/// design.md "Security rules", docs/su.md "Security": work started without the caller's ExecutionContext carries no
/// session and runs as the background user: admin by default (as Tarantool's background fibers), guest when the host
/// hardens it with <c>BackgroundUser = "guest"</c>. Each of the three ways to lose the context, under both settings.
/// </summary>
public sealed class LostExecutionContextTests
{
    public static TheoryData<string, string> Cases => new()
    {
        { "SuppressFlow", "admin" },
        { "UnsafeQueueUserWorkItem", "admin" },
        { "UnsafeStart", "admin" },
        { "SuppressFlow", "guest" },
        { "UnsafeQueueUserWorkItem", "guest" },
        { "UnsafeStart", "guest" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task WorkStartedWithoutTheExecutionContext_RunsAsTheBackgroundUser_WithoutTheRequestsSession(string api, string background)
    {
        var users = new FastUserDirectory();
        users.Add("alice");
        await using var m = new SessionManager(new SessionManagerOptions { BackgroundUser = background }, users);
        var session = await m.ConnectAsync(new ConnectOptions { User = "alice" });
        var done = new TaskCompletionSource<(Session? Current, ulong Id, string User, string EffectiveUser, bool SuToAdmin)>(TaskCreationOptions.RunContinuationsAsynchronously);

        void Work()
        {
            bool suToAdmin;
            try
            {
                m.Su("admin", () => { });
                suToAdmin = true;
            }
            catch (AccessDeniedException)
            {
                suToAdmin = false;
            }

            done.TrySetResult((m.Current, m.Id, m.User, m.EffectiveUser, suToAdmin));
        }

        using (m.Enter(session, 3))
        {
            m.EffectiveUser.Should().Be("alice");
            Start(api, Work);
        }

        var seen = await done.Task.WaitAsync(TimeSpan.FromMinutes(1));

        seen.Current.Should().BeNull("the work carries no session");
        seen.Id.Should().Be(0UL);
        seen.User.Should().Be(background);
        seen.EffectiveUser.Should().Be(background);
        seen.SuToAdmin.Should().Be(background == "admin", "only an admin background user may switch by default");
    }

    private static void Start(string api, Action work)
    {
        switch (api)
        {
            case "SuppressFlow":
                using (ExecutionContext.SuppressFlow())
                {
                    _ = Task.Run(work);
                }

                break;
            case "UnsafeQueueUserWorkItem":
                ThreadPool.UnsafeQueueUserWorkItem(static w => w(), work, preferLocal: false);
                break;
            case "UnsafeStart":
                new Thread(() => work()) { IsBackground = true }.UnsafeStart();
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(api), api, "unknown API");
        }
    }
}
