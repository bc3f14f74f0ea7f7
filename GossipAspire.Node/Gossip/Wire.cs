using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace GossipAspire.Node.Gossip;

/// <summary>
/// Reads and writes the gossip wire format (docs/PROTOCOL.md). Reading validates everything before anything is
/// returned, so a bad envelope is refused whole with a message that points at the offending value.
/// </summary>
public static class Wire
{
    public const string CoveredHeader = "X-Gossip-Covered";
    public const string WorldHashHeader = "X-Gossip-World";

    /// <summary>A request's MAC (docs/PROTOCOL.md, section 10): <c>key id:unix seconds:base64 HMAC-SHA256</c>.</summary>
    public const string MacHeader = "X-Gossip-Mac";

    /// <summary>The longest <c>payload.sig</c> read (ours are 8 + 1 + 44 = 53 characters).</summary>
    public const int MaxSignatureLength = 256;

    /// <summary>
    /// The largest number a node writes (2^53 - 1), so every number it sends is exact in JavaScript too. A larger
    /// <c>ttl</c> or <c>hop</c> is read as this (clamped); a larger version is refused by admission.
    /// </summary>
    public const long MaxNumber = (1L << 53) - 1;

    /// <summary>The longest <c>payload.traceparent</c> read (a W3C traceparent of version 00 is 55 characters).</summary>
    public const int MaxTraceparentLength = 256;

    private static readonly string[] s_knownPayloadKeys = ["version", "book", "traceparent", "picked_at", "hop", "sig"];
    private static readonly JsonReaderOptions s_readerOptions = new() { MaxDepth = 16 };

