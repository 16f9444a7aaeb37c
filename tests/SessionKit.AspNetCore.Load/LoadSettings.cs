using System.Globalization;

namespace SessionKit.AspNetCore.Load;

/// <summary>The sizes of one run; each is a bound, so the run always ends.</summary>
internal sealed record LoadSettings(int Rounds, int Connects, int ConnectWorkers, int EchoSockets, int EchoMessages, int MemorySockets)
{
    /// <summary>Reads <c>--rounds N --connects N --workers N --echo-sockets N --echo-messages N --memory-sockets N</c>.</summary>
    public static LoadSettings Parse(string[] args)
    {
        var values = new Dictionary<string, int>(StringComparer.Ordinal)
        {
            ["--rounds"] = 3,
            ["--connects"] = 2000,
            ["--workers"] = 8,
            ["--echo-sockets"] = 16,
            ["--echo-messages"] = 2000,
            ["--memory-sockets"] = 2000,
        };
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (!values.ContainsKey(args[i]))
            {
                throw new ArgumentException($"Unknown option {args[i]}; the options are {string.Join(", ", values.Keys)}.");
            }

            values[args[i]] = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
        }

        return new LoadSettings(values["--rounds"], values["--connects"], values["--workers"], values["--echo-sockets"], values["--echo-messages"], values["--memory-sockets"]);
    }
}
