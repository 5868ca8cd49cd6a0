using FeedbackConsole.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Releases.EvalSuites;

/// <summary>A knowledge base's active eval cases as a CSV or JSONL file that <see cref="ImportEvalCases"/> reads back.</summary>
public sealed class ExportEvalCases(IDbContextFactory<FeedbackDbContext> contexts)
{
    public sealed record File(string FileName, string ContentType, byte[] Content, int Count);

    public async Task<File?> HandleAsync(Guid knowledgeBaseId, EvalSuiteFormat format, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var key = await db.KnowledgeBases.AsNoTracking().Where(k => k.Id == knowledgeBaseId).Select(k => k.Key).FirstOrDefaultAsync(cancellationToken);
        if (key is null)
        {
            return null;
        }

        var cases = await db.EvalCases.AsNoTracking()
            .Where(c => c.KnowledgeBaseId == knowledgeBaseId && c.ArchivedAt == null)
            .OrderBy(c => c.Name).ThenBy(c => c.Id)
            .ToListAsync(cancellationToken);
        var text = EvalSuiteFile.Write(cases, format);
        return format == EvalSuiteFormat.Csv
            ? new File($"{key}-eval-suite.csv", "text/csv", EvalSuiteFile.ToBytes(text), cases.Count)
            : new File($"{key}-eval-suite.jsonl", "application/x-ndjson", EvalSuiteFile.ToBytes(text), cases.Count);
    }
}
