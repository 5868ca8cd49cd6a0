using System.Globalization;
using System.Text;
using FeedbackConsole.Core.Domain;

namespace FeedbackConsole.Core.Features.Triage.Queue;

/// <summary>Whose cases the queue shows. A claim whose lease lapsed counts as unassigned everywhere.</summary>
public enum AssigneeScope
{
    Anyone,
    Mine,
    Unassigned,

    /// <summary>Held by <see cref="QueueFilter.AssigneeId"/>.</summary>
    User,
}

/// <summary>The queue's order; each reads "biggest first" when descending (the default).</summary>
public enum QueueSort
{
    /// <summary>Highest priority first.</summary>
    Priority,

    /// <summary>Oldest first.</summary>
    Age,

    /// <summary>Most signals first.</summary>
    Signals,

    /// <summary>Most distinct end users first.</summary>
    Reach,
}

/// <summary>Flags a case may carry: any of them, or one category.</summary>
public enum FlagScope
{
    Any,
    Safety,
    Compliance,
}

/// <summary>A set of case statuses with value equality (a bit per status), so filters compare by value.</summary>
public readonly record struct CaseStatusSet(int Bits)
{
    /// <summary>Cases still needing work: New, InReview, Labeled, CorrectionProposed (the queue's default).</summary>
    public static readonly CaseStatusSet Open = Of(CaseStatus.New, CaseStatus.InReview, CaseStatus.Labeled, CaseStatus.CorrectionProposed);

    public static readonly CaseStatusSet All = Of(Enum.GetValues<CaseStatus>());

    public static CaseStatusSet Of(params IEnumerable<CaseStatus> statuses) =>
        new(statuses.Aggregate(0, (bits, s) => bits | (1 << (int)s)));

    public bool Contains(CaseStatus status) => (Bits & (1 << (int)status)) != 0;

    public bool IsEmpty => Bits == 0;

    public IReadOnlyList<CaseStatus> Statuses => Enum.GetValues<CaseStatus>().Where(Contains).ToList();

    public CaseStatusSet Intersect(CaseStatusSet other) => new(Bits & other.Bits);
}

