namespace GossipAspire.Node.Apis;

/// <summary>
/// Reads a request body up to a limit, so an oversized one is refused before it is buffered; a body the
/// <see cref="MacFilter"/> has already read (to check its MAC) is taken from there.
/// </summary>
internal static class BodyReader
{
    public static async Task<(byte[]? Body, bool TooLarge)> ReadAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (request.HttpContext.Features.Get<BufferedBody>() is { } buffered)
        {
            return (buffered.Body, false);
        }

        if (request.ContentLength > limit)
        {
            return (null, true);
        }

        using var buffer = new MemoryStream(request.ContentLength is { } length ? (int)length : 1024);
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return (null, true);
            }

            buffer.Write(chunk, 0, read);
        }

        return (buffer.ToArray(), false);
    }
}
