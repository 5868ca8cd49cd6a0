using System.Diagnostics;
using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Enrichment;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Taxonomy;

/// <summary>
/// "This rule matches N of the last M signals": a draft rule run against the most recent signals of every
/// application (at most <see cref="SampleSize"/>), with the same matcher enrichment uses. The conditions on
/// columns are filtered by the database; only the text pattern runs here, per text with the matcher's timeout,
/// and the whole preview stops after <see cref="TimeBudget"/> (saying how many it checked).
/// </summary>
public sealed class PreviewRule(IDbContextFactory<FeedbackDbContext> contexts)
{
    public const int SampleSize = 50_000;

    public static readonly TimeSpan TimeBudget = TimeSpan.FromSeconds(2);

    /// <param name="Matches">Signals the rule matches.</param>
    /// <param name="Sample">The signals looked at: the most recent ones, at most <see cref="SampleSize"/>.</param>
    /// <param name="Total">All signals stored.</param>
    /// <param name="Checked">Less than <paramref name="Sample"/> when the time budget ran out.</param>
    public sealed record Preview(int Matches, int Sample, long Total, int Checked)
    {
        public bool IsSampled => Total > Sample;

        public bool IsPartial => Checked < Sample;
    }

    public async Task<Result<Preview>> HandleAsync(RuleDraft draft, CancellationToken cancellationToken = default)
    {
        // A preview needs only valid conditions; the name may still be empty while the admin types.
        var (rule, invalid) = (draft with { Name = string.IsNullOrWhiteSpace(draft.Name) ? "preview" : draft.Name, Enabled = true }).Validate();
        if (rule is null)
        {
            return Result<Preview>.Fail(invalid!);
        }

        var pattern = rule.TextPattern is null ? null : RuleDraft.CompilePattern(rule.TextPattern).Regex;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var total = await db.Signals.LongCountAsync(cancellationToken);
        var sample = (int)Math.Min(total, SampleSize);
        var recent = db.Signals.AsNoTracking().OrderByDescending(s => s.Id).Take(SampleSize);

        if (rule.Kind is { } kind)
        {
            recent = recent.Where(s => s.Kind == kind);
        }

        if (rule.Flag is { } flag)
        {
            recent = recent.Where(s => s.Flag == flag);
        }

        if (rule.MaxRating is { } max)
        {
            recent = recent.Where(s => s.Rating != null && s.Rating <= max);
        }

        if (rule.ThumbUp is { } up)
        {
            recent = recent.Where(s => s.ThumbUp == up);
        }

        if (pattern is not null)
        {
            recent = recent.Where(s => s.Text != null && s.Text != "");
        }

        if (pattern is null && rule.Dimension is null)
        {
            return Result<Preview>.Ok(new Preview(await recent.CountAsync(cancellationToken), sample, total, sample));
        }

        // The rest runs through enrichment's own matcher, so the preview says exactly what enrichment would do.
        var candidates = recent.Select(s => new Signal { Kind = s.Kind, ThumbUp = s.ThumbUp, Rating = s.Rating, Dimension = s.Dimension, Flag = s.Flag, Text = s.Text, Id = s.Id });
        var clock = Stopwatch.StartNew();
        var matches = 0;
        long lastId = long.MaxValue;
        var outOfTime = false;
        await foreach (var signal in candidates.AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            if (clock.Elapsed > TimeBudget)
            {
                outOfTime = true;
                break;
            }

            lastId = signal.Id;
            if (RuleMatcher.Matches(rule, signal, pattern))
            {
                matches++;
            }
        }

        var examined = sample;
        if (outOfTime)
        {
            // Signals are read newest first: everything newer than the last one read has been checked.
            examined = await db.Signals.OrderByDescending(s => s.Id).Take(SampleSize).CountAsync(s => s.Id >= lastId, cancellationToken);
        }

        return Result<Preview>.Ok(new Preview(matches, sample, total, examined));
    }
}
