namespace SessionKit.Redis.TestNode;

/// <summary>Stdout, one line at a time: <c>= id result</c> answers, <c>! text</c> events.</summary>
internal sealed class NodeOutput
{
    private readonly Lock _lock = new();

    public void Answer(string id, string result) => Write($"= {id} {result}");

    public void Event(string text) => Write($"! {text}");

    private void Write(string line)
    {
        lock (_lock)
        {
            Console.Out.WriteLine(line);
            Console.Out.Flush();
        }
    }
}
