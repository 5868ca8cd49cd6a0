using System.Collections.Concurrent;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Ingestion;
using FeedbackConsole.Core.Options;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;

namespace FeedbackConsole.Core.Features.Impact;

/// <summary>
/// Keeps the impact dashboard's daily rollups (<see cref="ImpactSignalDay"/>, <see cref="ImpactFailureModeDay"/>,
/// <see cref="ImpactCaseDay"/>, <see cref="ImpactEntryDay"/>) in step with the raw data, incrementally.
/// </summary>
/// <remarks>
/// Two watermarks say how far it has read: signals by the time enrichment processed them (<c>EnrichedAt</c>, then id)
/// and cases by <c>UpdatedAt</c> (labels, failure modes, status). Every change read marks a (application, UTC day)
/// dirty: a signal marks the day it occurred, so a signal that arrives weeks late marks that old day; a case marks the
/// day it was created (time to triage and resolve) and the days of its signals (its failure modes). Each dirty day is
/// then recomputed from the raw rows of that day alone (about 1/90 of the data) and replaced in one transaction, so a
/// recompute is idempotent: reading a change twice, or two instances recomputing the same day, gives the same rows.
/// Changes younger than <see cref="ImpactOptions.SettleTime"/> wait for the next pass, so a transaction that stamped
/// its rows before the pass but committed after it is not skipped.
/// </remarks>
public sealed class ImpactRollup(IDbContextFactory<FeedbackDbContext> contexts, TimeProvider time, IOptions<ImpactOptions> options)
{
    /// <summary>Changes read per pass and stream.</summary>
    public const int PageSize = 20_000;

    internal const string SignalStream = "signals";
    internal const string CaseStream = "cases";

    /// <summary>Dirty days gathered before they are recomputed and the watermarks move (bounds a backfill's pass).</summary>
    private const int MaxDirtyDays = 2_000;

    /// <summary>A case whose signals span more days than this only marks its first and last days (guards a runaway range).</summary>
    private const int MaxCaseSpanDays = 62;

    // Serializes recomputes across PostgreSQL instances (pg_advisory_xact_lock); any constant unique to this job.
    private const long AdvisoryLockKey = 0x1A3_7AC7;

    private static readonly DateTimeOffset Beginning = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Reads every change up to the settle horizon and recomputes the days they touch. Returns how many days were recomputed.</summary>
    public async Task<int> RefreshAsync(CancellationToken cancellationToken = default)
    {
        var total = 0;
        while (true)
        {
            var (days, more) = await PassAsync(cancellationToken);
            total += days;
            if (!more)
            {
                return total;
            }
        }
    }

