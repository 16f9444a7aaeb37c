using SessionKit.Internal;

namespace SessionKit.Benchmarks.Support;

/// <summary>Measures what one object costs on the managed heap, so that a floor can be checked to allocate what the library allocates.</summary>
internal static class AllocatedSize
{
    private const int Count = 64;

    /// <summary>Bytes allocated per call of <paramref name="allocate"/>, header included.</summary>
    public static long Of(Func<object> allocate)
    {
        // The objects are kept in an array allocated beforehand: an object that escapes cannot be stack-allocated by
        // the JIT, and the array itself is not counted.
        var keep = new object[Count];
        allocate();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Count; i++)
        {
            keep[i] = allocate();
        }

        var bytes = GC.GetAllocatedBytesForCurrentThread() - before;
        GC.KeepAlive(keep);
        return bytes / Count;
    }

    /// <summary>
    /// Fails the run unless <see cref="FloorAmbientValue"/> is as large as the value SessionKit allocates per
    /// <c>Enter</c> and <c>Su</c> (<see cref="AmbientContext"/>), so that a change on either side cannot quietly
    /// make the floor cheaper or dearer than what it stands for.
    /// </summary>
    public static long CheckFloorAmbientValueMatchesLibrary()
    {
        var library = Of(static () => new AmbientContext(null, 42, null, null, holdsRequest: true));
        var floor = Of(static () => new FloorAmbientValue(null, 42, null, null));
        if (library != floor)
        {
            throw new InvalidOperationException($"The floor's value is {floor} B but SessionKit's ambient value is {library} B; make FloorAmbientValue the same size.");
        }

        return floor;
    }
}
