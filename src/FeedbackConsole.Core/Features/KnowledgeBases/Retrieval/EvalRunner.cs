using FeedbackConsole.Core.Domain;

namespace FeedbackConsole.Core.Features.KnowledgeBases.Retrieval;

/// <summary>
/// One held-out eval case as the engine runs it. <see cref="EvalCaseKind.Retrieval"/>: <see cref="Query"/> (with
/// <see cref="TaskType"/> as the search's task-type filter) must retrieve every one of <see cref="ExpectedEntryIds"/>
/// within the top k, and, when <see cref="ExpectedText"/> is set, some hit whose text contains it (whole words,
/// folded as guards fold). <see cref="EvalCaseKind.Guard"/>: the guards, for <see cref="TaskType"/>, must catch
/// <see cref="Output"/> when <see cref="ExpectViolation"/> is true and let it pass when false.
/// </summary>
public sealed record EvalCaseSpec(
    Guid Id,
    EvalCaseKind Kind,
    string? Query,
    IReadOnlyList<Guid> ExpectedEntryIds,
    string? ExpectedText,
    string? TaskType,
    string? Output,
    bool? ExpectViolation);

/// <summary>
/// One case's outcome. Retrieval cases: <see cref="Rank"/> is the 1-based rank of the first relevant hit (an expected
/// entry, or a hit containing the expected text), <see cref="ReciprocalRank"/> 1/rank or 0, <see cref="Recall"/> the
/// fraction of expected entries in the top k (or 1/0 for a text-only case). Guard cases leave those at null/0 and
/// carry the <see cref="Violations"/> found. <see cref="Detail"/> says in words what happened.
/// </summary>
public sealed record EvalCaseResult(
    Guid CaseId,
    EvalCaseKind Kind,
    bool Passed,
    int? Rank,
    double ReciprocalRank,
    double? Recall,
    IReadOnlyList<Guid> RetrievedEntryIds,
    IReadOnlyList<GuardViolation> Violations,
    string Detail);

/// <summary>
/// Aggregates of a run: recall@k and MRR are means over retrieval cases (null without any), the pass rate is over
/// all cases (null without any).
/// </summary>
public sealed record EvalMetrics(int K, int Cases, int RetrievalCases, int GuardCases, int PassedCases, double? RecallAtK, double? Mrr, double? PassRate);

/// <summary>The results of an eval suite on one release.</summary>
public sealed class EvalRun(int k, IReadOnlyList<EvalCaseResult> cases)
{
    private readonly Dictionary<Guid, EvalCaseResult> _byId = cases.DistinctBy(c => c.CaseId).ToDictionary(c => c.CaseId);

    /// <summary>The k of recall@k and of every search.</summary>
    public int K { get; } = k;

    /// <summary>Per-case results, in the suite's order.</summary>
    public IReadOnlyList<EvalCaseResult> Cases { get; } = cases;

    /// <summary>Aggregates over <see cref="Cases"/>.</summary>
    public EvalMetrics Metrics { get; } = Aggregate(k, cases);

    /// <summary>The result of one case, if the run had it.</summary>
    public EvalCaseResult? Find(Guid caseId) => _byId.GetValueOrDefault(caseId);

    private static EvalMetrics Aggregate(int k, IReadOnlyList<EvalCaseResult> cases)
    {
        var retrieval = cases.Where(c => c.Kind == EvalCaseKind.Retrieval).ToList();
        return new EvalMetrics(
            k,
            cases.Count,
            retrieval.Count,
            cases.Count - retrieval.Count,
            cases.Count(c => c.Passed),
            retrieval.Count == 0 ? null : retrieval.Average(c => c.Recall ?? 0),
            retrieval.Count == 0 ? null : retrieval.Average(c => c.ReciprocalRank),
            cases.Count == 0 ? null : (double)cases.Count(c => c.Passed) / cases.Count);
    }
}

