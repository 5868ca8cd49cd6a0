using System.Globalization;
using System.Text;
using CsvHelper;

namespace FeedbackConsole.Core.Features.Impact;

/// <summary>The data behind each dashboard chart as a CSV table (one row per day, week or bar), for the charts' "CSV" links.</summary>
public static class ImpactCsv
{
    public const string Volume = "signal-volume";
    public const string NegativeRate = "negative-rate";
    public const string Pareto = "failure-modes";
    public const string CaseTimes = "case-times";
    public const string Corrections = "corrections-per-week";
    public const string Versions = "versions";
    public const string TopCorrections = "top-corrections";

    public static IReadOnlyList<string> Charts { get; } = [Volume, NegativeRate, Pareto, CaseTimes, Corrections, Versions, TopCorrections];

    /// <summary>Header and rows of one chart's data.</summary>
    public static (string[] Header, List<string?[]> Rows) Table(string chart, ImpactDashboard d)
    {
        static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        static string? Share(double? value) => value?.ToString("0.####", CultureInfo.InvariantCulture);
        static string? Hours(TimeSpan? value) => value?.TotalHours.ToString("0.##", CultureInfo.InvariantCulture);
        static string N(long value) => value.ToString(CultureInfo.InvariantCulture);

        switch (chart)
        {
            case Volume:
                return (["day_utc", .. d.Volume.Select(k => k.Kind.ToString().ToLowerInvariant())],
                    [.. d.Days.Select((day, i) => new[] { Day(day) }.Concat(d.Volume.Select(k => N(k.Counts[i]))).ToArray<string?>())]);
            case NegativeRate:
                return (["day_utc", "negative_rate", .. d.NegativeRateByMode.Select(m => "negative_rate_" + m.Name), "releases"],
                    [.. d.Days.Select((day, i) => new[] { Day(day), Share(d.NegativeRate[i]) }
                        .Concat(d.NegativeRateByMode.Select(m => Share(m.Rates[i])))
                        .Append(string.Join("; ", d.Releases.Where(r => ImpactRollup.DayOf(r.At) == day).Select(r => r.Label))).ToArray())]);
            case Pareto:
                return (["failure_mode", "name", "negative_signals", "cumulative_share"],
                    [.. d.Pareto.Select(p => new[] { p.Key, p.Name, N(p.Negative), Share(p.CumulativeShare) })]);
            case CaseTimes:
                return (["week_utc", "triage_p50_hours", "triage_p90_hours", "triaged", "not_triaged", "resolve_p50_hours", "resolve_p90_hours", "resolved", "not_resolved"],
                    [.. d.Weeks.Select((w, i) => new[]
                    {
                        Day(w), Hours(d.TimeToTriage[i].P50), Hours(d.TimeToTriage[i].P90), N(d.TimeToTriage[i].Counted), N(d.TimeToTriage[i].Pending),
                        Hours(d.TimeToResolve[i].P50), Hours(d.TimeToResolve[i].P90), N(d.TimeToResolve[i].Counted), N(d.TimeToResolve[i].Pending),
                    })]);
            case Corrections:
                return (["week_utc", "corrections_released", "end_users_notified"],
                    [.. d.Weeks.Select((w, i) => new[] { Day(w), N(d.CorrectionsReleased[i]), d.EndUsersNotified is { } n ? N(n[i]) : null })]);
            case Versions:
                return (["dimension", "version", "signals", "good_or_bad", "negative", "negative_rate"],
                    [.. d.ByModel.Select(v => new[] { "model", v.Version, N(v.Signals), N(v.Polar), N(v.Negative), Share(v.Rate) })
                        .Concat(d.ByPrompt.Select(v => new[] { "prompt", v.Version, N(v.Signals), N(v.Polar), N(v.Negative), Share(v.Rate) }))]);
            case TopCorrections:
                return (["revision_id", "title", "knowledge_base", "release", "released_at_utc", "times_served", "satisfaction_when_used", "signals_when_used",
                        "satisfaction_same_entry_before", "signals_same_entry_before", "failure_modes", "failure_mode_share_28d_before", "failure_mode_share_28d_after"],
                    [.. d.TopCorrections.Select(c => new[]
                    {
                        c.RevisionId.ToString(), c.Title, c.KnowledgeBaseKey, c.Release, c.ReleasedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
                        N(c.TimesServed), Share(c.Outcome.After.Share), N(c.Outcome.After.Polar), Share(c.Outcome.Before?.Share), c.Outcome.Before is { } b ? N(b.Polar) : null,
                        string.Join(" ", c.FailureModes), Share(c.Outcome.ModeShareBefore), Share(c.Outcome.ModeShareAfter),
                    })]);
            default:
                throw new ArgumentOutOfRangeException(nameof(chart), chart, "Unknown chart.");
        }
    }

    public static string Write(string chart, ImpactDashboard d)
    {
        var (header, rows) = Table(chart, d);
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = new CsvWriter(writer, CultureInfo.InvariantCulture))
        {
            foreach (var field in header)
            {
                csv.WriteField(field);
            }

            csv.NextRecord();
            foreach (var row in rows)
            {
                foreach (var field in row)
                {
                    csv.WriteField(field ?? "");
                }

                csv.NextRecord();
            }
        }

        return writer.ToString();
    }

    /// <summary>A <c>data:</c> URL of the chart's CSV, for a download link that needs no endpoint.</summary>
    public static string DataUrl(string chart, ImpactDashboard d) =>
        "data:text/csv;charset=utf-8;base64," + Convert.ToBase64String(Encoding.UTF8.GetBytes(Write(chart, d)));

    public static string FileName(string chart, ImpactFilter filter) =>
        string.Create(CultureInfo.InvariantCulture, $"impact-{chart}-{filter.From:yyyy-MM-dd}-to-{filter.To:yyyy-MM-dd}.csv");
}
