using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace GossipAspire.Node.Gossip;

/// <summary>
/// The keyring (<see cref="GossipOptions.Keys"/>, docs/PROTOCOL.md section 10), in the manner of memberlist's
/// <c>keyring.go</c>: the first key signs, every key verifies, so keys rotate with no downtime. Unlike Serf's, a
/// signature names the key it was made with (a key id: the first 4 bytes of the key's SHA-256, in hex), so a
/// verifier takes that key at once instead of trying each, and can tell a key that left the ring from a forgery.
/// Signs and verifies two things: a message's origin fields (<c>payload.sig</c>) and a request
/// (<c>X-Gossip-Mac</c>), each an HMAC-SHA256 over its own length-prefixed canonical encoding, compared in
/// constant time. Empty, the ring is open: it signs nothing and verifies nothing. Immutable and thread-safe.
/// </summary>
public sealed class Keyring
{
    /// <summary>
    /// The shortest key accepted. Every signed message is an offline test of a guessed key, so a key must be too
    /// long to guess: 16 random characters are 95 bits or more.
    /// </summary>
    public const int MinKeyLength = 16;

    /// <summary>Hex digits of a key id (4 bytes).</summary>
    public const int KeyIdLength = 8;

    /// <summary>Bytes of an HMAC-SHA256.</summary>
    public const int MacBytes = 32;

    /// <summary>The first field of a message's signed bytes, so a message signature can never pass as a request MAC.</summary>
    public const string MessageLabel = "gossip-message-v1";

    /// <summary>The first field of a request's MACed bytes.</summary>
    public const string RequestLabel = "gossip-request-v1";

    private readonly Dictionary<string, Key> _keys = new(StringComparer.Ordinal);
    private readonly Key? _signingKey;

    /// <param name="secrets">The keys, the signing one first; validated by <see cref="GossipOptionsValidator"/>.</param>
    public Keyring(IEnumerable<string> secrets)
    {
        var ids = new List<string>();
        foreach (var secret in secrets)
        {
            var id = KeyId(secret);
            var key = new Key(Encoding.UTF8.GetBytes(secret));
            if (_keys.TryAdd(id, key))
            {
                ids.Add(id);
                _signingKey ??= key;
            }
        }

        KeyIds = ids;
        SigningKeyId = ids.Count > 0 ? ids[0] : null;
    }

    /// <summary>No keys: signs nothing, checks nothing (the gem-compatible default).</summary>
    public static Keyring Open { get; } = new([]);

    public bool IsOpen => _signingKey is null;

    /// <summary>The id of the key that signs, or null when open.</summary>
    public string? SigningKeyId { get; }

    /// <summary>The ids of every key, in ring order.</summary>
    public IReadOnlyList<string> KeyIds { get; }