/// <summary>
/// Runs an eval suite against one release's engine: its <see cref="RetrievalIndex"/> for retrieval cases, its
/// <see cref="GuardSet"/> for guard cases (null stands for an empty one, as for a first release's baseline). A case
/// that cannot run (no query, no expectation) fails with a detail saying why; nothing is thrown but cancellation.
/// </summary>
public static class EvalRunner
{
    /// <summary>Runs <paramref name="cases"/> in order, reporting the count done about a hundred times.</summary>
    public static EvalRun Run(
        RetrievalIndex? index, GuardSet? guards, IReadOnlyList<EvalCaseSpec> cases, int k,
        IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, RetrievalIndex.MaxK);
        index ??= RetrievalIndex.Empty;
        guards ??= GuardSet.Empty;
        var results = new EvalCaseResult[cases.Count];
        var step = Math.Max(1, cases.Count / 100);
        for (var i = 0; i < cases.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var spec = cases[i];
            results[i] = spec.Kind == EvalCaseKind.Guard ? RunGuard(guards, spec) : RunRetrieval(index, spec, k);
            if ((i + 1) % step == 0 || i + 1 == cases.Count)
            {
                progress?.Report(i + 1);
            }
        }

        return new EvalRun(k, results);
    }

    private static EvalCaseResult RunRetrieval(RetrievalIndex index, EvalCaseSpec spec, int k)
    {
        var expected = spec.ExpectedEntryIds.Distinct().ToList();
        var expectedText = string.IsNullOrWhiteSpace(spec.ExpectedText) ? null : " " + TextAnalyzer.Fold(spec.ExpectedText) + " ";
        if (string.IsNullOrWhiteSpace(spec.Query))
        {
            return Failed(spec, [], "The case has no query.");
        }

        if (expected.Count == 0 && expectedText is null)
        {
            return Failed(spec, [], "The case expects neither entries nor text.");
        }

        var hits = index.Search(spec.Query, k, spec.TaskType);
        var retrieved = hits.Select(h => h.EntryId).ToArray();
        int? rank = null;
        var textFound = false;
        for (var i = 0; i < hits.Count; i++)
        {
            var isExpected = expected.Contains(hits[i].EntryId);
            var hasText = expectedText is not null && index.TryGetDocument(hits[i].EntryId, out var doc)
                && (" " + TextAnalyzer.Fold($"{doc.Title}\n{doc.Content}\n{doc.Input}") + " ").Contains(expectedText, StringComparison.Ordinal);
            textFound |= hasText;
            if ((isExpected || hasText) && rank is null)
            {
                rank = i + 1;
            }
        }

        var found = expected.Count(retrieved.Contains);
        var recall = expected.Count > 0 ? (double)found / expected.Count : textFound ? 1 : 0;
        var passed = found == expected.Count && (expectedText is null || textFound);
        var problems = new List<string>();
        if (found < expected.Count)
        {
            problems.Add($"{expected.Count - found} of {expected.Count} expected entries not in the top {k}");
        }

        if (expectedText is not null && !textFound)
        {
            problems.Add($"no hit in the top {k} contains “{spec.ExpectedText!.Trim()}”");
        }

        var detail = passed
            ? $"Found at rank {rank}."
            : hits.Count == 0
                ? $"Nothing retrieved: {string.Join("; ", problems)}."
                : $"{Capitalized(string.Join("; ", problems))}{(rank is null ? "" : $" (first relevant hit at rank {rank})")}.";
        return new EvalCaseResult(spec.Id, spec.Kind, passed, rank, rank is null ? 0 : 1.0 / rank.Value, recall, retrieved, [], detail);
    }

    private static EvalCaseResult RunGuard(GuardSet guards, EvalCaseSpec spec)
    {
        if (spec.Output is null)
        {
            return Failed(spec, [], "The case has no output to check.");
        }

        if (spec.ExpectViolation is not { } expectViolation)
        {
            return Failed(spec, [], "The case does not say whether the output must be caught or must pass.");
        }

        var check = guards.Check(spec.Output, spec.TaskType);
        var caught = !check.Passed;
        var messages = string.Join(" ", check.Violations.Select(v => v.Message));
        var detail = (expectViolation, caught) switch
        {
            (true, true) => $"Caught, as expected: {messages}",
            (true, false) => "Passed, but the guards should have caught it.",
            (false, false) => "Passed, as expected.",
            (false, true) => $"Caught, but it should have passed: {messages}",
        };
        return new EvalCaseResult(spec.Id, spec.Kind, caught == expectViolation, null, 0, null, [], check.Violations, detail);
    }

    private static EvalCaseResult Failed(EvalCaseSpec spec, IReadOnlyList<Guid> retrieved, string detail) =>
        new(spec.Id, spec.Kind, false, null, 0, spec.Kind == EvalCaseKind.Retrieval ? 0 : null, retrieved, [], detail);

    private static string Capitalized(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
