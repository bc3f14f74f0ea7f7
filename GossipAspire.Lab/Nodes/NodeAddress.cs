using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace GossipAspire.Lab.Nodes;

/// <summary>
/// Node URLs and ids (docs/PROTOCOL.md section 1): an id is a port, reached at http://127.0.0.1:port, or
/// host:port, reached at http://host:port. URLs are kept in one form (no trailing slash, localhost as
/// 127.0.0.1) so the same node named twice is watched once.
/// </summary>
public static class NodeAddress
{
    /// <summary>Reads an absolute http(s) URL with a host and nothing after the authority but an optional '/'.</summary>
    public static bool TryParseUrl(string? text, [NotNullWhen(true)] out string? url)
    {
        url = null;
        if (string.IsNullOrWhiteSpace(text)
            || !Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || uri.Host.Length == 0
            || uri.AbsolutePath != "/"
            || uri.Query.Length > 0
            || uri.Fragment.Length > 0
            || uri.UserInfo.Length > 0)
        {
            return false;
        }

        url = Normalize(uri);
        return true;
    }

    /// <summary>Where a peer id lives: "5001" is http://127.0.0.1:5001, "host:port" is http://host:port.</summary>
    public static string? FromPeerId(string id)
    {
        if (int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            return port is > 0 and < 65536 ? $"http://127.0.0.1:{port}" : null;
        }

        var colon = id.LastIndexOf(':');
        return colon > 0
            && int.TryParse(id.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port)
            && port is > 0 and < 65536
            && TryParseUrl($"http://{id}", out var url)
            ? url
            : null;
    }

    /// <summary>The id a node at this URL has by default: its port when the host is loopback, else host:port.</summary>
    public static string DefaultId(string url)
    {
        var uri = new Uri(url);
        return IsLoopback(uri.Host) ? uri.Port.ToString(CultureInfo.InvariantCulture) : $"{uri.Host}:{uri.Port}";
    }

    public static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || (System.Net.IPAddress.TryParse(host.Trim('[', ']'), out var address) && System.Net.IPAddress.IsLoopback(address));

    private static string Normalize(Uri uri)
    {
        var host = uri.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase) ? "127.0.0.1" : uri.Host.ToLowerInvariant();
        if (uri.HostNameType == UriHostNameType.IPv6 && !host.StartsWith('['))
        {
            host = $"[{host}]";
        }

        return $"{uri.Scheme}://{host}:{uri.Port.ToString(CultureInfo.InvariantCulture)}";
    }
}
