using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Releases;

/// <summary>
/// A Lead snapshots every non-retired entry's approved revision into a new candidate release, numbered after the
/// last one and based on the release that is Live now (what its diff and its gate compare against). Refused when
/// nothing changed since Live, or when the newest open candidate already holds exactly these revisions.
/// </summary>
public sealed class BuildCandidate(IDbContextFactory<FeedbackDbContext> contexts, AuditTrail audit, TimeProvider time)
{
    public const int MaxNotesLength = 4000;

    public sealed record Built(Guid ReleaseId, int Number, int EntryCount, int Added, int Changed, int Retired);

    public async Task<Result<Built>> HandleAsync(Guid knowledgeBaseId, string? notes, string actingUserId, CancellationToken cancellationToken = default)
    {
        var text = string.IsNullOrWhiteSpace(notes) ? null : notes.Trim();
        if (text is { Length: > MaxNotesLength })
        {
            return Result<Built>.Fail($"Release notes hold at most {MaxNotesLength:N0} characters.");
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await ReleaseRules.IsLeadAsync(db, actingUserId, cancellationToken))
        {
            return Result<Built>.Fail(ReleaseRules.LeadsOnly);
        }

        var kb = await db.KnowledgeBases.FirstOrDefaultAsync(k => k.Id == knowledgeBaseId, cancellationToken);
        if (kb is null)
        {
            return Result<Built>.Fail("That knowledge base no longer exists.");
        }

        if (kb.ArchivedAt is not null)
        {
            return Result<Built>.Fail($"{kb.Name} is archived: it takes no new releases.");
        }

        var next = await ReleaseSnapshot.ApprovedAsync(db, kb.Id, cancellationToken);
        var live = await db.Releases.AsNoTracking().Where(r => r.Id == kb.LiveReleaseId).Select(r => new { r.Id, r.Number }).FirstOrDefaultAsync(cancellationToken);
        var changes = ReleaseSnapshot.Compare(await ReleaseSnapshot.OfReleaseAsync(db, live?.Id, cancellationToken), next);
        if (changes.Total == 0)
        {
            return Result<Built>.Fail(live is null
                ? "Nothing to release yet: approve at least one entry revision first."
                : $"No approved changes since release {live.Number}, which is Live.");
        }

        // Pressing "Build candidate" twice must not make two identical candidates.
        var open = await db.Releases.AsNoTracking()
            .Where(r => r.KnowledgeBaseId == kb.Id && (r.State == ReleaseState.Candidate || r.State == ReleaseState.Gated || r.State == ReleaseState.Shadow))
            .OrderByDescending(r => r.Number)
            .Select(r => new { r.Id, r.Number, r.BaseReleaseId })
            .FirstOrDefaultAsync(cancellationToken);
        if (open is not null && open.BaseReleaseId == kb.LiveReleaseId)
        {
            var openEntries = await ReleaseSnapshot.OfReleaseAsync(db, open.Id, cancellationToken);
            if (ReleaseSnapshot.Compare(openEntries, next).Total == 0)
            {
                return Result<Built>.Fail($"Release {open.Number} already holds exactly these approved revisions.");
            }
        }

        var number = (await db.Releases.Where(r => r.KnowledgeBaseId == kb.Id).MaxAsync(r => (int?)r.Number, cancellationToken) ?? 0) + 1;
        var now = time.GetUtcNow();
        var release = new Release
        {
            Id = Guid.NewGuid(),
            KnowledgeBaseId = kb.Id,
            Number = number,
            State = ReleaseState.Candidate,
            BaseReleaseId = kb.LiveReleaseId,
            Notes = text,
            EntryCount = next.Count,
            AddedCount = changes.Added.Count,
            ChangedCount = changes.Changed.Count,
            RetiredCount = changes.Retired.Count,
            CreatedById = actingUserId,
            CreatedAt = now,
            Version = Guid.NewGuid(),
        };
        db.Releases.Add(release);
        db.ReleaseEntries.AddRange(next.Select(e => new ReleaseEntry { ReleaseId = release.Id, EntryId = e.Key, RevisionId = e.Value }));

        // Numbers are handed out under the knowledge base's token: two Leads building at once cannot both get N.
        kb.Version = Guid.NewGuid();
        kb.UpdatedAt = now;
        await audit.RecordAsync(db, await AuditActor.OfUserAsync(db, actingUserId, cancellationToken),
            new AuditEntry(ReleaseActions.Built, ReleaseActions.ReleaseEntity, ReleaseActions.Id(release.Id), kb.ApplicationId,
                After: new
                {
                    knowledgeBase = kb.Key, number, entries = release.EntryCount, added = release.AddedCount, changed = release.ChangedCount,
                    retired = release.RetiredCount, baseRelease = live?.Number,
                }), cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            return Result<Built>.Fail("Another candidate was built for this knowledge base at the same moment. Reload the releases and try again.");
        }

        return Result<Built>.Ok(new Built(release.Id, number, release.EntryCount, release.AddedCount, release.ChangedCount, release.RetiredCount));
    }
}
