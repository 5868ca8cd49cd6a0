using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Features.Audit;
using FeedbackConsole.Core.Tests.Shared;
using FeedbackConsole.Tests.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static FeedbackConsole.Core.Tests.Features.Admin.Applications.ApplicationsTestHost;

namespace FeedbackConsole.Core.Tests.Features.Audit;

public sealed class ListAuditEventsTests
{
    private static readonly DateTimeOffset Day1 = new(2025, 3, 10, 9, 0, 0, TimeSpan.Zero);
    private static readonly AuditActor Ada = new("user-ada", "ada@example.test");
    private static readonly AuditActor Grace = new("user-grace", "Grace.Hopper@example.test");

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    /// <summary>Appends at a chosen time, through the real trail (own context and transaction).</summary>
    private static async Task AppendAtAsync(CoreHost host, DateTimeOffset at, AuditActor actor, AuditEntry entry)
    {
        var contexts = host.Services.GetRequiredService<IDbContextFactory<FeedbackDbContext>>();
        await using var db = await contexts.CreateDbContextAsync(Ct);
        await using var transaction = await db.Database.BeginTransactionAsync(Ct);
        await new AuditTrail(new FixedTime(at)).RecordAsync(db, actor, entry, Ct);
        await db.SaveChangesAsync(Ct);
        await transaction.CommitAsync(Ct);
    }

    private static Task<ListAuditEvents.PageResult> ListAsync(CoreHost host, ListAuditEvents.Query query) =>
        host.InScopeAsync<ListAuditEvents, ListAuditEvents.PageResult>(h => h.HandleAsync(query, Ct));

