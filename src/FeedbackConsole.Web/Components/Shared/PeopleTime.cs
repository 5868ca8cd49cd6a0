using System.Globalization;

namespace FeedbackConsole.Web.Components.Shared;

/// <summary>Which pattern <see cref="LocalTime"/> writes a time in.</summary>
public enum TimeFormat
{
    /// <summary>"27 Nov 2026, 14:05".</summary>
    Exact,

    /// <summary>"14:05" today, "27 Nov, 14:05" earlier this year, "27 Nov 2025, 14:05" before.</summary>
    Compact,

    /// <summary>"27 Nov 2026".</summary>
    Date,

    /// <summary>"14:05": a time within hours of now (a lock or a claim running out).</summary>
    Clock,

    /// <summary>"Just now", "5 min ago", "3 h ago", "Yesterday", "12 days ago", then the date.</summary>
    Ago,
}

/// <summary>
/// How the console writes a time for the person looking at it: in their browser's time zone, read once per
/// circuit (see <see cref="PeopleTimeProvider"/>) and cascaded to every component. Until it is known — while
/// prerendering, in a test, or when the browser names a zone this server does not know — times are in UTC and
/// every text says so ("14:05 UTC"), so a time is never wrong without saying. The full form (tooltips) always
/// carries the offset: "27 Nov 2026, 14:05:33 (UTC+01:00)". Machine formats (exports, the API) are not written
/// here; they stay ISO-8601 UTC.
/// </summary>
public sealed class PeopleTime
{
    private static readonly CultureInfo Culture = CultureInfo.InvariantCulture;

    private PeopleTime(TimeZoneInfo zone, bool isBrowserZone)
    {
        Zone = zone;
        IsBrowserZone = isBrowserZone;
    }

    /// <summary>UTC standing in for a zone not known (yet): every text is labelled "UTC".</summary>
    public static PeopleTime Utc { get; } = new(TimeZoneInfo.Utc, isBrowserZone: false);

    /// <summary>The zone times are written in.</summary>
    public TimeZoneInfo Zone { get; }

    /// <summary>Whether <see cref="Zone"/> is the browser's (texts carry no label) or the UTC stand-in.</summary>
    public bool IsBrowserZone { get; }

    /// <summary>
    /// The browser's zone by its IANA id ("Europe/Paris", from <c>Intl.DateTimeFormat().resolvedOptions()</c>);
    /// <see cref="Utc"/> when the id is missing or this server has no such zone.
    /// </summary>
    public static PeopleTime ForZone(string? ianaId)
    {
        if (string.IsNullOrWhiteSpace(ianaId))
        {
            return Utc;
        }

        try
        {
            return new PeopleTime(TimeZoneInfo.FindSystemTimeZoneById(ianaId.Trim()), isBrowserZone: true);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return Utc;
        }
    }

    /// <summary>Writes <paramref name="at"/> in <paramref name="format"/>; <paramref name="now"/> is for Compact and Ago, <paramref name="inSentence"/> for Ago.</summary>
    public string Format(DateTimeOffset at, TimeFormat format, DateTimeOffset now, bool inSentence = false) => format switch
    {
        TimeFormat.Compact => Compact(at, now),
        TimeFormat.Date => Date(at),
        TimeFormat.Clock => Clock(at),
        TimeFormat.Ago => Ago(at, now, inSentence),
        _ => Exact(at),
    };

    /// <summary>"27 Nov 2026, 14:05".</summary>
    public string Exact(DateTimeOffset at) => Write(at, "d MMM yyyy, HH:mm");

    /// <summary>"14:05" today, "27 Nov, 14:05" earlier this year, "27 Nov 2025, 14:05" before (days in this zone).</summary>
    public string Compact(DateTimeOffset at, DateTimeOffset now)
    {
        var local = Local(at);
        var today = Local(now);
        return Write(at, local.Date == today.Date ? "HH:mm" : local.Year == today.Year ? "d MMM, HH:mm" : "d MMM yyyy, HH:mm");
    }

    /// <summary>"27 Nov 2026".</summary>
    public string Date(DateTimeOffset at) => Write(at, "d MMM yyyy");

    /// <summary>"14:05".</summary>
    public string Clock(DateTimeOffset at) => Write(at, "HH:mm");

    /// <summary>
    /// "Just now", "5 min ago", "3 h ago", "Yesterday", "12 days ago", then <see cref="Date"/>; "Never" for none.
    /// <paramref name="inSentence"/>: "built just now", "live since yesterday" (a date keeps its capitals).
    /// </summary>
    public string Ago(DateTimeOffset? at, DateTimeOffset now, bool inSentence = false)
    {
        var text = AgoText(at, now);
        return inSentence && char.IsUpper(text[0]) ? char.ToLowerInvariant(text[0]) + text[1..] : text;
    }

    private string AgoText(DateTimeOffset? at, DateTimeOffset now)
    {
        if (at is not { } when)
        {
            return "Never";
        }

        var span = now - when;
        return span switch
        {
            { TotalMinutes: < 1 } => "Just now",
            { TotalHours: < 1 } => $"{(int)span.TotalMinutes} min ago",
            { TotalDays: < 1 } => $"{(int)span.TotalHours} h ago",
            { TotalDays: < 2 } => "Yesterday",
            { TotalDays: < 30 } => $"{(int)span.TotalDays} days ago",
            _ => Date(when),
        };
    }

    /// <summary>For a tooltip: "27 Nov 2026, 14:05:33 (UTC+01:00)", or "(UTC)" while the zone is not known; "" for none.</summary>
    public string Full(DateTimeOffset? at) =>
        at is { } when ? $"{Local(when).ToString("d MMM yyyy, HH:mm:ss", Culture)} ({Offset(when)})" : "";

    /// <summary>"UTC+01:00" (the zone's offset at that moment), or "UTC" for the stand-in.</summary>
    public string Offset(DateTimeOffset at)
    {
        if (!IsBrowserZone)
        {
            return "UTC";
        }

        var offset = Zone.GetUtcOffset(at);
        return "UTC" + (offset < TimeSpan.Zero ? "-" : "+") + offset.ToString(@"hh\:mm", Culture);
    }

    /// <summary>The machine form for a &lt;time datetime&gt; attribute: ISO-8601 in UTC.</summary>
    public static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", Culture);

    private DateTime Local(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Zone).DateTime;

    private string Write(DateTimeOffset at, string pattern) =>
        Local(at).ToString(pattern, Culture) + (IsBrowserZone ? "" : " UTC");
}
