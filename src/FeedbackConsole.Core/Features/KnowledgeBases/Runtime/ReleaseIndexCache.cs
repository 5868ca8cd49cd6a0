using System.Collections.Concurrent;
using System.Collections.Frozen;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.KnowledgeBases.Retrieval;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FeedbackConsole.Core.Features.KnowledgeBases.Runtime;

/// <summary>One release a knowledge base serves: its id and its number (the <c>version</c> apps see).</summary>
public sealed record ServedReleaseRef(Guid Id, int Number);

/// <summary>What the run-time API needs to know about a knowledge base, read once per lookup lifetime.</summary>
public sealed record RuntimeKnowledgeBase(Guid Id, Guid ApplicationId, string Key, KnowledgeBaseKind Kind, ServedReleaseRef? Live, ServedReleaseRef? Shadow);

/// <summary>
/// One release, ready to answer: its BM25 index (facts, examples) or its guard rules, and the entries it serves a
/// correction of (<paramref name="CorrectedEntries"/>: the served revision or an earlier one was written from a case, so
/// serving them counts towards "your fix has helped N people"). Immutable, shared by every request.
/// </summary>
public sealed record ReleaseEngine(
    Guid ReleaseId, int Number, Guid KnowledgeBaseId, Guid ApplicationId, KnowledgeBaseKind Kind, RetrievalIndex Index, GuardSet Guards,
    FrozenSet<Guid> CorrectedEntries);

