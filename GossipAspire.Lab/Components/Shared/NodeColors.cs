namespace GossipAspire.Lab.Components.Shared;

/// <summary>A stable colour per node name, so one node reads the same on every page.</summary>
public static class NodeColors
{
    private static readonly string[] s_palette =
    [
        "#0f6cbd", "#c239b3", "#0e700e", "#da3b01", "#5c2e91", "#038387", "#8e562e", "#b4009e", "#498205", "#ca5010",
        "#4f6bed", "#e3008c", "#00827f", "#986f0b", "#750b1c",
    ];

    public static string For(string name)
    {
        var hash = 17;
        foreach (var c in name)
        {
            hash = unchecked(hash * 31 + c);
        }

        return s_palette[(int)((uint)hash % (uint)s_palette.Length)];
    }
}
