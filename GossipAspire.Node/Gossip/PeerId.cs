using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace GossipAspire.Node;

/// <summary>
/// Node ids as the protocol has them: a port (<c>"5001"</c>, reached at 127.0.0.1) or <c>host:port</c>.
/// </summary>
public static class PeerId
{
    /// <summary>Accepts <c>"5001"</c> or <c>"host:5001"</c>; a loopback host is folded into the bare port.</summary>
    public static bool TryNormalize(string? value, [NotNullWhen(true)] out string? id)
    {
        id = null;
        if (string.IsNullOrWhiteSpace(value) || value.Length > 300)
        {
            return false;
        }

        value = value.Trim();
        if (IsPort(value))
        {
            id = int.Parse(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
            return true;
        }

        var colon = value.LastIndexOf(':');
        if (colon <= 0 || !IsPort(value[(colon + 1)..]))
        {
            return false;
        }

        var host = value[..colon];
        if (Uri.CheckHostName(host.Trim('[', ']')) == UriHostNameType.Unknown)
        {
            return false;
        }

        var port = int.Parse(value[(colon + 1)..], CultureInfo.InvariantCulture);
        id = IsLoopback(host) ? port.ToString(CultureInfo.InvariantCulture) : $"{host}:{port}";
        return true;
    }

    /// <summary>A seed may also be a URL (<c>http://localhost:5000</c>), as an Aspire endpoint reference gives it.</summary>
    public static bool TryFromSeed(string value, [NotNullWhen(true)] out string? id)
    {
        if (value.Contains("://", StringComparison.Ordinal))
        {
            id = null;
            return Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri)
                && uri.Scheme == Uri.UriSchemeHttp
                && uri.Port > 0
                && TryNormalize($"{uri.Host}:{uri.Port}", out id);
        }

        return TryNormalize(value, out id);
    }

    /// <summary>Where a peer is reached: a bare port is 127.0.0.1, so no lookup tries ::1 first.</summary>
    public static Uri BaseAddress(string id) =>
        new(id.Contains(':', StringComparison.Ordinal) ? $"http://{id}/" : $"http://127.0.0.1:{id}/");

    private static bool IsPort(string text) =>
        text.Length is > 0 and <= 5
        && text.All(char.IsAsciiDigit)
        && int.Parse(text, CultureInfo.InvariantCulture) is >= 1 and <= 65535;

    private static bool IsLoopback(string host) =>
        host is "localhost" or "127.0.0.1" or "[::1]" or "::1";
}
