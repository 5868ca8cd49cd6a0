using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Accounts;
using FeedbackConsole.Core.Features.Triage.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace FeedbackConsole.Core.Features.Triage.Cases;

/// <summary>
/// Everything the case page shows, in a handful of indexed queries: the interaction and the conversation's
/// earlier turns, every signal, the correction as a word diff against the output, the failure modes (and why
/// each was suggested), similar cases of the cluster, the history from the audit trail, and the taxonomy for
/// the label picker with the most used modes first (keys 1–9). All text is as stored: already redacted.
/// </summary>
public sealed class GetCaseDetail(IDbContextFactory<FeedbackDbContext> contexts, IMemoryCache cache, TimeProvider time)
{
    public const int MaxEarlierTurns = 10;
    public const int MaxSignals = 200;
    public const int MaxSimilar = 10;
    public const int MaxHistory = 200;
    public const int ShortcutCount = 9;

    private static readonly TimeSpan MostUsedLifetime = TimeSpan.FromMinutes(1);

    public sealed record Detail(
        long Id,
        CaseStatus Status,
        double Priority,
        Guid ApplicationId,
        string ApplicationName,
        string? AssigneeId,
        string? AssigneeName,
        DateTimeOffset? LeaseExpiresAt,
        CaseSeverity? Severity,
        string? ReviewerNote,
        string? ProposedAnswer,
        string? DismissReason,
        long? DuplicateOfCaseId,
        ClusterView? Cluster,
        int SignalCount,
        int NegativeCount,
        int Reach,
        FlagCategory? HighestFlag,
        DateTimeOffset CreatedAt,
        DateTimeOffset UpdatedAt,
        DateTimeOffset? TriagedAt,
        DateTimeOffset? ResolvedAt,
        CaseStamp Stamp,
        InteractionView Interaction,
        IReadOnlyList<TurnView> EarlierTurns,
        IReadOnlyList<SignalView> Signals,
        CorrectionView? Correction,
        IReadOnlyList<ModeView> FailureModes,
        IReadOnlyList<SimilarCase> Similar,
        IReadOnlyList<CaseHistoryItem> History,
        LabelPicker Taxonomy)
    {
        public bool IsOpen => CaseWorkflow.IsOpen(Status);

        public int ConfirmedCount => FailureModes.Count(m => m.Confirmed);
    }

    public sealed record ClusterView(long Id, string Title, int CaseCount, int Reach);

    public sealed record InteractionView(
        long Id,
        string ExternalId,
        string? ConversationId,
        string? EndUserId,
        string? UserRole,
        string? TaskType,
        string? Channel,
        string? Locale,
        string? AppVersion,
        string Input,
        string Output,
        string? ModelVersion,
        string? PromptVersion,
        string? KnowledgeBase,
        int? KnowledgeBaseVersion,
        IReadOnlyList<string> UsedEntryIds,
        DateTimeOffset OccurredAt,
        int RedactionCount);

    public sealed record TurnView(long Id, string Input, string Output, DateTimeOffset OccurredAt);

    public sealed record SignalView(
        long Id,
        SignalKind Kind,
        bool? ThumbUp,
        int? Rating,
        string? Dimension,
        FlagCategory? Flag,
        int? DwellMilliseconds,
        string? Text,
        DateTimeOffset OccurredAt,
        string? EndUserId,
        bool IsDerived,
        int RedactionCount);

    /// <summary>The latest correction, diffed against the output; <see cref="Count"/> corrections in all.</summary>
    public sealed record CorrectionView(long SignalId, string? EndUserId, DateTimeOffset OccurredAt, string Text, IReadOnlyList<DiffSpan> Diff, int Count);

    /// <summary>A failure mode on the case: confirmed by a reviewer and/or suggested by a rule (with its name and why).</summary>
    public sealed record ModeView(int FailureModeId, string Key, string Name, string? FamilyName, bool Confirmed, bool Suggested, string? RuleName, string Reason, double Score);

    public sealed record SimilarCase(long Id, CaseStatus Status, double Priority, string Input, DateTimeOffset CreatedAt);

    /// <summary>One node of the taxonomy for the label picker; only <see cref="Selectable"/> ones (leaves, not retired) can be confirmed.</summary>
    public sealed record TaxonomyNode(int Id, string Key, string Name, string Description, string? FamilyName, bool Selectable, bool Retired);

    /// <summary>The whole tree (families then their modes) and the up to nine modes keys 1–9 toggle, most used first.</summary>
    public sealed record LabelPicker(IReadOnlyList<TaxonomyNode> Modes, IReadOnlyList<int> MostUsed);

