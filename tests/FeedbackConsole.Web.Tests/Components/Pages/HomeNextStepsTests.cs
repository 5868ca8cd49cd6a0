using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Home;
using static FeedbackConsole.Web.Components.Pages.Home;

namespace FeedbackConsole.Web.Tests.Components.Pages;

public sealed class HomeNextStepsTests
{
    [Fact]
    public void For_PersonWithoutRole_SaysToAskAnAdminAndNothingElse()
    {
        var steps = NextSteps.For(new GetHomeSummary.Summary(3, 5, 1), []);

        var step = Assert.Single(steps);
        Assert.Equal("You have no role yet", step.Title);
    }

    [Fact]
    public void For_LoneAdminWithoutApplications_InvitesTeamAndExplainsNoApplications()
    {
        var steps = NextSteps.For(new GetHomeSummary.Summary(0, 1, 0), [Roles.Admin]);

        Assert.Equal(["Invite your team", "No applications yet"], steps.Select(s => s.Title));
        Assert.Equal("admin/users", steps[0].ActionHref);
        Assert.Equal(("Connect an application", "admin/applications"), (steps[1].ActionLabel, steps[1].ActionHref));
    }

    [Fact]
    public void For_AdminWithRolelessPeople_AsksToAssignRoles()
    {
        var steps = NextSteps.For(new GetHomeSummary.Summary(2, 4, 2), [Roles.Admin]);

        var step = Assert.Single(steps);
        Assert.Equal("2 people have no role", step.Title);
    }

    [Fact]
    public void For_ReviewerWithoutApplications_HasNoAdminActions()
    {
        var steps = NextSteps.For(new GetHomeSummary.Summary(0, 1, 0), [Roles.Reviewer]);

        var step = Assert.Single(steps);
        Assert.Equal("No applications yet", step.Title);
        Assert.Null(step.ActionHref);
    }
}
