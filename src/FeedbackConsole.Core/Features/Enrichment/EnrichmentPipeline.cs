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
    /// <summary>Interactions enriched in one transaction (with one read of their rows and one save).</summary>
    public const int ChunkSize = 32;

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
    /// Processes up to one batch of waiting work, in transactions of up to <see cref="ChunkSize"/> interactions,
    /// awaiting <paramref name="pace"/> before each. The worker pauses there while ingestion is saturated and answers
    /// true, and the next transaction then holds a single interaction, so that the writer is never held for long
    /// while requests queue for it. Returns how many interactions were processed.
    /// </summary>
    public async Task<int> RunOnceAsync(Func<CancellationToken, ValueTask<bool>>? pace, CancellationToken cancellationToken = default)
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
                await RecountClustersAsync([], pace, cancellationToken); // any left marked by a pass that stopped early
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
        for (var position = 0; position < interactionIds.Count;)
        {
            var size = pace is not null && await pace(cancellationToken) ? 1 : ChunkSize;
            var chunk = interactionIds.Skip(position).Take(size).ToList();
            position += chunk.Count;
            changedCases.AddRange(await ProcessWithRetriesAsync(chunk, rules, touchedClusters, cancellationToken));
        }

        await RecountClustersAsync(touchedClusters, pace, cancellationToken);
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
        var cases = await ProcessChunkAsync([interactionId], rules, touched, cancellationToken);
        await RecountClustersAsync(touched, null, cancellationToken);
        return cases.Count == 0 ? null : cases[0];
    }

    // A chunk, retried from fresh data when it raced with another writer (another instance, a late signal, a
    // reviewer's edit of a case); a chunk that keeps failing is split, so that one interaction cannot hold up the rest.
    private async Task<List<long>> ProcessWithRetriesAsync(List<long> chunk, IReadOnlyList<ActiveRule> rules, HashSet<long> touched, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await ProcessChunkAsync(chunk, rules, touched, cancellationToken);
            }
            catch (DbUpdateException ex) when (attempt < MaxAttempts)
            {
                logger.LogDebug(ex, "Enrichment of interactions {First}–{Last} raced; retrying.", chunk[0], chunk[^1]);
            }
            catch (DbUpdateException ex) when (chunk.Count > 1)
            {
                logger.LogDebug(ex, "Enrichment of interactions {First}–{Last} kept failing; enriching them one at a time.", chunk[0], chunk[^1]);
                var cases = new List<long>();
                foreach (var id in chunk)
                {
                    cases.AddRange(await ProcessWithRetriesAsync([id], rules, touched, cancellationToken));
                }

                return cases;
            }
        }
    }

    /// <summary>
    /// Recounts the figures of the clusters a pass touched, and of any cluster still marked
    /// <see cref="CaseCluster.RecountNeeded"/> (a pass that stopped before its recounts, here or on another
    /// instance): each counted outside any transaction (a large cluster's count reads all its signals), then stored
    /// in a short transaction of its own, after <paramref name="pace"/>. A cluster marked again while it was counted
    /// stays marked, for the next pass.
    /// </summary>
    private async Task RecountClustersAsync(HashSet<long> touched, Func<CancellationToken, ValueTask<bool>>? pace, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var ids = touched.ToList();
        var clusters = await db.CaseClusters.AsNoTracking()
            .Where(c => c.RecountNeeded || ids.Contains(c.Id))
            .OrderBy(c => c.Id).Select(c => new { c.Id, c.ApplicationId }).Take(ids.Count + 1_000)
            .ToListAsync(cancellationToken);

        foreach (var (clusterId, applicationId) in clusters.Select(c => (c.Id, c.ApplicationId)))
        {
            if (pace is not null)
            {
                await pace(cancellationToken);
            }

            // Counted first, with no transaction open: only the few rows of the result are written with the writer held.
            db.ChangeTracker.Clear();
            if (await CaseClustering.CountAsync(db, clusterId, cancellationToken) is not { } count)
            {
                continue;
            }

            using var writerTurn = await IngestionTransaction.EnterSqliteWriterAsync(db, cancellationToken);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await CaseClustering.LockApplicationAsync(db, applicationId, cancellationToken);
            await CaseClustering.ApplyRecountAsync(db, count, time.GetUtcNow(), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
    }

    // Interactions enriched in one transaction: their signals, derived signals, cases and the cases' clusters. The
    // clusters they touched are marked for a recount and added to `touched`. Returns the ids of their cases.
    private async Task<List<long>> ProcessChunkAsync(IReadOnlyList<long> interactionIds, IReadOnlyList<ActiveRule> rules, HashSet<long> touched, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var interactions = await db.Interactions.Where(i => interactionIds.Contains(i.Id)).OrderBy(i => i.Id).ToListAsync(cancellationToken);
        if (interactions.Count == 0)
        {
            return [];
        }

        var ids = interactions.Select(i => i.Id).ToList();
        var signals = (await db.Signals.Where(s => s.InteractionId != null && ids.Contains(s.InteractionId.Value)).OrderBy(s => s.Id).ToListAsync(cancellationToken))
            .ToLookup(s => s.InteractionId!.Value);
        var conversations = await ConversationsAsync(db, interactions, cancellationToken);

        var now = time.GetUtcNow();
        var enrichments = new List<EnrichmentContext>(interactions.Count);
        foreach (var interaction in interactions)
        {
            var earlier = interaction.ConversationId is null
                ? []
                : conversations[(interaction.ApplicationId, interaction.ConversationId)]
                    .Where(t => t.Id != interaction.Id && t.OccurredAt <= interaction.OccurredAt)
                    .OrderByDescending(t => t.OccurredAt).Take(5)
                    .ToList();
            var context = new EnrichmentContext { Interaction = interaction, Signals = [.. signals[interaction.Id]], EarlierTurns = earlier, Rules = rules, Now = now };
            foreach (var step in Steps)
            {
                step.Apply(context);
            }

            enrichments.Add(context);
        }

        // Opened only now, so that the reads above do not hold SQLite's one writer lock; and in line with the
        // ingest writers of this process (SQLite has one writer), instead of sleeping in SQLite's busy handler.
        using var writerTurn = await IngestionTransaction.EnterSqliteWriterAsync(db, cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var cases = await db.Cases.Include(c => c.FailureModes).Where(c => ids.Contains(c.InteractionId)).ToDictionaryAsync(c => c.InteractionId, cancellationToken);
        var upserted = new List<(EnrichmentContext Context, Case Case)>();
        foreach (var context in enrichments)
        {
            await StoreDerivedAsync(db, context, cancellationToken);
            if (UpsertCase(db, context, cases.GetValueOrDefault(context.Interaction.Id)) is { } kase)
            {
                upserted.Add((context, kase));
            }
        }

        await db.SaveChangesAsync(cancellationToken);

        // The interactions and the signals read above, each in one statement rather than one update per row; a
        // signal that arrived since stays waiting for the next pass.
        await db.Interactions.Where(i => ids.Contains(i.Id)).ExecuteUpdateAsync(u => u.SetProperty(i => i.EnrichedAt, now), cancellationToken);
        var read = enrichments.SelectMany(c => c.Signals).Where(s => s.EnrichedAt is null).Select(s => s.Id).ToList();
        if (read.Count > 0)
        {
            await db.Signals.Where(s => read.Contains(s.Id)).ExecuteUpdateAsync(u => u.SetProperty(s => s.EnrichedAt, now), cancellationToken);
        }

        // Each application's clustering lock in one order, so that two instances' chunks cannot deadlock.
        foreach (var applicationId in upserted.Select(u => u.Case.ApplicationId).Distinct().Order())
        {
            await CaseClustering.LockApplicationAsync(db, applicationId, cancellationToken);
        }

        var moved = new HashSet<long>();
        foreach (var (context, kase) in upserted)
        {
            moved.UnionWith(await CaseClustering.ClusterAsync(db, kase, CaseClustering.TextsOf(context.Interaction.Input, context.AllSignals), now, cancellationToken));
        }

        await CaseClustering.MarkForRecountAsync(db, moved, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        touched.UnionWith(moved);
        return [.. upserted.Select(u => u.Case.Id)];
    }

    // The turns of the chunk's conversations up to its latest turn, by (application, conversation), for conversation
    // linking (the pipeline looks at a turn's five latest earlier ones).
    private static async Task<ILookup<(Guid, string), Interaction>> ConversationsAsync(FeedbackDbContext db, List<Interaction> interactions, CancellationToken cancellationToken)
    {
        var conversationIds = interactions.Where(i => i.ConversationId != null).Select(i => i.ConversationId!).Distinct().ToList();
        if (conversationIds.Count == 0)
        {
            return Array.Empty<Interaction>().ToLookup(t => (t.ApplicationId, t.ConversationId!));
        }

        var applicationIds = interactions.Select(i => i.ApplicationId).Distinct().ToList();
        var latest = interactions.Max(i => i.OccurredAt);
        var turns = await db.Interactions.AsNoTracking()
            .Where(t => applicationIds.Contains(t.ApplicationId) && t.ConversationId != null && conversationIds.Contains(t.ConversationId) && t.OccurredAt <= latest)
            .ToListAsync(cancellationToken);
        return turns.ToLookup(t => (t.ApplicationId, t.ConversationId!));
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

    // `kase`: the interaction's case as stored (with its failure modes), or null.
    private static Case? UpsertCase(FeedbackDbContext db, EnrichmentContext context, Case? kase)
    {
        var signals = context.AllSignals.ToList();
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
