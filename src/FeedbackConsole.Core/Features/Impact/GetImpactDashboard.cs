using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Impact;

/// <summary>
/// Every chart of the impact dashboard for one filter, in one call, from the daily rollups and small tables
/// (releases, corrections, serving tallies) — never from raw signals.
/// </summary>
public sealed class GetImpactDashboard(IDbContextFactory<FeedbackDbContext> contexts, INotifiedUsersSource notified)
{
    /// <summary>Failure modes drawn as their own negative-rate line (the rest are in the Pareto chart).</summary>
    public const int ModeLines = 5;

    public const int TopCorrectionCount = 10;

    public async Task<ImpactDashboard> HandleAsync(ImpactFilter requested, CancellationToken cancellationToken = default)
    {
        var filter = requested.Normalized();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        // Ids formatted here, not in SQL: SQLite stores Guids as upper-case text, and the filter compares lower-case "D" strings.
        var applications = (await db.Applications.AsNoTracking().OrderBy(a => a.Name).Select(a => new { a.Id, a.Name }).ToListAsync(cancellationToken))
            .Select(a => new ImpactChoice(a.Id.ToString("D"), a.Name)).ToList();
        var appId = filter.ApplicationId is { } chosen && applications.Any(a => a.Value == chosen.ToString("D"))
            ? chosen
            : applications.Count > 0 ? Guid.Parse(applications[0].Value) : (Guid?)null;
        filter = filter with { ApplicationId = appId };
        var days = Enumerable.Range(0, filter.To.DayNumber - filter.From.DayNumber + 1).Select(filter.From.AddDays).ToList();
        var weeks = days.Select(WeekOf).Distinct().ToList();
        if (appId is not { } app)
        {
            return ImpactDashboard.Empty(filter, applications, days, weeks);
        }

        // 1. Signals by day, kind, model and prompt version.
        var signalRows = await Filtered(db.ImpactSignalDays, app, filter)
            .GroupBy(r => new { r.Day, r.Kind, r.ModelVersion, r.PromptVersion })
            .Select(g => new { g.Key.Day, g.Key.Kind, g.Key.ModelVersion, g.Key.PromptVersion, Signals = g.Sum(r => r.Signals), Positive = g.Sum(r => r.Positive), Negative = g.Sum(r => r.Negative) })
            .ToListAsync(cancellationToken);

        // 2. Negative signals by day and failure mode.
        var modeRows = await Filtered(db.ImpactFailureModeDays, app, filter)
            .GroupBy(r => new { r.Day, r.FailureModeId })
            .Select(g => new { g.Key.Day, g.Key.FailureModeId, Negative = g.Sum(r => r.Negative) })
            .ToListAsync(cancellationToken);

        // 3. Cases by created day, measure and duration bucket.
        var caseRows = await Filtered(db.ImpactCaseDays, app, filter)
            .GroupBy(r => new { r.Day, r.Measure, r.Bucket })
            .Select(g => new { g.Key.Day, g.Key.Measure, g.Key.Bucket, Cases = g.Sum(r => r.Cases) })
            .ToListAsync(cancellationToken);

        // 4. Releases that went Live in the range: the markers.
        var (start, end) = (Start(filter.From), Start(filter.To.AddDays(1)));
        var markers = (await (
                    from r in db.Releases.AsNoTracking()
                    join kb in db.KnowledgeBases on r.KnowledgeBaseId equals kb.Id
                    where kb.ApplicationId == app && r.LiveAt != null && r.LiveAt >= start && r.LiveAt < end
                    select new { r.Id, LiveAt = r.LiveAt!.Value, kb.Key, r.Number })
                .ToListAsync(cancellationToken))
            .OrderBy(r => r.LiveAt)
            .Select(r => new ReleaseMarker(r.Id, r.LiveAt, $"{r.Key} v{r.Number}"))
            .ToList();

        // 5. Corrections, their serving counts and satisfaction.
        var corrections = await ImpactCorrections.LoadAsync(db, app, null, cancellationToken);
        var top = corrections.Where(c => c.TimesServed > 0 || c.ReleasedAt < end)
            .OrderByDescending(c => c.TimesServed).ThenByDescending(c => c.ReleasedAt).Take(TopCorrectionCount).ToList();
        var outcomes = await ImpactCorrections.OutcomesAsync(db, app, top, cancellationToken);

        var modes = await db.FailureModes.AsNoTracking().Select(m => new { m.Id, m.Key, m.Name }).ToDictionaryAsync(m => m.Id, cancellationToken);
        var segmentValues = await db.ImpactSegmentValues.AsNoTracking().Where(v => v.ApplicationId == app)
            .Select(v => new { v.Dimension, v.Value }).ToListAsync(cancellationToken);
        var notifiedPerWeek = await notified.NotifiedUsersPerWeekAsync(app, filter.From, filter.To, cancellationToken);

        // Shaping, in memory over a few thousand rows at most.
        var dayIndex = days.Select((d, i) => (d, i)).ToDictionary(x => x.d, x => x.i);
        var kinds = signalRows.GroupBy(r => r.Kind).OrderBy(g => g.Key)
            .Select(g =>
            {
                var counts = new int[days.Count];
                foreach (var r in g)
                {
                    counts[dayIndex[r.Day]] += r.Signals;
                }

                return new KindSeries(g.Key, counts);
            })
            .ToList();
        var polar = new int[days.Count];
        var negative = new int[days.Count];
        foreach (var r in signalRows)
        {
            polar[dayIndex[r.Day]] += r.Positive + r.Negative;
            negative[dayIndex[r.Day]] += r.Negative;
        }

        double?[] Rate(int[] numerator) => [.. numerator.Select((n, i) => polar[i] == 0 ? (double?)null : (double)n / polar[i])];

        var pareto = modeRows.GroupBy(r => r.FailureModeId)
            .Select(g => new { Id = g.Key, Negative = g.Sum(r => r.Negative) })
            .Where(m => m.Negative > 0)
            .OrderByDescending(m => m.Negative).ThenBy(m => modes.TryGetValue(m.Id, out var x) ? x.Key : "")
            .ToList();
        var paretoTotal = pareto.Sum(p => p.Negative);
        var cumulative = 0;
        var paretoRows = pareto.Select(p =>
        {
            cumulative += p.Negative;
            var mode = modes.GetValueOrDefault(p.Id);
            return new ParetoBar(mode?.Key ?? $"#{p.Id}", mode?.Name ?? "(deleted mode)", p.Negative, (double)cumulative / paretoTotal);
        }).ToList();
        var modeSeries = pareto.Take(ModeLines).Select(p =>
        {
            var counts = new int[days.Count];
            foreach (var r in modeRows.Where(r => r.FailureModeId == p.Id))
            {
                counts[dayIndex[r.Day]] += r.Negative;
            }

            var mode = modes.GetValueOrDefault(p.Id);
            return new RateSeries(mode?.Key ?? $"#{p.Id}", Rate(counts));
        }).ToList();

        List<VersionRate> ByVersion(Func<string, string, string> pick) => signalRows
            .GroupBy(r => pick(r.ModelVersion, r.PromptVersion))
            .Select(g => new VersionRate(g.Key.Length == 0 ? "(not sent)" : g.Key, g.Sum(r => r.Signals), g.Sum(r => r.Positive + r.Negative), g.Sum(r => r.Negative)))
            .Where(v => v.Polar > 0)
            .OrderBy(v => v.Version, StringComparer.Ordinal)
            .ToList();

        var weekIndex = weeks.Select((w, i) => (w, i)).ToDictionary(x => x.w, x => x.i);
        CaseTimeWeek[] Times(CaseTimeMeasure measure) => [.. weeks.Select(w =>
        {
            var buckets = caseRows.Where(r => r.Measure == measure && WeekOf(r.Day) == w)
                .GroupBy(r => r.Bucket).ToDictionary(g => g.Key, g => g.Sum(r => r.Cases));
            return new CaseTimeWeek(
                w, DurationBuckets.Percentile(buckets, 0.5), DurationBuckets.Percentile(buckets, 0.9),
                buckets.Where(b => b.Key >= 0).Sum(b => b.Value), buckets.GetValueOrDefault(DurationBuckets.Pending));
        })];

        var releasedPerWeek = new int[weeks.Count];
        foreach (var c in corrections.Where(c => c.ReleasedAt >= start && c.ReleasedAt < end))
        {
            releasedPerWeek[weekIndex[WeekOf(c.ReleasedDay)]]++;
        }

        int[]? notifiedSeries = notifiedPerWeek is null ? null : [.. weeks.Select(w => notifiedPerWeek.GetValueOrDefault(w))];
        var topRows = top.Select(c => new TopCorrection(
            c.RevisionId, c.Title, c.KnowledgeBaseKey, c.ReleaseLabel, c.ReleasedAt, c.TimesServed,
            [.. c.FailureModeIds.Select(id => modes.TryGetValue(id, out var m) ? m.Key : $"#{id}")], outcomes[c.RevisionId])).ToList();

        IReadOnlyList<string> Values(string dimension) => [.. segmentValues.Where(v => v.Dimension == dimension).Select(v => v.Value).Order(StringComparer.Ordinal)];
        return new ImpactDashboard(
            filter, applications, days, weeks, kinds, Rate(negative), modeSeries, markers, paretoRows, Times(CaseTimeMeasure.Triage), Times(CaseTimeMeasure.Resolve),
            releasedPerWeek, notifiedSeries, ByVersion((model, _) => model), ByVersion((_, prompt) => prompt), topRows,
            new ImpactChoices(Values("role"), Values("task"), Values("channel"), Values("locale"), Values("model")),
            corrections.Count);
    }