/// <summary>
/// Releases are immutable, so each one's index is built once and then held in memory (≈ 38 MB per 100k entries) for
/// as long as it is the Live or Shadow release of its knowledge base.
/// <list type="bullet">
/// <item>Knowledge bases are looked up by (application, key) at most once per
/// <see cref="KnowledgeRuntimeOptions.ReleaseLookupLifetime"/>; a request that finds the lookup expired still answers
/// from it while one background read refreshes it, so no request waits for the database after the first.</item>
/// <item>An index is built once per release however many requests ask at once (single flight); a failed build is
/// forgotten so the next request tries again.</item>
/// <item>When a refresh finds a new Live (or Shadow) release whose index is not built yet, the previous release keeps
/// answering while the new index builds in the background; the switch happens at the first refresh after the build.
/// A promotion or rollback therefore reaches this instance within the lookup lifetime plus the build time
/// (about 1 s + 2 s at 100k entries).</item>
/// <item>Indexes of releases that are no longer Live or Shadow are dropped at the next refresh of their knowledge base.</item>
/// </list>
/// </summary>
public sealed class ReleaseIndexCache(
    IDbContextFactory<FeedbackDbContext> contexts,
    TimeProvider time,
    IOptionsMonitor<KnowledgeRuntimeOptions> options,
    ILogger<ReleaseIndexCache> logger)
{
    // Lookups of keys that do not exist are cached too (a caller probing keys must not reach the database each
    // time); past this many the whole table is dropped and refilled on demand.
    private const int MaxKnowledgeBaseSlots = 10_000;

    private readonly ConcurrentDictionary<(Guid ApplicationId, string Key), KnowledgeBaseSlot> _knowledgeBases = new();
    private readonly ConcurrentDictionary<Guid, EngineSlot> _engines = new();
    private int _builds;

    /// <summary>Index builds started since start-up (for tests and diagnostics).</summary>
    public int BuildCount => Volatile.Read(ref _builds);

    /// <summary>Releases whose index is held (built or building).</summary>
    public IReadOnlyCollection<Guid> HeldReleaseIds => [.. _engines.Keys];

    /// <summary>The knowledge base with this key in this application, or null when there is none (or it is archived).</summary>
    public async ValueTask<RuntimeKnowledgeBase?> FindAsync(Guid applicationId, string key, CancellationToken cancellationToken)
    {
        // Count takes every lock of the dictionary, so it is only asked before adding, never on the path of a hit.
        if (!_knowledgeBases.TryGetValue((applicationId, key), out var slot))
        {
            if (_knowledgeBases.Count >= MaxKnowledgeBaseSlots)
            {
                _knowledgeBases.Clear();
            }

            slot = _knowledgeBases.GetOrAdd((applicationId, key), static _ => new KnowledgeBaseSlot());
        }

        var fetched = slot.Current;
        if (fetched is not null)
        {
            if (time.GetElapsedTime(fetched.At) >= options.CurrentValue.ReleaseLookupLifetime)
            {
                _ = Refresh(applicationId, key, slot);
            }

            return fetched.Value;
        }

        return (await Refresh(applicationId, key, slot).WaitAsync(cancellationToken)).Value;
    }

    /// <summary>Reads the knowledge base again now (not waiting for the lookup lifetime) and returns what is served.</summary>
    internal async Task<RuntimeKnowledgeBase?> RefreshAsync(Guid applicationId, string key)
    {
        var slot = _knowledgeBases.GetOrAdd((applicationId, key), static _ => new KnowledgeBaseSlot());
        return (await Refresh(applicationId, key, slot)).Value;
    }

    /// <summary>
    /// Forgets every lookup of this knowledge base on this instance, so the next request reads it again (after a
    /// promotion here). Lookups whose first read is still under way are forgotten too: that read may have started
    /// before the promotion committed (the start-up warm-up, say), and would otherwise be served for a whole lifetime.
    /// </summary>
    public void Invalidate(Guid knowledgeBaseId)
    {
        foreach (var (key, slot) in _knowledgeBases)
        {
            if (slot.Current is null || slot.Current.Value?.Id == knowledgeBaseId)
            {
                _knowledgeBases.TryRemove(KeyValuePair.Create(key, slot));
            }
        }
    }

    /// <summary>The release's engine: at once when it is built, else after the one build every caller shares.</summary>
    public ValueTask<ReleaseEngine> GetEngineAsync(RuntimeKnowledgeBase knowledgeBase, ServedReleaseRef release, CancellationToken cancellationToken)
    {
        var build = EngineTask(knowledgeBase, release);
        return build.IsCompletedSuccessfully ? new ValueTask<ReleaseEngine>(build.Result) : new ValueTask<ReleaseEngine>(build.WaitAsync(cancellationToken));
    }

    private Task<ReleaseEngine> EngineTask(RuntimeKnowledgeBase knowledgeBase, ServedReleaseRef release)
    {
        var slot = _engines.GetOrAdd(release.Id, static (_, state) => new EngineSlot(state.Cache, state.KnowledgeBase, state.Release), (Cache: this, KnowledgeBase: knowledgeBase, Release: release));
        return slot.Build.Value;
    }

    private void Forget(Guid releaseId, EngineSlot slot, Exception error)
    {
        logger.LogError(error, "Could not build the index of release {ReleaseId}; the next request tries again.", releaseId);
        _engines.TryRemove(KeyValuePair.Create(releaseId, slot));
    }

    private bool IsReady(Guid releaseId) =>
        _engines.TryGetValue(releaseId, out var slot) && slot.Build.IsValueCreated && slot.Build.Value.IsCompletedSuccessfully;

    /// <summary>Starts building a release's index without waiting for it (warming after a promotion, or at start-up).</summary>
    public void Warm(RuntimeKnowledgeBase knowledgeBase, ServedReleaseRef release) => _ = EngineTask(knowledgeBase, release);

    private Task<Fetched> Refresh(Guid applicationId, string key, KnowledgeBaseSlot slot)
    {
        lock (slot.Gate)
        {
            if (slot.Pending is { IsCompleted: false } pending)
            {
                return pending;
            }

            var refresh = Task.Run(() => LoadAsync(applicationId, key, slot));
            slot.Pending = refresh;
            return refresh;
        }
    }

    private async Task<Fetched> LoadAsync(Guid applicationId, string key, KnowledgeBaseSlot slot)
    {
        var previous = slot.Current;
        RuntimeKnowledgeBase? fresh;
        try
        {
            await using var db = await contexts.CreateDbContextAsync();
            var row = await db.KnowledgeBases.AsNoTracking()
                .Where(k => k.ApplicationId == applicationId && k.Key == key && k.ArchivedAt == null)
                .Select(k => new
                {
                    k.Id,
                    k.Kind,
                    k.LiveReleaseId,
                    k.ShadowReleaseId,
                    LiveNumber = db.Releases.Where(r => r.Id == k.LiveReleaseId).Select(r => (int?)r.Number).FirstOrDefault(),
                    ShadowNumber = db.Releases.Where(r => r.Id == k.ShadowReleaseId).Select(r => (int?)r.Number).FirstOrDefault(),
                })
                .FirstOrDefaultAsync();
            fresh = row is null
                ? null
                : new RuntimeKnowledgeBase(
                    row.Id, applicationId, key, row.Kind,
                    row is { LiveReleaseId: { } liveId, LiveNumber: { } liveNumber } ? new ServedReleaseRef(liveId, liveNumber) : null,
                    row is { ShadowReleaseId: { } shadowId, ShadowNumber: { } shadowNumber } ? new ServedReleaseRef(shadowId, shadowNumber) : null);
        }
        catch (Exception e) when (previous is not null)
        {
            // Keep answering from what was read last; try again after another lifetime rather than on every request.
            logger.LogWarning(e, "Could not refresh knowledge base {Key} of application {ApplicationId}; serving the releases read before.", key, applicationId);
            var kept = new Fetched(previous.Value, time.GetTimestamp());
            slot.Current = kept;
            return kept;
        }

        var served = fresh;
        if (fresh is not null && previous?.Value is { } before && before.Id == fresh.Id)
        {
            served = fresh with
            {
                Live = Handover(fresh, before.Live, fresh.Live),
                Shadow = Handover(fresh, before.Shadow, fresh.Shadow),
            };
        }

        var result = new Fetched(served, time.GetTimestamp());
        slot.Current = result;
        Evict(previous?.Value?.Id ?? fresh?.Id, [served?.Live?.Id, served?.Shadow?.Id, fresh?.Live?.Id, fresh?.Shadow?.Id]);
        return result;
    }

    /// <summary>The release to serve for a slot: the new one when its index is ready (or nothing older can answer), else the old one while the new one builds.</summary>
    private ServedReleaseRef? Handover(RuntimeKnowledgeBase knowledgeBase, ServedReleaseRef? before, ServedReleaseRef? now)
    {
        if (now is null || before is null || before.Id == now.Id || IsReady(now.Id) || !IsReady(before.Id))
        {
            return now;
        }

        Warm(knowledgeBase, now);
        return before;
    }

    private void Evict(Guid? knowledgeBaseId, Guid?[] keep)
    {
        if (knowledgeBaseId is null)
        {
            return;
        }

        foreach (var (releaseId, slot) in _engines)
        {
            if (slot.KnowledgeBaseId == knowledgeBaseId && !keep.Contains(releaseId))
            {
                _engines.TryRemove(KeyValuePair.Create(releaseId, slot));
            }
        }
    }

    private async Task<ReleaseEngine> BuildAsync(RuntimeKnowledgeBase knowledgeBase, ServedReleaseRef release)
    {
        Interlocked.Increment(ref _builds);
        var started = time.GetTimestamp();
        await using var db = await contexts.CreateDbContextAsync();
        var revisions = await db.ReleaseEntries.AsNoTracking()
            .Where(e => e.ReleaseId == release.Id)
            .Join(db.EntryRevisions, e => e.RevisionId, r => r.Id, (e, r) => new
            {
                r.EntryId,
                r.Id,
                r.Number,
                r.Title,
                r.Content,
                r.Input,
                r.TaskType,
                r.GuardType,
                r.GuardMessage,
            })
            .ToListAsync();
        // Entries whose served revision, or an earlier one, came from a case: the same test as the milestone query of
        // NotificationOutbox.OnServedAsync. Sources are only ever added to new revisions, so this never changes for a release.
        var corrected = await (
                from source in db.RevisionSources
                join sourced in db.EntryRevisions on source.RevisionId equals sourced.Id
                join entry in db.ReleaseEntries on sourced.EntryId equals entry.EntryId
                join served in db.EntryRevisions on entry.RevisionId equals served.Id
                where entry.ReleaseId == release.Id && sourced.Number <= served.Number
                select sourced.EntryId)
            .Distinct()
            .ToListAsync();
        var engine = knowledgeBase.Kind == KnowledgeBaseKind.Guards
            ? new ReleaseEngine(release.Id, release.Number, knowledgeBase.Id, knowledgeBase.ApplicationId, knowledgeBase.Kind, RetrievalIndex.Empty, GuardSet.Build(revisions
                .Where(r => r.GuardType is not null)
                .Select(r => new GuardRule(r.EntryId, r.Id, r.Title, r.GuardType!.Value, r.Content, r.GuardMessage ?? "", r.TaskType))),
                corrected.ToFrozenSet())
            : new ReleaseEngine(release.Id, release.Number, knowledgeBase.Id, knowledgeBase.ApplicationId, knowledgeBase.Kind,
                RetrievalIndex.Build([.. revisions.Select(r => new RetrievalDocument(r.EntryId, r.Id, r.Number, r.Title, r.Content, r.TaskType,
                    knowledgeBase.Kind == KnowledgeBaseKind.Examples ? r.Input ?? "" : null))]),
                GuardSet.Empty, corrected.ToFrozenSet());
        logger.LogInformation("Built the index of release {Number} of knowledge base {Key} ({Entries} entries) in {Milliseconds:0} ms.",
            release.Number, knowledgeBase.Key, revisions.Count, time.GetElapsedTime(started).TotalMilliseconds);
        return engine;
    }

    private sealed record Fetched(RuntimeKnowledgeBase? Value, long At);

    private sealed class KnowledgeBaseSlot
    {
        public readonly Lock Gate = new();

        public volatile Fetched? Current;

        public Task<Fetched>? Pending;
    }

    private sealed class EngineSlot
    {
        public EngineSlot(ReleaseIndexCache cache, RuntimeKnowledgeBase knowledgeBase, ServedReleaseRef release)
        {
            KnowledgeBaseId = knowledgeBase.Id;
            Build = new Lazy<Task<ReleaseEngine>>(() =>
            {
                var build = Task.Run(() => cache.BuildAsync(knowledgeBase, release));
                // A failed build is forgotten, so that the next request tries again instead of failing forever.
                _ = build.ContinueWith(
                    failed =>
                    {
                        cache.Forget(release.Id, this, failed.Exception!);
                    },
                    CancellationToken.None,
                    TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
                    TaskScheduler.Default);
                return build;
            });
        }

        public Guid KnowledgeBaseId { get; }

        public Lazy<Task<ReleaseEngine>> Build { get; }
    }
}
