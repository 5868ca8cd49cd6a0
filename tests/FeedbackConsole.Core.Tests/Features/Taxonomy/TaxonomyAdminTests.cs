using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Taxonomy;
using FeedbackConsole.Core.Tests.Features.Clustering;
using FeedbackConsole.Core.Tests.Shared;
using FeedbackConsole.Tests.Shared;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Tests.Features.Taxonomy;

/// <summary>Editing the taxonomy: the tree, its rules, and the audit events each change writes.</summary>
public sealed class TaxonomyAdminTests
{
    private const string Admin = "admin-user-id";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<int> ModeIdAsync(CoreHost host, string key)
    {
        await using var db = await CaseClusteringTests.Db(host);
        return await db.FailureModes.Where(m => m.Key == key).Select(m => m.Id).SingleAsync(Ct);
    }

    private static async Task<List<AuditEvent>> AuditAsync(CoreHost host)
    {
        await using var db = await CaseClusteringTests.Db(host);
        return await Taxonomy(db.AuditEvents).OrderBy(e => e.Id).ToListAsync(Ct);
    }

    // Start-up records its own events (the first admin); these tests look at the taxonomy's.
    private static IQueryable<AuditEvent> Taxonomy(IQueryable<AuditEvent> events) =>
        events.Where(e => e.EntityType == FailureModeInput.EntityType || e.EntityType == FailureModeInput.RuleEntityType);

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task CreateRenameMove_ChangeTheTree_AndEachIsAudited(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        var factual = await ModeIdAsync(host, "factual");
        var retrieval = await ModeIdAsync(host, "retrieval");

        var created = await host.InScopeAsync<CreateFailureMode, FeedbackConsole.Core.Common.Result<int>>(h =>
            h.HandleAsync(new CreateFailureMode.Request(factual, "factual.made_up_source", "Made-up source", "Cites a source that does not exist."), Admin, Ct));
        Assert.True(created.Succeeded, created.Error);
        var duplicate = await host.InScopeAsync<CreateFailureMode, FeedbackConsole.Core.Common.Result<int>>(h =>
            h.HandleAsync(new CreateFailureMode.Request(null, "factual.made_up_source", "Again", ""), Admin, Ct));
        var badKey = await host.InScopeAsync<CreateFailureMode, FeedbackConsole.Core.Common.Result<int>>(h =>
            h.HandleAsync(new CreateFailureMode.Request(null, "Factual Errors!", "Bad", ""), Admin, Ct));
        var renamed = await host.InScopeAsync<RenameFailureMode, FeedbackConsole.Core.Common.Result>(h =>
            h.HandleAsync(created.Value, "Invented source", "Cites a source that does not exist.", Admin, Ct));
        var moved = await host.InScopeAsync<MoveFailureMode, FeedbackConsole.Core.Common.Result>(h => h.HandleAsync(created.Value, retrieval, Admin, Ct));

        Assert.False(duplicate.Succeeded);
        Assert.Contains("taken", duplicate.Error, StringComparison.Ordinal);
        Assert.False(badKey.Succeeded);
        Assert.True(renamed.Succeeded && moved.Succeeded);
        var view = await host.InScopeAsync<GetTaxonomy, GetTaxonomy.View>(h => h.HandleAsync(Ct));
        var node = view.Modes.Single(m => m.Id == created.Value);
        Assert.Equal(("factual.made_up_source", "Invented source", retrieval, 1), (node.Key, node.Name, node.ParentId, node.Depth));
        // Tree order: the moved mode follows its new parent's other children.
        var index = view.Modes.ToList().FindIndex(m => m.Id == created.Value);
        Assert.Equal(retrieval, view.Modes.Take(index).Last(m => m.Depth == 0).Id);

        var audit = await AuditAsync(host);
        Assert.Equal(["failure_mode.created", "failure_mode.renamed", "failure_mode.moved"], audit.Select(e => e.Action));
        Assert.All(audit, e => Assert.Equal("factual.made_up_source", e.EntityId));
        Assert.Equal("{\"name\":\"Made-up source\"}", audit[1].Before);
        Assert.Equal("{\"name\":\"Invented source\"}", audit[1].After);
        Assert.Equal("{\"parent\":\"factual\"}", audit[2].Before);
        Assert.Equal("{\"parent\":\"retrieval\"}", audit[2].After);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Move_UnderItselfOrADescendant_IsRefused(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        var factual = await ModeIdAsync(host, "factual");
        var error = await ModeIdAsync(host, "factual.error");

        var underChild = await host.InScopeAsync<MoveFailureMode, FeedbackConsole.Core.Common.Result>(h => h.HandleAsync(factual, error, Admin, Ct));
        var underSelf = await host.InScopeAsync<MoveFailureMode, FeedbackConsole.Core.Common.Result>(h => h.HandleAsync(factual, factual, Admin, Ct));

        Assert.False(underChild.Succeeded);
        Assert.Contains("cannot move under itself", underChild.Error, StringComparison.Ordinal);
        Assert.False(underSelf.Succeeded);
        await using var db = await CaseClusteringTests.Db(host);
        Assert.Null((await db.FailureModes.SingleAsync(m => m.Id == factual, Ct)).ParentId);
        Assert.Empty(await Taxonomy(db.AuditEvents).ToListAsync(Ct));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Delete_AModeInUse_IsRefused_AnUnusedOneIsDeletedAndAudited(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        var app = await CaseClusteringTests.AppAsync(host);
        await CaseClusteringTests.AddComplaintAsync(host, app, "t1", "Is this true?", "This is wrong, it is 30 days.", "u1", kind: SignalKind.Comment);
        await CaseClusteringTests.DrainAsync(host); // suggests factual.error on the case
        var onACase = await ModeIdAsync(host, "factual.error");
        var withRules = await ModeIdAsync(host, "tone.inappropriate");
        var withChildren = await ModeIdAsync(host, "tone");
        var unused = await host.InScopeAsync<CreateFailureMode, FeedbackConsole.Core.Common.Result<int>>(h =>
            h.HandleAsync(new CreateFailureMode.Request(withChildren, "tone.too_casual", "Too casual", ""), Admin, Ct));

        async Task<FeedbackConsole.Core.Common.Result> Delete(int id) =>
            await host.InScopeAsync<DeleteFailureMode, FeedbackConsole.Core.Common.Result>(h => h.HandleAsync(id, Admin, Ct));

        var caseRefusal = await Delete(onACase);
        var ruleRefusal = await Delete(withRules);
        var parentRefusal = await Delete(withChildren);
        var deleted = await Delete(unused.Value);

        Assert.False(caseRefusal.Succeeded);
        Assert.Contains("1 case", caseRefusal.Error, StringComparison.Ordinal);
        Assert.False(ruleRefusal.Succeeded);
        Assert.Contains("rule", ruleRefusal.Error, StringComparison.Ordinal);
        Assert.False(parentRefusal.Succeeded);
        Assert.True(deleted.Succeeded, deleted.Error);
        await using var db = await CaseClusteringTests.Db(host);
        Assert.True(await db.FailureModes.AnyAsync(m => m.Id == onACase, Ct));
        Assert.False(await db.FailureModes.AnyAsync(m => m.Key == "tone.too_casual", Ct));
        var last = await db.AuditEvents.OrderByDescending(e => e.Id).FirstAsync(Ct);
        Assert.Equal(("failure_mode.deleted", "tone.too_casual"), (last.Action, last.EntityId));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Retire_StopsSuggestionsFromTheNextPass_RetiresChildren_AndRestoreBringsItBack(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        var app = await CaseClusteringTests.AppAsync(host);
        var tone = await ModeIdAsync(host, "tone");
        var inappropriate = await ModeIdAsync(host, "tone.inappropriate");

        var retired = await host.InScopeAsync<RetireFailureMode, FeedbackConsole.Core.Common.Result<int>>(h => h.HandleAsync(tone, Admin, Ct));
        await CaseClusteringTests.AddComplaintAsync(host, app, "t1", "Where is my parcel?", "That was rude and condescending.", "u1", kind: SignalKind.Comment);
        await CaseClusteringTests.DrainAsync(host);

        Assert.Equal(2, retired.Value); // tone and tone.inappropriate
        await using (var db = await CaseClusteringTests.Db(host))
        {
            var kase = await db.Cases.Include(c => c.FailureModes).SingleAsync(Ct);
            Assert.DoesNotContain(kase.FailureModes, m => m.FailureModeId == inappropriate);
            Assert.Equal(["failure_mode.retired", "failure_mode.retired"], await Taxonomy(db.AuditEvents).OrderBy(e => e.Id).Select(e => e.Action).ToListAsync(Ct));
        }

        var childFirst = await host.InScopeAsync<RestoreFailureMode, FeedbackConsole.Core.Common.Result>(h => h.HandleAsync(inappropriate, Admin, Ct));
        Assert.False(childFirst.Succeeded);
        Assert.Contains("Restore the parent first", childFirst.Error, StringComparison.Ordinal);
        Assert.True((await host.InScopeAsync<RestoreFailureMode, FeedbackConsole.Core.Common.Result>(h => h.HandleAsync(tone, Admin, Ct))).Succeeded);
        Assert.True((await host.InScopeAsync<RestoreFailureMode, FeedbackConsole.Core.Common.Result>(h => h.HandleAsync(inappropriate, Admin, Ct))).Succeeded);
        await CaseClusteringTests.AddComplaintAsync(host, app, "t2", "Where is my order?", "Such a rude answer.", "u2", 1, SignalKind.Comment);
        await CaseClusteringTests.DrainAsync(host);

        await using var check = await CaseClusteringTests.Db(host);
        var second = await check.Cases.Include(c => c.FailureModes).SingleAsync(c => c.Interaction!.ExternalId == "t2", Ct);
        Assert.Contains(second.FailureModes, m => m.FailureModeId == inappropriate);
        Assert.Equal(2, await check.AuditEvents.CountAsync(e => e.Action == "failure_mode.restored", Ct));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Rules_CreateUpdateDelete_AreValidatedAudited_AndApplyFromTheNextPass(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        var app = await CaseClusteringTests.AppAsync(host);
        var tooShort = await ModeIdAsync(host, "verbosity.too_short");
        var badRegex = new RuleDraft("Bad", SignalKind.Comment, null, null, null, null, "(unclosed", 0.5, true);
        var noCondition = new RuleDraft("Everything", null, null, null, null, null, null, 0.5, true);
        var wrongKind = new RuleDraft("Thumb with rating", SignalKind.Thumb, null, null, 2, null, null, 0.5, true);
        var heavy = new RuleDraft("Heavy", SignalKind.Comment, null, null, null, null, null, 1.5, true);

        foreach (var invalid in new[] { badRegex, noCondition, wrongKind, heavy })
        {
            var refused = await host.InScopeAsync<CreateRule, FeedbackConsole.Core.Common.Result<int>>(h => h.HandleAsync(tooShort, invalid, Admin, Ct));
            Assert.False(refused.Succeeded, invalid.Name);
        }

        var created = await host.InScopeAsync<CreateRule, FeedbackConsole.Core.Common.Result<int>>(h =>
            h.HandleAsync(tooShort, new RuleDraft("Asks for steps", SignalKind.Comment, null, null, null, null, @"\bsteps?\b", 0.9, true), Admin, Ct));
        Assert.True(created.Succeeded, created.Error);
        await CaseClusteringTests.AddComplaintAsync(host, app, "t1", "How do I install it?", "Please give me the steps", "u1", kind: SignalKind.Comment);
        await CaseClusteringTests.DrainAsync(host);
        var updated = await host.InScopeAsync<UpdateRule, FeedbackConsole.Core.Common.Result>(h =>
            h.HandleAsync(created.Value, new RuleDraft("Asks for steps", SignalKind.Comment, null, null, null, null, @"\bsteps?\b", 0.9, false), Admin, Ct));
        await CaseClusteringTests.AddComplaintAsync(host, app, "t2", "How do I uninstall it?", "Which steps?", "u2", 1, SignalKind.Comment);
        await CaseClusteringTests.DrainAsync(host);
        var deleted = await host.InScopeAsync<DeleteRule, FeedbackConsole.Core.Common.Result>(h => h.HandleAsync(created.Value, Admin, Ct));

        Assert.True(updated.Succeeded && deleted.Succeeded);
        await using var db = await CaseClusteringTests.Db(host);
        var cases = await db.Cases.Include(c => c.FailureModes).Include(c => c.Interaction).ToListAsync(Ct);
        Assert.Contains(cases.Single(c => c.Interaction!.ExternalId == "t1").FailureModes, m => m.FailureModeId == tooShort && m.Reason.Contains("Asks for steps", StringComparison.Ordinal));
        Assert.DoesNotContain(cases.Single(c => c.Interaction!.ExternalId == "t2").FailureModes, m => m.FailureModeId == tooShort); // disabled by then
        var audit = await Taxonomy(db.AuditEvents).OrderBy(e => e.Id).ToListAsync(Ct);
        Assert.Equal(["rule.created", "rule.updated", "rule.deleted"], audit.Select(e => e.Action));
        Assert.Equal("{\"enabled\":\"true\"}", audit[1].Before);
        Assert.Equal("{\"enabled\":\"false\"}", audit[1].After);
        Assert.False(await db.FailureModeRules.AnyAsync(r => r.Id == created.Value, Ct));
    }
}
