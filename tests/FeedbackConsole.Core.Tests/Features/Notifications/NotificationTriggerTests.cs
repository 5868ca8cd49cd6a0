using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.KnowledgeBases.Runtime;
using FeedbackConsole.Core.Features.Notifications;
using FeedbackConsole.Core.Features.Triage.Cases;
using FeedbackConsole.Core.Tests.Features.Releases;
using FeedbackConsole.Tests.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FeedbackConsole.Core.Tests.Features.Notifications;

/// <summary>Notifications are written with the decision that causes them, to the right people, once.</summary>
public sealed class NotificationTriggerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Reason = "The 14-day window is right for your plan; thanks for checking.";

    public static Dictionary<string, string?> Smtp => new() { ["Notifications:SmtpHost"] = "127.0.0.1", ["Notifications:SmtpPort"] = "2525" };

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Promote_ReleasedCasesOfACluster_NotifyEachContributorOnceWithTheirChannels(string provider)
    {
        await using var w = await ReleaseWorld.StartAsync(provider, settings: Smtp);
        var cluster = await w.Seed.ClusterAsync(w.App, "refund window");
        var first = await w.Seed.CaseAsync(w.App, status: CaseStatus.Approved, clusterId: cluster, signals:
            [CaseSeed.Signal(SignalKind.Comment, "It is 30 days, not 14", endUser: "ann"), CaseSeed.Signal(SignalKind.Thumb, thumbUp: false, endUser: "bob")]);
        // Bob again, and Cat, on another case of the same cluster that is not part of the release.
        var sibling = await w.Seed.CaseAsync(w.App, status: CaseStatus.New, clusterId: cluster, signals:
            [CaseSeed.Signal(SignalKind.Thumb, thumbUp: false, endUser: "bob"), CaseSeed.Signal(SignalKind.Rating, rating: 1, endUser: "cat")]);
        var outsider = await w.Seed.CaseAsync(w.App, status: CaseStatus.New, signals: [CaseSeed.Signal(SignalKind.Thumb, thumbUp: false, endUser: "dan")]);
        await NotificationSeed.EmailAsync(w.Host, first, "ann", "ann@example.test");
        await NotificationSeed.SettingsAsync(w.Host, w.App, webhook: "http://127.0.0.1:9/hooks");
        await NotificationSeed.PreferAsync(w.Host, w.App, "cat", emailOptOut: true, inAppOptOut: true);
        await w.EntryAsync("Refund window", "The refund window is 30 days.", sourceCases: [first]);

        var release = await w.ShipAsync();

        var notifications = await w.ReadAsync(db => db.Notifications.AsNoTracking().OrderBy(n => n.EndUserId).ToListAsync(Ct));
        Assert.Equal(["ann", "bob"], notifications.Select(n => n.EndUserId));
        Assert.All(notifications, n => Assert.Equal(NotificationKind.Released, n.Kind));
        Assert.Contains("30 days, not 14", notifications[0].Feedback, StringComparison.Ordinal);
        Assert.Contains("thumbs down", notifications[1].Feedback, StringComparison.Ordinal);
        Assert.Contains("The refund window is 30 days.", notifications[0].Outcome, StringComparison.Ordinal);
        var deliveries = await w.ReadAsync(db => db.NotificationDeliveries.AsNoTracking().ToListAsync(Ct));
        var email = Assert.Single(deliveries, d => d.Channel == DeliveryChannel.Email);
        Assert.Equal(("ann@example.test", notifications[0].Id), (email.Recipient, email.NotificationId!.Value));
        Assert.Equal(2, deliveries.Count(d => d.EventType == NotificationOutbox.NotificationCreatedEvent));
        Assert.Single(deliveries, d => d.EventType == NotificationOutbox.CaseResolvedEvent);
        Assert.All(deliveries, d => Assert.Equal(DeliveryStatus.Pending, d.Status));
        Assert.Equal(CaseStatus.New, (await w.ReadAsync(db => db.Cases.FirstAsync(c => c.Id == outsider, Ct))).Status);
        _ = (sibling, release);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Dismiss_WithReason_NotifiesContributorsUnlessOptedOut_AndNeverTwice(string provider)
    {
        await using var w = await ReleaseWorld.StartAsync(provider, settings: Smtp);
        var caseId = await w.Seed.CaseAsync(w.App, signals:
        [
            CaseSeed.Signal(SignalKind.Comment, "Wrong window", endUser: "ann"),
            CaseSeed.Signal(SignalKind.Thumb, thumbUp: false, endUser: "eve"),
            CaseSeed.Signal(SignalKind.Thumb, thumbUp: false, endUser: "max"),
        ]);
        await NotificationSeed.EmailAsync(w.Host, caseId, "ann", "ann@example.test");
        await NotificationSeed.PreferAsync(w.Host, w.App, "eve", emailOptOut: true, inAppOptOut: true);
        await NotificationSeed.PreferAsync(w.Host, w.App, "ann", emailOptOut: true, inAppOptOut: false);

        var dismissed = await w.Run<DismissCase, CaseCommandResult>(async h => await h.HandleAsync(caseId, await NotificationSeed.StampAsync(w.Host, caseId), Reason, w.Reviewer, Ct));
        Assert.Equal(CaseCommandOutcome.Saved, dismissed.Outcome);

        var notifications = await w.ReadAsync(db => db.Notifications.AsNoTracking().OrderBy(n => n.EndUserId).ToListAsync(Ct));
        Assert.Equal(["ann", "max"], notifications.Select(n => n.EndUserId));
        Assert.All(notifications, n => Assert.Equal((NotificationKind.Dismissed, Reason), (n.Kind, n.Outcome)));
        // Ann opted out of email: in-app only.
        Assert.Empty(await w.ReadAsync(db => db.NotificationDeliveries.AsNoTracking().Where(d => d.Channel == DeliveryChannel.Email).ToListAsync(Ct)));

        // Reopened and dismissed again: the trigger is the same, nobody hears twice.
        var reopened = await w.Run<ReopenCase, CaseCommandResult>(h => h.HandleAsync(caseId, dismissed.Stamp!.Value, w.Reviewer, Ct));
        var again = await w.Run<DismissCase, CaseCommandResult>(h => h.HandleAsync(caseId, reopened.Stamp!.Value, Reason, w.Reviewer, Ct));
        Assert.Equal(CaseCommandOutcome.Saved, again.Outcome);
        Assert.Equal(2, await w.ReadAsync(db => db.Notifications.CountAsync(Ct)));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task BulkDismiss_CasesOfOneCluster_OneNotificationPerUser(string provider)
    {
        await using var w = await ReleaseWorld.StartAsync(provider, settings: Smtp);
        var cluster = await w.Seed.ClusterAsync(w.App, "tone");
        var a = await w.Seed.CaseAsync(w.App, clusterId: cluster, signals: [CaseSeed.Signal(SignalKind.Thumb, thumbUp: false, endUser: "ann")]);
        var b = await w.Seed.CaseAsync(w.App, clusterId: cluster, signals: [CaseSeed.Signal(SignalKind.Thumb, thumbUp: false, endUser: "ann"), CaseSeed.Signal(SignalKind.Flag, flag: FlagCategory.Safety, endUser: "bob")]);
        var rolledBack = await w.Seed.CaseAsync(w.App, status: CaseStatus.Approved, signals: [CaseSeed.Signal(SignalKind.Thumb, thumbUp: false, endUser: "zed")]);

        var result = await w.Run<BulkDismiss, BulkCaseResult>(h => h.HandleAsync([a, b, rolledBack], Reason, w.Reviewer, Ct));

        Assert.Equal(2, result.Changed.Count);
        var users = await w.ReadAsync(db => db.Notifications.AsNoTracking().OrderBy(n => n.EndUserId).Select(n => n.EndUserId).ToListAsync(Ct));
        Assert.Equal(["ann", "bob"], users);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ServingFlush_CrossingTheMilestone_NotifiesOnce(string provider)
    {
        await using var w = await ReleaseWorld.StartAsync(provider, settings: new Dictionary<string, string?>(Smtp) { ["Notifications:MilestoneServings"] = "5" });
        var caseId = await w.Seed.CaseAsync(w.App, status: CaseStatus.Approved, signals: [CaseSeed.Signal(SignalKind.Comment, "Wrong", endUser: "ann")]);
        var (entry, revision) = await w.EntryAsync("Refund window", "30 days.", sourceCases: [caseId]);
        var release = await w.ShipAsync();
        var tallies = w.Host.Services.GetRequiredService<ServingTallies>();
        var engine = await w.Host.Services.GetRequiredService<ReleaseIndexCache>().FindAsync(w.App, (await w.KnowledgeBaseAsync()).Key, Ct);
        var live = await w.Host.Services.GetRequiredService<ReleaseIndexCache>().GetEngineAsync(engine!, engine!.Live!, Ct);
        var hit = new Core.Features.KnowledgeBases.Retrieval.RetrievalHit(entry, revision, 1, 1.0);

        for (var i = 0; i < 4; i++)
        {
            tallies.Record(live, [hit]);
        }

        await tallies.FlushAsync(Ct);
        Assert.Equal(0, await w.ReadAsync(db => db.Notifications.CountAsync(n => n.Kind == NotificationKind.Milestone, Ct)));

        tallies.Record(live, [hit]);
        tallies.Record(live, [hit]);
        await tallies.FlushAsync(Ct);
        var milestone = Assert.Single(await w.ReadAsync(db => db.Notifications.AsNoTracking().Where(n => n.Kind == NotificationKind.Milestone).ToListAsync(Ct)));
        Assert.Equal(("ann", 5L), (milestone.EndUserId, milestone.ServedCount!.Value));

        tallies.Record(live, [hit]);
        await tallies.FlushAsync(Ct);
        Assert.Equal(1, await w.ReadAsync(db => db.Notifications.CountAsync(n => n.Kind == NotificationKind.Milestone, Ct)));
        _ = release;
    }
}

/// <summary>Notification settings, preferences and contact addresses written straight to the database.</summary>
internal static class NotificationSeed
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task WithDbAsync(Shared.CoreHost host, Func<FeedbackDbContext, Task> work)
    {
        await using var db = await host.Services.GetRequiredService<IDbContextFactory<FeedbackDbContext>>().CreateDbContextAsync(Ct);
        await work(db);
        await db.SaveChangesAsync(Ct);
    }

    /// <summary>Gives the interaction of <paramref name="caseId"/> this end user and contact address.</summary>
    public static Task EmailAsync(Shared.CoreHost host, long caseId, string endUser, string email) => WithDbAsync(host, async db =>
    {
        var interaction = await db.Cases.Where(c => c.Id == caseId).Select(c => c.InteractionId).FirstAsync(Ct);
        var row = await db.Interactions.FirstAsync(i => i.Id == interaction, Ct);
        row.EndUserId = endUser;
        row.EndUserEmail = email;
    });

    public static Task SettingsAsync(Shared.CoreHost host, Guid app, string? webhook = null, string? secret = null, bool allowPrivate = true, bool digest = false) =>
        WithDbAsync(host, db =>
        {
            db.NotificationChannelSettings.Add(new NotificationChannelSettings
            {
                ApplicationId = app, EmailEnabled = true, WebhookUrl = webhook, WebhookSecret = webhook is null ? null : secret ?? WebhookSender.NewSecret(),
                AllowPrivateTargets = allowPrivate, DailyDigest = digest, UpdatedAt = CaseSeed.T0, Version = Guid.NewGuid(),
            });
            return Task.CompletedTask;
        });

    public static Task PreferAsync(Shared.CoreHost host, Guid app, string endUser, bool emailOptOut, bool inAppOptOut) => WithDbAsync(host, db =>
    {
        db.EndUserPreferences.Add(new EndUserPreference { ApplicationId = app, EndUserId = endUser, EmailOptOut = emailOptOut, InAppOptOut = inAppOptOut, UpdatedAt = CaseSeed.T0 });
        return Task.CompletedTask;
    });

    public static async Task<CaseStamp> StampAsync(Shared.CoreHost host, long caseId)
    {
        await using var db = await host.Services.GetRequiredService<IDbContextFactory<FeedbackDbContext>>().CreateDbContextAsync(Ct);
        return new CaseStamp(await db.Cases.Where(c => c.Id == caseId).Select(c => c.Version).FirstAsync(Ct), await CaseHistory.LastEventIdAsync(db, caseId, Ct));
    }
}
