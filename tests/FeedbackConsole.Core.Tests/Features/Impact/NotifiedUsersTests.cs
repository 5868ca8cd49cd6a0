using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Impact;
using FeedbackConsole.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace FeedbackConsole.Core.Tests.Features.Impact;

/// <summary>The dashboard's "end users notified" and the correction page's "notifications sent", read from the notifier's rows.</summary>
public sealed class NotifiedUsersTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task NotifiedUsers_CountEachEndUserOncePerMondayWeek_OnlyInTheRangeAndApplication(string provider)
    {
        await using var w = await ImpactWorld.StartAsync(provider);
        var other = await new CaseSeed(w.Host.Services).ApplicationAsync("Other app");
        var monday = ImpactWorld.Monday;
        await using (var db = await w.DbAsync())
        {
            void Add(Guid app, string user, DateTimeOffset at, long? caseId = null) => db.Notifications.Add(new Notification
            {
                PublicId = Guid.NewGuid(), ApplicationId = app, EndUserId = user, Kind = NotificationKind.Released,
                TriggerKey = "t-" + Guid.NewGuid(), CaseId = caseId, Feedback = "f", Outcome = "o", CreatedAt = at,
            });
            Add(w.App, "ann", ImpactWorld.At(monday, 0, 0), caseId: 7);           // week 1, first second of Monday
            Add(w.App, "ann", ImpactWorld.At(monday.AddDays(6), 23, 59));         // week 1 again (Sunday night): still one person
            Add(w.App, "bo", ImpactWorld.At(monday.AddDays(3)), caseId: 7);       // week 1
            Add(w.App, "ann", ImpactWorld.At(monday.AddDays(7)), caseId: 8);      // week 2 (next Monday)
            Add(other, "cy", ImpactWorld.At(monday.AddDays(1)), caseId: 7);       // another application
            Add(w.App, "dee", ImpactWorld.At(monday.AddDays(21)));                // after the range
            await db.SaveChangesAsync(Ct);
        }

        var source = w.Host.Services.GetRequiredService<INotifiedUsersSource>();
        var perWeek = await source.NotifiedUsersPerWeekAsync(w.App, monday, monday.AddDays(13), Ct);

        Assert.NotNull(perWeek);
        Assert.Equal(new Dictionary<DateOnly, int> { [monday] = 2, [monday.AddDays(7)] = 1 }, perWeek);
        Assert.Equal(3, await source.NotificationsForCasesAsync([7], Ct)); // ann, bo and the other application's cy
        Assert.Equal(4, await source.NotificationsForCasesAsync([7, 8], Ct));
        Assert.Equal(0, await source.NotificationsForCasesAsync([], Ct));
    }
}
