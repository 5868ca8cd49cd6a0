using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Audit;
using FeedbackConsole.Core.Features.Triage;
using FeedbackConsole.Core.Features.Triage.Cases;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.KnowledgeBases.Revisions;

/// <summary>
/// A reviewer proposes a change to a knowledge base: a new entry, an update or a retirement. Nothing reaches the
/// application until another person approves it and a release carrying it goes live. An update or retirement
/// records the approved revision it was written against, so that approving it after the entry changed again is
/// refused. Proposed from a case, the revision links back to the case (and its end user's correction) and the
/// case moves to CorrectionProposed, all in one transaction with the audit events.
/// </summary>
/// <remarks>
/// Several open proposals on one entry are allowed (two reviewers may see different fixes); approving one makes
/// the others stale, and their approval is then refused until someone proposes again on the new revision.
/// </remarks>
public sealed class ProposeRevision(IDbContextFactory<FeedbackDbContext> contexts, AuditTrail audit, CaseChangeFeed feed, TimeProvider time)
{
    private const int MaxAttempts = 3;

    public sealed class Request
    {
        public Guid KnowledgeBaseId { get; set; }

        /// <summary>The entry updated or retired; null for a new entry.</summary>
        public Guid? EntryId { get; set; }

        public RevisionChange Change { get; set; }

        public RevisionContent Content { get; set; } = new("", "");

        /// <summary>Why: shown to the approver. Required.</summary>
        public string Summary { get; set; } = "";

        /// <summary>The case the proposal comes from, if any.</summary>
        public long? CaseId { get; set; }

        /// <summary>The case's correction signal it builds on; null: the case's latest correction, if it has one.</summary>
        public long? SignalId { get; set; }
    }

    public sealed record Outcome(Guid RevisionId, Guid EntryId, int Number);

