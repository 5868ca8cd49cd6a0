using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Releases.EvalSuites;

/// <summary>What "Add to eval suite" starts from: the case's interaction and the knowledge bases of its application.</summary>
public sealed class GetCaseForEval(IDbContextFactory<FeedbackDbContext> contexts)
{
    public sealed record KnowledgeBaseChoice(Guid Id, string Name, KnowledgeBaseKind Kind);

    public sealed record Source(long CaseId, string Input, string Output, string? ProposedAnswer, string? TaskType, IReadOnlyList<KnowledgeBaseChoice> KnowledgeBases);

    public async Task<Source?> HandleAsync(long caseId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var kase = await db.Cases.AsNoTracking()
            .Where(c => c.Id == caseId)
            .Select(c => new { c.Id, c.ApplicationId, c.ProposedAnswer, c.Interaction!.Input, c.Interaction.Output, c.Interaction.TaskType })
            .FirstOrDefaultAsync(cancellationToken);
        if (kase is null)
        {
            return null;
        }

        var kbs = await db.KnowledgeBases.AsNoTracking()
            .Where(k => k.ApplicationId == kase.ApplicationId && k.ArchivedAt == null)
            .OrderBy(k => k.Name)
            .Select(k => new KnowledgeBaseChoice(k.Id, k.Name, k.Kind))
            .ToListAsync(cancellationToken);
        return new Source(kase.Id, kase.Input, kase.Output, kase.ProposedAnswer, kase.TaskType, kbs);
    }
}
