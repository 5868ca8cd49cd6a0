using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Triage.Cases;

/// <summary>
/// One reviewer decision on one case in progress: the tracked case, and the audit entries the decision makes.
/// Operations check everything before they change anything, so a refused operation leaves the case untouched.
/// </summary>
public sealed class CaseEdit
{
    private readonly List<AuditEntry> _entries = [];

    internal CaseEdit(FeedbackDbContext db, Case kase, DateTimeOffset now)
    {
        Db = db;
        Case = kase;
        Now = now;
    }

    public FeedbackDbContext Db { get; }

    /// <summary>The case, tracked, with its failure modes (and their taxonomy nodes) loaded.</summary>
    public Case Case { get; }

    public DateTimeOffset Now { get; }

    public IReadOnlyList<AuditEntry> Entries => _entries;

    public void Record(string action, object? before, object? after, string? reason = null) =>
        _entries.Add(new AuditEntry(action, CaseActions.EntityType, CaseActions.EntityId(Case.Id), Case.ApplicationId, before, after, reason));

    /// <summary>
    /// Moves the case to <paramref name="to"/> if the workflow allows it (no-op when already there), keeping
    /// <see cref="Case.TriagedAt"/> and <see cref="Case.ResolvedAt"/> in step. Records <c>case.status_changed</c>
    /// unless the caller's own event (dismissed, marked_duplicate, reopened) already tells the move.
    /// </summary>
    public string? MoveTo(CaseStatus to, bool recordStatusChange = true)
    {
        var from = Case.Status;
        if (from == to)
        {
            return null;
        }

        if (CaseWorkflow.CheckMove(from, to) is { } refused)
        {
            return refused;
        }

        Case.Status = to;
        if (to is CaseStatus.Labeled or CaseStatus.Dismissed or CaseStatus.Duplicate)
        {
            Case.TriagedAt ??= Now;
        }

        Case.ResolvedAt = to is CaseStatus.Dismissed or CaseStatus.Duplicate or CaseStatus.Released ? Now : null;
        if (recordStatusChange)
        {
            Record(CaseActions.StatusChanged, new { status = from.ToString() }, new { status = to.ToString() });
        }

        return null;
    }
}

/// <summary>
/// Runs reviewer decisions on cases: one transaction holding the change and its audit events, optimistic
/// concurrency on <see cref="Case.Version"/> (a stale save writes nothing and says who changed what since),
/// then a <see cref="CaseChangeFeed"/> message once committed. The commands in this folder are thin on top.
/// </summary>
public sealed class CaseEditor(IDbContextFactory<FeedbackDbContext> contexts, AuditTrail audit, CaseChangeFeed feed, TimeProvider time)
{
    /// <summary>Most cases one bulk action may touch.</summary>
    public const int MaxBulkCases = 1000;

    /// <summary>A test seam: runs inside the transaction just before saving, to stage a competing write.</summary>
    internal Func<FeedbackDbContext, Task>? BeforeSaveForTests { get; set; }

    /// <summary>Applies <paramref name="apply"/> (null: fine; else the refusal) to the case as the reviewer loaded it.</summary>
    public async Task<CaseCommandResult> RunAsync(
        long caseId, CaseStamp loaded, string actingUserId, string feedKind, Func<CaseEdit, Task<string?>> apply, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var kase = await LoadTracked(db).FirstOrDefaultAsync(c => c.Id == caseId, cancellationToken);
        if (kase is null)
        {
            return CaseCommandResult.NotFound();
        }

        if (kase.Version != loaded.Version)
        {
            await transaction.RollbackAsync(cancellationToken);
            return await ConflictAsync(db, caseId, loaded, cancellationToken);
        }

        var edit = new CaseEdit(db, kase, time.GetUtcNow());
        if (await apply(edit) is { } refused)
        {
            await transaction.RollbackAsync(cancellationToken);
            return CaseCommandResult.Refused(refused);
        }

        if (edit.Entries.Count == 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            return new CaseCommandResult(CaseCommandOutcome.Unchanged, loaded);
        }

        Stamp(kase, actingUserId, edit.Now);
        // The database checks the version the reviewer loaded, not only the one read above: a writer that commits
        // in between (PostgreSQL lets one) makes the UPDATE match no row.
        db.Entry(kase).Property(c => c.Version).OriginalValue = loaded.Version;
        var actor = await AuditActor.OfUserAsync(db, actingUserId, cancellationToken);
        var events = await audit.RecordManyAsync(db, actor, edit.Entries, cancellationToken);
        try
        {
            if (BeforeSaveForTests is { } hook)
            {
                await hook(db);
            }

            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            await transaction.RollbackAsync(cancellationToken);
            await using var fresh = await contexts.CreateDbContextAsync(cancellationToken);
            return await ConflictAsync(fresh, caseId, loaded, cancellationToken);
        }

        feed.Publish(new CaseChange([caseId], feedKind, actingUserId));
        return new CaseCommandResult(CaseCommandOutcome.Saved, new CaseStamp(kase.Version, events[^1].Id));
    }

