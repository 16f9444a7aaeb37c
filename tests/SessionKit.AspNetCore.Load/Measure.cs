namespace SessionKit.AspNetCore.Load;

/// <summary>One measure: operations per second (wall clock) and the server's CPU time per operation.</summary>
internal sealed record Measure(double Rate, double CpuMicrosPerOp);
