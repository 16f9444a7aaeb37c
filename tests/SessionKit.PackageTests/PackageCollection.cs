namespace SessionKit.PackageTests;

/// <summary>
/// Every test class of this project reads the same two packs: packing is the slow part, so it happens once per run
/// instead of once per class.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PackageCollection : ICollectionFixture<PackageFixture>
{
    public const string Name = "package";
}
