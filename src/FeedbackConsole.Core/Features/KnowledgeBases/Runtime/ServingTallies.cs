using System.Collections.Concurrent;
using System.Diagnostics;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.KnowledgeBases.Retrieval;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace FeedbackConsole.Core.Features.KnowledgeBases.Runtime;

/// <summary>
/// Which entries each release served, per hour, for impact — counted off the request path. A request only
/// increments in-memory counters (one dictionary lookup and one interlocked add per hit); <see cref="FlushAsync"/>,
/// run every <see cref="KnowledgeRuntimeOptions.ServingFlushInterval"/> and at shutdown by
/// <see cref="KnowledgeRuntimeWorker"/>, adds them to <c>EntryServingTallies</c> with one upsert per row, in transactions
/// of <see cref="RowsPerSlice"/> rows paced so that a big flush does not take a core from the requests. A crash
/// (not a shutdown) loses the counts since the last flush: acceptable for impact counters, never for decisions.
/// </summary>
public sealed class ServingTallies(IDbContextFactory<FeedbackDbContext> contexts, TimeProvider time, Notifications.NotificationOutbox? milestones = null)
{
    private readonly ConcurrentDictionary<TallyKey, Counter> _counters = new();

    /// <summary>Counts one serving of each hit by the engine's release, in the current hour (UTC).</summary>
    public void Record(ReleaseEngine engine, IReadOnlyList<RetrievalHit> hits)
    {
        if (hits.Count == 0)
        {
            return;
        }

        var hour = HourOf(time.GetUtcNow()).UtcTicks;
        foreach (var hit in hits)
        {
            var counter = _counters.GetOrAdd(
                new TallyKey(engine.ReleaseId, hit.EntryId, hour),
                static (key, state) => new Counter(
                    state.RevisionId, state.Engine.KnowledgeBaseId, state.Engine.ApplicationId, state.Engine.CorrectedEntries.Contains(key.EntryId)),
                (hit.RevisionId, Engine: engine));
            Interlocked.Increment(ref counter.Count);
        }
    }

    /// <summary>Counts not yet written to the database.</summary>
    public long PendingCount => _counters.Values.Sum(c => Interlocked.Read(ref c.Count));

    /// <summary>Rows one transaction of a flush writes (a few milliseconds of SQLite's time at a time).</summary>
    public const int RowsPerSlice = 1_000;

    // The longest pause between two slices, whatever the ratio.
    private static readonly TimeSpan MaxPause = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Adds the counts since the last flush to the database; returns the rows written. The rows are written in
    /// transactions of <paramref name="rowsPerSlice"/>, and with a <paramref name="pauseRatio"/> above zero the flush
    /// waits that many times a slice's own duration before the next one: at 3, a flush of 20,000 rows takes at most a
    /// quarter of one core at any time instead of all of it for a few hundred milliseconds, so that the requests it
    /// counts are not slowed by their own counting. On failure the counts not yet written are kept for the next flush.
    /// </summary>
    public async Task<int> FlushAsync(CancellationToken cancellationToken, double pauseRatio = 0, int rowsPerSlice = RowsPerSlice)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(pauseRatio);
        ArgumentOutOfRangeException.ThrowIfLessThan(rowsPerSlice, 1);
        var drained = Drain();
        if (drained.Count == 0)
        {
            return 0;
        }

