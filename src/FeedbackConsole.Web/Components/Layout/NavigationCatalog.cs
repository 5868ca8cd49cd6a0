using System.Reflection;
using FeedbackConsole.Core.Domain;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace FeedbackConsole.Web.Components.Layout;

/// <summary>
/// The navigation drawer's entries. Each names a page type; its address and the policy that decides who
/// sees it are read from the page's own [Route] and [Authorize], so the menu can never offer a page that
/// does not exist or that the person may not open. A new room adds one line here.
/// </summary>
internal static class NavigationCatalog
{
    public sealed record Item(string Title, string Icon, Type Page, string Group)
    {
        public string Href => Page.GetCustomAttributes<RouteAttribute>().First().Template.TrimStart('/');

        public string Policy => Page.GetCustomAttribute<AuthorizeAttribute>()?.Policy ?? Policies.SignedIn;
    }

    public static IReadOnlyList<Item> Items { get; } =
    [
        new("Home", Icons.Material.Outlined.SpaceDashboard, typeof(Pages.Home), ""),
        new("Triage queue", Icons.Material.Outlined.Inbox, typeof(Pages.Triage.Queue), "Triage"),
        new("Clusters", Icons.Material.Outlined.Workspaces, typeof(Pages.Triage.Clusters), "Triage"),
        new("Knowledge bases", Icons.Material.Outlined.MenuBook, typeof(Pages.KnowledgeBases.KnowledgeBaseList), "Learning"),
        new("Approvals", Icons.Material.Outlined.FactCheck, typeof(Pages.KnowledgeBases.Approvals), "Learning"),
        new("Impact", Icons.Material.Outlined.Insights, typeof(Pages.Impact.Impact), "Learning"),
        new("Applications", Icons.Material.Outlined.Hub, typeof(Pages.Admin.Applications), "Administration"),
        new("Users", Icons.Material.Outlined.People, typeof(Pages.Admin.Users), "Administration"),
        new("Failure taxonomy", Icons.Material.Outlined.AccountTree, typeof(Pages.Admin.Taxonomy), "Administration"),
        new("Audit trail", Icons.Material.Outlined.FactCheck, typeof(Pages.Admin.AuditLog), "Administration"),
        new("Notifications", Icons.Material.Outlined.Outbox, typeof(Pages.Notifications.Outbox), "Administration"),
    ];
}