    /// <summary>Weeks start on Monday (UTC).</summary>
    public static DateOnly WeekOf(DateOnly day) => day.AddDays(-(((int)day.DayOfWeek + 6) % 7));

    private static DateTimeOffset Start(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>One application's rows of the filter's grain and days, narrowed by its segment and model filters.</summary>
    private static IQueryable<T> Filtered<T>(IQueryable<T> table, Guid app, ImpactFilter f)
        where T : class, IImpactSegmented, IImpactDay
    {
        var grain = f.Grain;
        var rows = table.AsNoTracking().Where(r => r.ApplicationId == app && r.Grain == grain && r.Day >= f.From && r.Day <= f.To);
        rows = f.ModelVersion is { } model ? rows.Where(r => r.ModelVersion == model) : rows;
        rows = f.Role is { } role ? rows.Where(r => r.UserRole == role) : rows;
        rows = f.TaskType is { } task ? rows.Where(r => r.TaskType == task) : rows;
        rows = f.Channel is { } channel ? rows.Where(r => r.Channel == channel) : rows;
        return f.Locale is { } locale ? rows.Where(r => r.Locale == locale) : rows;
    }
}

public sealed record ImpactChoice(string Value, string Label);

public sealed record ImpactChoices(
    IReadOnlyList<string> Roles, IReadOnlyList<string> TaskTypes, IReadOnlyList<string> Channels, IReadOnlyList<string> Locales, IReadOnlyList<string> ModelVersions);

public sealed record KindSeries(SignalKind Kind, int[] Counts);

/// <summary>A share per day (0..1), null on a day without a signal that said good or bad.</summary>
public sealed record RateSeries(string Name, double?[] Rates);

public sealed record ReleaseMarker(Guid ReleaseId, DateTimeOffset At, string Label);

public sealed record ParetoBar(string Key, string Name, int Negative, double CumulativeShare);

public sealed record CaseTimeWeek(DateOnly Week, TimeSpan? P50, TimeSpan? P90, int Counted, int Pending);

public sealed record VersionRate(string Version, int Signals, int Polar, int Negative)
{
    public double Rate => Polar == 0 ? 0 : (double)Negative / Polar;
}

public sealed record TopCorrection(
    Guid RevisionId, string Title, string KnowledgeBaseKey, string Release, DateTimeOffset ReleasedAt, long TimesServed,
    IReadOnlyList<string> FailureModes, CorrectionOutcome Outcome);

/// <summary>The dashboard's data: days and weeks of the range, and one property per chart.</summary>
public sealed record ImpactDashboard(
    ImpactFilter Filter,
    IReadOnlyList<ImpactChoice> Applications,
    IReadOnlyList<DateOnly> Days,
    IReadOnlyList<DateOnly> Weeks,
    IReadOnlyList<KindSeries> Volume,
    double?[] NegativeRate,
    IReadOnlyList<RateSeries> NegativeRateByMode,
    IReadOnlyList<ReleaseMarker> Releases,
    IReadOnlyList<ParetoBar> Pareto,
    IReadOnlyList<CaseTimeWeek> TimeToTriage,
    IReadOnlyList<CaseTimeWeek> TimeToResolve,
    int[] CorrectionsReleased,
    int[]? EndUsersNotified,
    IReadOnlyList<VersionRate> ByModel,
    IReadOnlyList<VersionRate> ByPrompt,
    IReadOnlyList<TopCorrection> TopCorrections,
    ImpactChoices Choices,
    int CorrectionCount)
{
    public bool HasSignals => Volume.Any(k => k.Counts.Any(c => c > 0));

    public static ImpactDashboard Empty(ImpactFilter filter, IReadOnlyList<ImpactChoice> applications, IReadOnlyList<DateOnly> days, IReadOnlyList<DateOnly> weeks) =>
        new(filter, applications, days, weeks, [], new double?[days.Count], [], [], [], [], [], new int[weeks.Count], null, [], [], [],
            new ImpactChoices([], [], [], [], []), 0);
}
