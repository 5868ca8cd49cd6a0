using System.Globalization;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace FeedbackConsole.Core.Features.Audit;

/// <summary>How the chain was found broken.</summary>
public enum AuditChainBreakKind
{
    /// <summary>Ids skip: one or more events were deleted.</summary>
    Missing,

    /// <summary>The event's content no longer re-hashes to its stored hash: it was edited.</summary>
    Changed,

    /// <summary>The event does not name the previous event's hash: the previous one was rewritten (hash recomputed) or replaced.</summary>
    Unlinked,

    /// <summary>The chain disagrees with a head noted earlier: its end was deleted or rewritten.</summary>
    HeadMismatch,
}

/// <summary>The first place the chain breaks: the event and a sentence saying what it means.</summary>
public sealed record AuditChainBreak(long EventId, AuditChainBreakKind Kind, string Explanation);

/// <summary>The latest event of the chain; noted somewhere else, it lets a later check see that the end was cut off.</summary>
public sealed record AuditChainHead(long Id, string Hash);

/// <summary>
/// Checks the whole audit trail (DESIGN.md, "Audit event"): ids run 1, 2, 3 … without gaps, every hash
/// re-computes from the stored content, and every event names the previous event's hash. Reads the events
/// in id order a page at a time, so memory stays constant however long the trail is.
/// </summary>
/// <remarks>
/// A chain cannot show that its newest events were deleted: what is left is still a valid chain. Pass a head
/// noted earlier (the page shows it after every check, and the log records it) to catch that too.
/// </remarks>
public sealed class VerifyAuditChain(IDbContextFactory<FeedbackDbContext> contexts, ILogger<VerifyAuditChain> logger)
{
    /// <summary>The result: how many events were checked (up to the break), the first break if any, and the head reached.</summary>
    public sealed record Outcome(long EventsChecked, AuditChainBreak? Break, AuditChainHead? Head)
    {
        public bool IsIntact => Break is null;
    }

    /// <summary>Events read per query; small in tests to cross page boundaries.</summary>
    internal int PageSize { get; set; } = 5000;

    public async Task<Outcome> HandleAsync(AuditChainHead? notedHead = null, CancellationToken cancellationToken = default)
    {
        var outcome = await WalkAsync(notedHead, cancellationToken);
        if (outcome.Break is { } broken)
        {
            logger.LogWarning("Audit chain broken at event {EventId} ({Kind}) after {Checked} intact events: {Explanation}",
                broken.EventId, broken.Kind, outcome.EventsChecked, broken.Explanation);
        }
        else
        {
            // The head in the log is a copy outside the database, for a later check to compare with.
            logger.LogInformation("Audit chain verified: {Checked} events intact; head is event {HeadId} with hash {HeadHash}.",
                outcome.EventsChecked, outcome.Head?.Id ?? 0, outcome.Head?.Hash ?? AuditTrail.GenesisHash);
        }

        return outcome;
    }

    private async Task<Outcome> WalkAsync(AuditChainHead? notedHead, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        long checkedCount = 0;
        long previousId = 0;
        var previousHash = AuditTrail.GenesisHash;

        while (true)
        {
            var after = previousId;
            var page = await db.AuditEvents.AsNoTracking()
                .Where(e => e.Id > after)
                .OrderBy(e => e.Id)
                .Take(PageSize)
                .ToListAsync(cancellationToken);

            foreach (var audit in page)
            {
                var broken = Check(audit, previousId, previousHash, notedHead);
                if (broken is not null)
                {
                    return new Outcome(checkedCount, broken, previousId == 0 ? null : new AuditChainHead(previousId, previousHash));
                }

                checkedCount++;
                previousId = audit.Id;
                previousHash = audit.Hash;
            }

            if (page.Count < PageSize)
            {
                break;
            }
        }

        var head = previousId == 0 ? null : new AuditChainHead(previousId, previousHash);
        if (notedHead is not null && previousId < notedHead.Id)
        {
            var missing = previousId + 1 == notedHead.Id
                ? $"event {N(notedHead.Id)} was"
                : $"events {N(previousId + 1)}–{N(notedHead.Id)} were";
            return new Outcome(checkedCount, new AuditChainBreak(previousId + 1, AuditChainBreakKind.HeadMismatch,
                $"The trail ends at event {N(previousId)}, but it reached event {N(notedHead.Id)} when its head was noted: {missing} deleted from its end."), head);
        }

        return new Outcome(checkedCount, null, head);
    }

    private static AuditChainBreak? Check(AuditEvent audit, long previousId, string previousHash, AuditChainHead? notedHead)
    {
        var expectedId = previousId + 1;
        if (audit.Id != expectedId)
        {
            var missing = audit.Id - 1 == expectedId
                ? $"Event {N(expectedId)} is missing (deleted)"
                : $"Events {N(expectedId)}–{N(audit.Id - 1)} are missing (deleted)";
            var where = previousId == 0
                ? $"the trail starts at event {N(audit.Id)} instead of event 1"
                : $"the trail goes from event {N(previousId)} straight to event {N(audit.Id)}";
            return new AuditChainBreak(expectedId, AuditChainBreakKind.Missing, $"{missing}: {where}.");
        }

        if (!string.Equals(AuditTrail.ComputeHash(audit), audit.Hash, StringComparison.Ordinal))
        {
            return new AuditChainBreak(audit.Id, AuditChainBreakKind.Changed,
                $"Event {N(audit.Id)} was changed after it was written: what is stored no longer matches its hash.");
        }

        if (!string.Equals(audit.PreviousHash, previousHash, StringComparison.Ordinal))
        {
            var explanation = previousId == 0
                ? "Event 1 does not start the chain: it names a previous event, so the beginning of the trail was replaced."
                : $"Event {N(audit.Id)} does not follow event {N(previousId)}: it was written after a different event {N(previousId)}, " +
                  $"so event {N(previousId)} was rewritten (its hash recomputed to hide the change) or replaced.";
            return new AuditChainBreak(audit.Id, AuditChainBreakKind.Unlinked, explanation);
        }

        if (notedHead is not null && audit.Id == notedHead.Id && !string.Equals(audit.Hash, notedHead.Hash, StringComparison.OrdinalIgnoreCase))
        {
            return new AuditChainBreak(audit.Id, AuditChainBreakKind.HeadMismatch,
                $"Event {N(audit.Id)} is not the event noted as the head: the trail was rewritten at or before this event since the head was noted.");
        }

        return null;
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