    /// <summary>
    /// Reads changes page by page until caught up (or until <see cref="MaxDirtyDays"/> days are dirty), recomputes each
    /// dirty day once, then moves the watermarks. A crash before the last step only means reading the changes again.
    /// </summary>
    private async Task<(int Days, bool More)> PassAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var horizon = time.GetUtcNow() - options.Value.SettleTime;
        var marks = await db.ImpactWatermarks.ToDictionaryAsync(w => w.Stream, cancellationToken);
        var signalMark = marks.GetValueOrDefault(SignalStream) ?? new ImpactWatermark { Stream = SignalStream, At = Beginning };
        var caseMark = marks.GetValueOrDefault(CaseStream) ?? new ImpactWatermark { Stream = CaseStream, At = Beginning };
        var (signalAt, signalId, caseAt, caseId) = (signalMark.At, signalMark.LastId, caseMark.At, caseMark.LastId);
        var dirty = new HashSet<(Guid App, DateOnly Day)>();
        bool more;
        do
        {
            var signals = await db.Signals.AsNoTracking()
                .Where(s => s.EnrichedAt != null && (s.EnrichedAt > signalAt || (s.EnrichedAt == signalAt && s.Id > signalId)) && s.EnrichedAt <= horizon)
                .OrderBy(s => s.EnrichedAt).ThenBy(s => s.Id)
                .Take(PageSize)
                .Select(s => new { s.ApplicationId, s.OccurredAt, At = s.EnrichedAt!.Value, s.Id })
                .ToListAsync(cancellationToken);
            var cases = await db.Cases.AsNoTracking()
                .Where(c => (c.UpdatedAt > caseAt || (c.UpdatedAt == caseAt && c.Id > caseId)) && c.UpdatedAt <= horizon)
                .OrderBy(c => c.UpdatedAt).ThenBy(c => c.Id)
                .Take(PageSize)
                .Select(c => new { c.ApplicationId, c.CreatedAt, c.FirstSignalAt, c.LastSignalAt, c.UpdatedAt, c.Id })
                .ToListAsync(cancellationToken);

            foreach (var s in signals)
            {
                dirty.Add((s.ApplicationId, DayOf(s.OccurredAt)));
            }

            foreach (var c in cases)
            {
                dirty.Add((c.ApplicationId, DayOf(c.CreatedAt)));
                var (first, last) = (DayOf(c.FirstSignalAt), DayOf(c.LastSignalAt));
                if (last.DayNumber - first.DayNumber > MaxCaseSpanDays)
                {
                    dirty.Add((c.ApplicationId, first));
                    dirty.Add((c.ApplicationId, last));
                    continue;
                }

                for (var day = first; day <= last; day = day.AddDays(1))
                {
                    dirty.Add((c.ApplicationId, day));
                }
            }

            if (signals.Count > 0)
            {
                (signalAt, signalId) = (signals[^1].At, signals[^1].Id);
            }

            if (cases.Count > 0)
            {
                (caseAt, caseId) = (cases[^1].UpdatedAt, cases[^1].Id);
            }

            more = signals.Count == PageSize || cases.Count == PageSize;
        }
        while (more && dirty.Count < MaxDirtyDays);

        foreach (var (app, day) in dirty.OrderBy(d => d.Day).ThenBy(d => d.App))
        {
            await RecomputeDayAsync(app, day, cancellationToken);
        }

        var moved = false;
        if ((signalAt, signalId) != (signalMark.At, signalMark.LastId))
        {
            (signalMark.At, signalMark.LastId) = (signalAt, signalId);
            Track(db, signalMark, marks.ContainsKey(SignalStream));
            moved = true;
        }

        if ((caseAt, caseId) != (caseMark.At, caseMark.LastId))
        {
            (caseMark.At, caseMark.LastId) = (caseAt, caseId);
            Track(db, caseMark, marks.ContainsKey(CaseStream));
            moved = true;
        }

        if (moved)
        {
            using var writerTurn = await IngestionTransaction.EnterSqliteWriterAsync(db, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
        }

        return (dirty.Count, more);
    }

    private static void Track(FeedbackDbContext db, ImpactWatermark mark, bool existing)
    {
        if (!existing)
        {
            db.ImpactWatermarks.Add(mark);
        }
    }

    /// <summary>The UTC day a moment belongs to: the rollups' bucket.</summary>
    public static DateOnly DayOf(DateTimeOffset at) => DateOnly.FromDateTime(at.UtcDateTime);

    /// <summary>Replaces one application's rollup rows of one UTC day with rows computed from that day's raw data.</summary>
    public async Task RecomputeDayAsync(Guid applicationId, DateOnly day, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(2));
        var start = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var end = start.AddDays(1);

