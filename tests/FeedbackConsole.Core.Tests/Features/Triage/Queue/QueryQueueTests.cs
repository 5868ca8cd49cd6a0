using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Triage.Queue;
using FeedbackConsole.Tests.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static FeedbackConsole.Core.Tests.Features.Triage.Queue.QueueTestHost;

namespace FeedbackConsole.Core.Tests.Features.Triage.Queue;

public sealed class QueryQueueTests
{
    private static Task<QueryQueue.Result> QueryAsync(QueueTestHost host, QueueFilter filter, string userId = "nobody") =>
        host.RunAsync<QueryQueue, QueryQueue.Result>(h => h.HandleAsync(filter, userId, Ct));

    private static long[] Ids(QueryQueue.Result result) => result.Rows.Select(r => r.Id).ToArray();

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Default_ShowsOpenCasesByPriorityWithCountsPerStatusAndTotal(string provider)
    {
        await using var host = await StartAsync(provider);
        var app = await host.AddApplicationAsync("Support bot");
        var low = await host.AddCaseAsync(app, c => c.Priority = 1);
        var high = await host.AddCaseAsync(app, c => { c.Priority = 9; c.Status = CaseStatus.InReview; });
        var mid = await host.AddCaseAsync(app, c => { c.Priority = 5; c.Status = CaseStatus.Labeled; });
        await host.AddCaseAsync(app, c => { c.Priority = 99; c.Status = CaseStatus.Dismissed; });
        await host.AddCaseAsync(app, c => { c.Priority = 98; c.Status = CaseStatus.Released; });

        var result = await QueryAsync(host, QueueFilter.Default);

        Assert.Equal([high, mid, low], Ids(result));
        Assert.Equal(3, result.Total);
        Assert.Equal(1, result.CountsByStatus[CaseStatus.New]);
        Assert.Equal(1, result.CountsByStatus[CaseStatus.InReview]);
        Assert.Equal(1, result.CountsByStatus[CaseStatus.Dismissed]);
        Assert.Equal(1, result.CountsByStatus[CaseStatus.Released]);
        Assert.Equal("Support bot", result.Rows[0].ApplicationName);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Filters_EachNarrowsOnItsField_AndCountsIgnoreOnlyTheStatusPart(string provider)
    {
        await using var host = await StartAsync(provider);
        var app = await host.AddApplicationAsync("Support bot");
        var other = await host.AddApplicationAsync("Sales bot");
        var ada = await host.AddPersonAsync("Ada Reviewer", Roles.Reviewer);
        var safety = await host.AddCaseAsync(app, c => { c.HighestFlag = FlagCategory.Safety; c.SignalKinds |= 1 << (int)SignalKind.Flag; });
        var corrected = await host.AddCaseAsync(app, c => { c.HasCorrection = true; c.SignalKinds = 1 << (int)SignalKind.Correction; c.UserRole = "agent"; c.TaskType = "refund"; c.ModelVersion = "m-2"; },
            failureModes: [("factual.error", false)]);
        var confirmed = await host.AddCaseAsync(app, c => { c.Status = CaseStatus.Labeled; c.UserRole = "agent"; }, failureModes: [("factual.outdated", true)]);
        var otherApp = await host.AddCaseAsync(other, c => c.ClusterId = null);
        var mine = await host.AddCaseAsync(app, c => { c.AssigneeId = ada; c.LeaseExpiresAt = Start.AddDays(30); c.Status = CaseStatus.InReview; });
        var lapsed = await host.AddCaseAsync(app, c => { c.AssigneeId = ada; c.LeaseExpiresAt = Start.AddMinutes(-1); c.Status = CaseStatus.InReview; });
        var text = await host.AddCaseAsync(app, input: "Where is my PARCEL?", output: "It left the warehouse.");
        host.Clock.Advance(TimeSpan.FromDays(3));
        var late = await host.AddCaseAsync(app);

        Assert.Equal([otherApp], Ids(await QueryAsync(host, new QueueFilter { ApplicationId = other })));
        Assert.Equal([safety], Ids(await QueryAsync(host, new QueueFilter { Flag = FlagScope.Safety })));
        Assert.Equal([safety], Ids(await QueryAsync(host, new QueueFilter { Flag = FlagScope.Any })));
        Assert.Empty(Ids(await QueryAsync(host, new QueueFilter { Flag = FlagScope.Compliance })));
        Assert.Equal([corrected], Ids(await QueryAsync(host, new QueueFilter { Kind = SignalKind.Correction })));
        Assert.Equal([safety], Ids(await QueryAsync(host, new QueueFilter { Kind = SignalKind.Flag })));
        Assert.Equal([corrected], Ids(await QueryAsync(host, new QueueFilter { TaskType = "refund" })));
        Assert.Equal([corrected], Ids(await QueryAsync(host, new QueueFilter { ModelVersion = "m-2" })));
        Assert.Equal([corrected, confirmed], Ids(await QueryAsync(host, new QueueFilter { Role = "agent" })).Order());
        // A failure mode matches suggested and confirmed alike, and a family key matches the modes under it.
        Assert.Equal([corrected], Ids(await QueryAsync(host, new QueueFilter { FailureMode = "factual.error" })));
        Assert.Equal([corrected, confirmed], Ids(await QueryAsync(host, new QueueFilter { FailureMode = "factual" })).Order());
        Assert.Empty(Ids(await QueryAsync(host, new QueueFilter { FailureMode = "no.such.mode" })));
        // A lapsed lease counts as unassigned.
        Assert.Equal([mine], Ids(await QueryAsync(host, new QueueFilter { Assignee = AssigneeScope.Mine }, ada)));
        Assert.Equal([mine], Ids(await QueryAsync(host, new QueueFilter { Assignee = AssigneeScope.User, AssigneeId = ada })));
        Assert.DoesNotContain(mine, Ids(await QueryAsync(host, new QueueFilter { Assignee = AssigneeScope.Unassigned })));
        Assert.Contains(lapsed, Ids(await QueryAsync(host, new QueueFilter { Assignee = AssigneeScope.Unassigned })));
        Assert.Null((await QueryAsync(host, new QueueFilter { Assignee = AssigneeScope.Unassigned })).Rows.Single(r => r.Id == lapsed).AssigneeName);
        Assert.Equal("Ada Reviewer", (await QueryAsync(host, QueueFilter.Default)).Rows.Single(r => r.Id == mine).AssigneeName);
        // Text: case-insensitive on both providers, over input and output.
        Assert.Equal([text], Ids(await QueryAsync(host, new QueueFilter { Text = "parcel" })));
        Assert.Equal([text], Ids(await QueryAsync(host, new QueueFilter { Text = "WAREHOUSE" })));
        // Dates are whole days, inclusive.
        var day = DateOnly.FromDateTime(Start.UtcDateTime);
        Assert.DoesNotContain(late, Ids(await QueryAsync(host, new QueueFilter { To = day })));
        Assert.Equal([late], Ids(await QueryAsync(host, new QueueFilter { From = day.AddDays(3), To = day.AddDays(3) })));

        // Counts follow the other filters but not the status part: a Labeled-only view still counts New cases for the role.
        var labeledOnly = await QueryAsync(host, new QueueFilter { Role = "agent", Statuses = CaseStatusSet.Of(CaseStatus.Labeled) });
        Assert.Equal([confirmed], Ids(labeledOnly));
        Assert.Equal(1, labeledOnly.Total);
        Assert.Equal(1, labeledOnly.CountsByStatus[CaseStatus.New]);
        Assert.Equal(1, labeledOnly.CountsByStatus[CaseStatus.Labeled]);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Sorts_AndPages_AreServerSide(string provider)
    {
        await using var host = await StartAsync(provider);
        var app = await host.AddApplicationAsync("Support bot");
        var oldest = await host.AddCaseAsync(app, c => { c.Priority = 2; c.SignalCount = 5; c.Reach = 1; });
        host.Clock.Advance(TimeSpan.FromHours(1));
        var middle = await host.AddCaseAsync(app, c => { c.Priority = 3; c.SignalCount = 1; c.Reach = 7; });
        host.Clock.Advance(TimeSpan.FromHours(1));
        var newest = await host.AddCaseAsync(app, c => { c.Priority = 1; c.SignalCount = 3; c.Reach = 3; });

        Assert.Equal([middle, oldest, newest], Ids(await QueryAsync(host, QueueFilter.Default)));
        Assert.Equal([newest, oldest, middle], Ids(await QueryAsync(host, new QueueFilter { Descending = false })));
        Assert.Equal([oldest, middle, newest], Ids(await QueryAsync(host, new QueueFilter { Sort = QueueSort.Age })));
        Assert.Equal([newest, middle, oldest], Ids(await QueryAsync(host, new QueueFilter { Sort = QueueSort.Age, Descending = false })));
        Assert.Equal([oldest, newest, middle], Ids(await QueryAsync(host, new QueueFilter { Sort = QueueSort.Signals })));
        Assert.Equal([middle, newest, oldest], Ids(await QueryAsync(host, new QueueFilter { Sort = QueueSort.Reach })));

        var second = await QueryAsync(host, new QueueFilter { PageSize = 2, Page = 2 });
        Assert.Equal([newest], Ids(second));
        Assert.Equal(3, second.Total);
        Assert.Empty(Ids(await QueryAsync(host, new QueueFilter { PageSize = 2, Page = 9 })));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Pages_FromSortedKeysOfFewMatches_EqualThePagesTheDatabaseOrders(string provider)
    {
        // Few matches are paged by sorting their keys in memory; many by the database's ordered query (with the
        // failure-mode filter as a probe). Both must give the same pages for every filter and sort.
        await using var host = await StartAsync(provider);
        var app = await host.AddApplicationAsync("Support bot");
        for (var i = 0; i < 24; i++)
        {
            var n = i;
            await host.AddCaseAsync(app, c =>
                {
                    c.Priority = n % 7; // ties, broken by id
                    c.SignalCount = n % 5;
                    c.Reach = n % 3;
                    c.TaskType = n % 2 == 0 ? "billing" : "refund";
                    c.ModelVersion = (n % 5) switch { 0 => null, 1 or 2 => "gpt-x-2025-06", _ => "gpt-x-2025-09" };
                    c.Status = n % 6 == 0 ? CaseStatus.Labeled : CaseStatus.New;
                },
                failureModes: n % 3 == 0 ? [("factual.error", false)] : [("tone.inappropriate", n % 4 == 0)]);
            host.Clock.Advance(TimeSpan.FromMinutes(n % 4 == 0 ? 1 : 10)); // some equal ages
        }

        var filters = new List<QueueFilter>();
        foreach (var sort in Enum.GetValues<QueueSort>())
        {
            foreach (var descending in new[] { true, false })
            {
                filters.Add(new QueueFilter { Sort = sort, Descending = descending, TaskType = "billing", PageSize = 5, Page = 2 });
                filters.Add(new QueueFilter { Sort = sort, Descending = descending, FailureMode = "factual.error", PageSize = 3, Page = 1 });
                filters.Add(new QueueFilter { Sort = sort, Descending = descending, FailureMode = "tone", Statuses = CaseStatusSet.All, PageSize = 4, Page = 3 });
                // SQLite's ordered walk writes the model condition so that it cannot pick the model index.
                filters.Add(new QueueFilter { Sort = sort, Descending = descending, ModelVersion = "gpt-x-2025-06", PageSize = 3, Page = 2 });
            }
        }

        var contexts = host.Services.GetRequiredService<IDbContextFactory<FeedbackDbContext>>();
        var small = new QueryQueue(contexts, host.Clock);
        var ordered = new QueryQueue(contexts, host.Clock) { SmallMatch = 0 };
        foreach (var filter in filters)
        {
            var bySortedKeys = await small.HandleAsync(filter, "nobody", Ct);
            var byDatabase = await ordered.HandleAsync(filter, "nobody", Ct);
            Assert.NotEmpty(bySortedKeys.Rows);
            Assert.Equal(Ids(byDatabase), Ids(bySortedKeys));
            Assert.Equal(byDatabase.Total, bySortedKeys.Total);
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Rows_CarryFailureModesSuggestedAndConfirmed_ConfirmedFirst(string provider)
    {
        await using var host = await StartAsync(provider);
        var app = await host.AddApplicationAsync("Support bot");
        var id = await host.AddCaseAsync(app, failureModes: [("tone.inappropriate", false), ("factual.error", true)]);

        var row = Assert.Single((await QueryAsync(host, QueueFilter.Default)).Rows);

        Assert.Equal(id, row.Id);
        Assert.Collection(row.FailureModes,
            m => Assert.Equal(("factual.error", true), (m.Key, m.Confirmed)),
            m => Assert.Equal(("tone.inappropriate", false), (m.Key, m.Confirmed)));
        Assert.Equal("Factual error", row.FailureModes[0].Name);
    }
}
