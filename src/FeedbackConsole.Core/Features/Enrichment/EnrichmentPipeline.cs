using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Clustering;
using FeedbackConsole.Core.Features.Ingestion;
using FeedbackConsole.Core.Features.Triage;
using FeedbackConsole.Core.Options;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FeedbackConsole.Core.Features.Enrichment;

/// <summary>
/// Turns stored signals into cases, after ingest and outside the request: for each interaction with new
/// signals (or a new turn in a conversation) it runs the ordered steps — context fill, conversation linking,
/// derived signals, failure-mode suggestion, priority — and creates or updates the interaction's case, then
/// puts the case in the cluster of its near-duplicates (<see cref="CaseClustering"/>), in the same transaction.
/// The clusters' figures are recounted once at the end of a pass, not once per case.
/// (PII redaction is the one step that runs at ingest, because original text must never be stored.)
/// Every pass recomputes from all of an interaction's signals, so running it twice, or on two instances at
/// once, gives the same result.
/// </summary>
public sealed class EnrichmentPipeline(
    IDbContextFactory<FeedbackDbContext> contexts,
    IOptions<EnrichmentOptions> options,
    TimeProvider time,
    CaseChangeFeed changes,
    ILogger<EnrichmentPipeline> logger)
{
    private const int MaxAttempts = 3;

    /// <summary>The steps in the order they run.</summary>
    public IReadOnlyList<IEnrichmentStep> Steps { get; } =
    [
        new ContextFillStep(),
        new ConversationLinkingStep(),
        new DerivedSignalsStep(options.Value),
        new FailureModeSuggestionStep(),
        new PriorityStep(),
    ];

    /// <summary>Processes up to one batch of waiting work. Returns how many interactions were processed.</summary>
    public Task<int> RunOnceAsync(CancellationToken cancellationToken = default) => RunOnceAsync(null, cancellationToken);

    /// <summary>
    /// Processes up to one batch of waiting work, awaiting <paramref name="pace"/> before each interaction after the
    /// first (the worker slows down there while ingestion is saturated). Returns how many interactions were processed.
    /// </summary>
    public async Task<int> RunOnceAsync(Func<CancellationToken, ValueTask>? pace, CancellationToken cancellationToken = default)
    {
        var batch = options.Value.BatchSize;
        List<long> interactionIds;
        List<ActiveRule> rules;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            var fromSignals = await db.Signals.AsNoTracking()
                .Where(s => s.EnrichedAt == null && s.InteractionId != null)
                .OrderBy(s => s.Id).Take(batch)
                .Select(s => s.InteractionId!.Value)
                .ToListAsync(cancellationToken);
            var fromTurns = await db.Interactions.AsNoTracking()
                .Where(i => i.EnrichedAt == null)
                .OrderBy(i => i.Id).Take(batch)
                .Select(i => i.Id)
                .ToListAsync(cancellationToken);
            interactionIds = fromSignals.Concat(fromTurns).Distinct().ToList();
            if (interactionIds.Count == 0)
            {
                await RecountClustersAsync([], cancellationToken); // any left marked by a pass that stopped early
                return 0;
            }

            rules = (await db.FailureModeRules.AsNoTracking()
                    .Where(r => r.Enabled && r.FailureMode!.RetiredAt == null)
                    .Select(r => new { Rule = r, r.FailureMode!.Key })
                    .ToListAsync(cancellationToken))
                .Select(r => new ActiveRule(r.Rule, r.Key))
                .ToList();
        }

        var changedCases = new List<long>();
        var touchedClusters = new HashSet<long>();
        var first = true;
        foreach (var id in interactionIds)
        {
            if (!first && pace is not null)
            {
                await pace(cancellationToken);
            }

            first = false;
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    if (await ProcessOneAsync(id, rules, touchedClusters, cancellationToken) is { } caseId)
                    {
                        changedCases.Add(caseId);
                    }

                    break;
                }
                catch (DbUpdateException ex) when (attempt < MaxAttempts)
                {
                    // Another instance (or a late signal) touched the same case: recompute from fresh data.
                    logger.LogDebug(ex, "Enrichment of interaction {InteractionId} raced; retrying.", id);
                }
            }
        }

        await RecountClustersAsync(touchedClusters, cancellationToken);
        if (changedCases.Count > 0)
        {
            changes.Publish(new CaseChange(changedCases, "enriched", null));
        }

        return interactionIds.Count;
    }

    /// <summary>
    /// Runs the steps for one interaction, saves signals, derived signals, its case and the case's cluster in one
    /// transaction, then recounts the clusters it touched. Returns the case's id when the interaction has a case.
    /// </summary>
    public async Task<long?> ProcessAsync(long interactionId, IReadOnlyList<ActiveRule> rules, CancellationToken cancellationToken = default)
    {
        var touched = new HashSet<long>();
        var caseId = await ProcessOneAsync(interactionId, rules, touched, cancellationToken);
        await RecountClustersAsync(touched, cancellationToken);
        return caseId;
    }

    /// <summary>
    /// Recounts the figures of the clusters a pass touched, and of any cluster still marked
    /// <see cref="CaseCluster.RecountNeeded"/> (a pass that stopped before its recounts, here or on another
    /// instance): each in a short transaction of its own, so that ingestion waits for the writer one cluster at a time.
    /// </summary>
    private async Task RecountClustersAsync(HashSet<long> touched, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var marked = await db.CaseClusters.AsNoTracking().Where(c => c.RecountNeeded)
            .OrderBy(c => c.Id).Select(c => new { c.Id, c.ApplicationId }).Take(1_000).ToListAsync(cancellationToken);
        var clusters = marked.ToDictionary(c => c.Id, c => c.ApplicationId);
        var unknown = touched.Where(id => !clusters.ContainsKey(id)).ToList();
        if (unknown.Count > 0)
        {
            foreach (var cluster in await db.CaseClusters.AsNoTracking().Where(c => unknown.Contains(c.Id))
                         .Select(c => new { c.Id, c.ApplicationId }).ToListAsync(cancellationToken))
            {
                clusters[cluster.Id] = cluster.ApplicationId;
            }
        }

        foreach (var (clusterId, applicationId) in clusters.OrderBy(c => c.Key))
        {
            db.ChangeTracker.Clear();
            using var writerTurn = await IngestionTransaction.EnterSqliteWriterAsync(db, cancellationToken);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await CaseClustering.LockApplicationAsync(db, applicationId, cancellationToken);
            await CaseClustering.RecountAsync(db, clusterId, time.GetUtcNow(), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
    }

    // One interaction in one transaction; the clusters it touched are marked for a recount and added to `touched`.
    private async Task<long?> ProcessOneAsync(long interactionId, IReadOnlyList<ActiveRule> rules, HashSet<long> touched, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var interaction = await db.Interactions.FirstOrDefaultAsync(i => i.Id == interactionId, cancellationToken);
        if (interaction is null)
        {
            return null;
        }

        var signals = await db.Signals.Where(s => s.InteractionId == interactionId).OrderBy(s => s.Id).ToListAsync(cancellationToken);
        var earlier = interaction.ConversationId is null
            ? []
            : await db.Interactions.AsNoTracking()
                .Where(i => i.ApplicationId == interaction.ApplicationId && i.ConversationId == interaction.ConversationId
                            && i.Id != interaction.Id && i.OccurredAt <= interaction.OccurredAt)
                .OrderByDescending(i => i.OccurredAt).Take(5)
                .ToListAsync(cancellationToken);

        var now = time.GetUtcNow();
        var context = new EnrichmentContext { Interaction = interaction, Signals = signals, EarlierTurns = earlier, Rules = rules, Now = now };
        foreach (var step in Steps)
        {
            step.Apply(context);
        }

        // Opened only now, so that the reads above do not hold SQLite's one writer lock; and in line with the
        // ingest writers of this process (SQLite has one writer), instead of sleeping in SQLite's busy handler.
        using var writerTurn = await IngestionTransaction.EnterSqliteWriterAsync(db, cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await StoreDerivedAsync(db, context, cancellationToken);
        var kase = await UpsertCaseAsync(db, context, cancellationToken);

        interaction.EnrichedAt = now;
        await db.SaveChangesAsync(cancellationToken);

        // The signals read above, in one statement rather than one update per row; one that arrived since stays
        // waiting for the next pass.
        var read = signals.Where(s => s.EnrichedAt is null).Select(s => s.Id).ToList();
        if (read.Count > 0)
        {
            await db.Signals.Where(s => read.Contains(s.Id)).ExecuteUpdateAsync(u => u.SetProperty(s => s.EnrichedAt, now), cancellationToken);
        }

        IReadOnlyList<long> moved = [];
        if (kase is not null)
        {
            moved = await CaseClustering.ClusterAsync(db, kase, CaseClustering.TextsOf(interaction.Input, context.AllSignals), now, cancellationToken);
            await CaseClustering.MarkForRecountAsync(db, moved, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        touched.UnionWith(moved);
        return kase?.Id;
    }

    private static async Task StoreDerivedAsync(FeedbackDbContext db, EnrichmentContext context, CancellationToken cancellationToken)
    {
        foreach (var derived in context.Derived)
        {
            var onThisTurn = derived.InteractionId == context.Interaction.Id;
            if (!onThisTurn)
            {
                if (await db.Signals.AnyAsync(s => s.ApplicationId == derived.ApplicationId && s.ExternalId == derived.ExternalId, cancellationToken))
                {
                    continue;
                }

                // Left for the next pass, which recomputes the earlier turn's case with it.
                derived.EnrichedAt = null;
            }

            db.Signals.Add(derived);
        }
    }

    private static async Task<Case?> UpsertCaseAsync(FeedbackDbContext db, EnrichmentContext context, CancellationToken cancellationToken)
    {
        var signals = context.AllSignals.ToList();
        var kase = await db.Cases.Include(c => c.FailureModes).FirstOrDefaultAsync(c => c.InteractionId == context.Interaction.Id, cancellationToken);
        if (kase is null)
        {
            if (!signals.Any(SignalPolarity.OpensCase))
            {
                return null; // positive-only or neutral feedback makes no case; it still counts in metrics
            }

            kase = new Case
            {
                ApplicationId = context.Interaction.ApplicationId,
                InteractionId = context.Interaction.Id,
                Status = CaseStatus.New,
                CreatedAt = context.Now,
            };
            db.Cases.Add(kase);
        }

        kase.SignalCount = signals.Count;
        kase.NegativeCount = signals.Count(s => SignalPolarity.Of(s) < 0);
        kase.HasCorrection = signals.Any(s => s.Kind == SignalKind.Correction);
        var flags = signals.Where(s => s.Flag is not null).Select(s => s.Flag!.Value).ToList();
        kase.HighestFlag = flags.Count == 0 ? null : flags.Contains(FlagCategory.Safety) ? FlagCategory.Safety : FlagCategory.Compliance;
        kase.FirstSignalAt = signals.Count == 0 ? context.Now : signals.Min(s => s.OccurredAt);
        kase.LastSignalAt = signals.Count == 0 ? context.Now : signals.Max(s => s.OccurredAt);
        kase.Priority = context.Priority;
        FillSegmentAndSummary(kase, context.Interaction, signals);
        kase.UpdatedAt = context.Now;
        kase.Version = Guid.NewGuid();

        // Suggestions are recomputed; what a reviewer confirmed stays.
        kase.FailureModes.RemoveAll(m => !m.Confirmed && !context.Suggestions.ContainsKey(m.FailureModeId));
        foreach (var suggestion in context.Suggestions.Values)
        {
            var entry = kase.FailureModes.FirstOrDefault(m => m.FailureModeId == suggestion.FailureModeId);
            if (entry is null)
            {
                kase.FailureModes.Add(new CaseFailureMode
                {
                    FailureModeId = suggestion.FailureModeId,
                    RuleId = suggestion.RuleId,
                    Reason = suggestion.Reason,
                    Score = suggestion.Score,
                });
            }
            else if (!entry.Confirmed)
            {
                entry.RuleId = suggestion.RuleId;
                entry.Reason = suggestion.Reason;
                entry.Score = suggestion.Score;
            }
        }

        return kase;
    }

    /// <summary>
    /// Copies the segment from the interaction and summarizes all the case's signals (derived ones included) onto
    /// the case row, so that the queue filters and sorts on it alone.
    /// </summary>
    public static void FillSegmentAndSummary(Case kase, Interaction interaction, IReadOnlyCollection<Signal> signals)
    {
        kase.UserRole = interaction.UserRole;
        kase.TaskType = interaction.TaskType;
        kase.ModelVersion = interaction.ModelVersion;
        kase.ThumbsUp = signals.Count(s => s.Kind == SignalKind.Thumb && s.ThumbUp == true);
        kase.ThumbsDown = signals.Count(s => s.Kind == SignalKind.Thumb && s.ThumbUp == false);
        kase.LowestRating = signals.Where(s => s.Kind == SignalKind.Rating && s.Rating is not null).Min(s => s.Rating);
        kase.SignalKinds = signals.Aggregate(0, (bits, s) => bits | (1 << (int)s.Kind));
        // Signals without an end user (the interaction named none either) cannot be told apart, so they do not count.
        kase.Reach = signals.Where(s => s.EndUserId is not null).Select(s => s.EndUserId).Distinct(StringComparer.Ordinal).Count();
    }
}