    public async Task<Result<Outcome>> HandleAsync(Request request, string actingUserId, CancellationToken cancellationToken = default)
    {
        var summary = (request.Summary ?? "").Trim();
        if (summary.Length == 0)
        {
            return Result<Outcome>.Fail("Say why in the summary: the approver reads it first.");
        }

        if (summary.Length > KnowledgeBaseRules.SummaryMaxLength)
        {
            return Result<Outcome>.Fail($"Keep the summary to {KnowledgeBaseRules.SummaryMaxLength:N0} characters or fewer.");
        }

        if (!Enum.IsDefined(request.Change))
        {
            return Result<Outcome>.Fail("Choose what the proposal does: a new entry, an update or a retirement.");
        }

        if (request.Change == RevisionChange.Create && request.EntryId is not null)
        {
            return Result<Outcome>.Fail("A new entry cannot name an existing one.");
        }

        if (request.Change != RevisionChange.Create && request.EntryId is null)
        {
            return Result<Outcome>.Fail("Choose the entry to change.");
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TryAsync(request, summary, actingUserId, cancellationToken);
            }
            catch (DbUpdateException) when (attempt < MaxAttempts)
            {
                // The source case changed between our read and our write (new feedback, a reviewer's edit), or someone
                // proposed on the same entry at the same moment and took the revision number: check and number again.
            }
            catch (DbUpdateException)
            {
                return Result<Outcome>.Fail("The entry or the case kept changing while this was saved. Nothing was written; try again.");
            }
        }
    }

    private async Task<Result<Outcome>> TryAsync(Request request, string summary, string actingUserId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (!await KnowledgeBaseRules.IsReviewerAsync(db, actingUserId, cancellationToken))
        {
            return Result<Outcome>.Fail("Only reviewers, leads and admins can propose changes to a knowledge base.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var kb = await db.KnowledgeBases.AsNoTracking().FirstOrDefaultAsync(k => k.Id == request.KnowledgeBaseId, cancellationToken);
        if (kb is null)
        {
            return Result<Outcome>.Fail("That knowledge base no longer exists.");
        }

        if (kb.ArchivedAt is not null)
        {
            return Result<Outcome>.Fail($"“{kb.Name}” is archived: it takes no new proposals.");
        }

        var now = time.GetUtcNow();
        KnowledgeEntry entry;
        RevisionContent content;
        Guid? basedOn = null;
        if (request.Change == RevisionChange.Create)
        {
            content = request.Content.Normalize(kb.Kind);
            if (await CheckContentAsync(db, kb.Kind, content, cancellationToken) is { } invalid)
            {
                return Result<Outcome>.Fail(invalid);
            }

            entry = new KnowledgeEntry
            {
                Id = Guid.NewGuid(), KnowledgeBaseId = kb.Id, Title = content.Title, CreatedById = actingUserId, CreatedAt = now, UpdatedAt = now,
            };
            db.KnowledgeEntries.Add(entry);
        }
        else
        {
            var existing = await db.KnowledgeEntries.FirstOrDefaultAsync(e => e.Id == request.EntryId && e.KnowledgeBaseId == kb.Id, cancellationToken);
            if (existing is null)
            {
                return Result<Outcome>.Fail("That entry no longer exists in this knowledge base.");
            }

            entry = existing;
            if (entry.ApprovedRevisionId is not { } approvedId)
            {
                return Result<Outcome>.Fail("This entry has no approved revision yet: its first proposal must be approved (or rejected) before it can be changed.");
            }

            if (entry.IsRetired)
            {
                return Result<Outcome>.Fail("This entry is retired. Propose a new entry instead.");
            }

            var approved = await db.EntryRevisions.AsNoTracking().FirstAsync(r => r.Id == approvedId, cancellationToken);
            basedOn = approvedId;
            if (request.Change == RevisionChange.Retire)
            {
                // A retirement keeps the content it retires, so the history and the release diff show what went.
                content = RevisionContent.Of(approved);
            }
            else
            {
                content = request.Content.Normalize(kb.Kind);
                if (await CheckContentAsync(db, kb.Kind, content, cancellationToken) is { } invalid)
                {
                    return Result<Outcome>.Fail(invalid);
                }

                if (content == RevisionContent.Of(approved).Normalize(kb.Kind))
                {
                    return Result<Outcome>.Fail("This proposal changes nothing: edit at least one field.");
                }
            }

            entry.UpdatedAt = now;
        }

        entry.LatestRevisionNumber++;
        var revision = new EntryRevision
        {
            Id = Guid.NewGuid(), EntryId = entry.Id, KnowledgeBaseId = kb.Id, Number = entry.LatestRevisionNumber, Change = request.Change,
            State = RevisionState.Proposed, Summary = summary, BasedOnRevisionId = basedOn, AuthorId = actingUserId, CreatedAt = now,
        };
        content.ApplyTo(revision);
        db.EntryRevisions.Add(revision);

        var actor = await AuditActor.OfUserAsync(db, actingUserId, cancellationToken);
        var entries = new List<AuditEntry>
        {
            new(KnowledgeBaseRules.RevisionProposed, KnowledgeBaseRules.RevisionEntity, KnowledgeBaseRules.Id(revision.Id), kb.ApplicationId,
                After: new
                {
                    knowledgeBase = kb.Key, entryId = entry.Id, number = revision.Number, change = revision.Change.ToString(), title = revision.Title,
                    basedOnRevisionId = basedOn, caseId = request.CaseId,
                },
                Reason: summary),
        };

        Case? source = null;
        if (request.CaseId is { } caseId)
        {
            source = await db.Cases.FirstOrDefaultAsync(c => c.Id == caseId, cancellationToken);
            if (source is null)
            {
                return Result<Outcome>.Fail($"Case #{caseId} no longer exists.");
            }

            if (source.ApplicationId != kb.ApplicationId)
            {
                return Result<Outcome>.Fail("That case belongs to another application than this knowledge base.");
            }

            if (source.Status is not (CaseStatus.Labeled or CaseStatus.CorrectionProposed))
            {
                return Result<Outcome>.Fail(CorrectionRules.WhyNot(source.Status)!);
            }

            var signalId = request.SignalId;
            if (signalId is { } given)
            {
                if (!await db.Signals.AnyAsync(s => s.Id == given && s.InteractionId == source.InteractionId, cancellationToken))
                {
                    return Result<Outcome>.Fail("That signal is not one of this case's.");
                }
            }
            else
            {
                signalId = await db.Signals.AsNoTracking()
                    .Where(s => s.InteractionId == source.InteractionId && s.Kind == SignalKind.Correction && s.Text != null)
                    .OrderByDescending(s => s.OccurredAt).ThenByDescending(s => s.Id)
                    .Select(s => (long?)s.Id)
                    .FirstOrDefaultAsync(cancellationToken);
            }

            revision.Sources.Add(new RevisionSource { RevisionId = revision.Id, CaseId = caseId, SignalId = signalId });
            if (source.Status == CaseStatus.Labeled)
            {
                source.Status = CaseStatus.CorrectionProposed;
                source.ResolvedAt = null;
                entries.Add(new AuditEntry(CaseActions.StatusChanged, CaseActions.EntityType, CaseActions.EntityId(caseId), source.ApplicationId,
                    new { status = nameof(CaseStatus.Labeled) }, new { status = nameof(CaseStatus.CorrectionProposed) },
                    $"Proposed revision {revision.Number} of “{revision.Title}” in {kb.Name}."));
            }

            // A linked proposal is a decision on the case too: its version moves, so open pages hear of it.
            source.Version = Guid.NewGuid();
            source.UpdatedAt = now;
            source.UpdatedById = actingUserId;
        }

        await audit.RecordManyAsync(db, actor, entries, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (source is not null)
        {
            feed.Publish(new CaseChange([source.Id], "status", actingUserId));
        }

        return Result<Outcome>.Ok(new Outcome(revision.Id, entry.Id, revision.Number));
    }

    /// <summary>The content's own rules, then the failure mode an example names must be a current leaf of the taxonomy.</summary>
    internal static async Task<string?> CheckContentAsync(FeedbackDbContext db, KnowledgeBaseKind kind, RevisionContent content, CancellationToken cancellationToken)
    {
        if (content.Validate(kind) is { } invalid)
        {
            return invalid;
        }

        if (content.FailureModeKey is { } key
            && !await db.FailureModes.AnyAsync(m => m.Key == key && m.RetiredAt == null && !db.FailureModes.Any(c => c.ParentId == m.Id), cancellationToken))
        {
            return $"“{key}” is not a failure mode of the taxonomy (or it is retired, or a family): pick one from the list.";
        }

        return null;
    }
}
