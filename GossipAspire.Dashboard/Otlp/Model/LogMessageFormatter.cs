using System.Text;

namespace GossipAspire.Dashboard.Otlp.Model;

/// <summary>
/// Some SDKs (.NET's, unless IncludeFormattedMessage is on) send the message template as the body and the
/// values as attributes: "Node {NodeId} picked {Book}". Fill the holes from the attributes so the page reads
/// as the log line was meant; holes without a matching attribute stay as they are.
/// </summary>
public static class LogMessageFormatter
{
    public static string Format(string body, KeyValuePair<string, object?>[] attributes)
    {
        if (attributes.Length == 0 || body.IndexOf('{') < 0)
        {
            return body;
        }

        var result = new StringBuilder(body.Length + 32);
        var i = 0;
        while (i < body.Length)
        {
            var open = body.IndexOf('{', i);
            if (open < 0)
            {
                break;
            }

            var close = body.IndexOf('}', open + 1);
            if (close < 0)
            {
                break;
            }

            result.Append(body, i, open - i);
            var hole = body.AsSpan(open + 1, close - open - 1);
            var colon = hole.IndexOf(':');
            var name = (colon >= 0 ? hole[..colon] : hole).ToString();
            var match = Array.FindIndex(attributes, a => a.Key == name);
            if (match >= 0)
            {
                result.Append(AttributeValues.ToDisplayString(attributes[match].Value));
            }
            else
            {
                result.Append(body, open, close - open + 1);
            }

            i = close + 1;
        }

        result.Append(body, i, body.Length - i);
        return result.ToString();
    }
}
