using System.Text;

namespace SessionKit.Internal;

/// <summary>The name a trigger class is registered under: its namespace-qualified name, with generic arguments by short name.</summary>
internal static class TriggerTypeName
{
    public static string Of(Type type)
    {
        var builder = new StringBuilder();
        Append(builder, type, qualify: true);
        var name = builder.ToString();
        return name.Length <= Names.MaxLength ? name : Names.Shorten(name, Names.MaxLength).ToString();
    }

    private static void Append(StringBuilder builder, Type type, bool qualify)
    {
        if (qualify && type.DeclaringType is { } outer && !type.IsGenericParameter)
        {
            Append(builder, outer, qualify: true);
            builder.Append('+');
        }
        else if (qualify && !string.IsNullOrEmpty(type.Namespace))
        {
            builder.Append(type.Namespace).Append('.');
        }

        var name = type.Name;
        var tick = name.IndexOf('`', StringComparison.Ordinal);
        builder.Append(tick < 0 ? name : name[..tick]);
        if (type.IsGenericType && tick >= 0)
        {
            builder.Append('<');
            var arguments = type.GetGenericArguments();
            for (var i = 0; i < arguments.Length; i++)
            {
                if (i > 0)
                {
                    builder.Append(',');
                }

                Append(builder, arguments[i], qualify: false);
            }

            builder.Append('>');
        }
    }
}
