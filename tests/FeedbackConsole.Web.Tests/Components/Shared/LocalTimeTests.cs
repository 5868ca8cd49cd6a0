using Bunit;
using FeedbackConsole.Web.Components.Shared;
using FeedbackConsole.Web.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace FeedbackConsole.Web.Tests.Components.Shared;

/// <summary>The &lt;LocalTime&gt; component and the provider that reads the browser's zone.</summary>
public sealed class LocalTimeTests : IAsyncDisposable
{
    private static readonly DateTimeOffset At = new(2026, 11, 27, 13, 5, 33, TimeSpan.Zero);
    private readonly ConsoleBunitContext _context = new();

    public LocalTimeTests() => _context.Services.AddScoped<BrowserTimeZone>();

    public ValueTask DisposeAsync() => _context.DisposeAsync();

    [Fact]
    public void WithoutAKnownZone_LikeWhilePrerendering_WritesUtc_AndSaysSo()
    {
        var time = _context.Render<LocalTime>(p => p.Add(t => t.Value, At));

        var element = time.Find("time");
        Assert.Equal("27 Nov 2026, 13:05 UTC", element.TextContent);
        Assert.Equal("27 Nov 2026, 13:05:33 (UTC)", element.GetAttribute("title"));
        Assert.Equal("2026-11-27T13:05:33Z", element.GetAttribute("datetime"));
    }

    [Fact]
    public void WithTheCascadedZone_WritesItsTime_AndTheOffsetInTheTooltip()
    {
        var time = _context.Render<LocalTime>(p => p
            .Add(t => t.Value, At)
            .Add(t => t.Format, TimeFormat.Compact)
            .Add(t => t.Now, At.AddHours(-1))
            .AddCascadingValue(PeopleTime.ForZone("America/New_York")));

        var element = time.Find("time");
        Assert.Equal("08:05", element.TextContent);
        Assert.Equal("27 Nov 2026, 08:05:33 (UTC-05:00)", element.GetAttribute("title"));
    }

    [Fact]
    public void NoTime_WritesTheEmptyText()
    {
        var time = _context.Render<LocalTime>(p => p.Add(t => t.Value, null).Add(t => t.Empty, "Never"));

        Assert.Equal("Never", time.Markup.Trim());
    }

    [Fact]
    public void Provider_ReadsTheBrowsersZoneOnce_AndRendersItsTimesAgain()
    {
        var module = _context.JSInterop.SetupModule(PeopleTimeProvider.ModulePath);
        module.Setup<string?>("timeZone").SetResult("Asia/Tokyo");

        var page = _context.Render<PeopleTimeProvider>(p => p.AddChildContent<LocalTime>(t => t.Add(x => x.Value, At)));

        page.WaitForAssertion(() => Assert.Equal("27 Nov 2026, 22:05", page.Find("time").TextContent));
        Assert.Equal("27 Nov 2026, 22:05:33 (UTC+09:00)", page.Find("time").GetAttribute("title"));
        Assert.True(_context.Services.GetRequiredService<BrowserTimeZone>().IsRead);
        Assert.Single(module.Invocations, i => i.Identifier == "timeZone");
    }

    [Fact]
    public void Provider_AZoneThisServerDoesNotKnow_KeepsLabelledUtc()
    {
        var module = _context.JSInterop.SetupModule(PeopleTimeProvider.ModulePath);
        module.Setup<string?>("timeZone").SetResult("Nowhere/Atlantis");

        var page = _context.Render<PeopleTimeProvider>(p => p.AddChildContent<LocalTime>(t => t.Add(x => x.Value, At)));

        page.WaitForAssertion(() => Assert.True(_context.Services.GetRequiredService<BrowserTimeZone>().IsRead));
        Assert.Equal("27 Nov 2026, 13:05 UTC", page.Find("time").TextContent);
    }

    [Fact]
    public void WithPeopleTime_GivesItsContentTheZone_ForTooltips()
    {
        var scope = _context.Render<WithPeopleTime>(p => p
            .Add(w => w.ChildContent, times => builder => builder.AddContent(0, times.Full(At)))
            .AddCascadingValue(PeopleTime.ForZone("Europe/Paris")));

        Assert.Equal("27 Nov 2026, 14:05:33 (UTC+01:00)", scope.Markup.Trim());
    }
}
