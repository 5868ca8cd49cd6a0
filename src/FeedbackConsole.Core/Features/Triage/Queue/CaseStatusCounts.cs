using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Ingestion;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FeedbackConsole.Core.Features.Triage.Queue;

/// <summary>
/// The number of cases per status, from the <see cref="CaseStatusDelta"/> rows database triggers append (migration
/// <c>CaseStatusCounts</c>): whatever code path creates a case or changes its status, the counts follow. Counting
/// 250k cases per queue load cost 25–45 ms on PostgreSQL; summing a few hundred deltas costs next to nothing.
/// </summary>
public static class CaseStatusCounts
{
    /// <summary>Folding starts when this many deltas have gathered.</summary>
    public const int FoldThreshold = 500;

    /// <summary>Cases per status, for one application or all.</summary>
    public static async Task<Dictionary<CaseStatus, int>> ReadAsync(FeedbackDbContext db, Guid? applicationId, CancellationToken cancellationToken)
    {
        var deltas = db.CaseStatusDeltas.AsNoTracking();
        if (applicationId is { } app)
        {
            deltas = deltas.Where(d => d.ApplicationId == app);
        }

        return (await deltas.GroupBy(d => d.Status).Select(g => new { Status = g.Key, Count = g.Sum(d => d.Delta) }).ToListAsync(cancellationToken))
            .Where(c => c.Count != 0)
            .ToDictionary(c => c.Status, c => c.Count);
    }

    /// <summary>
    /// Replaces the deltas gathered so far by one row per application and status (their sum). Safe beside writers
    /// appending new deltas, and beside another instance folding at the same time (each delta is folded once).
    /// </summary>
    public static async Task FoldAsync(FeedbackDbContext db, CancellationToken cancellationToken)
    {
        var last = await db.CaseStatusDeltas.MaxAsync(d => (long?)d.Id, cancellationToken);
        if (last is null)
        {
            return;
        }

        if (db is PostgresFeedbackDbContext)
        {
            // One statement: rows another folder deletes first are not returned here, so nothing is counted twice.
            await db.Database.ExecuteSqlAsync(
                $"""
                WITH folded AS (DELETE FROM "CaseStatusDeltas" WHERE "Id" <= {last.Value} RETURNING "ApplicationId", "Status", "Delta")
                INSERT INTO "CaseStatusDeltas" ("ApplicationId", "Status", "Delta")
                SELECT "ApplicationId", "Status", SUM("Delta")::integer FROM folded GROUP BY "ApplicationId", "Status" HAVING SUM("Delta") <> 0
                """,
                cancellationToken);
            return;
        }

        using var writerTurn = await IngestionTransaction.EnterSqliteWriterAsync(db, cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO "CaseStatusDeltas" ("ApplicationId", "Status", "Delta")
            SELECT "ApplicationId", "Status", SUM("Delta") FROM "CaseStatusDeltas" WHERE "Id" <= {last.Value}
            GROUP BY "ApplicationId", "Status" HAVING SUM("Delta") <> 0
            """,
            cancellationToken);
        await db.Database.ExecuteSqlAsync($"""DELETE FROM "CaseStatusDeltas" WHERE "Id" <= {last.Value}""", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}

/// <summary>Folds the case-status deltas every few seconds once enough have gathered, so counting them stays cheap.</summary>
public sealed class CaseStatusCountFolder(IDbContextFactory<FeedbackDbContext> contexts, TimeProvider time, ILogger<CaseStatusCountFolder> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            do
            {
                try
                {
                    await using var db = await contexts.CreateDbContextAsync(stoppingToken);
                    if (await db.CaseStatusDeltas.CountAsync(stoppingToken) >= CaseStatusCounts.FoldThreshold)
                    {
                        await CaseStatusCounts.FoldAsync(db, stoppingToken);
                    }
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
#pragma warning disable CA1031 // A failed fold (database busy, restarting) is retried at the next tick; the counts stay right meanwhile.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    logger.LogWarning(ex, "Folding the case-status counts failed; trying again later.");
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }
}
