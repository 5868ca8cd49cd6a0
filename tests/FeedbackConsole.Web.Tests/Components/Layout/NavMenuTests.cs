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

        var links = VisibleLinks();
        Assert.Equal("Home", links[0]);
        Assert.Equal(["Applications", "Users"], links.Intersect(["Applications", "Users"]));
        Assert.Contains("Triage queue", links);
        Assert.Contains("Administration", _context.Render<NavMenu>().Markup, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Roles.Reviewer)]
    [InlineData(Roles.Lead)]
    [InlineData("none")]
    public void NavMenu_NonAdmin_SeesNoAdministration(string role)
    {
        _context.SignInAs("Rita Reviewer", role);

        var links = VisibleLinks();
        Assert.Equal("Home", links[0]);
        Assert.DoesNotContain("Applications", links);
        Assert.DoesNotContain("Users", links);
        // Triage is for every console role; a person without a role sees only Home.
        Assert.Equal(role != "none", links.Contains("Triage queue"));
        if (role == "none")
        {
            Assert.Equal(["Home"], links);
        }

        Assert.DoesNotContain("Administration", _context.Render<NavMenu>().Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void NavMenu_Links_PointAtTheirPagesRoutes()
    {
        _context.SignInAs("Ada Admin", Roles.Admin);

        var hrefs = _context.Render<NavMenu>().FindAll("a").Select(a => a.GetAttribute("href")).ToList();

        // Every entry links to its page's own route (the catalog reads [Route]); spot-check the known ones.
        Assert.Equal(NavigationCatalog.Items.Select(i => i.Href), hrefs);
        Assert.Equal("", hrefs[0]);
        Assert.Contains("admin/applications", hrefs);
        Assert.Contains("admin/users", hrefs);
        Assert.Contains("triage", hrefs);
    }
}
