namespace FeedbackConsole.Core.Domain;

/// <summary>
/// A credential an application sends as <c>Authorization: Bearer …</c>. Only a SHA-256 hash is stored (keys
/// carry ~190 random bits, so a fast hash is safe); the key itself is shown once when created.
/// </summary>
public class ApiKey
{
    public Guid Id { get; set; }

    public Guid ApplicationId { get; set; }

    public Application? Application { get; set; }

    public ApiKeyKind Kind { get; set; }

    /// <summary>What the admin called it ("production backend", "chat widget").</summary>
    public string Label { get; set; } = "";

    /// <summary>The first characters of the key, enough to recognise it in a list (e.g. <c>fc_live_Ab3x</c>).</summary>
    public string Prefix { get; set; } = "";

    /// <summary>Lower-case hex SHA-256 of the whole key.</summary>
    public string Hash { get; set; } = "";

    /// <summary>For publishable keys: the browser origins allowed to send signals with it.</summary>
    public List<string> AllowedOrigins { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }

    public string? CreatedByUserId { get; set; }

    public DateTimeOffset? LastUsedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }
}

public enum ApiKeyKind
{
    /// <summary><c>fc_live_…</c>: everything the API offers, for the application's servers.</summary>
    Server,

    /// <summary><c>fc_pub_…</c>: signals only, from listed origins; safe to embed in a web page.</summary>
    Publishable,
}
