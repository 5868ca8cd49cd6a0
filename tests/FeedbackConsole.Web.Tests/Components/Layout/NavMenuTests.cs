using Bunit;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Web.Components.Layout;
using FeedbackConsole.Web.Tests.Shared;

namespace FeedbackConsole.Web.Tests.Components.Layout;

public sealed class NavMenuTests : IAsyncDisposable
{
    private readonly ConsoleBunitContext _context = new();

    public ValueTask DisposeAsync() => _context.DisposeAsync();

    private List<string> VisibleLinks()
    {
        var menu = _context.Render<NavMenu>();
        return menu.FindAll("a").Select(a => a.TextContent.Trim()).ToList();
    }

    [Fact]
    public void NavMenu_Admin_SeesAdministration()
    {
        _context.SignInAs("Ada Admin", Roles.Admin);

        Assert.Equal(["Home", "Applications", "Users"], VisibleLinks());
        Assert.Contains("Administration", _context.Render<NavMenu>().Markup, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Roles.Reviewer)]
    [InlineData(Roles.Lead)]
    [InlineData("none")]
    public void NavMenu_NonAdmin_SeesNoAdministration(string role)
    {
        _context.SignInAs("Rita Reviewer", role);

        Assert.Equal(["Home"], VisibleLinks());
        Assert.DoesNotContain("Administration", _context.Render<NavMenu>().Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void NavMenu_Links_PointAtTheirPagesRoutes()
    {
        _context.SignInAs("Ada Admin", Roles.Admin);

        var hrefs = _context.Render<NavMenu>().FindAll("a").Select(a => a.GetAttribute("href")).ToList();

        Assert.Equal(["", "admin/applications", "admin/users"], hrefs);
    }
}
