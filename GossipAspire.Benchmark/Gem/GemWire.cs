using System.Buffers;
using System.Text.Json;

namespace GossipAspire.Benchmark.Gem;

/// <summary>A message as the stand-in gem keeps it: the four keys it knows, the payload exactly as it came.</summary>
public sealed record GemMessage(string Uuid, string ClientId, long Ttl, long Version, string Book, byte[] Payload);

/// <summary>
/// The gem's envelope, read and written the way the gem does. The gem turns the envelope and each message into Ruby
/// keyword arguments, so a key it does not know (or one it needs and does not get) raises, and it answers 500; so
/// does a body that is not JSON, or a value it cannot use (a ttl that is not a number, a payload without a whole
/// version or a book). The payload is passed on exactly as it came, unknown keys and all.
/// </summary>
public static class GemWire
{
    public static readonly IReadOnlySet<string> EnvelopeKeys = new HashSet<string>(["client_id", "messages"], StringComparer.Ordinal);
    public static readonly IReadOnlySet<string> MessageKeys = new HashSet<string>(["uuid", "client_id", "ttl", "payload"], StringComparer.Ordinal);

    /// <summary>False, with what the gem would have raised, for a body the gem answers with 500.</summary>
    public static bool TryRead(ReadOnlySpan<byte> body, out string sender, out List<GemMessage> messages, out string? error)
    {
        sender = string.Empty;
        messages = [];
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.ToArray());
        }
        catch (JsonException exception)
        {
            error = $"JSON::ParserError: {exception.Message}";
            return false;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = "TypeError: the body is not a hash";
                return false;
            }

            if (!HasExactKeys(root, EnvelopeKeys, "envelope", out error))
            {
                return false;
            }

            var senderElement = root.GetProperty("client_id");
            var messagesElement = root.GetProperty("messages");
            if (senderElement.ValueKind != JsonValueKind.String || messagesElement.ValueKind != JsonValueKind.Array)
            {
                error = "NoMethodError: client_id must be a string and messages an array";
                return false;
            }

            foreach (var element in messagesElement.EnumerateArray())
            {
                if (!TryReadMessage(element, out var message, out error))
                {
                    return false;
                }

                messages.Add(message!);
            }

            sender = senderElement.GetString()!;
            error = null;
            return true;
        }
    }

    /// <summary>The gem's envelope: its id and its messages, each with its four keys and its payload as it came.</summary>
    public static byte[] Write(string sender, IEnumerable<GemMessage> messages)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("client_id", sender);
            writer.WriteStartArray("messages");
            foreach (var message in messages)
            {
                writer.WriteStartObject();
                writer.WriteString("uuid", message.Uuid);
                writer.WriteString("client_id", message.ClientId);
                writer.WriteNumber("ttl", message.Ttl);
                writer.WritePropertyName("payload");
                writer.WriteRawValue(message.Payload, skipInputValidation: true);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The payload of the gem's own picks: the version and the book, nothing else.</summary>
    public static byte[] Payload(long version, string book)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("version", version);
            writer.WriteString("book", book);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>True when <paramref name="answer"/> is exactly the gem's <c>{"status":"OK"}</c> (whitespace aside).</summary>
    public static bool IsOk(ReadOnlySpan<byte> answer)
    {
        try
        {
            using var document = JsonDocument.Parse(answer.ToArray());
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object
                && root.EnumerateObject().Count() == 1
                && root.TryGetProperty("status", out var status)
                && status.ValueKind == JsonValueKind.String
                && status.GetString() == "OK";
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool TryReadMessage(JsonElement element, out GemMessage? message, out string? error)
    {
        message = null;
        if (element.ValueKind != JsonValueKind.Object)
        {
            error = "TypeError: a message is not a hash";
            return false;
        }

        if (!HasExactKeys(element, MessageKeys, "message", out error))
        {
            return false;
        }

        var uuid = element.GetProperty("uuid");
        var origin = element.GetProperty("client_id");
        var ttl = element.GetProperty("ttl");
        var payload = element.GetProperty("payload");
        if (uuid.ValueKind != JsonValueKind.String || origin.ValueKind != JsonValueKind.String
            || ttl.ValueKind != JsonValueKind.Number || !ttl.TryGetInt64(out var ttlValue)
            || payload.ValueKind != JsonValueKind.Object
            || !payload.TryGetProperty("version", out var version) || version.ValueKind != JsonValueKind.Number || !version.TryGetInt64(out var versionValue)
            || !payload.TryGetProperty("book", out var book) || book.ValueKind != JsonValueKind.String)
        {
            error = "NoMethodError: a message needs a string uuid and client_id, a whole ttl, and a payload with a whole version and a book";
            return false;
        }

        message = new GemMessage(uuid.GetString()!, origin.GetString()!, ttlValue, versionValue, book.GetString()!, System.Text.Encoding.UTF8.GetBytes(payload.GetRawText()));
        error = null;
        return true;
    }

    private static bool HasExactKeys(JsonElement element, IReadOnlySet<string> keys, string what, out string? error)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            if (!keys.Contains(property.Name))
            {
                error = $"ArgumentError: unknown keyword: :{property.Name} (in the {what})";
                return false;
            }

            seen.Add(property.Name);
        }

        var missing = keys.Where(k => !seen.Contains(k)).ToList();
        if (missing.Count > 0)
        {
            error = $"ArgumentError: missing keyword: :{string.Join(", :", missing)} (in the {what})";
            return false;
        }

        error = null;
        return true;
    }
}