    private static async Task<(Guid App, Guid OtherApp)> SeedAsync(CoreHost host)
    {
        var app = await host.CreateApplicationAsync("Support bot");
        var other = await host.CreateApplicationAsync("Sales bot");
        // Only the events below, so that counts are exact.
        await host.SqlAsync("""DELETE FROM "AuditEvents" """);
        await AppendAtAsync(host, Day1, Ada, new("case.labeled", "case", "42", app, new { failureMode = (string?)null }, new { failureMode = "factual.outdated" }));
        await AppendAtAsync(host, Day1.AddHours(1), Grace, new("case.dismissed", "case", "43", app, new { status = "New" }, new { status = "Dismissed" }, "Spam from a TEST account"));
        await AppendAtAsync(host, Day1.AddDays(1), Ada, new("case.labeled", "case", "42", app, new { failureMode = "factual.outdated" }, new { failureMode = "Tone.Inappropriate" }));
        await AppendAtAsync(host, Day1.AddDays(2), AuditActor.System, new("case.claim_expired", "case", "44", other));
        await AppendAtAsync(host, Day1.AddDays(3), Grace, new("failure_mode.renamed", "failure_mode", "7", null, new { name = "old" }, new { name = "new" }));
        await AppendAtAsync(host, Day1.AddDays(4), Ada, new("application.renamed", "application", app.ToString("D"), app, new { name = "Support" }, new { name = "Support bot" }));
        return (app, other);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task List_NoFilters_NewestFirstInPagesWithTotal(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        await SeedAsync(host);

        var first = await ListAsync(host, new() { PageSize = 4 });
        var second = await ListAsync(host, new() { PageSize = 4, Page = 1 });

        Assert.Equal(6, first.TotalCount);
        Assert.Equal([6L, 5, 4, 3], first.Items.Select(e => e.Id));
        Assert.Equal([2L, 1], second.Items.Select(e => e.Id));
        Assert.Equal(6, second.TotalCount);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task List_EachFilter_NarrowsToTheMatchingEvents(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        var (app, other) = await SeedAsync(host);

        async Task<long[]> Ids(ListAuditEvents.Query q) => [.. (await ListAsync(host, q)).Items.Select(e => e.Id)];

        Assert.Equal(new long[] { 4, 3, 2, 1 }, await Ids(new() { ActionPrefix = "case." }));
        Assert.Equal(new long[] { 3, 1 }, await Ids(new() { ActionPrefix = "CASE.Labeled" }));
        Assert.Equal(new long[] { 6, 3, 1 }, await Ids(new() { Actor = "user-ada" }));
        Assert.Equal(new long[] { 5, 2 }, await Ids(new() { Actor = "grace.hopper" }));
        Assert.Equal(new long[] { 4 }, await Ids(new() { Actor = "system" }));
        Assert.Equal(new long[] { 5 }, await Ids(new() { EntityType = "failure_mode" }));
        Assert.Equal(new long[] { 3, 1 }, await Ids(new() { EntityType = "case", EntityId = "42" }));
        Assert.Equal(new long[] { 4 }, await Ids(new() { ApplicationId = other }));
        Assert.Equal(new long[] { 6, 3, 2, 1 }, await Ids(new() { ApplicationId = app }));
        Assert.Equal(new long[] { 3, 2 }, await Ids(new() { From = Day1.AddMinutes(30), To = Day1.AddDays(2) }));
        Assert.Equal(new long[] { 2 }, await Ids(new() { Text = "test account" }));
        Assert.Equal(new long[] { 3 }, await Ids(new() { Text = "tone.inappropriate" }));
        Assert.Equal(new long[] { 3, 1 }, await Ids(new() { Text = "OUTDATED" }));
        Assert.Equal(new long[] { 1 }, await Ids(new() { Text = "outdated", Actor = "ada", To = Day1.AddDays(1) }));
        Assert.Empty(await Ids(new() { Text = "%" }));
        await AppendAtAsync(host, Day1.AddDays(5), Ada, new("application.renamed", "application", app.ToString("D"), app, new { name = "O'Reilly <bot>" }, new { name = "Café bot" }));
        Assert.Equal(new long[] { 7 }, await Ids(new() { Text = "café" }));
        Assert.Equal(new long[] { 7 }, await Ids(new() { Text = "o'reilly <bot>" }));
        Assert.Empty(await Ids(new() { ActionPrefix = "case_" }));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task List_Views_NameTheActionTheEntityAndTheChanges(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        var (app, _) = await SeedAsync(host);

        var items = (await ListAsync(host, new())).Items;

        var renamed = items.Single(e => e.Id == 6);
        Assert.Equal("Application renamed", renamed.ActionLabel);
        Assert.Equal("Application “Support bot”", renamed.EntityLabel);
        Assert.Equal("Support bot", renamed.ApplicationName);
        Assert.Equal([new AuditFieldChange("Name", "Support", "Support bot")], renamed.Changes);
        var labeled = items.Single(e => e.Id == 1);
        Assert.Equal("Case labeled", labeled.ActionLabel);
        Assert.Equal("Case #42", labeled.EntityLabel);
        Assert.Equal(app, labeled.ApplicationId);
        Assert.Equal([new AuditFieldChange("Failure mode", AuditFieldChange.None, "factual.outdated")], labeled.Changes);
        Assert.Equal(Day1, labeled.OccurredAt);
        Assert.True(items.Single(e => e.Id == 4).IsSystem);
        Assert.Equal("Failure mode renamed", items.Single(e => e.Id == 5).ActionLabel);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task GetEntityHistory_OneCase_OnlyItsEventsOldestFirst(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        await SeedAsync(host);

        var history = await host.InScopeAsync<GetEntityHistory, IReadOnlyList<AuditEventView>>(h => h.HandleAsync("case", "42", Ct));

        Assert.Equal([1L, 3], history.Select(e => e.Id));
        Assert.Equal(["ada@example.test", "ada@example.test"], history.Select(e => e.ActorName));
        Assert.Equal("Tone.Inappropriate", history[1].Changes.Single().After);
        Assert.Empty(await host.InScopeAsync<GetEntityHistory, IReadOnlyList<AuditEventView>>(h => h.HandleAsync("case", "999", Ct)));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task FilterChoices_OfferEachAreaThenItsActions_TypesAndApplications(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        await SeedAsync(host);

        var choices = await host.InScopeAsync<GetAuditFilterChoices, GetAuditFilterChoices.Choices>(h => h.HandleAsync(Ct));

        Assert.Equal(
            ["application.", "application.renamed", "case.", "case.claim_expired", "case.dismissed", "case.labeled", "failure_mode.", "failure_mode.renamed"],
            choices.Actions.Select(c => c.Value));
        Assert.Equal("Case: all actions", choices.Actions.Single(c => c.Value == "case.").Label);
        Assert.Equal("Case dismissed", choices.Actions.Single(c => c.Value == "case.dismissed").Label);
        Assert.Equal(["application", "case", "failure_mode"], choices.EntityTypes.Select(c => c.Value));
        Assert.Equal(["Sales bot", "Support bot"], choices.Applications.Select(c => c.Label));
    }

    [Fact]
    public void Names_ActionsEntitiesAndFields_ReadAsWords()
    {
        Assert.Equal("Case status changed", AuditNames.Action("case.status_changed"));
        Assert.Equal("API key revoked", AuditNames.Action("apikey.revoked"));
        Assert.Equal("Person added", AuditNames.Action("user.created"));
        Assert.Equal("API key", AuditNames.EntityType("api_key"));
        Assert.Equal("Failure mode", AuditNames.EntityType("failure_mode"));
        Assert.Equal("Redact PII", AuditNames.Field("redactPii"));
        Assert.Equal("Allowed origins", AuditNames.Field("allowedOrigins"));
        Assert.Equal("Duplicate of", AuditNames.Field("duplicate_of"));
    }

    [Fact]
    public void Changes_ValuesOfAnyShape_AreWrittenForPeople()
    {
        var changes = AuditFieldChange.Compare(
            """{"roles":["Lead","Reviewer"],"disabled":false,"score":0.5,"note":""}""",
            """{"roles":[],"disabled":true,"score":1,"extra":{"a":1}}""");

        Assert.Equal(
            [
                new AuditFieldChange("Roles", "Lead, Reviewer", "(none)"),
                new AuditFieldChange("Disabled", "no", "yes"),
                new AuditFieldChange("Score", "0.5", "1"),
                new AuditFieldChange("Note", "(empty)", AuditFieldChange.None),
                new AuditFieldChange("Extra", AuditFieldChange.None, """{"a":1}"""),
            ],
            changes);
        Assert.Equal([new AuditFieldChange("Value", "plain", AuditFieldChange.None)], AuditFieldChange.Compare("plain", null));
        Assert.Empty(AuditFieldChange.Compare(null, null));
    }
}