    /// <summary>
    /// Applies <paramref name="apply"/> to each case as it is now, in one transaction: cases whose move the workflow
    /// refuses are skipped and reported, the others change together. Retried when a case changes under it.
    /// </summary>
    public async Task<BulkCaseResult> RunBulkAsync(
        IReadOnlyCollection<long> caseIds, string actingUserId, string feedKind, string reason, Func<CaseEdit, Task<string?>> apply,
        CancellationToken cancellationToken = default)
    {
        var ids = caseIds.Distinct().ToList();
        if (ids.Count == 0)
        {
            return BulkCaseResult.Fail("Select at least one case.");
        }

        if (ids.Count > MaxBulkCases)
        {
            return BulkCaseResult.Fail($"A bulk action takes at most {MaxBulkCases} cases; {ids.Count} were selected.");
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TryBulkAsync(ids, actingUserId, feedKind, reason, apply, cancellationToken);
            }
            catch (DbUpdateConcurrencyException) when (attempt < 3)
            {
                // Enrichment or a reviewer changed one of the cases between our read and our write; start again
                // from what is stored now, so every rule is checked against the current state.
            }
        }
    }

    private async Task<BulkCaseResult> TryBulkAsync(
        List<long> ids, string actingUserId, string feedKind, string reason, Func<CaseEdit, Task<string?>> apply, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var cases = await LoadTracked(db).Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, cancellationToken);
        var now = time.GetUtcNow();
        var changed = new List<long>();
        var unchanged = new List<long>();
        var skipped = new List<BulkCaseSkip>();
        var entries = new List<AuditEntry>();

        foreach (var id in ids)
        {
            if (!cases.TryGetValue(id, out var kase))
            {
                skipped.Add(new BulkCaseSkip(id, $"Case #{id} no longer exists."));
                continue;
            }

            var edit = new CaseEdit(db, kase, now);
            if (await apply(edit) is { } refused)
            {
                skipped.Add(new BulkCaseSkip(id, refused));
                continue;
            }

            if (edit.Entries.Count == 0)
            {
                unchanged.Add(id);
                continue;
            }

            Stamp(kase, actingUserId, now);
            entries.AddRange(edit.Entries.Select(e => e with { Reason = e.Reason ?? reason }));
            changed.Add(id);
        }

        if (entries.Count > 0)
        {
            // One summarizing event for the action as a whole, beside the one event per case.
            entries.Add(Claims.BulkSummary.Entry(
                $"bulk.{feedKind}", changed.Select(id => cases[id].ApplicationId), new { cases = changed, skipped = skipped.Count, unchanged = unchanged.Count }, reason));
            var actor = await AuditActor.OfUserAsync(db, actingUserId, cancellationToken);
            await audit.RecordManyAsync(db, actor, entries, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        if (changed.Count > 0)
        {
            feed.Publish(new CaseChange(changed, feedKind, actingUserId));
        }

        return new BulkCaseResult(changed, unchanged, skipped);
    }

    /// <summary>Who changed what on the case since <paramref name="loaded"/>, and how it is now.</summary>
    internal static async Task<CaseCommandResult> ConflictAsync(FeedbackDbContext db, long caseId, CaseStamp loaded, CancellationToken cancellationToken)
    {
        var lastEventId = await CaseHistory.LastEventIdAsync(db, caseId, cancellationToken);
        var current = await db.Cases.AsNoTracking()
            .Where(c => c.Id == caseId)
            .Select(c => new
            {
                c.Status, c.Severity, c.ReviewerNote, c.ProposedAnswer, c.DismissReason, c.DuplicateOfCaseId, c.Version, c.UpdatedAt,
                Confirmed = c.FailureModes.Where(m => m.Confirmed).Select(m => m.FailureMode!.Key).ToList(),
            })
            .FirstOrDefaultAsync(cancellationToken);
        if (current is null)
        {
            return CaseCommandResult.NotFound();
        }

        var items = await CaseHistory.LoadAsync(db, caseId, loaded.LastEventId, take: 50, cancellationToken);
        var changes = CaseHistory.Summarize(items).ToList();
        if (changes.Count == 0)
        {
            // Enrichment renews the version when new feedback arrives on the case; it records no decision.
            changes.Add(new CaseChangeSummary(null, "New feedback", current.UpdatedAt, ["arrived on this case (its signals and suggestions were updated)"]));
        }

        var stamp = new CaseStamp(current.Version, lastEventId);
        var snapshot = new CaseSnapshot(
            current.Status, current.Severity, [.. current.Confirmed.Order(StringComparer.Ordinal)], current.ReviewerNote,
            current.ProposedAnswer, current.DismissReason, current.DuplicateOfCaseId, stamp);
        return new CaseCommandResult(CaseCommandOutcome.Conflict, stamp, "Someone changed this case since you loaded it.", new CaseConflict(changes, snapshot));
    }

    private static IQueryable<Case> LoadTracked(FeedbackDbContext db) =>
        db.Cases.Include(c => c.FailureModes).ThenInclude(m => m.FailureMode);

    private static void Stamp(Case kase, string actingUserId, DateTimeOffset now)
    {
        kase.UpdatedAt = now;
        kase.UpdatedById = actingUserId;
        kase.Version = Guid.NewGuid();
    }
}
