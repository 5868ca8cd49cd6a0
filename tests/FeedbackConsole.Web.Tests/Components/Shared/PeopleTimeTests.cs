using FeedbackConsole.Web.Components.Pages.Admin;
using FeedbackConsole.Web.Components.Shared;

namespace FeedbackConsole.Web.Tests.Components.Shared;

/// <summary>Times for people: in the browser's zone, or in UTC that says so.</summary>
public sealed class PeopleTimeTests
{
    private static readonly DateTimeOffset Winter = new(2026, 11, 27, 13, 5, 33, TimeSpan.Zero);
    private static readonly DateTimeOffset Summer = new(2026, 7, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("Europe/Paris", "27 Nov 2026, 14:05", "14:05", "27 Nov 2026", "27 Nov 2026, 14:05:33 (UTC+01:00)")]
    [InlineData("America/New_York", "27 Nov 2026, 08:05", "08:05", "27 Nov 2026", "27 Nov 2026, 08:05:33 (UTC-05:00)")]
    [InlineData("Asia/Tokyo", "27 Nov 2026, 22:05", "22:05", "27 Nov 2026", "27 Nov 2026, 22:05:33 (UTC+09:00)")]
    // A browser that is in UTC: no label (it is the reader's own zone), the offset in the tooltip.
    [InlineData("Etc/UTC", "27 Nov 2026, 13:05", "13:05", "27 Nov 2026", "27 Nov 2026, 13:05:33 (UTC+00:00)")]
    // No zone yet (prerendering), or one this server does not know: UTC, and every text says so.
    [InlineData(null, "27 Nov 2026, 13:05 UTC", "13:05 UTC", "27 Nov 2026 UTC", "27 Nov 2026, 13:05:33 (UTC)")]
    [InlineData("", "27 Nov 2026, 13:05 UTC", "13:05 UTC", "27 Nov 2026 UTC", "27 Nov 2026, 13:05:33 (UTC)")]
    [InlineData("Mars/Olympus_Mons", "27 Nov 2026, 13:05 UTC", "13:05 UTC", "27 Nov 2026 UTC", "27 Nov 2026, 13:05:33 (UTC)")]
    public void WritesEachPatternInTheZone(string? zoneId, string exact, string clock, string date, string full)
    {
        var time = PeopleTime.ForZone(zoneId);

        Assert.Equal(exact, time.Exact(Winter));
        Assert.Equal(clock, time.Clock(Winter));
        Assert.Equal(date, time.Date(Winter));
        Assert.Equal(full, time.Full(Winter));
        Assert.Equal(!exact.EndsWith(" UTC", StringComparison.Ordinal), time.IsBrowserZone);
    }

    [Fact]
    public void UnknownZone_IsTheUtcStandIn()
    {
        Assert.Same(PeopleTime.Utc, PeopleTime.ForZone("Mars/Olympus_Mons"));
        Assert.Equal("", PeopleTime.Utc.Full(null));
    }

    [Fact]
    public void Summer_HasTheSummerOffset()
    {
        Assert.Equal("1 Jul 2026, 14:00:00 (UTC+02:00)", PeopleTime.ForZone("Europe/Paris").Full(Summer));
        Assert.Equal("1 Jul 2026, 08:00:00 (UTC-04:00)", PeopleTime.ForZone("America/New_York").Full(Summer));
    }

    [Fact]
    public void DaylightSavingBoundaries_FollowTheZoneRules()
    {
        var paris = PeopleTime.ForZone("Europe/Paris");
        // Spring forward, 29 Mar 2026: 01:59:59 CET is followed by 03:00 CEST.
        Assert.Equal("29 Mar 2026, 01:59:59 (UTC+01:00)", paris.Full(new DateTimeOffset(2026, 3, 29, 0, 59, 59, TimeSpan.Zero)));
        Assert.Equal("29 Mar 2026, 03:00:00 (UTC+02:00)", paris.Full(new DateTimeOffset(2026, 3, 29, 1, 0, 0, TimeSpan.Zero)));

        // Fall back, 1 Nov 2026 in New York: 01:30 happens twice; the offset tells them apart.
        var newYork = PeopleTime.ForZone("America/New_York");
        var first = new DateTimeOffset(2026, 11, 1, 5, 30, 0, TimeSpan.Zero);
        var second = first.AddHours(1);
        Assert.Equal("01:30", newYork.Clock(first));
        Assert.Equal("01:30", newYork.Clock(second));
        Assert.Equal("1 Nov 2026, 01:30:00 (UTC-04:00)", newYork.Full(first));
        Assert.Equal("1 Nov 2026, 01:30:00 (UTC-05:00)", newYork.Full(second));
    }

