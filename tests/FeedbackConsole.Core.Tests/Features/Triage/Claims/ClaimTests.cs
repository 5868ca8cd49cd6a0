using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Triage;
using FeedbackConsole.Core.Features.Triage.Claims;
using FeedbackConsole.Core.Features.Triage.Queue;
using FeedbackConsole.Core.Tests.Features.Triage.Queue;
using FeedbackConsole.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;
using static FeedbackConsole.Core.Tests.Features.Triage.Queue.QueueTestHost;

namespace FeedbackConsole.Core.Tests.Features.Triage.Claims;

public sealed class ClaimTests
{
    private static Task<Result<ClaimOutcome>> ClaimAsync(QueueTestHost host, long caseId, string userId) =>
        host.RunAsync<ClaimCase, Result<ClaimOutcome>>(h => h.HandleAsync(caseId, userId, Ct));

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Claim_NewCase_HoldsItWithALeaseMovesItToInReviewAuditsAndPublishes(string provider)
    {
        await using var host = await StartAsync(provider);
        var app = await host.AddApplicationAsync("Support bot");
        var ada = await host.AddPersonAsync("Ada Reviewer", Roles.Reviewer);
        var id = await host.AddCaseAsync(app);
        var before = await host.CaseAsync(id);
        var published = new List<CaseChange>();
        host.Services.GetRequiredService<CaseChangeFeed>().Changed += published.Add;

        var result = await ClaimAsync(host, id, ada);

        Assert.True(result.Succeeded, result.Error);
        var after = await host.CaseAsync(id);
        Assert.Equal(ada, after.AssigneeId);
        Assert.Equal(CaseStatus.InReview, after.Status);
        Assert.Equal(Start, after.ClaimedAt);
        Assert.Equal(Start.AddMinutes(15), after.LeaseExpiresAt);
        Assert.NotEqual(before.Version, after.Version);
        var audit = Assert.Single(await host.AuditAsync("case.claimed"));
        Assert.Equal(ada, audit.ActorId);
        Assert.Equal(id.ToString(System.Globalization.CultureInfo.InvariantCulture), audit.EntityId);
        Assert.Contains("\"status\":\"New\"", audit.Before, StringComparison.Ordinal);
        Assert.Contains("\"status\":\"InReview\"", audit.After, StringComparison.Ordinal);
        var change = Assert.Single(published);
        Assert.Equal(("claimed", ada), (change.Kind, change.ActorId));
        Assert.Equal([id], change.CaseIds);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Claim_HeldByAnother_IsRefusedNamingThem_UntilTheLeaseLapses(string provider)
    {
        await using var host = await StartAsync(provider, new Dictionary<string, string?> { ["Triage:ClaimLease"] = "00:05:00" });
        var app = await host.AddApplicationAsync("Support bot");
        var ada = await host.AddPersonAsync("Ada Reviewer", Roles.Reviewer);
        var bob = await host.AddPersonAsync("Bob Reviewer", Roles.Reviewer);
        var id = await host.AddCaseAsync(app);
        Assert.True((await ClaimAsync(host, id, ada)).Succeeded);

        host.Clock.Advance(TimeSpan.FromMinutes(4));
        var refused = await ClaimAsync(host, id, bob);
        Assert.False(refused.Succeeded);
        Assert.Equal($"Ada Reviewer is working on case #{id}. A lead can reassign it.", refused.Error);

        // Activity renews Ada's lease: still hers after the original five minutes.
        var renewed = await host.RunAsync<RenewClaim, Result<DateTimeOffset?>>(h => h.HandleAsync(id, ada, Ct));
        Assert.Equal(host.Clock.GetUtcNow().AddMinutes(5), renewed.Value);
        host.Clock.Advance(TimeSpan.FromMinutes(3));
        Assert.False((await ClaimAsync(host, id, bob)).Succeeded);

        // Without activity the lease lapses: the case counts as unassigned, and Bob may take it.
        host.Clock.Advance(TimeSpan.FromMinutes(3));
        var unassigned = await host.RunAsync<QueryQueue, QueryQueue.Result>(h => h.HandleAsync(new QueueFilter { Assignee = AssigneeScope.Unassigned }, bob, Ct));
        Assert.Contains(id, unassigned.Rows.Select(r => r.Id));
        Assert.True((await ClaimAsync(host, id, bob)).Succeeded);
        Assert.Equal(bob, (await host.CaseAsync(id)).AssigneeId);

        var lost = await host.RunAsync<RenewClaim, Result<DateTimeOffset?>>(h => h.HandleAsync(id, ada, Ct));
        Assert.Equal($"Bob Reviewer has taken case #{id} since your claim lapsed.", lost.Error);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Release_ByHolder_ReturnsTheCaseToTheQueue_AndByAnotherReviewerIsRefused(string provider)
    {
        await using var host = await StartAsync(provider);
        var app = await host.AddApplicationAsync("Support bot");
        var ada = await host.AddPersonAsync("Ada Reviewer", Roles.Reviewer);
        var bob = await host.AddPersonAsync("Bob Reviewer", Roles.Reviewer);
        var lead = await host.AddPersonAsync("Lea Lead", Roles.Lead);
        var first = await host.AddCaseAsync(app);
        var second = await host.AddCaseAsync(app);
        await ClaimAsync(host, first, ada);
        await ClaimAsync(host, second, ada);

        var refused = await host.RunAsync<ReleaseClaim, Result>(h => h.HandleAsync(first, bob, Ct));
        var released = await host.RunAsync<ReleaseClaim, Result>(h => h.HandleAsync(first, ada, Ct));
        var byLead = await host.RunAsync<ReleaseClaim, Result>(h => h.HandleAsync(second, lead, Ct));

        Assert.Equal($"Ada Reviewer holds case #{first}; only they or a lead can release it.", refused.Error);
        Assert.True(released.Succeeded);
        Assert.True(byLead.Succeeded);
        var after = await host.CaseAsync(first);
        Assert.Null(after.AssigneeId);
        Assert.Null(after.LeaseExpiresAt);
        Assert.Equal(CaseStatus.InReview, after.Status);
        Assert.Equal(2, (await host.AuditAsync("case.claim_released")).Count);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Assign_ByLead_HoldsWithoutLease_ByReviewerIsRefused_ManyCasesAuditOncePerCasePlusSummary(string provider)
    {
        await using var host = await StartAsync(provider, new Dictionary<string, string?> { ["Triage:ClaimLease"] = "00:05:00" });
        var app = await host.AddApplicationAsync("Support bot");
        var ada = await host.AddPersonAsync("Ada Reviewer", Roles.Reviewer);
        var bob = await host.AddPersonAsync("Bob Reviewer", Roles.Reviewer);
        var lead = await host.AddPersonAsync("Lea Lead", Roles.Lead);
        var nobody = await host.AddPersonAsync("No Role");
        var ids = new[] { await host.AddCaseAsync(app), await host.AddCaseAsync(app), await host.AddCaseAsync(app, c => c.Status = CaseStatus.Dismissed) };

        var byReviewer = await host.RunAsync<AssignCase, Result<AssignCase.Outcome>>(h => h.HandleAsync(ids[0], bob, ada, Ct));
        var toNobody = await host.RunAsync<AssignCase, Result<AssignCase.Outcome>>(h => h.HandleAsync(ids[0], nobody, lead, Ct));
        var assigned = await host.RunAsync<AssignCase, Result<AssignCase.Outcome>>(h => h.HandleAsync(ids, bob, lead, Ct));

        Assert.Equal("Only a lead or an admin can assign cases to others.", byReviewer.Error);
        Assert.False(toNobody.Succeeded);
        Assert.True(assigned.Succeeded, assigned.Error);
        Assert.Equal(new AssignCase.Outcome(2, 1), assigned.Value);
        var held = await host.CaseAsync(ids[0]);
        Assert.Equal(bob, held.AssigneeId);
        Assert.Null(held.LeaseExpiresAt);
        Assert.Null((await host.CaseAsync(ids[2])).AssigneeId);
        Assert.Equal(2, (await host.AuditAsync("case.assigned")).Count);
        var summary = Assert.Single(await host.AuditAsync("bulk.assigned"));
        Assert.Equal(lead, summary.ActorId);

        // An assignment has no lease: it never lapses.
        host.Clock.Advance(TimeSpan.FromDays(2));
        Assert.False((await ClaimAsync(host, ids[0], ada)).Succeeded);
        var progress = await host.RunAsync<GetAssigneeProgress, IReadOnlyList<GetAssigneeProgress.Row>>(h => h.HandleAsync(Start, Ct));
        Assert.Equal(2, progress.Single(p => p.UserId == bob).Held);
        Assert.Equal(0, progress.Single(p => p.UserId == ada).Held);
        Assert.DoesNotContain(progress, p => p.UserId == nobody);
    }
}
