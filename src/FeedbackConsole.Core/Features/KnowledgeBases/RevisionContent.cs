using FeedbackConsole.Core.Domain;

namespace FeedbackConsole.Core.Features.KnowledgeBases;

/// <summary>
/// What one revision of an entry says, by kind: facts (title, content), examples (title, input, ideal output in
/// <see cref="Content"/>, task type, failure mode), guards (title, type, pattern/phrase/disclaimer in
/// <see cref="Content"/>, message, optional task type). Fields a kind does not use are dropped.
/// </summary>
public sealed record RevisionContent(
    string Title,
    string Content,
    string? Input = null,
    string? TaskType = null,
    string? FailureModeKey = null,
    Domain.GuardRuleType? GuardType = null,
    string? GuardMessage = null)
{
    public static RevisionContent Of(EntryRevision revision) =>
        new(revision.Title, revision.Content, revision.Input, revision.TaskType, revision.FailureModeKey, revision.GuardType, revision.GuardMessage);

    /// <summary>Trimmed, empty fields as null, and only the fields <paramref name="kind"/> uses.</summary>
    public RevisionContent Normalize(KnowledgeBaseKind kind)
    {
        var title = (Title ?? "").Trim();
        // Content keeps its inner layout (line breaks matter in an ideal output); only the ends are trimmed.
        var content = (Content ?? "").Trim();
        return kind switch
        {
            KnowledgeBaseKind.Facts => new RevisionContent(title, content),
            KnowledgeBaseKind.Examples => new RevisionContent(title, content, Clean(Input), Clean(TaskType), Clean(FailureModeKey)),
            KnowledgeBaseKind.Guards => new RevisionContent(
                title, GuardType == Domain.GuardRuleType.ForbiddenPattern ? (Content ?? "").Trim() : content, null, Clean(TaskType), null, GuardType, Clean(GuardMessage)),
            _ => this,
        };
    }

    /// <summary>Null when the (normalized) content is complete and fits, else the first problem in words.</summary>
    public string? Validate(KnowledgeBaseKind kind)
    {
        if (Title.Length == 0)
        {
            return kind switch
            {
                KnowledgeBaseKind.Examples => "Give the example a short title.",
                KnowledgeBaseKind.Guards => "Give the rule a name.",
                _ => "Enter a title.",
            };
        }

        if (Title.Length > KnowledgeBaseRules.TitleMaxLength)
        {
            return $"Keep the title to {KnowledgeBaseRules.TitleMaxLength} characters or fewer; this one has {Title.Length:N0}.";
        }

        if (Content.Length > KnowledgeBaseRules.ContentMaxLength)
        {
            return $"{ContentLabel(kind, GuardType)} holds at most {KnowledgeBaseRules.ContentMaxLength:N0} characters; this one has {Content.Length:N0}.";
        }

        if (TaskType is { Length: > KnowledgeBaseRules.TaskTypeMaxLength })
        {
            return $"Keep the task type to {KnowledgeBaseRules.TaskTypeMaxLength} characters or fewer.";
        }

        switch (kind)
        {
            case KnowledgeBaseKind.Facts when Content.Length == 0:
                return "Enter the fact's content: the text the application retrieves.";
            case KnowledgeBaseKind.Examples:
                if (string.IsNullOrEmpty(Input))
                {
                    return "Enter the example's input: what the user asked.";
                }

                if (Input.Length > KnowledgeBaseRules.InputMaxLength)
                {
                    return $"The input holds at most {KnowledgeBaseRules.InputMaxLength:N0} characters; this one has {Input.Length:N0}.";
                }

                if (Content.Length == 0)
                {
                    return "Enter the ideal output: the answer the model should have given.";
                }

                if (FailureModeKey is { Length: > KnowledgeBaseRules.FailureModeKeyMaxLength })
                {
                    return "That failure mode key is too long.";
                }

                break;
            case KnowledgeBaseKind.Guards:
                if (GuardType is not { } type)
                {
                    return "Choose the rule's type: forbidden pattern, forbidden phrase or required disclaimer.";
                }

                if (Content.Length == 0)
                {
                    return $"Enter the {ContentLabel(kind, type).ToLowerInvariant()}.";
                }

                if (type == Domain.GuardRuleType.ForbiddenPattern && KnowledgeBaseRules.CheckPattern(Content) is { } invalid)
                {
                    return invalid;
                }

                if (string.IsNullOrEmpty(GuardMessage))
                {
                    return "Enter the message a violation reports (what is wrong with the output).";
                }

                if (GuardMessage.Length > KnowledgeBaseRules.GuardMessageMaxLength)
                {
                    return $"Keep the message to {KnowledgeBaseRules.GuardMessageMaxLength:N0} characters or fewer.";
                }

                break;
        }

        return null;
    }

    /// <summary>What <see cref="Content"/> is called for this kind (and guard type).</summary>
    public static string ContentLabel(KnowledgeBaseKind kind, Domain.GuardRuleType? guardType = null) => kind switch
    {
        KnowledgeBaseKind.Facts => "Content",
        KnowledgeBaseKind.Examples => "Ideal output",
        KnowledgeBaseKind.Guards => guardType switch
        {
            Domain.GuardRuleType.ForbiddenPattern => "Pattern",
            Domain.GuardRuleType.ForbiddenPhrase => "Phrase",
            Domain.GuardRuleType.RequiredDisclaimer => "Disclaimer",
            _ => "Pattern, phrase or disclaimer",
        },
        _ => "Content",
    };

    public void ApplyTo(EntryRevision revision)
    {
        revision.Title = Title;
        revision.Content = Content;
        revision.Input = Input;
        revision.TaskType = TaskType;
        revision.FailureModeKey = FailureModeKey;
        revision.GuardType = GuardType;
        revision.GuardMessage = GuardMessage;
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
