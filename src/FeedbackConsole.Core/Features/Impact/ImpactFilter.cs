using System.Globalization;
using System.Text;

namespace FeedbackConsole.Core.Features.Impact;

/// <summary>
/// What the impact dashboard shows: one application (null: the first one), an inclusive range of UTC days, and
/// optional segment and model-version filters. Round-trips through the address bar (<see cref="ToQueryString"/>,
/// <see cref="Parse"/>) so a view can be shared.
/// </summary>
public sealed record ImpactFilter(
    Guid? ApplicationId,
    DateOnly From,
    DateOnly To,
    string? Role = null,
    string? TaskType = null,
    string? Channel = null,
    string? Locale = null,
    string? ModelVersion = null)
{
    /// <summary>The longest range the dashboard reads at once.</summary>
    public const int MaxDays = 366;

    public const int DefaultDays = 30;

    /// <summary>True when a segment filter (role, task type, channel, locale) is set.</summary>
    public bool HasSegment => Role is not null || TaskType is not null || Channel is not null || Locale is not null;

    /// <summary>
    /// The smallest rollup grain that answers this filter: the summary without a segment filter, that dimension's slice
    /// with one, the detailed rows with several. (The model version is a column of every grain.)
    /// </summary>
    public Domain.ImpactGrain Grain
    {
        get
        {
            var set = new (string? Value, Domain.ImpactGrain Grain)[]
            {
                (Role, Domain.ImpactGrain.Role), (TaskType, Domain.ImpactGrain.TaskType), (Channel, Domain.ImpactGrain.Channel), (Locale, Domain.ImpactGrain.Locale),
            }.Where(d => d.Value is not null).ToList();
            return set.Count switch
            {
                0 => Domain.ImpactGrain.Summary,
                1 => set[0].Grain,
                _ => Domain.ImpactGrain.Detailed,
            };
        }
    }

    public static ImpactFilter Default(DateOnly today) => new(null, today.AddDays(1 - DefaultDays), today);

    /// <summary>The same range clamped to sensible bounds: From ≤ To, at most <see cref="MaxDays"/> days.</summary>
    public ImpactFilter Normalized()
    {
        var (from, to) = From <= To ? (From, To) : (To, From);
        if (to.DayNumber - from.DayNumber >= MaxDays)
        {
            from = to.AddDays(1 - MaxDays);
        }

        return this with
        {
            From = from, To = to, Role = Blank(Role), TaskType = Blank(TaskType), Channel = Blank(Channel), Locale = Blank(Locale), ModelVersion = Blank(ModelVersion),
        };
    }

    public string ToQueryString()
    {
        var parts = new List<string>();
        void Add(string key, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                parts.Add($"{key}={Uri.EscapeDataString(value)}");
            }
        }

        Add("app", ApplicationId?.ToString());
        Add("from", From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Add("to", To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Add("role", Role);
        Add("task", TaskType);
        Add("channel", Channel);
        Add("locale", Locale);
        Add("model", ModelVersion);
        return string.Join("&", parts);
    }

    /// <summary>Reads a query string (with or without <c>?</c>); unknown keys and unreadable values fall back to the defaults.</summary>
    public static ImpactFilter Parse(string? query, DateOnly today)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in (query ?? "").TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var at = pair.IndexOf('=', StringComparison.Ordinal);
            if (at > 0)
            {
                values[pair[..at]] = Uri.UnescapeDataString(pair[(at + 1)..].Replace('+', ' '));
            }
        }

        var filter = Default(today);
        DateOnly? Date(string key) =>
            values.TryGetValue(key, out var v) && DateOnly.TryParseExact(v, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;
        string? Text(string key) => values.TryGetValue(key, out var v) ? v : null;
        return (filter with
        {
            ApplicationId = values.TryGetValue("app", out var app) && Guid.TryParse(app, out var id) ? id : null,
            From = Date("from") ?? filter.From,
            To = Date("to") ?? filter.To,
            Role = Text("role"),
            TaskType = Text("task"),
            Channel = Text("channel"),
            Locale = Text("locale"),
            ModelVersion = Text("model"),
        }).Normalized();
    }

    /// <summary>A short description of the filter for file names and captions.</summary>
    public string Describe()
    {
        var text = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"{From:yyyy-MM-dd} to {To:yyyy-MM-dd} (UTC)"));
        foreach (var (name, value) in new[] { ("role", Role), ("task", TaskType), ("channel", Channel), ("locale", Locale), ("model", ModelVersion) })
        {
            if (value is not null)
            {
                text.Append(CultureInfo.InvariantCulture, $", {name} {value}");
            }
        }

        return text.ToString();
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
