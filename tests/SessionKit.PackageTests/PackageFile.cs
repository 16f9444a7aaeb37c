using System.IO.Compression;
using System.Text;
using System.Xml.Linq;

namespace SessionKit.PackageTests;

/// <summary>Reads entries of a .nupkg or .snupkg.</summary>
internal static class PackageFile
{
    public static readonly XNamespace Nuspec = "http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd";

    public static string Read(ZipArchive archive, string name)
    {
        // A StreamReader drops the byte order mark the nuspec starts with.
        using var reader = new StreamReader(archive.GetEntry(name)!.Open(), Encoding.UTF8);
        return reader.ReadToEnd();
    }

    public static byte[] ReadBytes(ZipArchive archive, string name)
    {
        using var stream = archive.GetEntry(name)!.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>Gets the <c>metadata</c> element of the package's nuspec.</summary>
    public static XElement Metadata(string package)
    {
        using var archive = ZipFile.OpenRead(package);
        return XDocument.Parse(Read(archive, "SessionKit.nuspec")).Root!.Element(Nuspec + "metadata")!;
    }
}