    public static bool TryReadEnvelope(ReadOnlySpan<byte> body, out GossipEnvelope? envelope, out string? error)
    {
        envelope = null;
        if (!TryParse(body, out var document, out error))
        {
            return false;
        }

        using (document)
        {
            var root = document!.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = "The body must be a JSON object (an envelope).";
                return false;
            }

            if (!TryReadId(root, "client_id", "client_id", out var sender, out error))
            {
                return false;
            }

            if (!TryReadMessages(root, out var messages, out error))
            {
                return false;
            }

            envelope = new GossipEnvelope(sender!, messages!);
            return true;
        }
    }

    public static bool TryReadDigest(ReadOnlySpan<byte> body, out DigestRequest? digest, out string? error)
    {
        digest = null;
        if (!TryParse(body, out var document, out error))
        {
            return false;
        }

        using (document)
        {
            var root = document!.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = "The body must be a JSON object (a digest).";
                return false;
            }

            if (!TryReadId(root, "client_id", "client_id", out var sender, out error))
            {
                return false;
            }

            if (!root.TryGetProperty("versions", out var versionsElement) || versionsElement.ValueKind != JsonValueKind.Object)
            {
                error = "versions must be an object of origin id to version.";
                return false;
            }

            var versions = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var property in versionsElement.EnumerateObject())
            {
                if (!PeerId.TryNormalize(property.Name, out var origin))
                {
                    error = $"versions: '{property.Name}' is not a node id (a port or host:port).";
                    return false;
                }

                if (property.Value.ValueKind != JsonValueKind.Number || !property.Value.TryGetInt64(out var version) || version is < 0 or > VersionClock.MaxVersion)
                {
                    error = $"versions.{property.Name} must be a whole number from 0 to 2^53 - 1.";
                    return false;
                }

                versions[origin] = version;
            }

            digest = new DigestRequest(sender!, versions);
            return true;
        }
    }

    public static bool TryReadDigestReply(ReadOnlySpan<byte> body, out DigestReply? reply, out string? error)
    {
        reply = null;
        if (!TryParse(body, out var document, out error))
        {
            return false;
        }

        using (document)
        {
            var root = document!.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = "The digest answer must be a JSON object.";
                return false;
            }

            if (!TryReadMessages(root, out var messages, out error))
            {
                return false;
            }

            var wants = new List<string>();
            if (root.TryGetProperty("wants", out var wantsElement) && wantsElement.ValueKind == JsonValueKind.Array)
            {
                foreach (var want in wantsElement.EnumerateArray())
                {
                    if (want.ValueKind == JsonValueKind.String && PeerId.TryNormalize(want.GetString(), out var id))
                    {
                        wants.Add(id);
                    }
                }
            }

            var more = root.TryGetProperty("more", out var moreElement) && moreElement.ValueKind == JsonValueKind.True;
            reply = new DigestReply(messages!, wants, more);
            return true;
        }
    }

    public static byte[] WriteEnvelope(string sender, IReadOnlyList<GossipMessage> messages)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("client_id", sender);
            WriteMessages(writer, messages);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>One message alone, to be put into envelopes with <see cref="WriteEnvelopes"/>.</summary>
    public static byte[] WriteMessage(GossipMessage message)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteMessage(writer, message);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Envelopes of <paramref name="sender"/> carrying the written <paramref name="messages"/> in order, as few as
    /// fit in <paramref name="maxBytes"/> each (a message too large for one alone still goes, alone), with how many
    /// messages each holds.
    /// </summary>
    public static List<(byte[] Body, int Messages)> WriteEnvelopes(string sender, IReadOnlyList<byte[]> messages, int maxBytes)
    {
        var envelopes = new List<(byte[], int)>();
        var overhead = Encoding.UTF8.GetByteCount(sender) + 64; // {"client_id":"...","messages":[...]}, escapes aside
        var start = 0;
        while (start < messages.Count)
        {
            var end = start;
            long size = overhead;
            while (end < messages.Count && (end == start || size + messages[end].Length + 1 <= maxBytes))
            {
                size += messages[end].Length + 1;
                end++;
            }

            var buffer = new ArrayBufferWriter<byte>((int)Math.Min(size, int.MaxValue));
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                writer.WriteString("client_id", sender);
                writer.WriteStartArray("messages");
                for (var i = start; i < end; i++)
                {
                    writer.WriteRawValue(messages[i], skipInputValidation: true);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            envelopes.Add((buffer.WrittenSpan.ToArray(), end - start));
            start = end;
        }

        return envelopes;
    }

    public static byte[] WriteDigest(string sender, IEnumerable<KeyValuePair<string, long>> versions)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("client_id", sender);
            writer.WriteStartObject("versions");
            foreach (var (origin, version) in versions)
            {
                writer.WriteNumber(origin, version);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] WriteDigestReply(DigestReply reply)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            WriteMessages(writer, reply.Messages);
            writer.WriteStartArray("wants");
            foreach (var want in reply.Wants)
            {
                writer.WriteStringValue(want);
            }

            writer.WriteEndArray();
            if (reply.More)
            {
                writer.WriteBoolean("more", true);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    public static string FormatCovered(IEnumerable<string> ids) => string.Join(',', ids);

    public static IReadOnlySet<string>? ParseCovered(string? header)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return null;
        }

        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var part in header.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (PeerId.TryNormalize(part, out var id))
            {
                set.Add(id);
            }
        }

        return set;
    }

    private static void WriteMessages(Utf8JsonWriter writer, IReadOnlyList<GossipMessage> messages)
    {
        writer.WriteStartArray("messages");
        foreach (var message in messages)
        {
            WriteMessage(writer, message);
        }

        writer.WriteEndArray();
    }

    private static void WriteMessage(Utf8JsonWriter writer, GossipMessage message)
    {
        writer.WriteStartObject();
        writer.WriteString("uuid", message.Uuid);
        writer.WriteString("client_id", message.ClientId);
        writer.WriteNumber("ttl", message.Ttl);
        writer.WriteStartObject("payload");
        var payload = message.Payload;
        writer.WriteNumber("version", payload.Version);
        writer.WriteString("book", payload.Book);
        if (payload.Traceparent is { } traceparent)
        {
            writer.WriteString("traceparent", traceparent);
        }

        if (payload.PickedAt is { } pickedAt)
        {
            writer.WriteString("picked_at", FormatTime(pickedAt));
        }

        if (payload.Hop is { } hop)
        {
            writer.WriteNumber("hop", hop);
        }

        if (payload.Signature is { } signature)
        {
            writer.WriteString("sig", signature);
        }

        foreach (var (key, value) in payload.Extra ?? [])
        {
            writer.WritePropertyName(key);
            value.WriteTo(writer);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>
    /// False, with the reason, when a string or a key anywhere in <paramref name="body"/> is not valid Unicode: a lone
    /// surrogate escape (<c>\ud800</c>, <c>\udc00</c>), bytes that are not UTF-8, an overlong encoding or an
    /// encoded surrogate. System.Text.Json reads such strings only when asked for them, and then throws, so every
    /// string is checked here before anything reads one. Also false (with the parser's reason) for a body that is
    /// not JSON at all.
    /// </summary>
    public static bool TryCheckText(ReadOnlySpan<byte> body, out string? error)
    {
        error = null;
        // Every value of the body, so one that holds two values is refused for that, with its own message, later.
        var reader = new Utf8JsonReader(body, s_readerOptions with { AllowMultipleValues = true });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName))
                {
                    continue;
                }

                if (!IsValidText(ref reader))
                {
                    error = $"The body holds a {(reader.TokenType == JsonTokenType.PropertyName ? "key" : "string")} that is not valid Unicode "
                        + $"(a lone surrogate escape, or bytes that are not UTF-8) at byte {reader.TokenStartIndex}.";
                    return false;
                }
            }

            return true;
        }
        catch (JsonException exception)
        {
            error = $"The body is not valid JSON: {exception.Message}";
            return false;
        }
    }

    private static bool IsValidText(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            return Utf8.IsValid(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan);
        }

        try
        {
            // Unescaping checks the escapes' surrogates and the UTF-8 around them; a lone one throws.
            var text = reader.GetString()!;
            for (var i = 0; i < text.Length; i++)
            {
                if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    i++;
                }
                else if (char.IsSurrogate(text[i]))
                {
                    return false;
                }
            }

            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static bool TryParse(ReadOnlySpan<byte> body, out JsonDocument? document, out string? error)
    {
        document = null;
        error = null;
        if (body.IsEmpty)
        {
            error = "The body is empty; a JSON object was expected.";
            return false;
        }

        if (!TryCheckText(body, out error))
        {
            return false;
        }

        var reader = new Utf8JsonReader(body, s_readerOptions);
        try
        {
            document = JsonDocument.ParseValue(ref reader);
            if (reader.BytesConsumed < body.Length && body[(int)reader.BytesConsumed..].IndexOfAnyExcept(" \t\r\n"u8) >= 0)
            {
                document.Dispose();
                document = null;
                error = "The body holds more than one JSON value.";
                return false;
            }

            return true;
        }
        catch (JsonException exception)
        {
            error = $"The body is not valid JSON: {exception.Message}";
            return false;
        }
    }

    private static bool TryReadMessages(JsonElement root, out List<GossipMessage>? messages, out string? error)
    {
        messages = [];
        error = null;
        if (!root.TryGetProperty("messages", out var array) || array.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (array.ValueKind != JsonValueKind.Array)
        {
            error = $"messages must be an array (got {Describe(array)}).";
            return false;
        }

        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            var at = $"messages[{index}]";
            if (!TryReadMessage(item, at, out var message, out error))
            {
                messages = null;
                return false;
            }

            messages.Add(message!);
            index++;
        }

        return true;
    }

    private static bool TryReadMessage(JsonElement item, string at, out GossipMessage? message, out string? error)
    {
        message = null;
        if (item.ValueKind != JsonValueKind.Object)
        {
            error = $"{at} must be an object (got {Describe(item)}).";
            return false;
        }

        if (!item.TryGetProperty("uuid", out var uuidElement) || uuidElement.ValueKind != JsonValueKind.String
            || uuidElement.GetString() is not { Length: > 0 and <= 128 } uuid)
        {
            error = $"{at}.uuid must be a non-empty string of at most 128 characters.";
            return false;
        }

        if (!TryReadId(item, "client_id", $"{at}.client_id", out var origin, out error))
        {
            return false;
        }

        if (!item.TryGetProperty("ttl", out var ttlElement) || !TryReadInteger(ttlElement, out var ttl))
        {
            error = $"{at}.ttl must be a whole number.";
            return false;
        }

        if (!item.TryGetProperty("payload", out var payloadElement) || payloadElement.ValueKind != JsonValueKind.Object)
        {
            error = $"{at}.payload must be an object with version and book.";
            return false;
        }

        // A whole number too large for 64 bits is read as long.MaxValue: admission refuses it as too high, as it
        // refuses 2^53 and above, and the rest of the envelope is still taken.
        if (!payloadElement.TryGetProperty("version", out var versionElement) || !TryReadWholeNumber(versionElement, out var version))
        {
            error = $"{at}.payload.version must be a whole number of at least 0.";
            return false;
        }

        if (!payloadElement.TryGetProperty("book", out var bookElement) || bookElement.ValueKind != JsonValueKind.String
            || bookElement.GetString() is not { Length: > 0 and <= 1000 } book)
        {
            error = $"{at}.payload.book must be a non-empty string of at most 1000 characters.";
            return false;
        }

        string? traceparent = null;
        if (payloadElement.TryGetProperty("traceparent", out var traceElement) && traceElement.ValueKind != JsonValueKind.Null)
        {
            if (traceElement.ValueKind != JsonValueKind.String || traceElement.GetString()!.Length > MaxTraceparentLength)
            {
                error = $"{at}.payload.traceparent must be a string of at most {MaxTraceparentLength} characters.";
                return false;
            }

            traceparent = traceElement.GetString();
        }

        DateTimeOffset? pickedAt = null;
        if (payloadElement.TryGetProperty("picked_at", out var pickedElement) && pickedElement.ValueKind != JsonValueKind.Null)
        {
            if (pickedElement.ValueKind != JsonValueKind.String
                || !DateTimeOffset.TryParse(pickedElement.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                error = $"{at}.payload.picked_at must be an RFC 3339 time.";
                return false;
            }

            pickedAt = parsed;
        }

        long? hop = null;
        if (payloadElement.TryGetProperty("hop", out var hopElement) && hopElement.ValueKind != JsonValueKind.Null)
        {
            if (!TryReadInteger(hopElement, out var hopValue) || hopValue < 0)
            {
                error = $"{at}.payload.hop must be a whole number of at least 0.";
                return false;
            }

            hop = Math.Min(hopValue, MaxNumber);
        }

        string? signature = null;
        if (payloadElement.TryGetProperty("sig", out var sigElement) && sigElement.ValueKind != JsonValueKind.Null)
        {
            if (sigElement.ValueKind != JsonValueKind.String || sigElement.GetString()!.Length > MaxSignatureLength)
            {
                error = $"{at}.payload.sig must be a string of at most {MaxSignatureLength} characters.";
                return false;
            }

            signature = sigElement.GetString();
        }

        List<KeyValuePair<string, JsonElement>>? extra = null;
        foreach (var property in payloadElement.EnumerateObject())
        {
            if (Array.IndexOf(s_knownPayloadKeys, property.Name) < 0)
            {
                (extra ??= []).Add(new(property.Name, property.Value.Clone()));
            }
        }

        error = null;
        message = new GossipMessage(uuid, origin!, Math.Min(ttl, MaxNumber), new GossipPayload(version, book, traceparent, pickedAt, hop, extra, signature));
        return true;
    }

    /// <summary>A JSON number written as a whole number of at least 0; one beyond 64 bits saturates to <see cref="long.MaxValue"/>.</summary>
    private static bool TryReadWholeNumber(JsonElement element, out long value) => TryReadInteger(element, out value) && value >= 0;

    /// <summary>
    /// A JSON number written as a whole number (digits, an optional minus; no fraction or exponent). One beyond
    /// 64 bits saturates to <see cref="long.MaxValue"/> or <see cref="long.MinValue"/> instead of failing, so the
    /// rules for its key (clamp or refuse) decide what happens to it.
    /// </summary>
    private static bool TryReadInteger(JsonElement element, out long value)
    {
        value = 0;
        if (element.ValueKind != JsonValueKind.Number)
        {
            return false;
        }

        if (element.TryGetInt64(out value))
        {
            return true;
        }

        var raw = element.GetRawText().AsSpan();
        var negative = raw.StartsWith("-");
        var digits = negative ? raw[1..] : raw;
        if (digits.Length > 0 && !digits.ContainsAnyExceptInRange('0', '9'))
        {
            value = negative ? long.MinValue : long.MaxValue;
            return true;
        }

        return false;
    }

    /// <summary>An id may come as a string (<c>"5001"</c>) or, from older peers, as a number (<c>5001</c>).</summary>
    private static bool TryReadId(JsonElement parent, string key, string at, out string? id, out string? error)
    {
        id = null;
        error = null;
        if (!parent.TryGetProperty(key, out var element))
        {
            error = $"{at} is missing; it must be a node id (a port or host:port).";
            return false;
        }

        var text = element.ValueKind switch
        {
            JsonValueKind.String => element.GetString(),
            JsonValueKind.Number when element.TryGetInt32(out var number) => number.ToString(CultureInfo.InvariantCulture),
            _ => null,
        };
        if (!PeerId.TryNormalize(text, out id))
        {
            error = $"{at} must be a node id (a port or host:port), got {Describe(element)}.";
            return false;
        }

        return true;
    }

    private static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{Truncate(element.GetString()!)}\"",
        JsonValueKind.Number => $"the number {element.GetRawText()}",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.True or JsonValueKind.False => $"{element.GetRawText()}",
        _ => "null",
    };

    private static string Truncate(string text) => text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 40), "...");

    internal static int Utf8Length(string text) => Encoding.UTF8.GetByteCount(text);
}