    [Fact]
    public void Compact_CountsTodayInTheReadersZone()
    {
        var lateEvening = new DateTimeOffset(2026, 11, 27, 23, 30, 0, TimeSpan.Zero);
        var now = new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

        Assert.Equal("23:30 UTC", PeopleTime.Utc.Compact(lateEvening, now));
        // Already the 28th in Paris, while it is still the 27th there "now".
        Assert.Equal("28 Nov, 00:30", PeopleTime.ForZone("Europe/Paris").Compact(lateEvening, now));
        Assert.Equal("27 Nov 2025, 14:05", PeopleTime.ForZone("Europe/Paris").Compact(Winter.AddYears(-1), now));
    }

    [Fact]
    public void Ago_IsRelativeForAMonth_ThenADateInTheReadersZone()
    {
        var tokyo = PeopleTime.ForZone("Asia/Tokyo");
        var now = Winter;

        Assert.Equal("Never", tokyo.Ago(null, now));
        Assert.Equal("Just now", tokyo.Ago(now.AddSeconds(-10), now));
        Assert.Equal("just now", tokyo.Ago(now.AddSeconds(-10), now, inSentence: true));
        Assert.Equal("5 min ago", tokyo.Ago(now.AddMinutes(-5), now));
        Assert.Equal("yesterday", tokyo.Ago(now.AddHours(-30), now, inSentence: true));
        // 20:00 UTC on 27 Oct is already 28 Oct in Tokyo.
        Assert.Equal("28 Oct 2026", tokyo.Ago(new DateTimeOffset(2026, 10, 27, 20, 0, 0, TimeSpan.Zero), now, inSentence: true));
    }

    [Fact]
    public void Iso_IsTheMachineForm_InUtc()
    {
        Assert.Equal("2026-11-27T13:05:33Z", PeopleTime.Iso(new DateTimeOffset(2026, 11, 27, 14, 5, 33, TimeSpan.FromHours(1))));
    }

    [Fact]
    public void AuditLogDays_StartAtTheReadersMidnight()
    {
        var paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");

        Assert.Equal(new DateTimeOffset(2026, 11, 26, 23, 0, 0, TimeSpan.Zero), AuditLog.StartOf(new DateOnly(2026, 11, 27), paris));
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 0, 0, 0, TimeSpan.Zero), AuditLog.StartOf(new DateOnly(2026, 11, 27), TimeZoneInfo.Utc));
        Assert.Null(AuditLog.StartOf(null, paris));
    }

    [Fact]
    public void AuditLogDays_AMidnightSkippedByAClockChange_StartsAtTheFirstHourThatExists()
    {
        // A zone that springs forward at midnight on 6 Sep (as Chile's does): that day starts at 01:00.
        var rule = TimeZoneInfo.AdjustmentRule.CreateAdjustmentRule(
            DateTime.MinValue.Date, DateTime.MaxValue.Date, TimeSpan.FromHours(1),
            TimeZoneInfo.TransitionTime.CreateFixedDateRule(new DateTime(1, 1, 1, 0, 0, 0), 9, 6),
            TimeZoneInfo.TransitionTime.CreateFixedDateRule(new DateTime(1, 1, 1, 0, 0, 0), 4, 5));
        var zone = TimeZoneInfo.CreateCustomTimeZone("Test/Midnight", TimeSpan.FromHours(-4), "Midnight", "Midnight", "Midnight Summer", [rule]);

        Assert.Equal(new DateTimeOffset(2026, 9, 6, 1, 0, 0, TimeSpan.FromHours(-3)), AuditLog.StartOf(new DateOnly(2026, 9, 6), zone));
    }
}
