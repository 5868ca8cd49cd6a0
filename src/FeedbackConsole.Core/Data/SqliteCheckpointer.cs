using System.Data.Common;
using FeedbackConsole.Core.Options;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FeedbackConsole.Core.Data;

/// <summary>
/// Copies SQLite's write-ahead log back into the database file in the background (a passive checkpoint every
/// <see cref="DatabaseOptions.SqliteCheckpointIntervalMilliseconds"/>), so that commits only append to the log.
/// </summary>
/// <remarks>
/// Left to itself SQLite checkpoints inside the commit that takes the log past 1,000 pages. A batch of signals
/// dirties several pages per row (each index with random keys: the client's ids, the end users), so nearly every
/// ingest commit did a checkpoint, with its fsync, on the single writer's path, and a page changed by ten commits
/// was copied ten times. Passive checkpoints never wait for or block a writer, but while writes go on they never
/// catch up, and the log only starts over once one has: past <see cref="RestartAfterPages"/> pages the task copies
/// the last few pages with this process's writers held back for that moment. (SQLite's RESTART mode would also wait
/// for every reader to finish while holding the writers, up to the busy timeout.) Each
/// connection keeps an automatic checkpoint at <see cref="BackstopPages"/> pages as the bound should the task fall
/// behind or stop, and the log file is cut back to <see cref="JournalSizeLimitBytes"/> when it starts over.
/// </remarks>
internal sealed partial class SqliteCheckpointer(
    IDbContextFactory<FeedbackDbContext> contexts,
    IOptions<DatabaseOptions> options,
    ILogger<SqliteCheckpointer> logger) : BackgroundService
{
    /// <summary>
    /// Automatic checkpoint of each connection while the background one runs: 128 MiB of 4 KiB pages, several times
    /// what a group of 2,000 signals adds to the log, so that under batch load the background task does the copying.
    /// </summary>
    public const int BackstopPages = 32_768;

    /// <summary>From this many pages of log on, the background task finishes its checkpoint with writers held back.</summary>
    /// <remarks>
    /// Tried at 16,384 (64 MiB), one bench run: the held passes came about half as often, but single-signal POSTs ran
    /// at ~7k requests/s against ~9k (every read searches a log up to four times as long); not kept. Tried again on
    /// 2026-11-28 with timing of each held pass: they took 26–40 ms instead of 8–16 ms, and p99 rose from ~17 to 24–47 ms.
    /// </remarks>
    public const int RestartAfterPages = 4096;

    /// <summary>Passive passes at most before the one that holds the writers back.</summary>
    /// <remarks>In practice the passes stop after two to four: one that copied a handful of pages ends the catch-up.</remarks>
    public const int MaxCatchUpPasses = 10;

    /// <summary>A passive pass that copied no more than this many pages leaves few enough to copy with the writers held back.</summary>
    /// <remarks>
    /// At 256 (with at most 4 passes) the held pass took 6.2 ms at the median under single-signal POSTs, at 64 (with at
    /// most 10) 3.6 ms, 28 % less time held in all (bench, 2026-11-28, one pair of runs); what remains is mostly its two
    /// fsyncs (~2.8 ms each on the bench machine's disk, measured with strace).
    /// </remarks>
    public const int HeldCopyPages = 64;

    /// <summary>The log file's size after it restarts.</summary>
    public const long JournalSizeLimitBytes = 64L * 1024 * 1024;

    /// <summary>The last checkpoint's outcome: pages in the log, pages copied; for tests and diagnostics.</summary>
    public (long LogPages, long CheckpointedPages)? Last { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromMilliseconds(options.Value.SqliteCheckpointIntervalMilliseconds);
        using var timer = new PeriodicTimer(interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                Last = await CheckpointAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is DbException or InvalidOperationException)
            {
                // The next tick tries again; meanwhile each connection's backstop bounds the log.
                LogFailed(logger, e);
            }
        }
    }

    private async Task<(long, long)?> CheckpointAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync(cancellationToken);
        var result = await RunAsync(connection, cancellationToken);

        // Each pass copies what was written while the last one ran, so a pass that copied little leaves little: the
        // pass below, which holds the writers back, should only have a few pages to copy and sync. Holding them
        // through a copy of all that a busy interval wrote stalled every ingest request for 35–60 ms.
        long copiedBefore = 0;
        for (var pass = 1; pass < MaxCatchUpPasses && result is { } last && last.LogPages >= RestartAfterPages
             && last.CheckpointedPages - copiedBefore > HeldCopyPages; pass++)
        {
            copiedBefore = last.CheckpointedPages;
            result = await RunAsync(connection, cancellationToken);
        }

        if (result is { } copied && copied.LogPages >= RestartAfterPages)
        {
            // While writes go on, a passive checkpoint never catches up with the log, and the log only starts over
            // once it has. So, the bulk copied above without holding anyone up, the few pages written meanwhile are
            // copied with this process's writers held back (in the writer queue, where they wait without sleeping in
            // SQLite's busy handler); the next commit then starts the log over.
            using var turn = await Features.Ingestion.IngestionTransaction.EnterSqliteWriterAsync(db, cancellationToken);
            result = await RunAsync(connection, cancellationToken);
        }

        return result;
    }

    private static async Task<(long LogPages, long CheckpointedPages)?> RunAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        // One row: busy (0 or 1), pages in the log, pages copied back (-1, -1 when not in WAL mode).
        return await reader.ReadAsync(cancellationToken) ? (reader.GetInt64(1), reader.GetInt64(2)) : null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A background SQLite checkpoint failed; retrying at the next interval.")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
