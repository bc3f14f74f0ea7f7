namespace GossipAspire.Lab.Monitoring;

/// <summary>
/// Orders names as a person counts: runs of digits by their value, so node-2 comes before node-10 (ordinal
/// order would give node-1, node-10, node-2). Everything else compares ordinally.
/// </summary>
public sealed class ResourceNameComparer : IComparer<string>
{
    public static ResourceNameComparer Instance { get; } = new();

    public int Compare(string? x, string? y)
    {
        if (x is null || y is null)
        {
            return x is null ? (y is null ? 0 : -1) : 1;
        }

        int i = 0, j = 0;
        while (i < x.Length && j < y.Length)
        {
            if (char.IsAsciiDigit(x[i]) && char.IsAsciiDigit(y[j]))
            {
                var xEnd = DigitsEnd(x, i);
                var yEnd = DigitsEnd(y, j);
                var xDigits = x.AsSpan(i, xEnd - i).TrimStart('0');
                var yDigits = y.AsSpan(j, yEnd - j).TrimStart('0');
                // Without leading zeros the longer run is the larger number; runs of one length compare digit by digit.
                var byValue = xDigits.Length != yDigits.Length ? xDigits.Length.CompareTo(yDigits.Length) : xDigits.SequenceCompareTo(yDigits);
                if (byValue != 0)
                {
                    return byValue;
                }

                i = xEnd;
                j = yEnd;
                continue;
            }

            if (x[i] != y[j])
            {
                return x[i].CompareTo(y[j]);
            }

            i++;
            j++;
        }

        var byRest = (x.Length - i).CompareTo(y.Length - j);
        // Names equal by value ("node-01", "node-1") still get one fixed order.
        return byRest != 0 ? byRest : string.CompareOrdinal(x, y);
    }

    private static int DigitsEnd(string text, int start)
    {
        var end = start;
        while (end < text.Length && char.IsAsciiDigit(text[end]))
        {
            end++;
        }

        return end;
    }
}
