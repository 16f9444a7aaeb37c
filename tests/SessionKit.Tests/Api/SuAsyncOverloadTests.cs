namespace SessionKit.Tests.Api;

/// <summary>
/// Issue 14 point 7: <c>SuAsync</c> takes <see cref="Task"/> and <see cref="Task{TResult}"/> work. The declared types of
/// the results below are the compile-time check of which overload binds (a wrong binding would not compile, an
/// ambiguous one fails with CS0121).
/// </summary>
public sealed class SuAsyncOverloadTests : IAsyncDisposable
{
    private readonly SessionManager _manager = new();

    public ValueTask DisposeAsync() => _manager.DisposeAsync();

    [Fact]
    public async Task TaskLambda_BindsTheTaskOverload_AndRunsAsTheUser()
    {
        Task pending = _manager.SuAsync("guest", () => RecordAsync());

        await pending;

        _seen.Should().Be("guest");
        _manager.EffectiveUser.Should().Be("admin");
    }

    [Fact]
    public async Task TaskMethodGroup_BindsTheTaskOverload()
    {
        Task pending = _manager.SuAsync("guest", RecordAsync);

        await pending;

        _seen.Should().Be("guest");
    }

    [Fact]
    public async Task TaskOfTLambdaAndMethodGroup_BindTheTaskOfTOverload()
    {
        Task<string> fromLambda = _manager.SuAsync("guest", () => EffectiveUserAsync());
        Task<string> fromGroup = _manager.SuAsync("guest", EffectiveUserAsync);

        (await fromLambda).Should().Be("guest");
        (await fromGroup).Should().Be("guest");
        _manager.EffectiveUser.Should().Be("admin");
    }

    [Fact]
    public async Task AsyncLambdas_StillBindTheValueTaskOverloads_WithoutAmbiguity()
    {
        string? inside = null;
        ValueTask plain = _manager.SuAsync("guest", async () =>
        {
            await Task.Yield();
            inside = _manager.EffectiveUser;
        });
        ValueTask<string> withResult = _manager.SuAsync("guest", async () =>
        {
            await Task.Yield();
            return _manager.EffectiveUser;
        });

        await plain;
        (await withResult).Should().Be("guest");
        inside.Should().Be("guest");
    }

    [Fact]
    public async Task ValueTaskMethodGroup_BindsTheValueTaskOverload()
    {
        ValueTask<string> pending = _manager.SuAsync("guest", EffectiveUserValueAsync);

        (await pending).Should().Be("guest");
    }

    [Fact]
    public async Task TaskOverloads_RestoreTheUser_WhenTheWorkThrows_AndRefuseNull()
    {
        var boom = new InvalidOperationException("boom");
        Func<Task> failing = async () =>
        {
            await Task.Yield();
            throw boom;
        };

        var act = () => _manager.SuAsync("guest", failing);
        var nullWork = () => _manager.SuAsync("guest", (Func<Task>)null!);
        var nullWorkOfT = () => _manager.SuAsync("guest", (Func<Task<int>>)null!);

        (await act.Should().ThrowAsync<InvalidOperationException>()).Which.Should().BeSameAs(boom);
        _manager.EffectiveUser.Should().Be("admin");
        await nullWork.Should().ThrowAsync<ArgumentNullException>().WithParameterName("func");
        await nullWorkOfT.Should().ThrowAsync<ArgumentNullException>().WithParameterName("func");
    }

    [Fact]
    public async Task TaskOverload_RefusesAnUnknownUser()
    {
        var act = () => _manager.SuAsync("nobody", () => Task.CompletedTask);

        await act.Should().ThrowAsync<UserNotFoundException>();
    }

    private string? _seen;

    private async Task RecordAsync()
    {
        await Task.Yield();
        _seen = _manager.EffectiveUser;
    }

    private async Task<string> EffectiveUserAsync()
    {
        await Task.Yield();
        return _manager.EffectiveUser;
    }

    private async ValueTask<string> EffectiveUserValueAsync()
    {
        await Task.Yield();
        return _manager.EffectiveUser;
    }
}
