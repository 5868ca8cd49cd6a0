using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Triage.Cases;

namespace FeedbackConsole.Core.Features.KnowledgeBases.Revisions;

/// <summary>One field of a revision next to the same field of the revision it is compared with, diffed word by word.</summary>
public sealed record FieldDiff(string Label, string? Before, string? After, IReadOnlyList<DiffSpan> Spans)
{
    public bool Changed => !string.Equals(Before ?? "", After ?? "", StringComparison.Ordinal);
}

/// <summary>Field-by-field word diffs between two revisions, for the fields the kind uses (reuses the triage <see cref="WordDiff"/>).</summary>
public static class RevisionDiff
{
    public static IReadOnlyList<FieldDiff> Compute(KnowledgeBaseKind kind, RevisionContent? before, RevisionContent after) =>
        [.. Fields(kind, after.GuardType ?? before?.GuardType)
            .Select(f => Field(f.Label, before is null ? null : f.Read(before), f.Read(after)))
            .Where(f => f.Before is not null || f.After is not null)];

    private static FieldDiff Field(string label, string? before, string? after) =>
        new(label, before, after, WordDiff.Compute(before ?? "", after ?? ""));

    private static IEnumerable<(string Label, Func<RevisionContent, string?> Read)> Fields(KnowledgeBaseKind kind, Domain.GuardRuleType? guardType)
    {
        yield return (kind == KnowledgeBaseKind.Guards ? "Name" : "Title", c => c.Title);
        switch (kind)
        {
            case KnowledgeBaseKind.Facts:
                yield return ("Content", c => c.Content);
                break;
            case KnowledgeBaseKind.Examples:
                yield return ("Input", c => c.Input);
                yield return ("Ideal output", c => c.Content);
                yield return ("Task type", c => c.TaskType);
                yield return ("Failure mode", c => c.FailureModeKey);
                break;
            case KnowledgeBaseKind.Guards:
                yield return ("Rule type", c => c.GuardType is { } t ? KnowledgeBaseRules.Describe(t) : null);
                yield return (RevisionContent.ContentLabel(kind, guardType), c => c.Content);
                yield return ("Message", c => c.GuardMessage);
                yield return ("Task type", c => c.TaskType);
                break;
        }
    }
}
