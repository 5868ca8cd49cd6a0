using System.Collections.Concurrent;
using System.Text;
using FeedbackConsole.Core.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace FeedbackConsole.Core.Features.Ingestion;

/// <summary>The database stayed busy through every retry; the client should try again shortly (503).</summary>
public sealed class IngestionBusyException(Exception inner)
    : Exception("The database stayed busy while storing the batch.", inner);

/// <summary>
/// One ingest request's write: one short transaction, committed before the answer, so that "accepted" means
/// durably stored. Everything CPU-bound (parsing, redaction, hashing) happens before it opens.
/// </summary>
/// <remarks>
/// SQLite: the transaction starts with BEGIN IMMEDIATE (Microsoft.Data.Sqlite's default), so writers queue
/// on the busy timeout instead of failing when a read lock would have to be upgraded; should the timeout
/// still run out, the whole unit is retried a bounded number of times, and then the client is told 503 with
/// Retry-After: "database is locked" never reaches it. PostgreSQL: two requests may both see an id as new and race to insert it; the loser
/// hits the unique index and is retried, and then finds the row and answers "duplicate".
/// </remarks>
internal static partial class IngestionTransaction
{
    private const int MaxAttempts = 4;

    // Namespace of the ingestion's advisory locks (two-key form), so they never meet other features' locks.
    private const int AdvisoryLockNamespace = 0x46430001;

    // SQLite has one writer. Left to SQLite's busy handler, concurrent requests each block a thread-pool thread
    // in sleeps of growing length (1, 2, 5 … 100 ms) while the lock sits idle between their polls: under 32
    // concurrent requests throughput fell and the slowest took 0.5–0.8 s (bench/). This process's ingest
    // transactions queue here instead, asynchronously, one per database file; the busy timeout still covers
    // writers outside this queue (enrichment, other processes).
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> SqliteWriters = new(StringComparer.Ordinal);
    private static readonly TimeSpan WriterQueueTimeout = TimeSpan.FromSeconds(5);

    public static async Task<T> RunAsync<T>(
        IDbContextFactory<FeedbackDbContext> contexts,
        Func<FeedbackDbContext, CancellationToken, Task<T>> work,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var db = await contexts.CreateDbContextAsync(cancellationToken);
                db.ChangeTracker.AutoDetectChangesEnabled = false;
                // Microsoft.Data.Sqlite retries a busy statement itself until the command timeout (30 s by default)
                // on top of the busy_timeout pragma; one second keeps each attempt to about the configured busy
                // timeout, so that this loop, not an unbounded wait, decides.
                using var shortWait = SqliteCommandWait.Shorten(db.Database.GetDbConnection(), seconds: 1);
                SemaphoreSlim? writer = null;
                if (db.Database.GetDbConnection() is SqliteConnection sqlite)
                {
                    writer = SqliteWriters.GetOrAdd(sqlite.DataSource, _ => new SemaphoreSlim(1, 1));
                    if (!await writer.WaitAsync(WriterQueueTimeout, cancellationToken))
                    {
                        // Queued as long as the default busy timeout: as busy as SQLITE_BUSY, retried or answered 503 alike.
                        throw new SqliteException("The ingest writer queue stayed busy.", 5);
                    }
                }

                try
                {
                    await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                    var result = await work(db, cancellationToken);
                    await transaction.CommitAsync(cancellationToken);
                    return result;
                }
                finally
                {
                    writer?.Release();
                }
            }
            catch (Exception e) when (IsTransient(e))
            {
                if (attempt == MaxAttempts)
                {
                    throw new IngestionBusyException(e);
                }

                LogRetry(logger, attempt, e.GetType().Name);
                await Task.Delay(TimeSpan.FromMilliseconds((25 << attempt) + Random.Shared.Next(50)), cancellationToken);
            }
        }
    }

    /// <summary>
    /// Waits (asynchronously) for this process's turn to write to <paramref name="db"/>'s SQLite file, for writers
    /// other than ingestion (the enrichment worker): queued here they never make an ingest transaction sleep in
    /// SQLite's busy handler. Dispose the result when the write has committed. A no-op on PostgreSQL.
    /// </summary>
    public static async Task<IDisposable> EnterSqliteWriterAsync(FeedbackDbContext db, CancellationToken cancellationToken)
    {
        if (db.Database.GetDbConnection() is not SqliteConnection sqlite)
        {
            return NoWriter.Instance;
        }

        var writer = SqliteWriters.GetOrAdd(sqlite.DataSource, _ => new SemaphoreSlim(1, 1));
        if (!await writer.WaitAsync(WriterQueueTimeout, cancellationToken))
        {
            throw new SqliteException("The writer queue stayed busy.", 5);
        }

        return new WriterTurn(writer);
    }

    private sealed class WriterTurn(SemaphoreSlim writer) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                writer.Release();
            }
        }
    }

    private sealed class NoWriter : IDisposable
    {
        public static readonly NoWriter Instance = new();

        public void Dispose()
        {
        }
    }

    /// <summary>
    /// PostgreSQL only: serializes requests that touch the same interaction ids of one application, for the
    /// transaction's duration. Without it a signal and its interaction arriving at the same moment could each
    /// miss the other (neither sees the other's uncommitted row) and the signal would stay unlinked. SQLite
    /// needs nothing: its writers are serialized already.
    /// </summary>
    public static async Task LockInteractionIdsAsync(FeedbackDbContext db, Guid applicationId, IEnumerable<string> interactionIds, CancellationToken cancellationToken)
    {
        if (db is not PostgresFeedbackDbContext)
        {
            return;
        }

        // Sorted, so that two requests always take their locks in the same order and cannot deadlock.
        var keys = interactionIds.Select(id => LockKey(applicationId, id)).Distinct().Order().ToArray();
        if (keys.Length == 0)
        {
            return;
        }

        await db.Database.ExecuteSqlRawAsync(
            "SELECT count(pg_advisory_xact_lock({0}, k)) FROM unnest({1}) AS t(k)",
            [AdvisoryLockNamespace, keys],
            cancellationToken);
    }

    /// <summary>A stable 32-bit key for (application, interaction id): FNV-1a, the same on every instance.</summary>
    internal static int LockKey(Guid applicationId, string interactionId)
    {
        var hash = 2166136261u;
        foreach (var b in applicationId.ToByteArray().Concat(Encoding.UTF8.GetBytes(interactionId)))
        {
            hash = (hash ^ b) * 16777619u;
        }

        return unchecked((int)hash);
    }

    private static bool IsTransient(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                // SQLITE_BUSY, SQLITE_LOCKED (and their extended codes), SQLITE_CONSTRAINT_UNIQUE.
                case SqliteException sqlite when (sqlite.SqliteErrorCode & 0xFF) is 5 or 6 || sqlite.SqliteExtendedErrorCode == 2067:
                    return true;

                // unique_violation, serialization_failure, deadlock_detected.
                case PostgresException postgres when postgres.SqlState is PostgresErrorCodes.UniqueViolation
                    or PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected:
                    return true;
            }
        }

        return false;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingest attempt {Attempt} met a busy database or a concurrent insert ({Error}); retrying.")]
    private static partial void LogRetry(ILogger logger, int attempt, string error);
}
