using System.Security.Claims;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.KnowledgeBases;
using MudBlazor;

namespace FeedbackConsole.Web.Components.Pages.KnowledgeBases;

/// <summary>How knowledge-base things look in the console: icons, chip colours, labels, links.</summary>
internal static class KbFormat
{
    public static string KindIcon(KnowledgeBaseKind kind) => kind switch
    {
        KnowledgeBaseKind.Facts => Icons.Material.Outlined.MenuBook,
        KnowledgeBaseKind.Examples => Icons.Material.Outlined.School,
        KnowledgeBaseKind.Guards => Icons.Material.Outlined.Shield,
        _ => Icons.Material.Outlined.Folder,
    };

    public static string Kind(KnowledgeBaseKind kind) => KnowledgeBaseRules.Describe(kind);

    /// <summary>"fact", "example", "guard rule" — one entry of the kind.</summary>
    public static string EntryNoun(KnowledgeBaseKind kind) => kind switch
    {
        KnowledgeBaseKind.Facts => "fact",
        KnowledgeBaseKind.Examples => "example",
        KnowledgeBaseKind.Guards => "guard rule",
        _ => "entry",
    };

    public static string State(RevisionState state) => state switch
    {
        RevisionState.Proposed => "Proposed",
        RevisionState.Approved => "Approved",
        RevisionState.Rejected => "Rejected",
        RevisionState.Withdrawn => "Withdrawn",
        _ => state.ToString(),
    };

    public static Color StateColor(RevisionState state) => state switch
    {
        RevisionState.Proposed => Color.Warning,
        RevisionState.Approved => Color.Success,
        RevisionState.Rejected => Color.Error,
        _ => Color.Default,
    };

    public static string Change(RevisionChange change) => KnowledgeBaseRules.Describe(change);

    public static Color ChangeColor(RevisionChange change) => change switch
    {
        RevisionChange.Create => Color.Info,
        RevisionChange.Retire => Color.Secondary,
        _ => Color.Primary,
    };

    public static string Live(int? number) => number is { } n ? $"Release {n} live" : "No live release";

    public static string KnowledgeBaseHref(Guid id) => $"knowledge-bases/{id}";

    public static string EntryHref(Guid kbId, Guid entryId) => $"knowledge-bases/{kbId}/entries/{entryId}";

    public static string RevisionHref(Guid revisionId) => $"revisions/{revisionId}";

    public static string UserId(ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "";

    public static bool IsLead(ClaimsPrincipal user) => user.IsInRole(Roles.Lead) || user.IsInRole(Roles.Admin);

}
