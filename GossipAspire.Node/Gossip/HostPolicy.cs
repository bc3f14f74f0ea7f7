using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace GossipAspire.Node.Gossip;

/// <summary>
/// Which hosts a peer id may name (<see cref="GossipOptions.AllowedHosts"/>): a node never learns, asks or answers
/// as a peer an id whose host is outside them, so no envelope can make it send requests elsewhere. Immutable.
/// </summary>
/// <remarks>
/// Entries, comma-separated: <c>loopback</c> (127.0.0.0/8, ::1, localhost, and every bare-port id, since those are
/// reached at 127.0.0.1), <c>*</c> (any host), an IP address, a CIDR range (<c>10.0.0.0/8</c>) or a host name
/// (matched exactly, ignoring case). Unset, it is <c>loopback</c> while the node listens on loopback only, else
/// <c>*</c>.
/// </remarks>
public sealed class HostPolicy
{
    public const string LoopbackEntry = "loopback";
    public const string AnyEntry = "*";

    private bool _any;
    private bool _loopback;
    private readonly HashSet<string> _names = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(byte[] Network, int Prefix)> _ranges = [];

    private HostPolicy(string description) => Description = description;

    public static HostPolicy Loopback { get; } = Parse(LoopbackEntry);

    public static HostPolicy Any { get; } = Parse(AnyEntry);

    /// <summary>The entries, as configured or defaulted, for messages.</summary>
    public string Description { get; }

    public override string ToString() => Description;

    /// <summary>The policy in force: <paramref name="configured"/>, or by default loopback while the node listens on loopback only.</summary>
    public static HostPolicy For(string? configured, bool listensOnLoopbackOnly) =>
        !string.IsNullOrWhiteSpace(configured) ? Parse(configured)
        : listensOnLoopbackOnly ? Loopback
        : Any;

    public static HostPolicy Parse(string text) =>
        TryParse(text, out var policy, out var error) ? policy : throw new FormatException(error);

    public static bool TryParse(string text, [NotNullWhen(true)] out HostPolicy? policy, [NotNullWhen(false)] out string? error)
    {
        var entries = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        policy = new HostPolicy(string.Join(",", entries));
        error = null;
        if (entries.Length == 0)
        {
            error = "Gossip:AllowedHosts lists no host.";
            policy = null;
            return false;
        }

        foreach (var entry in entries)
        {
            if (!policy.TryAdd(entry))
            {
                error = $"Gossip:AllowedHosts: '{entry}' is not {LoopbackEntry}, {AnyEntry}, an IP address, a CIDR range or a host name.";
                policy = null;
                return false;
            }
        }

        return true;
    }

    /// <summary>True when a peer with this (normalized) id may be learned, asked and answered.</summary>
    public bool Allows(string id)
    {
        if (_any)
        {
            return true;
        }

        var colon = id.LastIndexOf(':');
        if (colon < 0)
        {
            return _loopback; // a bare port is 127.0.0.1
        }

        var host = id[..colon].Trim('[', ']');
        if (IPAddress.TryParse(host, out var address))
        {
            return (_loopback && IPAddress.IsLoopback(address)) || _ranges.Any(r => InRange(address, r.Network, r.Prefix));
        }

        return (_loopback && host.Equals("localhost", StringComparison.OrdinalIgnoreCase)) || _names.Contains(host);
    }

    /// <summary>True when every URL the node listens on is on loopback (localhost, 127.0.0.0/8, [::1]).</summary>
    public static bool AreLoopbackUrls(IEnumerable<string> urls) => urls.All(url =>
    {
        var start = url.IndexOf("://", StringComparison.Ordinal);
        var host = start < 0 ? url : url[(start + 3)..];
        var end = host.StartsWith('[') ? host.IndexOf(']') + 1 : host.IndexOfAny([':', '/']);
        host = (end > 0 ? host[..end] : host).Trim('[', ']');
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
    });

    private bool TryAdd(string entry)
    {
        if (entry.Equals(LoopbackEntry, StringComparison.OrdinalIgnoreCase))
        {
            return _loopback = true;
        }

        if (entry == AnyEntry)
        {
            return _any = true;
        }

        var slash = entry.IndexOf('/');
        var addressText = (slash < 0 ? entry : entry[..slash]).Trim('[', ']');
        if (IPAddress.TryParse(addressText, out var address))
        {
            var bits = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
            var prefix = bits;
            if (slash >= 0 && (!int.TryParse(entry[(slash + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out prefix) || prefix > bits))
            {
                return false;
            }

            _ranges.Add((address.GetAddressBytes(), prefix));
            return true;
        }

        if (slash < 0 && Uri.CheckHostName(entry) == UriHostNameType.Dns)
        {
            _names.Add(entry);
            return true;
        }

        return false;
    }

    private static bool InRange(IPAddress address, byte[] network, int prefix)
    {
        var bytes = address.GetAddressBytes();
        if (bytes.Length != network.Length)
        {
            return false;
        }

        for (var bit = 0; bit < prefix; bit += 8)
        {
            var mask = prefix - bit >= 8 ? 0xff : (byte)(0xff << (8 - (prefix - bit)));
            if ((bytes[bit / 8] & mask) != (network[bit / 8] & mask))
            {
                return false;
            }
        }

        return true;
    }
}
