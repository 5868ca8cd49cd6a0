using System.Linq.Expressions;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Clustering;

/// <summary>
/// Puts a case into the cluster of its near-duplicates, inside the enrichment transaction that upserted it
/// (see the README, "How clusters are formed"): MinHash signature of the case's text, its 16 band hashes stored
/// as <see cref="CaseClusterBand"/> rows, candidates = cases of the same application sharing a band, and the case
/// joins the cluster of the most similar candidate whose Jaccard similarity is at least
/// <see cref="MinHash.Threshold"/>, else founds a cluster. Re-running it for an unchanged text changes nothing
/// but the cluster's figures, which are always recounted (never incremented), so they cannot drift.
/// </summary>
public static class CaseClustering
{
    /// <summary>Candidates compared exactly, those sharing the most bands first.</summary>
    public const int MaxCandidates = 20;

    /// <summary>
    /// Cases read per band of the new case: the band's most recent ones. Without a bound each enrichment read every
    /// case sharing a band, so a cluster of 10,000 near-duplicates cost ~160,000 rows per new case, inside the
    /// transaction that holds SQLite's one writer. A near-duplicate of a large cluster shares bands with its recent
    /// members too, so it still finds the cluster.
    /// </summary>
    public const int CandidatesPerBand = 64;

    private const int TitleLength = 160;

    // Namespace of clustering's advisory locks (two-key form), apart from ingestion's and the audit chain's.
    private const int AdvisoryLockNamespace = 0x46430003;

    /// <summary>The feedback whose text says what went wrong: corrections, comments, reformulations, flag and rejection reasons.</summary>
    public static readonly Expression<Func<Signal, bool>> HasFeedbackText = s =>
        s.Text != null
        && (s.Kind == SignalKind.Correction || s.Kind == SignalKind.Comment || s.Kind == SignalKind.Reformulation
            || s.Kind == SignalKind.Flag || s.Kind == SignalKind.Rejection);

    private static readonly Func<Signal, bool> HasFeedbackTextCompiled = HasFeedbackText.Compile();

    /// <summary>The texts a case is compared by: the interaction's input, then its feedback texts in order.</summary>
    public static List<string> TextsOf(string input, IEnumerable<Signal> signals) =>
        [input, .. signals.Where(HasFeedbackTextCompiled).OrderBy(s => s.OccurredAt).ThenBy(s => s.ExternalId, StringComparer.Ordinal).Select(s => s.Text!)];

