namespace FeedbackConsole.Core.Features.Impact;

/// <summary>
/// Durations (time to triage, time to resolve) kept as counts per step, so that weekly percentiles come from a few
/// rollup rows instead of every case. A percentile is reported as the upper edge of its step ("at most"): steps of
/// about 1.5× between 1 minute and 90 days, so a reported p50 of 3 h means "between 2 h and 3 h".
/// </summary>
public static class DurationBuckets
{
    /// <summary>Bucket of cases not triaged (or resolved) yet.</summary>
    public const int Pending = -1;

    /// <summary>Upper edges, inclusive; a duration above the last edge goes into the last bucket.</summary>
    public static readonly IReadOnlyList<TimeSpan> UpperEdges =
    [
        TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(15),
        TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(45), TimeSpan.FromHours(1), TimeSpan.FromHours(1.5), TimeSpan.FromHours(2),
        TimeSpan.FromHours(3), TimeSpan.FromHours(4), TimeSpan.FromHours(6), TimeSpan.FromHours(8), TimeSpan.FromHours(12),
        TimeSpan.FromHours(18), TimeSpan.FromDays(1), TimeSpan.FromDays(1.5), TimeSpan.FromDays(2), TimeSpan.FromDays(3),
        TimeSpan.FromDays(4), TimeSpan.FromDays(5), TimeSpan.FromDays(7), TimeSpan.FromDays(10), TimeSpan.FromDays(14),
        TimeSpan.FromDays(21), TimeSpan.FromDays(30), TimeSpan.FromDays(45), TimeSpan.FromDays(60), TimeSpan.FromDays(90),
        TimeSpan.MaxValue,
    ];

    public static int Of(DateTimeOffset from, DateTimeOffset? to)
    {
        if (to is not { } end)
        {
            return Pending;
        }

        var duration = end - from;
        for (var i = 0; i < UpperEdges.Count; i++)
        {
            if (duration <= UpperEdges[i])
            {
                return i;
            }
        }

        return UpperEdges.Count - 1;
    }

    /// <summary>
    /// The nearest-rank percentile (<paramref name="p"/> in 0..1) of the counted durations, as the upper edge of its
    /// bucket (the last, open bucket reports its lower edge); null when nothing was counted.
    /// </summary>
    public static TimeSpan? Percentile(IReadOnlyDictionary<int, int> countsByBucket, double p)
    {
        var total = countsByBucket.Where(b => b.Key >= 0).Sum(b => b.Value);
        if (total == 0)
        {
            return null;
        }

        var rank = Math.Max(1, (int)Math.Ceiling(p * total));
        var seen = 0;
        foreach (var (bucket, count) in countsByBucket.Where(b => b.Key >= 0).OrderBy(b => b.Key))
        {
            seen += count;
            if (seen >= rank)
            {
                return bucket == UpperEdges.Count - 1 ? UpperEdges[^2] : UpperEdges[bucket];
            }
        }

        return UpperEdges[^2];
    }
}
