using System.Runtime.InteropServices;

namespace SessionKit.Redis.Tests.Fixtures;

/// <summary>POSIX signals to child processes: SIGSTOP and SIGCONT freeze and thaw a node; SIGKILL is kill -9.</summary>
internal static partial class Signals
{
    public const int Kill = 9;
    public const int Stop = 19;
    public const int Continue = 18;

    public static void Send(int pid, int signal)
    {
        if (SysKill(pid, signal) != 0)
        {
            throw new InvalidOperationException($"kill({pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SysKill(int pid, int signal);
}
