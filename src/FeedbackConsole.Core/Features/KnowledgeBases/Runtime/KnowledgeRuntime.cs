using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.KnowledgeBases.Retrieval;

namespace FeedbackConsole.Core.Features.KnowledgeBases.Runtime;

/// <summary>Which release of a knowledge base a request reads.</summary>
public enum ReleaseChannel
{
    Live,
    Shadow,
}

/// <summary>The release that answered: its number and the channel it was asked for on.</summary>
public sealed record ServedRelease(int Version, ReleaseChannel Channel);

/// <summary>One fact served: the entry, its text in the served revision, and its score in [0, 1).</summary>
public sealed record ServedFact(Guid Id, string Title, string Content, double Score, int Revision);

/// <summary>One few-shot example served: the entry, its input and ideal output, and its score in [0, 1).</summary>
public sealed record ServedExample(Guid Id, string Input, string Output, double Score);

public sealed record SearchAnswer(ServedRelease Release, IReadOnlyList<ServedFact> Entries);

public sealed record ExamplesAnswer(ServedRelease Release, IReadOnlyList<ServedExample> Examples);

public sealed record GuardAnswer(ServedRelease Release, bool Passed, IReadOnlyList<GuardViolation> Violations);

/// <summary>Why a run-time request could not be answered.</summary>
public enum RuntimeProblemKind
{
    /// <summary>No such knowledge base in the caller's application (or it is archived).</summary>
    NotFound,

    /// <summary>The knowledge base holds another kind of knowledge than the endpoint serves.</summary>
    WrongKind,

    /// <summary>The knowledge base has no release on the channel asked for.</summary>
    NoRelease,
}

public sealed record RuntimeProblem(RuntimeProblemKind Kind, string Detail);

/// <summary>An answer or the reason there is none.</summary>
public readonly record struct RuntimeResult<T>(T? Answer, RuntimeProblem? Problem)
    where T : class
{
    public static implicit operator RuntimeResult<T>(T answer) => new(answer, null);

    public static implicit operator RuntimeResult<T>(RuntimeProblem problem) => new(null, problem);
}

/// <summary>
/// The run-time knowledge API (API.md, "Knowledge for the app at run time"): search of facts, few-shot examples and
/// guard checks on a knowledge base's Live or Shadow release, from indexes held in memory by
/// <see cref="ReleaseIndexCache"/>. Served entries are counted by <see cref="ServingTallies"/> without touching the
/// database. Input is validated by the HTTP endpoints; this is the one retrieval path they share.
/// </summary>
public sealed class KnowledgeRuntime(ReleaseIndexCache cache, ServingTallies tallies)
{
    public async ValueTask<RuntimeResult<SearchAnswer>> SearchAsync(
        Guid applicationId, string knowledgeBaseKey, string query, int k, ReleaseChannel channel, CancellationToken cancellationToken)
    {
        var (engine, problem) = await EngineAsync(applicationId, knowledgeBaseKey, KnowledgeBaseKind.Facts, channel, cancellationToken);
        if (engine is null)
        {
            return problem!;
        }

        var hits = engine.Index.Search(query, k);
        var entries = new ServedFact[hits.Count];
        for (var i = 0; i < hits.Count; i++)
        {
            var hit = hits[i];
            engine.Index.TryGetDocument(hit.EntryId, out var document);
            entries[i] = new ServedFact(hit.EntryId, document!.Title, document.Content, hit.Score, hit.RevisionNumber);
        }

        tallies.Record(engine, hits);
        return new SearchAnswer(new ServedRelease(engine.Number, channel), entries);
    }

    public async ValueTask<RuntimeResult<ExamplesAnswer>> ExamplesAsync(
        Guid applicationId, string knowledgeBaseKey, string query, string? taskType, int k, ReleaseChannel channel, CancellationToken cancellationToken)
    {
        var (engine, problem) = await EngineAsync(applicationId, knowledgeBaseKey, KnowledgeBaseKind.Examples, channel, cancellationToken);
        if (engine is null)
        {
            return problem!;
        }

        var hits = engine.Index.Search(query, k, taskType);
        var examples = new ServedExample[hits.Count];
        for (var i = 0; i < hits.Count; i++)
        {
            var hit = hits[i];
            engine.Index.TryGetDocument(hit.EntryId, out var document);
            examples[i] = new ServedExample(hit.EntryId, document!.Input ?? "", document.Content, hit.Score);
        }

        tallies.Record(engine, hits);
        return new ExamplesAnswer(new ServedRelease(engine.Number, channel), examples);
    }

    public async ValueTask<RuntimeResult<GuardAnswer>> CheckAsync(
        Guid applicationId, string knowledgeBaseKey, string output, string? taskType, ReleaseChannel channel, CancellationToken cancellationToken)
    {
        var (engine, problem) = await EngineAsync(applicationId, knowledgeBaseKey, KnowledgeBaseKind.Guards, channel, cancellationToken);
        if (engine is null)
        {
            return problem!;
        }

        var result = engine.Guards.Check(output, taskType);
        return new GuardAnswer(new ServedRelease(engine.Number, channel), result.Passed, result.Violations);
    }

    private async ValueTask<(ReleaseEngine? Engine, RuntimeProblem? Problem)> EngineAsync(
        Guid applicationId, string key, KnowledgeBaseKind kind, ReleaseChannel channel, CancellationToken cancellationToken)
    {
        // Keys are slugs; anything else cannot name a knowledge base and need not reach the cache or the database.
        var knowledgeBase = KnowledgeBaseRules.KeyPattern().IsMatch(key) ? await cache.FindAsync(applicationId, key, cancellationToken) : null;
        if (knowledgeBase is null)
        {
            return (null, new RuntimeProblem(RuntimeProblemKind.NotFound, $"There is no knowledge base '{key}' in this application."));
        }

        if (knowledgeBase.Kind != kind)
        {
            return (null, new RuntimeProblem(RuntimeProblemKind.WrongKind, WrongKindDetail(key, knowledgeBase.Kind, kind)));
        }

        var release = channel == ReleaseChannel.Live ? knowledgeBase.Live : knowledgeBase.Shadow;
        if (release is null)
        {
            return (null, new RuntimeProblem(RuntimeProblemKind.NoRelease, channel == ReleaseChannel.Live
                ? $"Knowledge base '{key}' has no live release yet: build a release, pass its gate and promote it in the console."
                : $"Knowledge base '{key}' has no shadow release now; ask for the live one (release=live) or promote a candidate to shadow."));
        }

        return (await cache.GetEngineAsync(knowledgeBase, release, cancellationToken), null);
    }

    private static string WrongKindDetail(string key, KnowledgeBaseKind actual, KnowledgeBaseKind wanted)
    {
        var where = actual switch
        {
            KnowledgeBaseKind.Facts => $"search it with GET /api/v1/knowledge-bases/{key}/search",
            KnowledgeBaseKind.Examples => $"ask it with GET /api/v1/knowledge-bases/{key}/examples",
            _ => "check outputs against it with POST /api/v1/guards/check",
        };
        var serves = wanted switch
        {
            KnowledgeBaseKind.Facts => "search serves facts",
            KnowledgeBaseKind.Examples => "examples serves few-shot examples",
            _ => "guard checks need a guards knowledge base",
        };
        return $"Knowledge base '{key}' holds {actual.ToString().ToLowerInvariant()}, but {serves}; {where}.";
    }
}
