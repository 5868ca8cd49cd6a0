using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.KnowledgeBases;
using FeedbackConsole.Tests.Shared;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Tests.Features.KnowledgeBases;

/// <summary>Creating, editing and archiving knowledge bases, and the list with its counts, on both providers.</summary>
public sealed class KnowledgeBaseAdministrationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Create_ByLead_StoresItAndAuditsKnowledgeBaseCreated(string provider)
    {
        await using var w = await KnowledgeBaseWorld.StartAsync(provider);

        var result = await w.Run<CreateKnowledgeBase, Result<Guid>>(h => h.HandleAsync(new CreateKnowledgeBase.Request
        {
            ApplicationId = w.App, Key = " refund-facts ", Name = " Refund facts ", Kind = KnowledgeBaseKind.Facts, Description = "What support says about refunds.",
            Gate = new GateThresholds(10, 0.8, null, 0.9, 1),
        }, w.Lena, Ct));

        Assert.True(result.Succeeded, result.Error);
        var kb = await w.ReadAsync(db => db.KnowledgeBases.AsNoTracking().FirstAsync(k => k.Id == result.Value, Ct));
        Assert.Equal(("refund-facts", "Refund facts", 10, 0.8, 0.9, 1), (kb.Key, kb.Name, kb.GateK, kb.MinRecallAtK, kb.MinPassRate, kb.MaxRegressions));
        Assert.Null(kb.MinMrr);
        var audit = Assert.Single(await w.EventsAsync("knowledge_base", result.Value.ToString("D")));
        Assert.Equal("knowledge_base.created", audit.Action);
        Assert.Equal(w.Lena, audit.ActorId);
        Assert.Equal(w.App, audit.ApplicationId);
        Assert.Contains("\"refund-facts\"", audit.After, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Create_DuplicateKeyBadKeyReviewerOrBadThreshold_IsRefusedWithAReason(string provider)
    {
        await using var w = await KnowledgeBaseWorld.StartAsync(provider);
        await w.KnowledgeBaseAsync(key: "support-facts");
        var otherApp = await w.Seed.ApplicationAsync("Other app");

        Task<Result<Guid>> Create(string key, string actor, Guid? app = null, GateThresholds? gate = null) =>
            w.Run<CreateKnowledgeBase, Result<Guid>>(h => h.HandleAsync(new CreateKnowledgeBase.Request
            {
                ApplicationId = app ?? w.App, Key = key, Name = "Facts", Kind = KnowledgeBaseKind.Facts, Gate = gate ?? new GateThresholds(),
            }, actor, Ct));

        var duplicate = await Create("support-facts", w.Lena);
        var sameKeyOtherApp = await Create("support-facts", w.Lena, otherApp);
        var upper = await Create("Support_Facts", w.Lena);
        var hyphenFirst = await Create("-facts", w.Lena);
        var reviewer = await Create("reviewer-facts", w.Dana);
        var badK = await Create("k-facts", w.Lena, gate: new GateThresholds(GateK: 0));
        var badRecall = await Create("r-facts", w.Lena, gate: new GateThresholds(MinRecallAtK: 1.5));
        var badRegressions = await Create("g-facts", w.Lena, gate: new GateThresholds(MaxRegressions: -1));

        Assert.Contains("already has a knowledge base with the key “support-facts”", duplicate.Error, StringComparison.Ordinal);
        Assert.True(sameKeyOtherApp.Succeeded, sameKeyOtherApp.Error); // keys are unique per application
        Assert.Contains("lower-case letters, digits or hyphens", upper.Error, StringComparison.Ordinal);
        Assert.False(hyphenFirst.Succeeded);
        Assert.Equal("Only a lead or an admin can create knowledge bases.", reviewer.Error);
        Assert.Contains("between 1 and 50", badK.Error, StringComparison.Ordinal);
        Assert.Contains("recall@k must be between 0 and 1", badRecall.Error, StringComparison.Ordinal);
        Assert.Contains("cannot be negative", badRegressions.Error, StringComparison.Ordinal);
        Assert.Equal(2, await w.ReadAsync(db => db.KnowledgeBases.CountAsync(Ct)));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Update_ChangedFieldsOnly_AreAuditedAndAReviewerIsRefused(string provider)
    {
        await using var w = await KnowledgeBaseWorld.StartAsync(provider);
        var kb = await w.KnowledgeBaseAsync();

        var refused = await w.Run<UpdateKnowledgeBase, Result>(h => h.HandleAsync(kb, new("Renamed", null, new GateThresholds()), w.Dana, Ct));
        var invalid = await w.Run<UpdateKnowledgeBase, Result>(h => h.HandleAsync(kb, new("Renamed", null, new GateThresholds(MinMrr: -0.1)), w.Lena, Ct));
        var updated = await w.Run<UpdateKnowledgeBase, Result>(h => h.HandleAsync(kb, new("Refund facts", null, new GateThresholds(5, null, 0.5, null, 2)), w.Lena, Ct));

        Assert.Equal("Only a lead or an admin can edit a knowledge base.", refused.Error);
        Assert.Contains("MRR", invalid.Error, StringComparison.Ordinal);
        Assert.True(updated.Succeeded, updated.Error);
        var stored = await w.ReadAsync(db => db.KnowledgeBases.AsNoTracking().FirstAsync(k => k.Id == kb, Ct));
        Assert.Equal(("Refund facts", 0.5, 2), (stored.Name, stored.MinMrr!.Value, stored.MaxRegressions));
        var events = await w.EventsAsync("knowledge_base", kb.ToString("D"));
        Assert.Equal(["knowledge_base.created", "knowledge_base.updated"], events.Select(e => e.Action));
        Assert.Equal("{\"name\":\"Refund facts\",\"minMrr\":0.5,\"maxRegressions\":2}", events[1].After);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task List_CountsActiveEntriesOpenProposalsAndTheLiveRelease_ArchivedLeavesTheList(string provider)
    {
        await using var w = await KnowledgeBaseWorld.StartAsync(provider);
        var kb = await w.KnowledgeBaseAsync();
        var guards = await w.KnowledgeBaseAsync(KnowledgeBaseKind.Guards, "support-guards");
        var (entry, revision) = await w.ApprovedFactAsync(kb);
        await w.ApprovedFactAsync(kb, "Shipping", "Shipping takes 3 days.");
        await w.ProposeAsync(kb, new("Opening hours", "We are open 9 to 5."), w.Dana);
        await w.ReadAsync(async db =>
        {
            var release = new Release { Id = Guid.NewGuid(), KnowledgeBaseId = kb, Number = 4, State = ReleaseState.Live, CreatedById = w.Lena, CreatedAt = CaseSeed.T0, Version = Guid.NewGuid() };
            db.Releases.Add(release);
            db.ReleaseEntries.Add(new ReleaseEntry { ReleaseId = release.Id, EntryId = entry, RevisionId = revision });
            (await db.KnowledgeBases.FirstAsync(k => k.Id == kb, Ct)).LiveReleaseId = release.Id;
            return await db.SaveChangesAsync(Ct);
        });

        var before = await w.Run<ListKnowledgeBases, ListKnowledgeBases.Result>(h => h.HandleAsync(cancellationToken: Ct));
        var archived = await w.Run<ArchiveKnowledgeBase, Result>(h => h.HandleAsync(guards, "Not used yet", w.Lena, Ct));
        var after = await w.Run<ListKnowledgeBases, ListKnowledgeBases.Result>(h => h.HandleAsync(cancellationToken: Ct));
        var proposalInArchived = await w.ProposeAsync(guards, new("No promises", "guarantee", GuardType: GuardRuleType.ForbiddenPhrase, GuardMessage: "No guarantees."), w.Dana);

        var facts = before.Rows.Single(r => r.Id == kb);
        Assert.Equal((2, 1, (int?)4), (facts.EntryCount, facts.PendingProposals, facts.LiveReleaseNumber));
        Assert.Null(before.Rows.Single(r => r.Id == guards).LiveReleaseNumber);
        Assert.True(archived.Succeeded, archived.Error);
        Assert.Equal([kb], after.Rows.Select(r => r.Id));
        Assert.Contains("is archived", proposalInArchived.Error, StringComparison.Ordinal);
        var audit = (await w.EventsAsync("knowledge_base", guards.ToString("D")))[^1];
        Assert.Equal(("knowledge_base.archived", "Not used yet"), (audit.Action, audit.Reason));
    }
}
