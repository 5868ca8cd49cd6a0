using System.Globalization;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Audit;
using FeedbackConsole.Core.Features.KnowledgeBases.Retrieval;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace FeedbackConsole.Core.Features.Releases.Gates;

/// <summary>
/// Runs one gate: builds the retrieval index (or guard set) of the candidate and of its baseline from their releases'
/// revisions, runs the knowledge base's active eval cases on both with the engine, compares them (regressions, fixes),
/// checks that every correction new in the candidate fixes the case it came from, applies the knowledge base's
/// thresholds, and stores it all with the verdict in one transaction: the release becomes Gated, its gate Passed or
/// Failed, audited. Progress is written to the run as it goes. A run that breaks is marked Errored with the reason.
/// </summary>
public sealed class GateRunner(IDbContextFactory<FeedbackDbContext> contexts, AuditTrail audit, TimeProvider time, ILogger<GateRunner> logger)
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(250);

    public async Task ExecuteAsync(Guid gateRunId, CancellationToken cancellationToken = default)
    {
        try
        {
            await RunAsync(gateRunId, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // A broken run is recorded on the run for the Lead to read; the worker goes on with the next.
        catch (Exception e)
#pragma warning restore CA1031
        {
            logger.LogError(e, "Gate run {GateRunId} failed.", gateRunId);
            await MarkErroredAsync(gateRunId, "The gate run stopped with an error: " + e.Message, CancellationToken.None);
        }
    }

    /// <summary>Marks a run Errored (no change to its release's gate).</summary>
    internal async Task MarkErroredAsync(Guid gateRunId, string error, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        await db.GateRuns.Where(g => g.Id == gateRunId && g.State == GateRunState.Running)
            .ExecuteUpdateAsync(s => s.SetProperty(g => g.State, GateRunState.Errored)
                .SetProperty(g => g.Error, error.Length > 4000 ? error[..4000] : error)
                .SetProperty(g => g.CompletedAt, now), cancellationToken);
    }

    private async Task RunAsync(Guid gateRunId, CancellationToken cancellationToken)
    {
        GateRun run;
        Release release;
        KnowledgeBase kb;
        List<EvalCaseSpec> specs;
        Engine candidate;
        Engine baseline;
        List<CorrectionSource> corrections;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            var found = await db.GateRuns.AsNoTracking().FirstOrDefaultAsync(g => g.Id == gateRunId, cancellationToken);
            if (found is not { State: GateRunState.Running })
            {
                return;
            }

            run = found;
            release = await db.Releases.AsNoTracking().FirstAsync(r => r.Id == run.ReleaseId, cancellationToken);
            kb = await db.KnowledgeBases.AsNoTracking().FirstAsync(k => k.Id == run.KnowledgeBaseId, cancellationToken);
            specs = (await db.EvalCases.AsNoTracking()
                    .Where(c => c.KnowledgeBaseId == kb.Id && c.ArchivedAt == null)
                    .OrderBy(c => c.Name).ThenBy(c => c.Id)
                    .ToListAsync(cancellationToken))
                .Select(c => new EvalCaseSpec(c.Id, c.Kind, c.Query, c.ExpectedEntryIds, c.ExpectedText, c.TaskType, c.Output, c.ExpectViolation))
                .ToList();
            candidate = await LoadEngineAsync(db, kb.Kind, release.Id, cancellationToken);
            baseline = run.BaselineReleaseId is { } b ? await LoadEngineAsync(db, kb.Kind, b, cancellationToken) : Engine.Empty;
            corrections = await CorrectionsAsync(db, release.Id, run.BaselineReleaseId, cancellationToken);
        }

        if (specs.Count != run.TotalCases)
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            await db.GateRuns.Where(g => g.Id == run.Id).ExecuteUpdateAsync(s => s.SetProperty(g => g.TotalCases, specs.Count), cancellationToken);
        }

        // Progress: the baseline run is the first half of the work, the candidate's the second.
        var reporter = new ProgressWriter(contexts, run.Id, time);
        var k = Math.Clamp(run.K, 1, RetrievalIndex.MaxK);
        var live = EvalRunner.Run(baseline.Index, baseline.Guards, specs, k, new Progress(n => reporter.Report(n / 2)), cancellationToken);
        var next = EvalRunner.Run(candidate.Index, candidate.Guards, specs, k, new Progress(n => reporter.Report((specs.Count + n) / 2)), cancellationToken);
        await reporter.FlushAsync(cancellationToken);
        var comparison = GateComparison.Compare(live, next);
        var verdict = new GateThresholds(kb.MinRecallAtK, kb.MinMrr, kb.MinPassRate, kb.MaxRegressions).Evaluate(comparison);
        var correctionResults = CheckCorrections(run.Id, kb, candidate, corrections, k);
        var unfixed = correctionResults.Count(c => !c.Fixed);
        var reasons = verdict.Reasons.ToList();
        if (unfixed > 0)
        {
            reasons.Add(unfixed == 1
                ? "1 new correction does not yet fix the case it came from"
                : string.Create(CultureInfo.InvariantCulture, $"{unfixed} new corrections do not yet fix the case they came from"));
        }

        var passed = reasons.Count == 0;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var stored = await db.GateRuns.FirstAsync(g => g.Id == run.Id, cancellationToken);
            if (stored.State != GateRunState.Running)
            {
                return;
            }

            var regressions = comparison.Regressions.Select(r => r.CaseId).ToHashSet();
            var fixes = comparison.Fixes.Select(r => r.CaseId).ToHashSet();
            foreach (var result in next.Cases)
            {
                var before = live.Find(result.CaseId);
                db.GateCaseResults.Add(new GateCaseResult
                {
                    GateRunId = run.Id,
                    EvalCaseId = result.CaseId,
                    BaselinePassed = before?.Passed ?? false,
                    CandidatePassed = result.Passed,
                    BaselineRank = before?.Rank,
                    CandidateRank = result.Rank,
                    IsRegression = regressions.Contains(result.CaseId),
                    IsFix = fixes.Contains(result.CaseId),
                    Detail = Shorten((before is null ? "" : "Live: " + before.Detail + "\n") + "Candidate: " + result.Detail, 2000),
                });
            }

            db.GateCorrectionResults.AddRange(correctionResults);
            stored.State = GateRunState.Completed;
            stored.CompletedCases = specs.Count;
            stored.TotalCases = specs.Count;
            stored.CandidateRecallAtK = next.Metrics.RecallAtK;
            stored.CandidateMrr = next.Metrics.Mrr;
            stored.CandidatePassRate = next.Metrics.PassRate;
            stored.BaselineRecallAtK = live.Metrics.RecallAtK;
            stored.BaselineMrr = live.Metrics.Mrr;
            stored.BaselinePassRate = live.Metrics.PassRate;
            stored.RegressionCount = comparison.Regressions.Count;
            stored.FixCount = comparison.Fixes.Count;
            stored.UnfixedCorrectionCount = unfixed;
            stored.Passed = passed;
            stored.FailureReasons = reasons.Count == 0 ? null : Shorten(string.Join('\n', reasons.Select(Sentence)), 4000);
            stored.CompletedAt = time.GetUtcNow();

            // The verdict applies to the release only while it is still a candidate (and this is its latest run).
            var tracked = await db.Releases.FirstAsync(r => r.Id == release.Id, cancellationToken);
            if (tracked.State is ReleaseState.Candidate or ReleaseState.Gated && tracked.LatestGateRunId == run.Id)
            {
                var before = new { state = tracked.State.ToString(), gate = tracked.Gate?.ToString() };
                tracked.State = ReleaseState.Gated;
                tracked.Gate = passed ? GateOutcome.Passed : GateOutcome.Failed;
                tracked.Version = Guid.NewGuid();
                await audit.RecordAsync(db, await AuditActor.OfUserAsync(db, run.StartedById, cancellationToken),
                    ReleaseTransitions.Entry(passed ? ReleaseActions.GatePassed : ReleaseActions.GateFailed, tracked, kb.ApplicationId, before,
                        new
                        {
                            state = nameof(ReleaseState.Gated), gate = tracked.Gate.ToString(), gateRun = run.Id, regressions = stored.RegressionCount,
                            fixes = stored.FixCount, unfixedCorrections = unfixed,
                        },
                        stored.FailureReasons), cancellationToken);
            }

            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        logger.LogInformation("Gate run {GateRunId} of release {ReleaseId}: {Outcome}.", run.Id, release.Id, passed ? "passed" : "failed");
    }

    private static string Sentence(string reason) =>
        reason.Length == 0 ? reason : char.ToUpperInvariant(reason[0]) + reason[1..] + (reason.EndsWith('.') ? "" : ".");

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    /// <summary>One release's engine: its index (facts, examples) or its guards.</summary>
    private sealed record Engine(RetrievalIndex Index, GuardSet Guards)
    {
        public static Engine Empty { get; } = new(RetrievalIndex.Empty, GuardSet.Empty);
    }

    private static async Task<Engine> LoadEngineAsync(FeedbackDbContext db, KnowledgeBaseKind kind, Guid releaseId, CancellationToken cancellationToken)
    {
        var revisions = await db.ReleaseEntries.AsNoTracking()
            .Where(e => e.ReleaseId == releaseId)
            .Join(db.EntryRevisions, e => e.RevisionId, r => r.Id, (e, r) => r)
            .ToListAsync(cancellationToken);
        if (kind == KnowledgeBaseKind.Guards)
        {
            return new Engine(RetrievalIndex.Empty, GuardSet.Build(revisions
                .Where(r => r.GuardType is not null)
                .Select(r => new GuardRule(r.EntryId, r.Id, r.Title, r.GuardType!.Value, r.Content, r.GuardMessage ?? r.Title, r.TaskType))));
        }

        return new Engine(
            RetrievalIndex.Build([.. revisions.Select(r => new RetrievalDocument(r.EntryId, r.Id, r.Number, r.Title, r.Content, r.TaskType, r.Input))]),
            GuardSet.Empty);
    }

    /// <summary>A revision new in the candidate and one case it came from, with that case's interaction.</summary>
    private sealed record CorrectionSource(Guid RevisionId, Guid EntryId, string Title, long CaseId, string Input, string Output, string? TaskType);

    private static async Task<List<CorrectionSource>> CorrectionsAsync(FeedbackDbContext db, Guid releaseId, Guid? baselineId, CancellationToken cancellationToken)
    {
        var newRevisions = await ReleaseTransitions.CorrectionRevisionIdsAsync(db, releaseId, baselineId, cancellationToken);
        return await (from source in db.RevisionSources
                      where newRevisions.Contains(source.RevisionId)
                      join revision in db.EntryRevisions on source.RevisionId equals revision.Id
                      join kase in db.Cases on source.CaseId equals kase.Id
                      join interaction in db.Interactions on kase.InteractionId equals interaction.Id
                      orderby source.CaseId
                      select new CorrectionSource(revision.Id, revision.EntryId, revision.Title, source.CaseId, interaction.Input, interaction.Output, interaction.TaskType))
            .AsNoTracking()
            .ToListAsync(cancellationToken);
    }

    private List<GateCorrectionResult> CheckCorrections(Guid runId, KnowledgeBase kb, Engine candidate, List<CorrectionSource> sources, int k) =>
        [.. sources.Select(source =>
        {
            bool isFixed;
            string detail;
            if (kb.Kind == KnowledgeBaseKind.Guards)
            {
                var check = candidate.Guards.Check(source.Output, source.TaskType);
                isFixed = check.Violations.Any(v => v.RuleId == source.EntryId);
                detail = isFixed
                    ? $"“{source.Title}” now catches the answer case #{source.CaseId} was about."
                    : $"“{source.Title}” does not catch the answer case #{source.CaseId} was about.";
            }
            else
            {
                var hits = candidate.Index.Search(source.Input, k, kb.Kind == KnowledgeBaseKind.Examples ? source.TaskType : null);
                // The entry as the candidate serves it: the correction's own revision, or a later refinement of it.
                var rank = hits.Select((h, i) => (h, i)).FirstOrDefault(x => x.h.EntryId == source.EntryId, (null!, -1)).Item2;
                isFixed = rank >= 0;
                detail = isFixed
                    ? string.Create(CultureInfo.InvariantCulture, $"“{source.Title}” ranks {rank + 1} of {k} for the question of case #{source.CaseId}.")
                    : string.Create(CultureInfo.InvariantCulture, $"“{source.Title}” is not in the top {k} for the question of case #{source.CaseId}.");
            }

            logger.LogDebug("Correction {RevisionId} for case {CaseId}: {Fixed}.", source.RevisionId, source.CaseId, isFixed);
            return new GateCorrectionResult { GateRunId = runId, RevisionId = source.RevisionId, CaseId = source.CaseId, Fixed = isFixed, Detail = detail };
        })];

    /// <summary>Writes the count of cases done to the run at most every <see cref="ProgressInterval"/>, off the engine's thread.</summary>
    private sealed class ProgressWriter(IDbContextFactory<FeedbackDbContext> contexts, Guid runId, TimeProvider time)
    {
        private readonly Lock _gate = new();
        private int _latest;
        private int _written;
        private DateTimeOffset _lastWrite = DateTimeOffset.MinValue;
        private Task _pending = Task.CompletedTask;

        public void Report(int completed)
        {
            lock (_gate)
            {
                _latest = Math.Max(_latest, completed);
                if (time.GetUtcNow() - _lastWrite < ProgressInterval || !_pending.IsCompleted)
                {
                    return;
                }

                _lastWrite = time.GetUtcNow();
                _pending = WriteAsync();
            }
        }

        public async Task FlushAsync(CancellationToken cancellationToken)
        {
            await _pending;
            if (_latest != _written)
            {
                await WriteAsync(cancellationToken);
            }
        }

        private async Task WriteAsync(CancellationToken cancellationToken = default)
        {
            var value = _latest;
            try
            {
                await using var db = await contexts.CreateDbContextAsync(cancellationToken);
                await db.GateRuns.Where(g => g.Id == runId && g.State == GateRunState.Running)
                    .ExecuteUpdateAsync(s => s.SetProperty(g => g.CompletedCases, value), cancellationToken);
                _written = value;
            }
#pragma warning disable CA1031 // Progress is a courtesy: a failed write must not stop the run.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }

    /// <summary>The engine reports synchronously on the running thread (System.Progress would post to the thread pool).</summary>
    private sealed class Progress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
