using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.KnowledgeBases;

namespace FeedbackConsole.Web.Components.Pages.KnowledgeBases;

/// <summary>The editor's fields for one proposed revision (every kind's; the kind decides which are shown and kept).</summary>
public sealed class RevisionEditModel
{
    public string Title { get; set; } = "";

    public string Content { get; set; } = "";

    public string? Input { get; set; }

    public string? TaskType { get; set; }

    public string? FailureModeKey { get; set; }

    public GuardRuleType? GuardType { get; set; }

    public string? GuardMessage { get; set; }

    public string Summary { get; set; } = "";

    public static RevisionEditModel From(RevisionContent content) => new()
    {
        Title = content.Title, Content = content.Content, Input = content.Input, TaskType = content.TaskType,
        FailureModeKey = content.FailureModeKey, GuardType = content.GuardType, GuardMessage = content.GuardMessage,
    };

    public RevisionContent ToContent() => new(Title, Content, Input, TaskType, FailureModeKey, GuardType, GuardMessage);
}
