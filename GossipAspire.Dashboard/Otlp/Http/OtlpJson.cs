using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;

namespace GossipAspire.Dashboard.Otlp.Http;

/// <summary>
/// OTLP/JSON is proto3 JSON with one twist: trace and span ids are hex strings, not base64 (the OTLP
/// specification says so explicitly). Everything else (lowerCamelCase keys, enums as names or numbers, 64-bit
/// integers as strings or numbers) Google.Protobuf's <see cref="JsonParser"/> already accepts, so the ids are
/// rewritten to base64 first and the parser does the rest. Unknown fields are ignored, as the spec asks.
/// </summary>
public static class OtlpJson
{
    private static readonly JsonParser s_parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));
    private static readonly JsonFormatter s_formatter = new(JsonFormatter.Settings.Default);
    private static readonly HashSet<string> s_idFields = ["traceId", "spanId", "parentSpanId"];

    /// <exception cref="FormatException">The body is not valid OTLP/JSON; the message says where.</exception>
    public static T Parse<T>(ReadOnlySpan<byte> utf8Json) where T : IMessage<T>, new()
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(utf8Json, documentOptions: new JsonDocumentOptions { MaxDepth = 128 });
        }
        catch (JsonException ex)
        {
            throw new FormatException($"The body is not JSON: {ex.Message}", ex);
        }

        if (root is not JsonObject)
        {
            throw new FormatException("The body must be a JSON object.");
        }

        RewriteIds(root, "$");
        try
        {
            return s_parser.Parse<T>(root.ToJsonString());
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new FormatException(ex.Message, ex);
        }
        catch (InvalidJsonException ex)
        {
            throw new FormatException(ex.Message, ex);
        }
    }

    public static string Format(IMessage message) => s_formatter.Format(message);

    private static void RewriteIds(JsonNode node, string path)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj.ToList())
                {
                    if (value is null)
                    {
                        continue;
                    }

                    if (s_idFields.Contains(key) && value.GetValueKind() == JsonValueKind.String)
                    {
                        obj[key] = HexToBase64(value.GetValue<string>(), $"{path}.{key}");
                    }
                    else
                    {
                        RewriteIds(value, $"{path}.{key}");
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is { } item)
                    {
                        RewriteIds(item, $"{path}[{i}]");
                    }
                }

                break;
        }
    }

    private static string HexToBase64(string hex, string path)
    {
        if (hex.Length == 0)
        {
            return "";
        }

        try
        {
            return Convert.ToBase64String(Convert.FromHexString(hex));
        }
        catch (FormatException)
        {
            throw new FormatException($"{path} must be a hex string (OTLP/JSON ids are hex, not base64); got '{Shorten(hex)}'.");
        }
    }

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "...";
}
