using System.Buffers;
using System.Text;
using System.Text.Json;
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

    /// <exception cref="FormatException">The body is not valid OTLP/JSON; the message says where.</exception>
    public static T Parse<T>(ReadOnlySpan<byte> utf8Json) where T : IMessage<T>, new()
    {
        string rewritten;
        try
        {
            rewritten = RewriteIds(utf8Json);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"The body is not JSON: {ex.Message}", ex);
        }

        try
        {
            return s_parser.Parse<T>(rewritten);
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

    /// <summary>
    /// Copies the JSON token by token (no document in memory), turning the string value of every traceId,
    /// spanId and parentSpanId property from hex into base64.
    /// </summary>
    private static string RewriteIds(ReadOnlySpan<byte> utf8Json)
    {
        var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = 128 });
        var output = new ArrayBufferWriter<byte>(utf8Json.Length + 256);
        using (var writer = new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = true }))
        {
            var rewriteNext = false;
            var first = true;
            while (reader.Read())
            {
                if (first && reader.TokenType != JsonTokenType.StartObject)
                {
                    throw new FormatException("The body must be a JSON object.");
                }

                first = false;
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        writer.WriteStartObject();
                        break;
                    case JsonTokenType.EndObject:
                        writer.WriteEndObject();
                        break;
                    case JsonTokenType.StartArray:
                        writer.WriteStartArray();
                        break;
                    case JsonTokenType.EndArray:
                        writer.WriteEndArray();
                        break;
                    case JsonTokenType.PropertyName:
                        rewriteNext = reader.ValueTextEquals("traceId"u8) || reader.ValueTextEquals("spanId"u8) || reader.ValueTextEquals("parentSpanId"u8);
                        writer.WritePropertyName(reader.GetString()!);
                        continue;
                    case JsonTokenType.String:
                        if (rewriteNext)
                        {
                            writer.WriteStringValue(HexToBase64(reader.GetString()!, reader.TokenStartIndex));
                        }
                        else if (reader.ValueIsEscaped)
                        {
                            writer.WriteStringValue(reader.GetString());
                        }
                        else
                        {
                            writer.WriteStringValue(reader.ValueSpan);
                        }

                        break;
                    case JsonTokenType.Number:
                        writer.WriteRawValue(reader.ValueSpan, skipInputValidation: true);
                        break;
                    case JsonTokenType.True:
                        writer.WriteBooleanValue(true);
                        break;
                    case JsonTokenType.False:
                        writer.WriteBooleanValue(false);
                        break;
                    case JsonTokenType.Null:
                        writer.WriteNullValue();
                        break;
                }

                rewriteNext = false;
            }

            if (first)
            {
                throw new FormatException("The body must be a JSON object.");
            }
        }

        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    private static string HexToBase64(string hex, long position)
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
            throw new FormatException($"Ids must be hex strings in OTLP/JSON (not base64); got '{Shorten(hex)}' at byte {position}.");
        }
    }

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "...";
}