    public async Task<Detail?> HandleAsync(long caseId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        // The event id first: if a decision lands between these two reads, the stamp looks older than the version
        // and a later conflict lists one event too many (harmless), never one too few.
        var lastEventId = await CaseHistory.LastEventIdAsync(db, caseId, cancellationToken);
        var kase = await db.Cases.AsNoTracking().Where(c => c.Id == caseId).FirstOrDefaultAsync(cancellationToken);
        if (kase is null)
        {
            return null;
        }

        var interaction = await db.Interactions.AsNoTracking().Where(i => i.Id == kase.InteractionId).FirstAsync(cancellationToken);
        var applicationName = await db.Applications.AsNoTracking().Where(a => a.Id == kase.ApplicationId).Select(a => a.Name).FirstOrDefaultAsync(cancellationToken);

        var now = time.GetUtcNow();
        var held = ClaimRules.IsHeld(kase.AssigneeId, kase.LeaseExpiresAt, now);
        var assigneeName = held ? await PeopleNames.LoadOneAsync(db, kase.AssigneeId!, cancellationToken) : null;

        var earlier = interaction.ConversationId is null
            ? []
            : await db.Interactions.AsNoTracking()
                .Where(i => i.ApplicationId == interaction.ApplicationId && i.ConversationId == interaction.ConversationId
                            && i.OccurredAt < interaction.OccurredAt)
                .OrderByDescending(i => i.OccurredAt)
                .Take(MaxEarlierTurns)
                .Select(i => new TurnView(i.Id, i.Input, i.Output, i.OccurredAt))
                .ToListAsync(cancellationToken);
        earlier.Reverse();

        var signals = await db.Signals.AsNoTracking()
            .Where(s => s.InteractionId == interaction.Id)
            .OrderBy(s => s.OccurredAt).ThenBy(s => s.Id)
            .Take(MaxSignals)
            .Select(s => new SignalView(s.Id, s.Kind, s.ThumbUp, s.Rating, s.Dimension, s.Flag, s.DwellMilliseconds, s.Text, s.OccurredAt, s.EndUserId, s.IsDerived, s.RedactionCount))
            .ToListAsync(cancellationToken);

        var corrections = await db.Signals.AsNoTracking()
            .Where(s => s.InteractionId == interaction.Id && s.Kind == SignalKind.Correction && s.Text != null)
            .OrderByDescending(s => s.OccurredAt).ThenByDescending(s => s.Id)
            .Select(s => new { s.Id, s.EndUserId, s.OccurredAt, s.Text })
            .Take(1)
            .ToListAsync(cancellationToken);
        CorrectionView? correction = null;
        if (corrections.Count == 1)
        {
            var latest = corrections[0];
            var count = await db.Signals.CountAsync(s => s.InteractionId == interaction.Id && s.Kind == SignalKind.Correction && s.Text != null, cancellationToken);
            correction = new CorrectionView(latest.Id, latest.EndUserId, latest.OccurredAt, latest.Text!, WordDiff.Compute(interaction.Output, latest.Text!), count);
        }

        var taxonomy = await LoadTaxonomyAsync(db, cancellationToken);
        var byId = taxonomy.Modes.ToDictionary(m => m.Id);
        var modes = await db.CaseFailureModes.AsNoTracking()
            .Where(m => m.CaseId == caseId)
            .Select(m => new { m.FailureModeId, m.Confirmed, m.RuleId, m.Reason, m.Score })
            .ToListAsync(cancellationToken);
        var ruleIds = modes.Where(m => m.RuleId != null).Select(m => m.RuleId!.Value).Distinct().ToList();
        var rules = ruleIds.Count == 0
            ? []
            : await db.FailureModeRules.AsNoTracking().Where(r => ruleIds.Contains(r.Id)).ToDictionaryAsync(r => r.Id, r => r.Name, cancellationToken);
        var modeViews = modes
            .Select(m =>
            {
                var node = byId.GetValueOrDefault(m.FailureModeId);
                return new ModeView(
                    m.FailureModeId, node?.Key ?? $"#{m.FailureModeId}", node?.Name ?? "(removed)", node?.FamilyName, m.Confirmed, m.RuleId is not null,
                    m.RuleId is { } rule ? rules.GetValueOrDefault(rule) : null, m.Reason, m.Score);
            })
            .OrderByDescending(m => m.Confirmed).ThenByDescending(m => m.Score).ThenBy(m => m.Key, StringComparer.Ordinal)
            .ToList();

        ClusterView? cluster = null;
        IReadOnlyList<SimilarCase> similar = [];
        if (kase.ClusterId is { } clusterId)
        {
            cluster = await db.CaseClusters.AsNoTracking().Where(c => c.Id == clusterId)
                .Select(c => new ClusterView(c.Id, c.Title, c.CaseCount, c.Reach)).FirstOrDefaultAsync(cancellationToken);
            similar = await db.Cases.AsNoTracking()
                .Where(c => c.ClusterId == clusterId && c.Id != caseId)
                .OrderByDescending(c => c.Priority).ThenByDescending(c => c.Id)
                .Take(MaxSimilar)
                .Select(c => new SimilarCase(c.Id, c.Status, c.Priority, c.Interaction!.Input.Substring(0, 160), c.CreatedAt))
                .ToListAsync(cancellationToken);
        }

        var history = await CaseHistory.LoadAsync(db, caseId, 0, MaxHistory, cancellationToken);

        return new Detail(
            kase.Id, kase.Status, kase.Priority, kase.ApplicationId, applicationName ?? "(deleted application)",
            held ? kase.AssigneeId : null, assigneeName, held ? kase.LeaseExpiresAt : null,
            kase.Severity, kase.ReviewerNote, kase.ProposedAnswer, kase.DismissReason, kase.DuplicateOfCaseId, cluster,
            kase.SignalCount, kase.NegativeCount, kase.Reach, kase.HighestFlag,
            kase.CreatedAt, kase.UpdatedAt, kase.TriagedAt, kase.ResolvedAt,
            new CaseStamp(kase.Version, lastEventId),
            new InteractionView(
                interaction.Id, interaction.ExternalId, interaction.ConversationId, interaction.EndUserId, interaction.UserRole, interaction.TaskType,
                interaction.Channel, interaction.Locale, interaction.AppVersion, interaction.Input, interaction.Output, interaction.ModelVersion,
                interaction.PromptVersion, interaction.KnowledgeBase, interaction.KnowledgeBaseVersion, interaction.UsedEntryIds, interaction.OccurredAt,
                interaction.RedactionCount),
            earlier, signals, correction, modeViews, similar, history, taxonomy);
    }