    /// <summary>
    /// Clusters <paramref name="kase"/> (already saved, so it has an id) by <paramref name="texts"/>. Saves its changes
    /// in <paramref name="db"/>'s open transaction and returns the clusters whose figures may have moved (the one it is
    /// in, and the one it left): the caller marks them (<see cref="MarkForRecountAsync"/>) in the same transaction and
    /// recounts them (<see cref="CountAsync"/>, <see cref="ApplyRecountAsync"/>) later — once for many cases, since a recount reads all of a
    /// cluster's signals.
    /// </summary>
    /// <remarks>
    /// Only the case, its band rows and a new cluster change here, so their changes are detected on them alone: the
    /// caller's context also tracks the chunk's interactions, signals and cases (hundreds to thousands of entities),
    /// and a full DetectChanges at each of a case's saves made a chunk's clustering quadratic in its size (under
    /// single-signal load it was ~45 % of clustering's CPU, inside the transaction that holds SQLite's one writer).
    /// </remarks>
    public static async Task<IReadOnlyList<long>> ClusterAsync(FeedbackDbContext db, Case kase, IReadOnlyList<string> texts, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var detectAll = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            return await ClusterDetectingLocallyAsync(db, kase, texts, now, cancellationToken);
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = detectAll;
        }
    }

    private static async Task<IReadOnlyList<long>> ClusterDetectingLocallyAsync(FeedbackDbContext db, Case kase, IReadOnlyList<string> texts, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var shingles = MinHash.Shingles(texts);
        var signature = MinHash.Signature(shingles);
        var bands = signature is null ? [] : MinHash.BandHashes(signature).Distinct().ToHashSet();

        await LockApplicationAsync(db, kase.ApplicationId, cancellationToken);
        var stored = await db.CaseClusterBands.Where(b => b.CaseId == kase.Id).ToListAsync(cancellationToken);
        var previous = kase.ClusterId;

        if (previous is not null && stored.Count == bands.Count && stored.All(b => b.ClusterId == previous && bands.Contains(b.BandHash)))
        {
            return [previous.Value]; // same text: only the figures may have moved
        }

        long? target = null;
        if (signature is not null)
        {
            target = await ChooseClusterAsync(db, kase, shingles, bands, previous, cancellationToken);
            if (target is null)
            {
                var cluster = new CaseCluster
                {
                    ApplicationId = kase.ApplicationId,
                    Title = TitleOf(texts),
                    CreatedAt = now,
                    UpdatedAt = now,
                    LastCaseAt = kase.FirstSignalAt,
                };
                db.CaseClusters.Add(cluster);
                await db.SaveChangesAsync(cancellationToken);
                target = cluster.Id;
            }
        }

        // Replace the case's bands by difference (the key includes the hash, so unchanged rows are updated in place).
        foreach (var row in stored)
        {
            if (target is null || !bands.Contains(row.BandHash))
            {
                db.CaseClusterBands.Remove(row);
            }
            else
            {
                row.ClusterId = target.Value;
                db.Entry(row).DetectChanges();
            }
        }

        if (target is not null)
        {
            var kept = stored.Select(b => b.BandHash).ToHashSet();
            foreach (var hash in bands.Where(h => !kept.Contains(h)))
            {
                db.CaseClusterBands.Add(new CaseClusterBand { ApplicationId = kase.ApplicationId, BandHash = hash, CaseId = kase.Id, ClusterId = target.Value });
            }
        }

        kase.ClusterId = target;
        db.Entry(kase).DetectChanges();
        await db.SaveChangesAsync(cancellationToken);
        return new[] { target, previous }.OfType<long>().Distinct().ToList();
    }

    /// <summary>
    /// On PostgreSQL, one clustering or recount at a time per application, until the transaction ends: two
    /// near-duplicates enriched at once on two instances would otherwise each found a cluster, and a recount could
    /// miss a case that joins meanwhile. (SQLite has one writer, which does the same.)
    /// </summary>
    public static async Task LockApplicationAsync(FeedbackDbContext db, Guid applicationId, CancellationToken cancellationToken)
    {
        if (db is PostgresFeedbackDbContext)
        {
            await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock({0}, {1})",
                [AdvisoryLockNamespace, LockKey(applicationId)], cancellationToken);
        }
    }

    /// <summary>
    /// Marks clusters whose figures may have moved (<see cref="CaseCluster.RecountNeeded"/>, and a new
    /// <see cref="CaseCluster.RecountGeneration"/>), in the open transaction.
    /// </summary>
    public static async Task MarkForRecountAsync(FeedbackDbContext db, IReadOnlyCollection<long> clusterIds, CancellationToken cancellationToken)
    {
        if (clusterIds.Count > 0)
        {
            await db.CaseClusters.Where(c => clusterIds.Contains(c.Id))
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.RecountNeeded, true).SetProperty(c => c.RecountGeneration, c => c.RecountGeneration + 1), cancellationToken);
        }
    }

    /// <summary>The cluster the case belongs in, or null to found a new one.</summary>
    private static async Task<long?> ChooseClusterAsync(
        FeedbackDbContext db, Case kase, HashSet<ulong> shingles, HashSet<long> bands, long? previous, CancellationToken cancellationToken)
    {
        // Each band's most recent cases (a range of the primary key, newest first), all in one statement; counted here,
        // as EF Core does not translate a grouping over a union of limited queries (at most 16 × 64 rows).
        IQueryable<CaseClusterBand>? sharing = null;
        foreach (var band in bands.Order())
        {
            var recent = db.CaseClusterBands.AsNoTracking()
                .Where(b => b.ApplicationId == kase.ApplicationId && b.BandHash == band && b.CaseId != kase.Id)
                .OrderByDescending(b => b.CaseId)
                .Take(CandidatesPerBand);
            sharing = sharing is null ? recent : sharing.Concat(recent);
        }

        var rows = sharing is null ? [] : await sharing.Select(b => new { b.CaseId, b.ClusterId }).ToListAsync(cancellationToken);
        var candidates = rows
            .GroupBy(b => (b.CaseId, b.ClusterId))
            .Select(g => new { g.Key.CaseId, g.Key.ClusterId, Shared = g.Count() })
            .OrderByDescending(c => c.Shared).ThenBy(c => c.CaseId)
            .Take(MaxCandidates)
            .ToList();

        if (candidates.Count > 0)
        {
            var texts = await TextsOfCasesAsync(db, candidates.Select(c => c.CaseId).ToList(), cancellationToken);
            var matches = candidates
                .Select(c => new { c.ClusterId, c.Shared, c.CaseId, Similarity = MinHash.Jaccard(shingles, MinHash.Shingles(texts.GetValueOrDefault(c.CaseId) ?? [])) })
                .Where(c => c.Similarity >= MinHash.Threshold)
                .OrderByDescending(c => c.Similarity).ThenByDescending(c => c.Shared).ThenBy(c => c.CaseId)
                .ToList();

            if (previous is not null && matches.Any(m => m.ClusterId == previous))
            {
                return previous; // still alike its cluster: stay, so clusters do not churn as feedback trickles in
            }

            if (matches.Count > 0)
            {
                return matches[0].ClusterId;
            }
        }

        if (previous is not null && !await db.Cases.AnyAsync(c => c.ClusterId == previous && c.Id != kase.Id, cancellationToken))
        {
            return previous; // it is alone in the cluster it founded: keep the cluster (and its id)
        }

        return null;
    }

    private static async Task<Dictionary<long, List<string>>> TextsOfCasesAsync(FeedbackDbContext db, List<long> caseIds, CancellationToken cancellationToken)
    {
        var cases = await db.Cases.AsNoTracking()
            .Where(c => caseIds.Contains(c.Id))
            .Select(c => new { c.Id, c.InteractionId, c.Interaction!.Input })
            .ToListAsync(cancellationToken);
        var interactionIds = cases.Select(c => (long?)c.InteractionId).ToList();
        var feedback = await db.Signals.AsNoTracking()
            .Where(s => interactionIds.Contains(s.InteractionId))
            .Where(HasFeedbackText)
            .Select(s => new Signal { InteractionId = s.InteractionId, Kind = s.Kind, Text = s.Text, OccurredAt = s.OccurredAt, ExternalId = s.ExternalId })
            .ToListAsync(cancellationToken);
        var byInteraction = feedback.ToLookup(s => s.InteractionId);
        return cases.ToDictionary(c => c.Id, c => TextsOf(c.Input, byInteraction[c.InteractionId]));
    }

    /// <summary>
    /// Counts a cluster's cases, reach and last case, outside any transaction: the reads are proportional to the
    /// cluster (a large one's reach reads tens of thousands of signals), so they must not hold SQLite's one writer,
    /// which every ingest request waits for. Null when the cluster is gone. Store the result with
    /// <see cref="ApplyRecountAsync"/>.
    /// </summary>
    public static async Task<ClusterCount?> CountAsync(FeedbackDbContext db, long clusterId, CancellationToken cancellationToken)
    {
        // The generation first: a change committed after this read raises it, and the recount then leaves the mark.
        var generation = await db.CaseClusters.AsNoTracking()
            .Where(c => c.Id == clusterId)
            .Select(c => (long?)c.RecountGeneration)
            .FirstOrDefaultAsync(cancellationToken);
        if (generation is null)
        {
            return null;
        }

        var count = await db.Cases.CountAsync(c => c.ClusterId == clusterId, cancellationToken);
        if (count == 0)
        {
            return new ClusterCount(clusterId, generation.Value, 0, 0, default);
        }

        // From the cluster's cases to their signals (indexes on ClusterId and InteractionId): proportional to the
        // cluster. Asked the other way round (signals that have a case in the cluster) it read every signal of
        // the database on each recount.
        var turns = db.Cases.Where(c => c.ClusterId == clusterId).Select(c => (long?)c.InteractionId);
        var reach = await db.Signals
            .Where(s => s.EndUserId != null && turns.Contains(s.InteractionId))
            .Select(s => s.EndUserId)
            .Distinct()
            .CountAsync(cancellationToken);
        var last = await db.Cases.Where(c => c.ClusterId == clusterId)
            .OrderByDescending(c => c.FirstSignalAt)
            .Select(c => (DateTimeOffset?)c.FirstSignalAt)
            .FirstOrDefaultAsync(cancellationToken);

        // Its cases all left between the reads above (each move marks the cluster again): counted as empty, which
        // ApplyRecountAsync checks again under the writer before it deletes anything.
        return last is null
            ? new ClusterCount(clusterId, generation.Value, 0, 0, default)
            : new ClusterCount(clusterId, generation.Value, count, reach, last.Value);
    }

    /// <summary>
    /// Stores a count taken by <see cref="CountAsync"/>: the figures, and the mark cleared only if no change marked
    /// the cluster since the count began (its generation is unchanged); deletes the cluster when it had no case and
    /// still has none. Run it in a short transaction that holds <see cref="LockApplicationAsync"/>. Returns whether
    /// the mark was cleared (or the cluster deleted).
    /// </summary>
    public static async Task<bool> ApplyRecountAsync(FeedbackDbContext db, ClusterCount count, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var cluster = await db.CaseClusters.FirstOrDefaultAsync(c => c.Id == count.ClusterId, cancellationToken);
        if (cluster is null)
        {
            return true;
        }

        var current = cluster.RecountGeneration == count.Generation;
        if (count.Cases == 0)
        {
            if (!current || await db.Cases.AnyAsync(c => c.ClusterId == count.ClusterId, cancellationToken))
            {
                return false; // a case joined since: the next pass counts it
            }

            db.CaseClusters.Remove(cluster);
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }

        if (cluster.CaseCount != count.Cases || cluster.Reach != count.Reach || cluster.LastCaseAt != count.LastCaseAt)
        {
            cluster.CaseCount = count.Cases;
            cluster.Reach = count.Reach;
            cluster.LastCaseAt = count.LastCaseAt;
            cluster.UpdatedAt = now;
        }

        if (current)
        {
            cluster.RecountNeeded = false;
        }

        await db.SaveChangesAsync(cancellationToken);
        return current;
    }

    /// <summary>A readable label: the founding case's question, and its first complaint, shortened.</summary>
    public static string TitleOf(IReadOnlyList<string> texts)
    {
        static string Squash(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

        var question = Squash(texts.Count > 0 ? texts[0] : "");
        var complaint = texts.Skip(1).Select(Squash).FirstOrDefault(t => t.Length > 0);
        var title = complaint is null ? question : question.Length == 0 ? complaint : $"{question} — {complaint}";
        if (title.Length == 0)
        {
            return "(no text)";
        }

        return title.Length <= TitleLength ? title : string.Concat(title.AsSpan(0, TitleLength - 1).TrimEnd(), "…");
    }

    private static int LockKey(Guid applicationId)
    {
        Span<byte> bytes = stackalloc byte[16];
        applicationId.TryWriteBytes(bytes);
        return BitConverter.ToInt32(bytes) ^ BitConverter.ToInt32(bytes[4..]) ^ BitConverter.ToInt32(bytes[8..]) ^ BitConverter.ToInt32(bytes[12..]);
    }
}

/// <summary>A cluster's figures as <see cref="CaseClustering.CountAsync"/> counted them, at mark generation <see cref="Generation"/>.</summary>
public sealed record ClusterCount(long ClusterId, long Generation, int Cases, int Reach, DateTimeOffset LastCaseAt);
