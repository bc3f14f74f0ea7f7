using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Google.Protobuf;
using GossipAspire.Otlp.Common.V1;

namespace GossipAspire.Dashboard.Otlp.Model;

/// <summary>
/// Turns OTLP values into the typed values the dashboard stores: string, bool, long, double, byte[],
/// object?[] (arrays) and KeyValuePair&lt;string, object?&gt;[] (maps), null for an empty value. The attribute
/// limits are applied here, once, at ingest.
/// </summary>
public static class AttributeValues
{
    private static readonly object s_true = true;
    private static readonly object s_false = false;

    public static KeyValuePair<string, object?>[] Convert(Google.Protobuf.Collections.RepeatedField<KeyValue> attributes, int maxCount, int maxLength)
    {
        if (attributes.Count == 0)
        {
            return [];
        }

        var count = Math.Min(attributes.Count, maxCount);
        var result = new KeyValuePair<string, object?>[count];
        for (var i = 0; i < count; i++)
        {
            var attribute = attributes[i];
            result[i] = new(StringPool.Get(attribute.Key), Convert(attribute.Value, maxLength));
        }

        return result;
    }

    public static object? Convert(AnyValue? value, int maxLength) => value?.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => StringPool.Get(Truncate(value.StringValue, maxLength)),
        AnyValue.ValueOneofCase.BoolValue => value.BoolValue ? s_true : s_false,
        AnyValue.ValueOneofCase.IntValue => value.IntValue,
        AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue,
        AnyValue.ValueOneofCase.BytesValue => value.BytesValue.ToByteArray(),
        AnyValue.ValueOneofCase.ArrayValue => value.ArrayValue.Values.Select(v => Convert(v, maxLength)).ToArray(),
        AnyValue.ValueOneofCase.KvlistValue => value.KvlistValue.Values
            .Select(kv => new KeyValuePair<string, object?>(kv.Key, Convert(kv.Value, maxLength)))
            .ToArray(),
        _ => null,
    };

    public static string? GetString(KeyValuePair<string, object?>[] attributes, string key)
    {
        foreach (var attribute in attributes)
        {
            if (attribute.Key == key)
            {
                return attribute.Value as string ?? (attribute.Value is null ? null : ToDisplayString(attribute.Value));
            }
        }

        return null;
    }

    /// <summary>How a value reads on a page: strings as they are, arrays and maps JSON-like.</summary>
    public static string ToDisplayString(object? value)
    {
        switch (value)
        {
            case null:
                return "";
            case string s:
                return s;
            case bool b:
                return b ? "true" : "false";
            case long l:
                return l.ToString(CultureInfo.InvariantCulture);
            case double d:
                return d.ToString("R", CultureInfo.InvariantCulture);
            case byte[] bytes:
                return System.Convert.ToBase64String(bytes);
            default:
                return ToJson(value)?.ToJsonString() ?? "";
        }
    }

    /// <summary>The value as JSON, keeping its type: numbers stay numbers, bytes become base64 (as in OTLP/JSON).</summary>
    public static JsonNode? ToJson(object? value) => value switch
    {
        null => null,
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        long l => JsonValue.Create(l),
        double d when double.IsFinite(d) => JsonValue.Create(d),
        double d => JsonValue.Create(d.ToString(CultureInfo.InvariantCulture)),
        byte[] bytes => JsonValue.Create(System.Convert.ToBase64String(bytes)),
        object?[] array => new JsonArray([.. array.Select(ToJson)]),
        KeyValuePair<string, object?>[] map => ToJsonObject(map),
        _ => JsonValue.Create(value.ToString()),
    };

    public static JsonObject ToJsonObject(KeyValuePair<string, object?>[] attributes)
    {
        var result = new JsonObject();
        foreach (var attribute in attributes)
        {
            result[attribute.Key] = ToJson(attribute.Value);
        }

        return result;
    }

    /// <summary>A stable key for an attribute set (metric series are keyed by it).</summary>
    public static string Key(KeyValuePair<string, object?>[] attributes)
    {
        if (attributes.Length == 0)
        {
            return "";
        }

        var builder = new StringBuilder();
        foreach (var attribute in attributes.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            builder.Append(attribute.Key).Append('=').Append(ToDisplayString(attribute.Value)).Append('\u001f');
        }

        return builder.ToString();
    }

    public static string HexId(ByteString id) => id.IsEmpty ? "" : System.Convert.ToHexStringLower(id.Span);

    private static string Truncate(string value, int maxLength) => value.Length <= maxLength ? value : value[..maxLength];
}