    /// <summary>
    /// Who changed what on the case since <paramref name="loaded"/> (an open page hearing of a change by someone
    /// else); empty when the case is as loaded. New feedback, which records no decision, is told as such.
    /// </summary>
    public async Task<IReadOnlyList<CaseChangeSummary>> ChangesSinceAsync(long caseId, CaseStamp loaded, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var current = await db.Cases.AsNoTracking().Where(c => c.Id == caseId).Select(c => new { c.Version, c.UpdatedAt }).FirstOrDefaultAsync(cancellationToken);
        if (current is null || current.Version == loaded.Version)
        {
            return [];
        }

        var changes = CaseHistory.Summarize(await CaseHistory.LoadAsync(db, caseId, loaded.LastEventId, take: 50, cancellationToken));
        return changes.Count > 0
            ? changes
            : [new CaseChangeSummary(null, "New feedback", current.UpdatedAt, ["arrived on this case (its signals and suggestions were updated)"])];
    }

    private async Task<LabelPicker> LoadTaxonomyAsync(FeedbackDbContext db, CancellationToken cancellationToken)
    {
        var all = await db.FailureModes.AsNoTracking()
            .Select(m => new { m.Id, m.Key, m.Name, m.Description, m.ParentId, m.SortOrder, m.RetiredAt })
            .ToListAsync(cancellationToken);
        var parents = all.Where(m => m.ParentId != null).Select(m => m.ParentId!.Value).ToHashSet();

        // Families in their order, each followed by its modes in theirs.
        var ordered = new List<TaxonomyNode>(all.Count);
        void Visit(int? parentId, string? familyName)
        {
            foreach (var m in all.Where(m => m.ParentId == parentId).OrderBy(m => m.SortOrder).ThenBy(m => m.Key, StringComparer.Ordinal))
            {
                ordered.Add(new TaxonomyNode(m.Id, m.Key, m.Name, m.Description, familyName, !parents.Contains(m.Id) && m.RetiredAt is null, m.RetiredAt is not null));
                Visit(m.Id, m.ParentId is null ? m.Name : familyName);
            }
        }

        Visit(null, null);

        var counts = await cache.GetOrCreateAsync("triage:most-used-failure-modes", async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = MostUsedLifetime;
            return await db.CaseFailureModes.AsNoTracking()
                .Where(m => m.Confirmed)
                .GroupBy(m => m.FailureModeId)
                .Select(g => new KeyValuePair<int, int>(g.Key, g.Count()))
                .ToListAsync(cancellationToken);
        }) ?? [];

        var selectable = ordered.Where(m => m.Selectable).ToList();
        var rank = counts.ToDictionary(c => c.Key, c => c.Value);
        var mostUsed = selectable
            .Select((m, index) => (m.Id, Count: rank.GetValueOrDefault(m.Id), index))
            .OrderByDescending(m => m.Count).ThenBy(m => m.index)
            .Take(ShortcutCount)
            .Select(m => m.Id)
            .ToList();
        return new LabelPicker(ordered, mostUsed);
    }
}
