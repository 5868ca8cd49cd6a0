using FeedbackConsole.Core.Features.Notifications;
using FeedbackConsole.Core.Tests.Features.KnowledgeBases.Runtime;
using Microsoft.AspNetCore.DataProtection;

namespace FeedbackConsole.Core.Tests.Features.Notifications;

/// <summary>The end user's links: signed, expiring, each good for its own purpose only.</summary>
public sealed class EndUserLinksTests
{
    private static EndUserLinks Links(TimeProvider clock) =>
        new(new EphemeralDataProtectionProvider(), Microsoft.Extensions.Options.Options.Create(new NotificationOptions { PublicBaseUrl = "https://fb.example.test/" }), clock);

    [Fact]
    public void PageToken_RoundTrips_OnlyForItsOwnPurpose_AndNotTampered()
    {
        var links = Links(TimeProvider.System);
        var app = Guid.NewGuid();
        var token = links.PageToken(app, "ann");

        Assert.Equal(new EndUserRef(app, "ann"), links.ReadPage(token));
        Assert.Null(links.ReadUnsubscribe(token));
        Assert.Null(links.ReadPage(token[..^3] + (token.EndsWith('A') ? "BBB" : "AAA")));
        Assert.Null(links.ReadPage("not a token"));
        Assert.StartsWith("https://fb.example.test/my-feedback/", links.PageUrl(app, "ann"), StringComparison.Ordinal);
        var unsubscribe = links.UnsubscribeToken(app, "ann", UnsubscribeChannel.Email);
        Assert.Equal((new EndUserRef(app, "ann"), UnsubscribeChannel.Email), links.ReadUnsubscribe(unsubscribe));
        Assert.Null(links.ReadPage(unsubscribe));
    }

    [Fact]
    public void PageToken_AfterItsLifetime_IsRefused()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow.AddDays(-31));
        var links = Links(clock);
        var token = links.PageToken(Guid.NewGuid(), "ann");

        clock.Now = DateTimeOffset.UtcNow;

        Assert.Null(links.ReadPage(token));
    }
}
