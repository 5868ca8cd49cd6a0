using FeedbackConsole.Core.Domain;

namespace FeedbackConsole.Core.Features.Releases.EvalSuites;

/// <summary>
/// An eval case as a person writes it (the editor, an imported row, "add to eval suite"). Retrieval cases: a query and
/// the entries and/or text it must retrieve within k. Guard cases: an output the guards must catch or must let pass.
/// </summary>
public sealed record EvalCaseDraft(
    EvalCaseKind Kind,
    string? Name,
    string? Query,
    IReadOnlyList<Guid> ExpectedEntryIds,
    string? ExpectedText,
    string? TaskType,
    string? Output,
    bool? ExpectViolation,
    long? SourceCaseId = null)
{
    public const int MaxNameLength = 200;
    public const int MaxTextLength = 32_000;
    public const int MaxExpectedTextLength = 4000;
    public const int MaxTaskTypeLength = 100;

    /// <summary>The kind of eval case a knowledge base takes: guard cases for guards, retrieval cases otherwise.</summary>
    public static EvalCaseKind KindFor(KnowledgeBaseKind kind) => kind == KnowledgeBaseKind.Guards ? EvalCaseKind.Guard : EvalCaseKind.Retrieval;

    /// <summary>
    /// Checks the draft for a knowledge base of <paramref name="kbKind"/> whose entries are <paramref name="entryIds"/>,
    /// and returns it cleaned (trimmed, fields of the other kind cleared, a name made from the text when none is given).
    /// </summary>
    public (EvalCaseDraft? Draft, string? Error) Validate(KnowledgeBaseKind kbKind, IReadOnlySet<Guid> entryIds)
    {
        if (Kind != KindFor(kbKind))
        {
            return (null, kbKind == KnowledgeBaseKind.Guards
                ? "A guards knowledge base takes guard cases (an output that must be caught or must pass), not retrieval cases."
                : $"A {kbKind.ToString().ToLowerInvariant()} knowledge base takes retrieval cases (a query and what it must retrieve), not guard cases.");
        }

        var task = Clean(TaskType);
        if (task is { Length: > MaxTaskTypeLength })
        {
            return (null, $"A task type holds at most {MaxTaskTypeLength} characters.");
        }

        var name = Clean(Name);
        if (name is { Length: > MaxNameLength })
        {
            return (null, $"A name holds at most {MaxNameLength} characters.");
        }

        if (Kind == EvalCaseKind.Retrieval)
        {
            var query = Clean(Query);
            if (query is null)
            {
                return (null, "Write the query the app would search with.");
            }

            if (query.Length > MaxTextLength)
            {
                return (null, $"A query holds at most {MaxTextLength:N0} characters.");
            }

            var expectedText = Clean(ExpectedText);
            if (expectedText is { Length: > MaxExpectedTextLength })
            {
                return (null, $"The expected text holds at most {MaxExpectedTextLength:N0} characters.");
            }

            var ids = ExpectedEntryIds.Distinct().ToList();
            if (ids.Count == 0 && expectedText is null)
            {
                return (null, "Say what the query must retrieve: pick at least one expected entry, or write text a retrieved entry must contain.");
            }

            if (ids.FirstOrDefault(id => !entryIds.Contains(id)) is var unknown && unknown != Guid.Empty)
            {
                return (null, $"Entry {unknown} is not an entry of this knowledge base.");
            }

            return (new EvalCaseDraft(Kind, name ?? Shorten(query), query, ids, expectedText, task, null, null, SourceCaseId), null);
        }

        var output = Clean(Output);
        if (output is null)
        {
            return (null, "Write the output the guards check.");
        }

        if (output.Length > MaxTextLength)
        {
            return (null, $"An output holds at most {MaxTextLength:N0} characters.");
        }

        if (ExpectViolation is null)
        {
            return (null, "Say whether the guards must catch this output or must let it pass.");
        }

        return (new EvalCaseDraft(Kind, name ?? Shorten(output), null, [], null, task, output, ExpectViolation, SourceCaseId), null);
    }

    private static string? Clean(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static string Shorten(string text)
    {
        var line = text.Trim().ReplaceLineEndings(" ");
        return line.Length <= 80 ? line : line[..77].TrimEnd() + "…";
    }
}
