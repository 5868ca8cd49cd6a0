using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Releases.EvalSuites;

namespace FeedbackConsole.Web.Components.Pages.Releases;

/// <summary>The eval-case editor's fields (both kinds), turned into a draft for the Core to check.</summary>
public sealed class EvalCaseModel
{
    public string? Name { get; set; }

    public string? Query { get; set; }

    public List<ListEvalCases.ExpectedEntry> ExpectedEntries { get; } = [];

    public string? ExpectedText { get; set; }

    public string? TaskType { get; set; }

    public string? Output { get; set; }

    /// <summary>Guard cases: true when the guards must catch the output.</summary>
    public bool MustBeCaught { get; set; } = true;

    public long? SourceCaseId { get; set; }

    public static EvalCaseModel From(ListEvalCases.Row row)
    {
        var model = new EvalCaseModel
        {
            Name = row.Name, Query = row.Query, ExpectedText = row.ExpectedText, TaskType = row.TaskType, Output = row.Output,
            MustBeCaught = row.ExpectViolation ?? true, SourceCaseId = row.SourceCaseId,
        };
        model.ExpectedEntries.AddRange(row.ExpectedEntries);
        return model;
    }

    public EvalCaseDraft ToDraft(KnowledgeBaseKind kbKind) => new(
        EvalCaseDraft.KindFor(kbKind), Name, Query, [.. ExpectedEntries.Select(e => e.Id)], ExpectedText, TaskType, Output,
        kbKind == KnowledgeBaseKind.Guards ? MustBeCaught : null, SourceCaseId);
}