        // The milestone check must see all rows of a corrected entry in one transaction: they go first, together.
        var correctedRows = CorrectedFirst(drained);
        var written = 0;
        try
        {
            while (written < drained.Count)
            {
                var count = Math.Min(drained.Count - written, written == 0 ? Math.Max(rowsPerSlice, correctedRows) : rowsPerSlice);
                var started = Stopwatch.GetTimestamp();
                await WriteAsync(drained.GetRange(written, count), written == 0 ? correctedRows : 0, cancellationToken);
                written += count;
                if (pauseRatio > 0 && written < drained.Count)
                {
                    await Task.Delay(TimeSpan.FromTicks((long)Math.Min(Stopwatch.GetElapsedTime(started).Ticks * pauseRatio, MaxPause.Ticks)), cancellationToken);
                }
            }

            return drained.Count;
        }
        catch
        {
            Restore(drained.GetRange(written, drained.Count - written));
            throw;
        }
    }

    // One transaction: the rows' upsert and, for the first `corrected` of them, the milestone check.
    private async Task WriteAsync(List<Drained> slice, int corrected, CancellationToken cancellationToken)
    {
        var rows = slice.ConvertAll(d => new EntryServingTally
        {
            ReleaseId = d.Key.ReleaseId,
            EntryId = d.Key.EntryId,
            Hour = new DateTimeOffset(d.Key.HourTicks, TimeSpan.Zero),
            RevisionId = d.Counter.RevisionId,
            KnowledgeBaseId = d.Counter.KnowledgeBaseId,
            ApplicationId = d.Counter.ApplicationId,
            Count = d.Count,
        });

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await UpsertAsync(db, rows, cancellationToken);
        if (milestones is not null && corrected > 0)
        {
            // "Your fix has helped N people", written with the counts that reached N.
            await milestones.OnServedAsync(
                db, slice.GetRange(0, corrected).ConvertAll(d => (d.Key.EntryId, d.Counter.RevisionId, d.Count)), time.GetUtcNow(), cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Moves every row of an entry some release served a correction of to the front and returns how many there are:
    /// the servings the milestone check must see. Rows of other entries cannot reach a milestone, and most flushes have
    /// none of these, so they skip the check's queries.
    /// </summary>
    private static int CorrectedFirst(List<Drained> drained)
    {
        var entries = drained.Where(d => d.Counter.Corrected).Select(d => d.Key.EntryId).ToHashSet();
        if (entries.Count == 0)
        {
            return 0;
        }

        var ordered = drained.Where(d => entries.Contains(d.Key.EntryId)).ToList();
        var count = ordered.Count;
        ordered.AddRange(drained.Where(d => !entries.Contains(d.Key.EntryId)));
        drained.Clear();
        drained.AddRange(ordered);
        return count;
    }

    /// <summary>The hour a serving is counted in: UTC, truncated to the hour.</summary>
    public static DateTimeOffset HourOf(DateTimeOffset at)
    {
        var utc = at.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerHour), TimeSpan.Zero);
    }

    private List<Drained> Drain()
    {
        // Counters of the current and the previous hour stay (at zero) so a request that holds one never counts
        // into a counter already dropped; older ones are dropped once empty.
        var keepFrom = HourOf(time.GetUtcNow()).UtcTicks - TimeSpan.TicksPerHour;
        var rows = new List<Drained>();
        foreach (var (key, counter) in _counters)
        {
            var count = Interlocked.Exchange(ref counter.Count, 0);
            if (count > 0)
            {
                rows.Add(new Drained(key, counter, count));
            }
            else if (key.HourTicks < keepFrom)
            {
                _counters.TryRemove(KeyValuePair.Create(key, counter));
            }
        }

        return rows;
    }

    private void Restore(List<Drained> drained)
    {
        foreach (var (key, counter, count) in drained)
        {
            Interlocked.Add(ref _counters.GetOrAdd(key, counter).Count, count);
        }
    }

    /// <summary>
    /// <c>INSERT … ON CONFLICT (ReleaseId, EntryId, Hour) DO UPDATE SET Count = Count + excluded.Count</c>, the same
    /// statement on SQLite and PostgreSQL, written by <see cref="BulkInsert"/>: columns and value conversions (SQLite keeps
    /// DateTimeOffset as a 64-bit integer) come from the EF model, so the key matches rows EF writes. Rows are distinct by
    /// key (they were counted in a dictionary), as PostgreSQL requires within one statement.
    /// </summary>
    private static async Task UpsertAsync(FeedbackDbContext db, List<EntryServingTally> rows, CancellationToken cancellationToken)
    {
        var entityType = db.Model.FindEntityType(typeof(EntryServingTally))!;
        var table = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
        var sql = db.GetService<ISqlGenerationHelper>();
        var keyColumns = entityType.FindPrimaryKey()!.Properties.Select(p => sql.DelimitIdentifier(p.GetColumnName(table)!));
        var countColumn = sql.DelimitIdentifier(entityType.FindProperty(nameof(EntryServingTally.Count))!.GetColumnName(table)!);
        var onConflict = $"ON CONFLICT ({string.Join(", ", keyColumns)}) DO UPDATE SET {countColumn} = {sql.DelimitIdentifier(table.Name, table.Schema)}.{countColumn} + excluded.{countColumn}";
        await BulkInsert.InsertAsync(db, rows, cancellationToken, onConflict);
    }

    private readonly record struct TallyKey(Guid ReleaseId, Guid EntryId, long HourTicks);

    private readonly record struct Drained(TallyKey Key, Counter Counter, long Count);

    private sealed class Counter(Guid revisionId, Guid knowledgeBaseId, Guid applicationId, bool corrected)
    {
        public long Count;

        public Guid RevisionId { get; } = revisionId;

        public Guid KnowledgeBaseId { get; } = knowledgeBaseId;

        public Guid ApplicationId { get; } = applicationId;

        /// <summary>The release serves a correction of this entry (<see cref="ReleaseEngine.CorrectedEntries"/>).</summary>
        public bool Corrected { get; } = corrected;
    }
}
