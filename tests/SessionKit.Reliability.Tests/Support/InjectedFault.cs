namespace SessionKit.Reliability.Tests.Support;

/// <summary>The exception the tests' own triggers and transports throw on purpose, so it is never mistaken for a library failure.</summary>
public sealed class InjectedFault : Exception
{
    public InjectedFault()
        : base("injected fault")
    {
    }

    public InjectedFault(string message)
        : base(message)
    {
    }

    public InjectedFault(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>A test collection whose tests run alone (heap measurements must not see other tests' allocations).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "Serial (heap measurements)";
}