    /// <summary>A key's id: the first 4 bytes of the SHA-256 of its UTF-8 bytes, as 8 lowercase hex digits.</summary>
    public static string KeyId(string secret)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(secret), hash);
        return Convert.ToHexStringLower(hash[..(KeyIdLength / 2)]);
    }

    /// <summary><c>payload.sig</c> for a message this node picks: <c>key id:base64 HMAC</c>, or null when open.</summary>
    public string? Sign(string uuid, string origin, long version, string book, DateTimeOffset? pickedAt)
    {
        if (_signingKey is null)
        {
            return null;
        }

        Span<byte> mac = stackalloc byte[MacBytes];
        MessageMac(_signingKey, uuid, origin, version, book, pickedAt, mac);
        return $"{SigningKeyId}:{Convert.ToBase64String(mac)}";
    }

    /// <summary>Checks a message's <c>payload.sig</c> against its origin fields (uuid, origin, version, book, picked_at).</summary>
    public SignatureCheck Verify(GossipMessage message) =>
        Verify(message.Uuid, message.ClientId, message.Payload.Version, message.Payload.Book, message.Payload.PickedAt, message.Payload.Signature);

    public SignatureCheck Verify(string uuid, string origin, long version, string book, DateTimeOffset? pickedAt, string? signature)
    {
        if (signature is null)
        {
            return SignatureCheck.Missing;
        }

        var colon = signature.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return SignatureCheck.BadSignature;
        }

        if (!_keys.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(signature.AsSpan(0, colon), out var key))
        {
            return SignatureCheck.UnknownKey;
        }

        Span<byte> claimed = stackalloc byte[MacBytes + 3];
        if (!Convert.TryFromBase64Chars(signature.AsSpan(colon + 1), claimed, out var length) || length != MacBytes)
        {
            return SignatureCheck.BadSignature;
        }

        Span<byte> mac = stackalloc byte[MacBytes];
        MessageMac(key, uuid, origin, version, book, pickedAt, mac);
        return CryptographicOperations.FixedTimeEquals(mac, claimed[..MacBytes]) ? SignatureCheck.Valid : SignatureCheck.BadSignature;
    }

    /// <summary>
    /// The <c>X-Gossip-Mac</c> header of a request this node makes: <c>key id:unix seconds:base64 HMAC</c> over the
    /// method, the path (percent-decoded, no query), the timestamp and the SHA-256 of the body. Null when open.
    /// </summary>
    public string? MacRequest(string method, string path, long unixSeconds, ReadOnlySpan<byte> body)
    {
        if (_signingKey is null)
        {
            return null;
        }

        Span<byte> mac = stackalloc byte[MacBytes];
        RequestMac(_signingKey, method, path, unixSeconds, body, mac);
        return string.Create(CultureInfo.InvariantCulture, $"{SigningKeyId}:{unixSeconds}:{Convert.ToBase64String(mac)}");
    }

    /// <summary>
    /// Checks an <c>X-Gossip-Mac</c> header: its form, its key, its MAC. The timestamp's freshness and replays are
    /// the caller's rules (<see cref="Admission"/>); a valid header gives the timestamp and the MAC for them.
    /// </summary>
    public RequestCheck VerifyRequest(string? header, string method, string path, ReadOnlySpan<byte> body)
    {
        if (string.IsNullOrEmpty(header))
        {
            return new(SignatureCheck.Missing, 0, default);
        }

        var text = header.AsSpan();
        var first = text.IndexOf(':');
        var second = first < 0 ? -1 : text[(first + 1)..].IndexOf(':');
        if (second < 0)
        {
            return new(SignatureCheck.Malformed, 0, default);
        }

        second += first + 1;
        var stamp = text[(first + 1)..second];
        if (stamp.Length is 0 or > 18 || stamp.ContainsAnyExceptInRange('0', '9'))
        {
            return new(SignatureCheck.Malformed, 0, default);
        }

        var unixSeconds = long.Parse(stamp, NumberStyles.None, CultureInfo.InvariantCulture);
        Span<byte> claimed = stackalloc byte[MacBytes + 3];
        if (!Convert.TryFromBase64Chars(text[(second + 1)..], claimed, out var length) || length != MacBytes)
        {
            return new(SignatureCheck.Malformed, 0, default);
        }

        if (!_keys.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(text[..first], out var key))
        {
            return new(SignatureCheck.UnknownKey, unixSeconds, default);
        }

        Span<byte> mac = stackalloc byte[MacBytes];
        RequestMac(key, method, path, unixSeconds, body, mac);
        return CryptographicOperations.FixedTimeEquals(mac, claimed[..MacBytes])
            ? new(SignatureCheck.Valid, unixSeconds, Convert.ToBase64String(mac))
            : new(SignatureCheck.BadSignature, unixSeconds, default);
    }

    /// <summary>
    /// HMAC-SHA256 over a message's signed fields, each as a 4-byte big-endian length and its UTF-8 bytes:
    /// <c>gossip-message-v1</c>, uuid, origin, version in decimal, book, picked_at as whole microseconds since the
    /// Unix epoch in decimal (floored), or empty when the message has none.
    /// </summary>
    private static void MessageMac(Key key, string uuid, string origin, long version, string book, DateTimeOffset? pickedAt, Span<byte> mac)
    {
        Span<char> number = stackalloc char[20];
        Span<char> micros = stackalloc char[20];
        version.TryFormat(number, out var numberLength, default, CultureInfo.InvariantCulture);
        var microsLength = 0;
        if (pickedAt is { } time)
        {
            UnixMicroseconds(time).TryFormat(micros, out microsLength, default, CultureInfo.InvariantCulture);
        }

        var size = Canonical.Size(MessageLabel) + Canonical.Size(uuid) + Canonical.Size(origin) + Canonical.Size(number[..numberLength])
            + Canonical.Size(book) + Canonical.Size(micros[..microsLength]);
        byte[]? rented = null;
        var buffer = size <= Canonical.StackLimit ? stackalloc byte[size] : (rented = ArrayPool<byte>.Shared.Rent(size)).AsSpan(0, size);
        var fields = new Canonical(buffer);
        fields.Text(MessageLabel);
        fields.Text(uuid);
        fields.Text(origin);
        fields.Text(number[..numberLength]);
        fields.Text(book);
        fields.Text(micros[..microsLength]);
        key.Mac(buffer, mac);
        Return(rented);
    }

    /// <summary>
    /// HMAC-SHA256 over a request, its fields as in <see cref="MessageMac"/>: <c>gossip-request-v1</c>, method,
    /// path, unix seconds in decimal, and the 32 raw bytes of the SHA-256 of the body.
    /// </summary>
    private static void RequestMac(Key key, string method, string path, long unixSeconds, ReadOnlySpan<byte> body, Span<byte> mac)
    {
        Span<char> stamp = stackalloc char[20];
        unixSeconds.TryFormat(stamp, out var stampLength, default, CultureInfo.InvariantCulture);
        Span<byte> bodyHash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(body, bodyHash);

        var size = Canonical.Size(RequestLabel) + Canonical.Size(method) + Canonical.Size(path) + Canonical.Size(stamp[..stampLength]) + 4 + bodyHash.Length;
        byte[]? rented = null;
        var buffer = size <= Canonical.StackLimit ? stackalloc byte[size] : (rented = ArrayPool<byte>.Shared.Rent(size)).AsSpan(0, size);
        var fields = new Canonical(buffer);
        fields.Text(RequestLabel);
        fields.Text(method);
        fields.Text(path);
        fields.Text(stamp[..stampLength]);
        fields.Bytes(bodyHash);
        key.Mac(buffer, mac);
        Return(rented);
    }

    /// <summary>Whole microseconds since 1970-01-01T00:00:00Z, rounded down (the wire's picked_at has six digits).</summary>
    public static long UnixMicroseconds(DateTimeOffset time)
    {
        var ticks = time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        var micros = ticks / 10;
        return ticks % 10 < 0 ? micros - 1 : micros;
    }

    private static void Return(byte[]? rented)
    {
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// One key, with keyed HMAC states to reuse: a one-shot HMAC sets the key up anew each time, which costs more
    /// than hashing a message. Each state is used by one thread at a time (taken from the pool, put back after).
    /// </summary>
    private sealed class Key(byte[] secret)
    {
        private readonly ConcurrentQueue<IncrementalHash> _states = new();

        public void Mac(ReadOnlySpan<byte> data, Span<byte> mac)
        {
            if (!_states.TryDequeue(out var state))
            {
                state = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, secret);
            }

            state.AppendData(data);
            state.GetHashAndReset(mac);
            _states.Enqueue(state); // not on an exception: a state left half-fed is dropped
        }
    }

    /// <summary>Writes the canonical encoding: every field a 4-byte big-endian length, then its bytes (text as UTF-8).</summary>
    private ref struct Canonical(Span<byte> buffer)
    {
        public const int StackLimit = 1024;

        private readonly Span<byte> _buffer = buffer;
        private int _at;

        public static int Size(ReadOnlySpan<char> text) => 4 + Encoding.UTF8.GetByteCount(text);

        public void Text(ReadOnlySpan<char> text)
        {
            var written = Encoding.UTF8.GetBytes(text, _buffer[(_at + 4)..]);
            BinaryPrimitives.WriteUInt32BigEndian(_buffer[_at..], (uint)written);
            _at += 4 + written;
        }

        public void Bytes(ReadOnlySpan<byte> bytes)
        {
            BinaryPrimitives.WriteUInt32BigEndian(_buffer[_at..], (uint)bytes.Length);
            bytes.CopyTo(_buffer[(_at + 4)..]);
            _at += 4 + bytes.Length;
        }
    }
}

/// <summary>What a keyring says of a signature or a request MAC; the refusal reason when it is not <see cref="Valid"/>.</summary>
public enum SignatureCheck
{
    Valid,

    /// <summary>None was given.</summary>
    Missing,

    /// <summary>A header not of the form <c>key id:unix seconds:base64 HMAC</c>.</summary>
    Malformed,

    /// <summary>Made with a key this ring does not hold (never held, or removed by a rotation).</summary>
    UnknownKey,

    /// <summary>The key is known, the HMAC does not match: the signed fields were changed, or it was forged.</summary>
    BadSignature,
}

/// <summary>A request's MAC checked: the outcome, the timestamp it claims, and (valid only) the MAC, for replay checks.</summary>
public readonly record struct RequestCheck(SignatureCheck Result, long UnixSeconds, string? Mac);
