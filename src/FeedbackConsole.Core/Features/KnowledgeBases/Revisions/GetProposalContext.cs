using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.KnowledgeBases.Revisions;

/// <summary>
/// What the "Propose correction" editor starts from: the case's question and answer, the end user's latest
/// correction, the reviewer's corrected answer, the application's knowledge bases, the entries the interaction
/// retrieved (those that exist in them, with their current content) and the failure modes to tag an example with.
/// </summary>
public sealed class GetProposalContext(IDbContextFactory<FeedbackDbContext> contexts)
{
    public sealed record Context(
        long CaseId,
        CaseStatus Status,
        string? WhyNot,
        Guid ApplicationId,
        string ApplicationName,
        string Input,
        string Output,
        string? TaskType,
        string? ProposedAnswer,
        Correction? Correction,
        IReadOnlyList<string> ConfirmedModes,
        IReadOnlyList<KnowledgeBaseChoice> KnowledgeBases,
        IReadOnlyList<UsedEntry> UsedEntries,
        IReadOnlyList<string> UnknownEntryIds,
        IReadOnlyList<FailureModeChoice> FailureModes,
        IReadOnlyList<OpenProposal> OpenProposals);

    public sealed record Correction(long SignalId, string Text);

    public sealed record KnowledgeBaseChoice(Guid Id, string Key, string Name, KnowledgeBaseKind Kind);

    /// <summary>An entry the interaction retrieved, as it is approved now.</summary>
    public sealed record UsedEntry(Guid EntryId, Guid KnowledgeBaseId, string KnowledgeBaseName, KnowledgeBaseKind Kind, int Number, RevisionContent Content);

    public sealed record OpenProposal(Guid RevisionId, string KnowledgeBaseName, string Title, int Number);

    public async Task<Context?> HandleAsync(long caseId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var kase = await db.Cases.AsNoTracking().Where(c => c.Id == caseId)
            .Select(c => new { c.Id, c.Status, c.ApplicationId, c.InteractionId, c.ProposedAnswer })
            .FirstOrDefaultAsync(cancellationToken);
        if (kase is null)
        {
            return null;
        }

        var interaction = await db.Interactions.AsNoTracking().Where(i => i.Id == kase.InteractionId)
            .Select(i => new { i.Input, i.Output, i.TaskType, i.UsedEntryIds }).FirstAsync(cancellationToken);
        var applicationName = await db.Applications.AsNoTracking().Where(a => a.Id == kase.ApplicationId).Select(a => a.Name).FirstAsync(cancellationToken);
        var correction = await db.Signals.AsNoTracking()
            .Where(s => s.InteractionId == kase.InteractionId && s.Kind == SignalKind.Correction && s.Text != null)
            .OrderByDescending(s => s.OccurredAt).ThenByDescending(s => s.Id)
            .Select(s => new Correction(s.Id, s.Text!))
            .FirstOrDefaultAsync(cancellationToken);
        var confirmed = await db.CaseFailureModes.AsNoTracking().Where(m => m.CaseId == caseId && m.Confirmed)
            .OrderByDescending(m => m.Score).Select(m => m.FailureMode!.Key).ToListAsync(cancellationToken);

        var kbs = await db.KnowledgeBases.AsNoTracking()
            .Where(k => k.ApplicationId == kase.ApplicationId && k.ArchivedAt == null)
            .Select(k => new KnowledgeBaseChoice(k.Id, k.Key, k.Name, k.Kind))
            .ToListAsync(cancellationToken);
        kbs = [.. kbs.OrderBy(k => k.Kind).ThenBy(k => k.Name, StringComparer.CurrentCultureIgnoreCase)];

        // Apps report the ids they retrieved as strings; those that are entry ids of this application's knowledge bases are offered.
        var parsed = interaction.UsedEntryIds.Select(s => (Text: s, Id: Guid.TryParse(s, out var g) ? g : (Guid?)null)).ToList();
        var guids = parsed.Where(p => p.Id is not null).Select(p => p.Id!.Value).Distinct().ToList();
        var kbIds = kbs.Select(k => k.Id).ToList();
        var used = guids.Count == 0
            ? []
            : await (from e in db.KnowledgeEntries.AsNoTracking()
                     join r in db.EntryRevisions on e.ApprovedRevisionId equals (Guid?)r.Id
                     where guids.Contains(e.Id) && kbIds.Contains(e.KnowledgeBaseId) && !e.IsRetired
                     select new { e.Id, e.KnowledgeBaseId, Revision = r })
                .ToListAsync(cancellationToken);
        var kbById = kbs.ToDictionary(k => k.Id);
        var usedEntries = used
            .Select(u => new UsedEntry(u.Id, u.KnowledgeBaseId, kbById[u.KnowledgeBaseId].Name, kbById[u.KnowledgeBaseId].Kind, u.Revision.Number, RevisionContent.Of(u.Revision)))
            .OrderBy(u => guids.IndexOf(u.EntryId))
            .ToList();
        var known = usedEntries.Select(u => u.EntryId).ToHashSet();
        var unknown = parsed.Where(p => p.Id is not { } g || !known.Contains(g)).Select(p => p.Text).Distinct().ToList();

        var modes = await FailureModeChoice.LoadAsync(db, cancellationToken);

        var open = await (from s in db.RevisionSources.AsNoTracking()
                          join r in db.EntryRevisions on s.RevisionId equals r.Id
                          join k in db.KnowledgeBases on r.KnowledgeBaseId equals k.Id
                          where s.CaseId == caseId && r.State == RevisionState.Proposed
                          orderby r.CreatedAt
                          select new OpenProposal(r.Id, k.Name, r.Title, r.Number))
            .ToListAsync(cancellationToken);

        return new Context(
            kase.Id, kase.Status, CorrectionRules.WhyNot(kase.Status), kase.ApplicationId, applicationName, interaction.Input, interaction.Output,
            interaction.TaskType, kase.ProposedAnswer, correction, confirmed, kbs, usedEntries, unknown, modes, open);
    }
}