        // Recomputes are serialized, reads and writes together: one that read before another's write must not write
        // after it (it would put back older numbers). PostgreSQL: one transaction under an advisory lock; its reads
        // block no writer. SQLite: an in-process lock, the reads in a snapshot (BEGIN DEFERRED) that takes no write
        // lock, and only the replacement under the database's one writer — a day of a busy application takes seconds
        // to read, and holding the writer meanwhile stalled every ingest request behind it.
        using var recomputeTurn = await EnterRecomputeAsync(db, cancellationToken);
        var transaction = db is PostgresFeedbackDbContext
            ? await db.Database.BeginTransactionAsync(cancellationToken)
            : await SqliteSnapshotAsync(db, cancellationToken);
        await using var readTransaction = transaction;
        if (db is PostgresFeedbackDbContext)
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({AdvisoryLockKey})", cancellationToken);
        }

        // The end user's signals of the day (derived ones summarise these and would count them twice), with their
        // interaction's segments and polarity as SignalPolarity.Of says (+1 good, −1 bad, 0 neither).
        var pairs =
            from s in db.Signals
            where s.ApplicationId == applicationId && s.OccurredAt >= start && s.OccurredAt < end && s.EnrichedAt != null && !s.IsDerived
            join i in db.Interactions on s.InteractionId equals i.Id
            select new { Signal = s, Interaction = i };
        var rows =
            from p in pairs
            select new SignalRow
            {
                Kind = p.Signal.Kind,
                Polarity = p.Signal.Kind == SignalKind.Thumb ? (p.Signal.ThumbUp == true ? 1 : -1)
                    : p.Signal.Kind == SignalKind.Rating ? (p.Signal.Rating >= 4 ? 1 : p.Signal.Rating <= 2 ? -1 : 0)
                    : p.Signal.Kind == SignalKind.Flag || p.Signal.Kind == SignalKind.Correction || p.Signal.Kind == SignalKind.Rejection
                      || p.Signal.Kind == SignalKind.Reformulation || p.Signal.Kind == SignalKind.Regenerate || p.Signal.Kind == SignalKind.Abandon ? -1
                    : p.Signal.Kind == SignalKind.Copy ? 1 : 0,
                InteractionId = p.Interaction.Id,
                UserRole = p.Interaction.UserRole ?? "",
                TaskType = p.Interaction.TaskType ?? "",
                Channel = p.Interaction.Channel ?? "",
                Locale = p.Interaction.Locale ?? "",
                ModelVersion = p.Interaction.ModelVersion ?? "",
                PromptVersion = p.Interaction.PromptVersion ?? "",
            };

        var signalDays = await rows
            .GroupBy(r => new { r.Kind, r.UserRole, r.TaskType, r.Channel, r.Locale, r.ModelVersion, r.PromptVersion })
            .Select(g => new ImpactSignalDay
            {
                ApplicationId = applicationId, Day = day, Grain = ImpactGrain.Detailed, Kind = g.Key.Kind,
                UserRole = g.Key.UserRole, TaskType = g.Key.TaskType, Channel = g.Key.Channel, Locale = g.Key.Locale,
                ModelVersion = g.Key.ModelVersion, PromptVersion = g.Key.PromptVersion,
                Signals = g.Count(), Positive = g.Sum(r => r.Polarity > 0 ? 1 : 0), Negative = g.Sum(r => r.Polarity < 0 ? 1 : 0),
            })
            .ToListAsync(cancellationToken);

        var modeDays = await (
                from r in rows
                join c in db.Cases on r.InteractionId equals c.InteractionId
                join m in db.CaseFailureModes on c.Id equals m.CaseId
                group r by new { m.FailureModeId, r.UserRole, r.TaskType, r.Channel, r.Locale, r.ModelVersion, r.PromptVersion } into g
                select new ImpactFailureModeDay
                {
                    ApplicationId = applicationId, Day = day, Grain = ImpactGrain.Detailed, FailureModeId = g.Key.FailureModeId,
                    UserRole = g.Key.UserRole, TaskType = g.Key.TaskType, Channel = g.Key.Channel, Locale = g.Key.Locale,
                    ModelVersion = g.Key.ModelVersion, PromptVersion = g.Key.PromptVersion,
                    Signals = g.Count(), Positive = g.Sum(x => x.Polarity > 0 ? 1 : 0), Negative = g.Sum(x => x.Polarity < 0 ? 1 : 0),
                })
            .ToListAsync(cancellationToken);

        // Signals on interactions that retrieved entries, per interaction; expanded to entries in memory (a primitive
        // collection cannot be grouped by on SQLite without APPLY).
        var withEntries = await (
                from r in rows
                join i in db.Interactions on r.InteractionId equals i.Id
                where i.UsedEntryIds.Count > 0
                group r by r.InteractionId into g
                select new { InteractionId = g.Key, Signals = g.Count(), Positive = g.Sum(r => r.Polarity > 0 ? 1 : 0), Negative = g.Sum(r => r.Polarity < 0 ? 1 : 0) })
            .ToListAsync(cancellationToken);
        var entriesOf = new Dictionary<long, List<string>>();
        foreach (var chunk in withEntries.Select(w => w.InteractionId).Chunk(1000))
        {
            foreach (var i in await db.Interactions.AsNoTracking().Where(i => chunk.Contains(i.Id)).Select(i => new { i.Id, i.UsedEntryIds }).ToListAsync(cancellationToken))
            {
                entriesOf[i.Id] = i.UsedEntryIds;
            }
        }

        var entryDays = withEntries
            .SelectMany(w => entriesOf.GetValueOrDefault(w.InteractionId, []).Distinct(StringComparer.Ordinal).Select(entry => (Entry: entry, w.Signals, w.Positive, w.Negative)))
            .GroupBy(e => e.Entry, StringComparer.Ordinal)
            .Select(g => new ImpactEntryDay
            {
                ApplicationId = applicationId, Day = day, EntryId = g.Key, Signals = g.Sum(e => e.Signals), Positive = g.Sum(e => e.Positive), Negative = g.Sum(e => e.Negative),
            })
            .ToList();

        var createdCases = await (
                from c in db.Cases
                where c.ApplicationId == applicationId && c.CreatedAt >= start && c.CreatedAt < end
                join i in db.Interactions on c.InteractionId equals i.Id
                select new
                {
                    c.CreatedAt, c.TriagedAt, c.ResolvedAt,
                    UserRole = i.UserRole ?? "", TaskType = i.TaskType ?? "", Channel = i.Channel ?? "", Locale = i.Locale ?? "",
                    ModelVersion = i.ModelVersion ?? "", PromptVersion = i.PromptVersion ?? "",
                })
            .ToListAsync(cancellationToken);
        var caseDays = createdCases
            .SelectMany(c => new[]
            {
                (Measure: CaseTimeMeasure.Triage, Bucket: DurationBuckets.Of(c.CreatedAt, c.TriagedAt), c.UserRole, c.TaskType, c.Channel, c.Locale, c.ModelVersion, c.PromptVersion),
                (Measure: CaseTimeMeasure.Resolve, Bucket: DurationBuckets.Of(c.CreatedAt, c.ResolvedAt), c.UserRole, c.TaskType, c.Channel, c.Locale, c.ModelVersion, c.PromptVersion),
            })
            .GroupBy(c => c)
            .Select(g => new ImpactCaseDay
            {
                ApplicationId = applicationId, Day = day, Grain = ImpactGrain.Detailed, Measure = g.Key.Measure, Bucket = g.Key.Bucket,
                UserRole = g.Key.UserRole, TaskType = g.Key.TaskType, Channel = g.Key.Channel, Locale = g.Key.Locale,
                ModelVersion = g.Key.ModelVersion, PromptVersion = g.Key.PromptVersion, Cases = g.Count(),
            })
            .ToList();

        // Summary rows: the same sums without the four segment columns, for unfiltered views.
        var signalSummary = signalDays
            .GroupBy(r => (r.Kind, r.ModelVersion, r.PromptVersion))
            .Select(g => new ImpactSignalDay
            {
                ApplicationId = applicationId, Day = day, Kind = g.Key.Kind, ModelVersion = g.Key.ModelVersion, PromptVersion = g.Key.PromptVersion,
                Signals = g.Sum(r => r.Signals), Positive = g.Sum(r => r.Positive), Negative = g.Sum(r => r.Negative),
            })
            .ToList();
        var modeSummary = modeDays
            .GroupBy(r => (r.FailureModeId, r.ModelVersion, r.PromptVersion))
            .Select(g => new ImpactFailureModeDay
            {
                ApplicationId = applicationId, Day = day, FailureModeId = g.Key.FailureModeId, ModelVersion = g.Key.ModelVersion, PromptVersion = g.Key.PromptVersion,
                Signals = g.Sum(r => r.Signals), Positive = g.Sum(r => r.Positive), Negative = g.Sum(r => r.Negative),
            })
            .ToList();
        var caseSummary = caseDays
            .GroupBy(r => (r.Measure, r.Bucket, r.ModelVersion, r.PromptVersion))
            .Select(g => new ImpactCaseDay
            {
                ApplicationId = applicationId, Day = day, Measure = g.Key.Measure, Bucket = g.Key.Bucket, ModelVersion = g.Key.ModelVersion,
                PromptVersion = g.Key.PromptVersion, Cases = g.Sum(r => r.Cases),
            })
            .ToList();

        // One slice per segment dimension: the same sums with only that column, for views filtered by one segment (far
        // fewer rows to read than the detailed cross product).
        var signalSlices = Slices(signalDays, r => (r.Kind, r.ModelVersion, r.PromptVersion), (key, g) => new ImpactSignalDay
        {
            ApplicationId = applicationId, Day = day, Kind = key.Kind, ModelVersion = key.ModelVersion, PromptVersion = key.PromptVersion,
            Signals = g.Sum(r => r.Signals), Positive = g.Sum(r => r.Positive), Negative = g.Sum(r => r.Negative),
        });
        var modeSlices = Slices(modeDays, r => (r.FailureModeId, r.ModelVersion, r.PromptVersion), (key, g) => new ImpactFailureModeDay
        {
            ApplicationId = applicationId, Day = day, FailureModeId = key.FailureModeId, ModelVersion = key.ModelVersion, PromptVersion = key.PromptVersion,
            Signals = g.Sum(r => r.Signals), Positive = g.Sum(r => r.Positive), Negative = g.Sum(r => r.Negative),
        });
        var caseSlices = Slices(caseDays, r => (r.Measure, r.Bucket, r.ModelVersion, r.PromptVersion), (key, g) => new ImpactCaseDay
        {
            ApplicationId = applicationId, Day = day, Measure = key.Measure, Bucket = key.Bucket, ModelVersion = key.ModelVersion,
            PromptVersion = key.PromptVersion, Cases = g.Sum(r => r.Cases),
        });

        IDisposable? writerTurn = null;
        if (db is not PostgresFeedbackDbContext)
        {
            // End the read snapshot; the replacement is a write transaction of its own, in turn with the ingest writers.
            await transaction.CommitAsync(cancellationToken);
            writerTurn = await IngestionTransaction.EnterSqliteWriterAsync(db, cancellationToken);
            transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        }

        await using var writeTransaction = transaction;
        using var writer = writerTurn;
        await db.ImpactSignalDays.Where(r => r.ApplicationId == applicationId && r.Day == day).ExecuteDeleteAsync(cancellationToken);
        await db.ImpactFailureModeDays.Where(r => r.ApplicationId == applicationId && r.Day == day).ExecuteDeleteAsync(cancellationToken);
        await db.ImpactCaseDays.Where(r => r.ApplicationId == applicationId && r.Day == day).ExecuteDeleteAsync(cancellationToken);
        await db.ImpactEntryDays.Where(r => r.ApplicationId == applicationId && r.Day == day).ExecuteDeleteAsync(cancellationToken);
        await BulkInsert.InsertAsync(db, [.. signalDays, .. signalSummary, .. signalSlices], cancellationToken);
        await BulkInsert.InsertAsync(db, [.. modeDays, .. modeSummary, .. modeSlices], cancellationToken);
        await BulkInsert.InsertAsync(db, [.. caseDays, .. caseSummary, .. caseSlices], cancellationToken);
        await BulkInsert.InsertAsync(db, entryDays, cancellationToken);

        // New segment values for the filter choices.
        var seen = signalDays
            .SelectMany(r => new[] { ("role", r.UserRole), ("task", r.TaskType), ("channel", r.Channel), ("locale", r.Locale), ("model", r.ModelVersion), ("prompt", r.PromptVersion) })
            .Where(v => v.Item2.Length > 0)
            .ToHashSet();
        if (seen.Count > 0)
        {
            var known = (await db.ImpactSegmentValues.AsNoTracking().Where(v => v.ApplicationId == applicationId)
                    .Select(v => new { v.Dimension, v.Value }).ToListAsync(cancellationToken))
                .Select(v => (v.Dimension, v.Value))
                .ToHashSet();
            var fresh = seen.Where(v => !known.Contains(v))
                .Select(v => new ImpactSegmentValue { ApplicationId = applicationId, Dimension = v.Item1, Value = v.Item2 })
                .ToList();
            await BulkInsert.InsertAsync(db, fresh, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    // SQLite: recomputes of this process, one at a time per database file (PostgreSQL uses an advisory lock).
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> SqliteRecomputes = new(StringComparer.Ordinal);

    private static async Task<IDisposable?> EnterRecomputeAsync(FeedbackDbContext db, CancellationToken cancellationToken)
    {
        if (db.Database.GetDbConnection() is not SqliteConnection sqlite)
        {
            return null;
        }

        var turn = SqliteRecomputes.GetOrAdd(sqlite.DataSource, _ => new SemaphoreSlim(1, 1));
        await turn.WaitAsync(cancellationToken);
        return new Released(turn);
    }

    /// <summary>A read-only snapshot of a SQLite database: BEGIN DEFERRED takes no lock until something is written.</summary>
    private static async Task<IDbContextTransaction> SqliteSnapshotAsync(FeedbackDbContext db, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        return (await db.Database.UseTransactionAsync(connection.BeginTransaction(deferred: true), cancellationToken))!;
    }

    private sealed class Released(SemaphoreSlim turn) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                turn.Release();
            }
        }
    }

    private static readonly ImpactGrain[] SliceGrains = [ImpactGrain.Role, ImpactGrain.TaskType, ImpactGrain.Channel, ImpactGrain.Locale];

    /// <summary>
    /// Detailed rows summed per segment dimension: for each of role, task type, channel and locale, one row per value of
    /// that dimension and <paramref name="keyOf"/>, with only that segment column set.
    /// </summary>
    private static List<T> Slices<T, TKey>(List<T> detailed, Func<T, TKey> keyOf, Func<TKey, IEnumerable<T>, T> sum)
        where T : IImpactSegmented
    {
        var slices = new List<T>();
        foreach (var grain in SliceGrains)
        {
            foreach (var g in detailed.GroupBy(r => (Value: SegmentOf(r, grain), Key: keyOf(r))))
            {
                var row = sum(g.Key.Key, g);
                row.Grain = grain;
                switch (grain)
                {
                    case ImpactGrain.Role: row.UserRole = g.Key.Value; break;
                    case ImpactGrain.TaskType: row.TaskType = g.Key.Value; break;
                    case ImpactGrain.Channel: row.Channel = g.Key.Value; break;
                    default: row.Locale = g.Key.Value; break;
                }

                slices.Add(row);
            }
        }

        return slices;
    }

    private static string SegmentOf(IImpactSegmented row, ImpactGrain grain) => grain switch
    {
        ImpactGrain.Role => row.UserRole,
        ImpactGrain.TaskType => row.TaskType,
        ImpactGrain.Channel => row.Channel,
        _ => row.Locale,
    };

    private sealed class SignalRow
    {
        public SignalKind Kind { get; init; }

        public int Polarity { get; init; }

        public long InteractionId { get; init; }

        public string UserRole { get; init; } = "";

        public string TaskType { get; init; } = "";

        public string Channel { get; init; } = "";

        public string Locale { get; init; } = "";

        public string ModelVersion { get; init; } = "";

        public string PromptVersion { get; init; } = "";
    }
}
