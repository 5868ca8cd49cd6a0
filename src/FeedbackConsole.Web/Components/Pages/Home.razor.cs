using System.Security.Claims;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Accounts;
using FeedbackConsole.Core.Features.Home;
using FeedbackConsole.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace FeedbackConsole.Web.Components.Pages;

public partial class Home
{
    private GetHomeSummary.Summary? _summary;
    private IReadOnlyList<NextStep> _steps = [];
    private string _roleLabel = "";
    private ClaimsPrincipal _user = new();

    [Inject]
    public required GetHomeSummary Summary { get; init; }

    [Inject]
    public required TimeProvider Time { get; init; }

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private string FirstName
    {
        get
        {
            var name = _user.FindFirstValue(ConsoleClaims.DisplayName) ?? _user.Identity?.Name ?? "";
            return name.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? name;
        }
    }

    /// <summary>The reader's time zone: the greeting follows their clock, not the server's.</summary>
    [CascadingParameter]
    public PeopleTime PeopleTime { get; set; } = PeopleTime.Utc;

    private string Greeting => TimeZoneInfo.ConvertTime(Time.GetUtcNow(), PeopleTime.Zone).Hour switch
    {
        < 12 => "Good morning",
        < 18 => "Good afternoon",
        _ => "Good evening",
    };

    private string Subtitle => _steps.Count == 0
        ? "Everything is in order."
        : "Here is where FeedbackConsole stands and what you can do next.";

    protected override async Task OnInitializedAsync()
    {
        _user = (await AuthenticationState).User;
        _summary = await Summary.HandleAsync();
        var roles = Roles.All.Where(_user.IsInRole).ToList();
        _roleLabel = roles.Count == 0 ? "None yet" : roles[0];
        _steps = NextSteps.For(_summary, roles);
    }

    /// <summary>One suggestion on the home page.</summary>
    public sealed record NextStep(string Title, string Text, string Icon, string Tone, string? ActionLabel = null, string? ActionHref = null);

    /// <summary>Decides what a person should do next from the console's state and their roles.</summary>
    public static class NextSteps
    {
        public static IReadOnlyList<NextStep> For(GetHomeSummary.Summary summary, IReadOnlyCollection<string> roles)
        {
            var steps = new List<NextStep>();
            if (roles.Count == 0)
            {
                steps.Add(new("You have no role yet",
                    "An administrator decides what you can open. Ask them to make you a Reviewer, Lead or Admin.",
                    Icons.Material.Outlined.HourglassEmpty, "warning"));
                return steps;
            }

            var isAdmin = roles.Contains(Roles.Admin);
            if (isAdmin && summary.ActiveUsers <= 1)
            {
                steps.Add(new("Invite your team",
                    "You are the only person here. Create accounts for the reviewers who triage feedback and the leads who approve releases.",
                    Icons.Material.Outlined.GroupAdd, "primary", "Add people", "admin/users"));
            }

            if (isAdmin && summary.UsersWithoutRole > 0)
            {
                steps.Add(new($"{summary.UsersWithoutRole} {(summary.UsersWithoutRole == 1 ? "person has" : "people have")} no role",
                    "They can sign in but cannot open anything. Give each one a role.",
                    Icons.Material.Outlined.AdminPanelSettings, "warning", "Assign roles", "admin/users"));
            }

            if (summary.ActiveApplications == 0)
            {
                steps.Add(isAdmin
                    ? new("No applications yet",
                        "Nothing is captured until an LLM application is connected and sends interactions and feedback to the API.",
                        Icons.Material.Outlined.Hub, "info", "Connect an application", "admin/applications")
                    : new("No applications yet",
                        "There is no feedback to triage until an administrator connects an LLM application.",
                        Icons.Material.Outlined.Hub, "info"));
            }

            return steps;
        }
    }
}
