using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Triage.Claims;
using FeedbackConsole.Core.Features.Triage.Queue;
using FeedbackConsole.Core.Tests.Features.Triage.Queue;
using FeedbackConsole.Tests.Shared;
using static FeedbackConsole.Core.Tests.Features.Triage.Queue.QueueTestHost;

namespace FeedbackConsole.Core.Tests.Features.Triage.Claims;

public sealed class NextCaseTests
{
    private static Task<Result<ClaimOutcome>> NextAsync(QueueTestHost host, string userId, QueueFilter? view = null) =>
        host.RunAsync<NextCase, Result<ClaimOutcome>>(h => h.HandleAsync(userId, view, Ct));

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Next_ClaimsTheHighestPriorityCaseNobodyHolds_WithinTheView(string provider)
    {
        await using var host = await StartAsync(provider);
        var app = await host.AddApplicationAsync("Support bot");
        var other = await host.AddApplicationAsync("Sales bot");
        var ada = await host.AddPersonAsync("Ada Reviewer", Roles.Reviewer);
        var bob = await host.AddPersonAsync("Bob Reviewer", Roles.Reviewer);
        await host.AddCaseAsync(app, c => { c.Priority = 100; c.Status = CaseStatus.Dismissed; });
        await host.AddCaseAsync(app, c => { c.Priority = 90; c.AssigneeId = bob; c.LeaseExpiresAt = Start.AddMinutes(5); c.Status = CaseStatus.InReview; });
        var lapsed = await host.AddCaseAsync(app, c => { c.Priority = 80; c.AssigneeId = bob; c.LeaseExpiresAt = Start.AddMinutes(-5); c.Status = CaseStatus.InReview; });
        var next = await host.AddCaseAsync(app, c => c.Priority = 70);
        var otherApp = await host.AddCaseAsync(other, c => c.Priority = 60);

        var first = await NextAsync(host, ada);
        var second = await NextAsync(host, ada);
        var inOtherApp = await NextAsync(host, ada, new QueueFilter { ApplicationId = other });
        var none = await NextAsync(host, ada, new QueueFilter { ApplicationId = other });

        Assert.Equal(lapsed, first.Value!.CaseId);
        Assert.Equal(next, second.Value!.CaseId);
        Assert.Equal(CaseStatus.InReview, second.Value.Status);
        Assert.Equal(otherApp, inOtherApp.Value!.CaseId);
        Assert.False(none.Succeeded);
        Assert.Contains("No open case in this view is waiting", none.Error, StringComparison.Ordinal);
        Assert.Equal(ada, (await host.CaseAsync(lapsed)).AssigneeId);
        Assert.Equal(3, (await host.AuditAsync("case.claimed")).Count);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Next_PressedAtOnceByManyReviewers_NeverHandsOutACaseTwice(string provider)
    {
        await using var host = await StartAsync(provider);
        var app = await host.AddApplicationAsync("Support bot");
        var reviewers = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            reviewers.Add(await host.AddPersonAsync($"Reviewer {i}", Roles.Reviewer));
        }

        // Fewer cases than presses: every case is handed out exactly once, and the rest are told there is none.
        var cases = new List<long>();
        for (var i = 0; i < 4; i++)
        {
            cases.Add(await host.AddCaseAsync(app, c => c.Priority = 10));
        }

        using var start = new ManualResetEventSlim();
        var presses = reviewers.Concat(reviewers).Select(r => Task.Run(async () =>
        {
            start.Wait(Ct);
            return (Reviewer: r, Result: await NextAsync(host, r));
        }, Ct)).ToList();
        start.Set();
        var results = await Task.WhenAll(presses);

        var claimed = results.Where(r => r.Result.Succeeded).Select(r => r.Result.Value!.CaseId).ToList();
        Assert.Equal(cases.Order(), claimed.Order());
        Assert.All(results.Where(r => !r.Result.Succeeded), r => Assert.StartsWith("No open case is waiting", r.Result.Error, StringComparison.Ordinal));
        foreach (var (reviewer, result) in results.Where(r => r.Result.Succeeded))
        {
            Assert.Equal(reviewer, (await host.CaseAsync(result.Value!.CaseId)).AssigneeId);
        }

        Assert.Equal(cases.Count, (await host.AuditAsync("case.claimed")).Count);
    }
}
