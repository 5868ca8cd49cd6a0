namespace FeedbackConsole.Core.Features.Admin.Applications;

/// <summary>
/// The browser origins a publishable key may be used from. Each is stored as a browser sends it in the
/// <c>Origin</c> header: lower-case scheme and host (international names in their ASCII form), the port
/// only when it is not the scheme's default, no path and no trailing slash — "https://chat.example.com".
/// </summary>
public static class AllowedOrigins
{
    public const int MaxCount = 20;
    public const int MaxLength = 200;
    private static readonly char[] Separators = [' ', '\t', '\r', '\n', ','];

    /// <summary>Splits what an admin typed (one origin per line, or separated by commas or spaces).</summary>
    public static IReadOnlyList<string> Split(string? text) =>
        (text ?? "").Split(Separators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The normalised origin, or a sentence saying why <paramref name="raw"/> is not one.</summary>
    public static (string Origin, string? Error) Normalize(string raw)
    {
        var input = raw.Trim();
        if (input.Length == 0)
        {
            return ("", "Enter an origin such as https://chat.example.com.");
        }

        if (input.Length > MaxLength)
        {
            return ("", $"“{Shorten(input)}” is longer than {MaxLength} characters.");
        }

        if (input.Contains('*', StringComparison.Ordinal))
        {
            return ("", $"“{input}”: wildcards are not allowed; list each origin.");
        }

        if (!Uri.TryCreate(input, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            || !input.Contains("://", StringComparison.Ordinal))
        {
            return ("", $"“{input}” is not an origin: write its scheme and host, like https://chat.example.com.");
        }

        if (uri.UserInfo.Length > 0 || uri.Host.Length == 0)
        {
            return ("", $"“{input}” is not an origin: write just the scheme and host, like https://chat.example.com.");
        }

        if (uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            return ("", $"“{input}” has a path: an origin is only the scheme, host and port, like https://chat.example.com.");
        }

        var host = uri.HostNameType == UriHostNameType.IPv6 ? uri.Host : uri.IdnHost;
        var origin = uri.IsDefaultPort
            ? $"{uri.Scheme}://{host}"
            : $"{uri.Scheme}://{host}:{uri.Port}";
        return (origin.ToLowerInvariant(), null);
    }

    /// <summary>
    /// Normalises a whole list for a publishable key: at least one origin, at most <see cref="MaxCount"/>,
    /// duplicates dropped, order kept.
    /// </summary>
    public static (IReadOnlyList<string> Origins, string? Error) NormalizeAll(IEnumerable<string>? raw)
    {
        var origins = new List<string>();
        foreach (var entry in raw ?? [])
        {
            if (string.IsNullOrWhiteSpace(entry))
            {
                continue;
            }

            var (origin, error) = Normalize(entry);
            if (error is not null)
            {
                return ([], error);
            }

            if (!origins.Contains(origin, StringComparer.Ordinal))
            {
                origins.Add(origin);
            }
        }

        if (origins.Count == 0)
        {
            return ([], "A publishable key needs at least one origin, the address of the web page that sends feedback (e.g. https://chat.example.com).");
        }

        return origins.Count > MaxCount
            ? ([], $"List at most {MaxCount} origins per key.")
            : (origins, null);
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
