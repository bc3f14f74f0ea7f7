using System.Security.Cryptography;
using System.Text;
using GossipAspire.Dashboard.Configuration;
using Microsoft.Extensions.Options;

namespace GossipAspire.Dashboard.Otlp;

/// <summary>Checks <c>x-otlp-api-key</c> against the primary or secondary key when OTLP auth is ApiKey.</summary>
public sealed class OtlpApiKey(IOptions<DashboardOptions> options)
{
    private readonly OtlpOptions _options = options.Value.Otlp;

    public bool IsAuthorized(string? presentedKey)
    {
        if (_options.ParsedAuthMode != OtlpAuthMode.ApiKey)
        {
            return true;
        }

        return !string.IsNullOrEmpty(presentedKey)
            && (FixedTimeEquals(presentedKey, _options.PrimaryApiKey) || FixedTimeEquals(presentedKey, _options.SecondaryApiKey));
    }

    public static bool FixedTimeEquals(string presented, string? expected) =>
        !string.IsNullOrEmpty(expected)
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected));
}