/// <summary>
/// What the triage queue shows, in which order and which page. The address bar holds it
/// (<see cref="ToQueryString"/> / <see cref="Parse"/>), so a view can be shared, saved and gone back to.
/// </summary>
public sealed record QueueFilter
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;
    public const int MaxTextLength = 200;

    public static readonly QueueFilter Default = new();

    public Guid? ApplicationId { get; init; }

    public CaseStatusSet Statuses { get; init; } = CaseStatusSet.Open;

    /// <summary>A failure-mode key; matches the mode and the modes under it, suggested or confirmed.</summary>
    public string? FailureMode { get; init; }

    /// <summary>Cases with at least one signal of this kind.</summary>
    public SignalKind? Kind { get; init; }

    public FlagScope? Flag { get; init; }

    public string? Role { get; init; }

    public string? TaskType { get; init; }

    public string? ModelVersion { get; init; }

    /// <summary>Created on or after this day (UTC).</summary>
    public DateOnly? From { get; init; }

    /// <summary>Created on or before this day (UTC).</summary>
    public DateOnly? To { get; init; }

    public AssigneeScope Assignee { get; init; } = AssigneeScope.Anyone;

    /// <summary>The person for <see cref="AssigneeScope.User"/>.</summary>
    public string? AssigneeId { get; init; }

    public long? ClusterId { get; init; }

    /// <summary>Words to find in the interaction's input or output (slower: not indexed).</summary>
    public string? Text { get; init; }

    public QueueSort Sort { get; init; } = QueueSort.Priority;

    public bool Descending { get; init; } = true;

    /// <summary>1-based.</summary>
    public int Page { get; init; } = 1;

    public int PageSize { get; init; } = DefaultPageSize;

    /// <summary>The same filter on its first page (what a changed filter starts from).</summary>
    public QueueFilter FirstPage() => this with { Page = 1 };

    /// <summary>Whether anything narrows the result beyond the default view (for "clear filters").</summary>
    public bool HasFilters =>
        ApplicationId is not null || Statuses != CaseStatusSet.Open || FailureMode is not null || Kind is not null || Flag is not null
        || Role is not null || TaskType is not null || ModelVersion is not null || From is not null || To is not null
        || Assignee != AssigneeScope.Anyone || ClusterId is not null || Text is not null;

    /// <summary>The filter as a query string without the leading <c>?</c>; defaults are left out, so the default view is "".</summary>
    public string ToQueryString()
    {
        var parts = new List<(string Key, string Value)>();
        if (ApplicationId is { } app)
        {
            parts.Add(("app", app.ToString("D")));
        }

        if (Statuses != CaseStatusSet.Open)
        {
            parts.Add(("status", Statuses == CaseStatusSet.All ? "all" : string.Join(",", Statuses.Statuses.Select(StatusName))));
        }

        Add(parts, "mode", FailureMode);
        if (Kind is { } kind)
        {
            parts.Add(("kind", kind.ToString().ToLowerInvariant()));
        }

        if (Flag is { } flag)
        {
            parts.Add(("flag", flag.ToString().ToLowerInvariant()));
        }

        Add(parts, "role", Role);
        Add(parts, "task", TaskType);
        Add(parts, "model", ModelVersion);
        Add(parts, "from", From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Add(parts, "to", To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        switch (Assignee)
        {
            case AssigneeScope.Mine:
                parts.Add(("assignee", "mine"));
                break;
            case AssigneeScope.Unassigned:
                parts.Add(("assignee", "unassigned"));
                break;
            case AssigneeScope.User when AssigneeId is not null:
                parts.Add(("assignee", AssigneeId));
                break;
        }

        Add(parts, "cluster", ClusterId?.ToString(CultureInfo.InvariantCulture));
        Add(parts, "q", Text);
        if (Sort != QueueSort.Priority)
        {
            parts.Add(("sort", Sort.ToString().ToLowerInvariant()));
        }

        if (!Descending)
        {
            parts.Add(("dir", "asc"));
        }

        if (Page != 1)
        {
            parts.Add(("page", Page.ToString(CultureInfo.InvariantCulture)));
        }

        if (PageSize != DefaultPageSize)
        {
            parts.Add(("size", PageSize.ToString(CultureInfo.InvariantCulture)));
        }

        var builder = new StringBuilder();
        foreach (var (key, value) in parts)
        {
            // Commas stay readable in the status list (status=new,inreview); everything else is escaped.
            var escaped = key == "status" ? value : Uri.EscapeDataString(value);
            builder.Append(builder.Length == 0 ? "" : "&").Append(key).Append('=').Append(escaped);
        }

        return builder.ToString();
    }

    /// <summary>
    /// Reads a filter from a query string (with or without <c>?</c>, or a whole URL). Unknown keys and
    /// values that do not parse are ignored, so an old or hand-edited link still opens a sensible view.
    /// </summary>
    public static QueueFilter Parse(string? query)
    {
        var filter = new QueueFilter();
        if (string.IsNullOrEmpty(query))
        {
            return filter;
        }

        var start = query.IndexOf('?', StringComparison.Ordinal);
        if (start >= 0)
        {
            query = query[(start + 1)..];
        }

        var hash = query.IndexOf('#', StringComparison.Ordinal);
        if (hash >= 0)
        {
            query = query[..hash];
        }

        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = eq < 0 ? pair : pair[..eq];
            var raw = eq < 0 ? "" : pair[(eq + 1)..];
            string value;
            try
            {
                value = Uri.UnescapeDataString(raw.Replace('+', ' ')).Trim();
            }
            catch (UriFormatException)
            {
                continue;
            }

            if (value.Length == 0)
            {
                continue;
            }

            filter = key switch
            {
                "app" when Guid.TryParse(value, out var app) => filter with { ApplicationId = app },
                "status" => ParseStatuses(value) is { IsEmpty: false } statuses ? filter with { Statuses = statuses } : filter,
                "mode" => filter with { FailureMode = Clip(value, 100) },
                "kind" when TryEnum<SignalKind>(value, out var kind) => filter with { Kind = kind },
                "flag" when TryEnum<FlagScope>(value, out var flag) => filter with { Flag = flag },
                "role" => filter with { Role = Clip(value, 100) },
                "task" => filter with { TaskType = Clip(value, 100) },
                "model" => filter with { ModelVersion = Clip(value, 100) },
                "from" when TryDate(value, out var from) => filter with { From = from },
                "to" when TryDate(value, out var to) => filter with { To = to },
                "assignee" => value switch
                {
                    "mine" => filter with { Assignee = AssigneeScope.Mine, AssigneeId = null },
                    "unassigned" => filter with { Assignee = AssigneeScope.Unassigned, AssigneeId = null },
                    "anyone" => filter with { Assignee = AssigneeScope.Anyone, AssigneeId = null },
                    _ => filter with { Assignee = AssigneeScope.User, AssigneeId = Clip(value, 450) },
                },
                "cluster" when long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var cluster) => filter with { ClusterId = cluster },
                "q" => filter with { Text = Clip(value, MaxTextLength) },
                "sort" when TryEnum<QueueSort>(value, out var sort) => filter with { Sort = sort },
                "dir" => filter with { Descending = !string.Equals(value, "asc", StringComparison.OrdinalIgnoreCase) },
                "page" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var page) && page >= 1 => filter with { Page = page },
                "size" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size >= 1 =>
                    filter with { PageSize = Math.Min(size, MaxPageSize) },
                _ => filter,
            };
        }

        return filter;
    }

    /// <summary>The word a status has in the address bar: <c>new</c>, <c>inreview</c> ….</summary>
    public static string StatusName(CaseStatus status) => status.ToString().ToLowerInvariant();

    private static CaseStatusSet ParseStatuses(string value)
    {
        if (string.Equals(value, "all", StringComparison.OrdinalIgnoreCase))
        {
            return CaseStatusSet.All;
        }

        var statuses = new List<CaseStatus>();
        foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (string.Equals(part, "open", StringComparison.OrdinalIgnoreCase))
            {
                statuses.AddRange(CaseStatusSet.Open.Statuses);
            }
            else if (TryEnum<CaseStatus>(part, out var status))
            {
                statuses.Add(status);
            }
        }

        return CaseStatusSet.Of(statuses);
    }

    private static void Add(List<(string, string)> parts, string key, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            parts.Add((key, value));
        }
    }

    private static string Clip(string value, int length) => value.Length <= length ? value : value[..length];

    private static bool TryEnum<T>(string value, out T result)
        where T : struct, Enum =>
        Enum.TryParse(value, ignoreCase: true, out result) && Enum.IsDefined(result) && !int.TryParse(value, CultureInfo.InvariantCulture, out _);

    private static bool TryDate(string value, out DateOnly date) =>
        DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
}
