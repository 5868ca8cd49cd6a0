using System.Text.Json;
using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Releases;
using FeedbackConsole.Core.Features.Triage.Cases;
using FeedbackConsole.Tests.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FeedbackConsole.Core.Tests.Features.Releases;

/// <summary>Building candidates, their diff, promotion, rollback and gate overrides, on both providers.</summary>
public sealed class ReleaseLifecycleTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task BuildCandidate_ApprovedEntries_SnapshotsThemNumbersAndAudits(string provider)
    {
        await using var w = await ReleaseWorld.StartAsync(provider);
        var (refund, refundRev) = await w.EntryAsync("Refund window", "Refunds within 14 days.");
        var (shipping, shippingRev) = await w.EntryAsync("Shipping", "Ships in 2 days.");
        var (old, _) = await w.EntryAsync("Old policy", "Obsolete.");
        await w.ReviseAsync(old, "", retire: true);

        var built = await w.Run<BuildCandidate, Result<BuildCandidate.Built>>(h => h.HandleAsync(w.Kb, "  First release  ", w.Lead, Ct));

        Assert.True(built.Succeeded, built.Error);
        var release = await w.ReleaseAsync(built.Value!.ReleaseId);
        Assert.Equal(1, release.Number);
        Assert.Equal(ReleaseState.Candidate, release.State);
        Assert.Null(release.BaseReleaseId);
        Assert.Equal("First release", release.Notes);
        Assert.Equal((2, 2, 0, 0), (release.EntryCount, release.AddedCount, release.ChangedCount, release.RetiredCount));
        var entries = await w.ReadAsync(db => db.ReleaseEntries.Where(e => e.ReleaseId == release.Id).ToListAsync(Ct));
        Assert.Equal(
            new[] { (refund, refundRev), (shipping, shippingRev) }.OrderBy(e => e.Item1),
            entries.Select(e => (e.EntryId, e.RevisionId)).OrderBy(e => e.EntryId));
        var audit = Assert.Single(await w.AuditAsync(ReleaseActions.ReleaseEntity, release.Id.ToString()));
        Assert.Equal(ReleaseActions.Built, audit.Action);
        Assert.Equal(w.Lead, audit.ActorId);
        Assert.Equal(w.App, audit.ApplicationId);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task BuildCandidate_NothingChangedSinceLive_IsRefused(string provider)
    {
        await using var w = await ReleaseWorld.StartAsync(provider);
        var empty = await w.Run<BuildCandidate, Result<BuildCandidate.Built>>(h => h.HandleAsync(w.Kb, null, w.Lead, Ct));
        await w.EntryAsync("Refund window", "Refunds within 14 days.");
        await w.ShipAsync();

        var again = await w.Run<BuildCandidate, Result<BuildCandidate.Built>>(h => h.HandleAsync(w.Kb, null, w.Lead, Ct));

        Assert.Equal("Nothing to release yet: approve at least one entry revision first.", empty.Error);
        Assert.Equal("No approved changes since release 1, which is Live.", again.Error);
        Assert.Equal(1, await w.ReadAsync(db => db.Releases.CountAsync(Ct)));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task BuildCandidate_SameRevisionsAsOpenCandidate_IsRefused(string provider)
    {
        await using var w = await ReleaseWorld.StartAsync(provider);
        await w.EntryAsync("Refund window", "Refunds within 14 days.");
        await w.BuildAsync();

        var twice = await w.Run<BuildCandidate, Result<BuildCandidate.Built>>(h => h.HandleAsync(w.Kb, null, w.Lead, Ct));

        Assert.Equal("Release 1 already holds exactly these approved revisions.", twice.Error);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task BuildCandidate_Reviewer_IsRefused(string provider)
    {
        await using var w = await ReleaseWorld.StartAsync(provider);
        await w.EntryAsync("Refund window", "Refunds within 14 days.");

        var refused = await w.Run<BuildCandidate, Result<BuildCandidate.Built>>(h => h.HandleAsync(w.Kb, null, w.Reviewer, Ct));

        Assert.Equal(ReleaseRules.LeadsOnly, refused.Error);
        Assert.Equal(0, await w.ReadAsync(db => db.Releases.CountAsync(Ct)));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ReleaseDiff_AgainstLive_ListsAddedChangedRetiredWithWordDiff(string provider)
    {
        await using var w = await ReleaseWorld.StartAsync(provider);
        var (refund, _) = await w.EntryAsync("Refund window", "Refunds are accepted within 14 days of delivery.");
        var (old, _) = await w.EntryAsync("Old policy", "Obsolete.");
        await w.EntryAsync("Shipping", "Ships in 2 days.");
        await w.ShipAsync();
        await w.ReviseAsync(refund, "Refunds are accepted within 30 days of delivery.");
        await w.ReviseAsync(old, "", retire: true);
        var (added, _) = await w.EntryAsync("Gift cards", "Gift cards never expire.");

        var id = await w.BuildAsync();
        var page = await w.Run<GetReleaseDiff, GetReleaseDiff.Page?>(h => h.HandleAsync(id, null, 0, 10, Ct));
        var onlyChanged = await w.Run<GetReleaseDiff, GetReleaseDiff.Page?>(h => h.HandleAsync(id, EntryChangeKind.Changed, 0, 10, Ct));
        var secondPage = await w.Run<GetReleaseDiff, GetReleaseDiff.Page?>(h => h.HandleAsync(id, null, 1, 2, Ct));
        var comparison = await w.Run<GetReleaseDiff, GetReleaseDiff.Comparison?>(h => h.CompareAsync(id, refund, Ct));

        var release = await w.ReleaseAsync(id);
        Assert.Equal((3, 1, 1, 1), (release.EntryCount, release.AddedCount, release.ChangedCount, release.RetiredCount));
        Assert.Equal(3, page!.Total);
        Assert.Equal(
            [(added, EntryChangeKind.Added, (int?)null, (int?)1), (refund, EntryChangeKind.Changed, 1, 2), (old, EntryChangeKind.Retired, 1, null)],
            page.Rows.Select(r => (r.EntryId, r.Change, r.OldRevisionNumber, r.NewRevisionNumber)));
        Assert.Equal([refund], onlyChanged!.Rows.Select(r => r.EntryId));
        Assert.Equal([old], secondPage!.Rows.Select(r => r.EntryId));
        Assert.Equal(EntryChangeKind.Changed, comparison!.Change);
        Assert.Equal([(DiffKind.Deleted, "14"), (DiffKind.Inserted, "30")], comparison.Spans.Where(s => s.Kind != DiffKind.Same).Select(s => (s.Kind, s.Text)));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Promote_WithoutPassedGate_IsRefused(string provider)
    {
        await using var w = await ReleaseWorld.StartAsync(provider);
        await w.EntryAsync("Refund window", "Refunds within 14 days.");
        var id = await w.BuildAsync();

        var ungated = await w.Run<PromoteRelease, Result>(h => h.HandleAsync(id, PromotionTarget.Live, w.Lead, Ct));
        await w.GateAsync(id, GateOutcome.Failed);
        var failed = await w.Run<PromoteRelease, Result>(h => h.HandleAsync(id, PromotionTarget.Shadow, w.Lead, Ct));

        Assert.Equal("Run the gate on release 1 before promoting it.", ungated.Error);
        Assert.Equal("Release 1 failed its gate. A Lead may override the gate with a written reason, then promote it.", failed.Error);
        Assert.Null((await w.KnowledgeBaseAsync()).LiveReleaseId);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task OverrideGate_WithReason_AllowsPromotionAndIsAudited(string provider)
    {
        await using var w = await ReleaseWorld.StartAsync(provider);
        await w.EntryAsync("Refund window", "Refunds within 14 days.");
        var id = await w.BuildAsync();
        await w.GateAsync(id, GateOutcome.Failed);

        var tooShort = await w.Run<OverrideGate, Result>(h => h.HandleAsync(id, " too short", w.Lead, Ct));
        var byReviewer = await w.Run<OverrideGate, Result>(h => h.HandleAsync(id, "The regression is a known flaky case.", w.Reviewer, Ct));
        var overridden = await w.Run<OverrideGate, Result>(h => h.HandleAsync(id, "The regression is a known flaky case.", w.Lead, Ct));
        var promoted = await w.Run<PromoteRelease, Result>(h => h.HandleAsync(id, PromotionTarget.Live, w.Lead, Ct));

        Assert.False(tooShort.Succeeded);
        Assert.Equal(ReleaseRules.LeadsOnly, byReviewer.Error);
        Assert.True(overridden.Succeeded, overridden.Error);
        Assert.True(promoted.Succeeded, promoted.Error);
        var release = await w.ReleaseAsync(id);
        Assert.Equal(GateOutcome.Overridden, release.Gate);
        Assert.Equal("The regression is a known flaky case.", release.OverrideReason);
        Assert.Equal(w.Lead, release.OverriddenById);
        var events = await w.AuditAsync(ReleaseActions.ReleaseEntity, id.ToString());
        var overrideEvent = Assert.Single(events, e => e.Action == ReleaseActions.GateOverridden);
        Assert.Equal("The regression is a known flaky case.", overrideEvent.Reason);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Promote_ShadowThenLive_SupersedesPreviousRaisesPublishedAndKeepsOneLive(string provider)
    {
        await using var w = await ReleaseWorld.StartAsync(provider);
        var (refund, _) = await w.EntryAsync("Refund window", "Refunds within 14 days.");
        var first = await w.ShipAsync();
        await w.ReviseAsync(refund, "Refunds within 30 days.");
        var second = await w.BuildAsync();
        await w.GateAsync(second, GateOutcome.Passed);

        var shadow = await w.Run<PromoteRelease, Result>(h => h.HandleAsync(second, PromotionTarget.Shadow, w.Lead, Ct));
        var kbInShadow = await w.KnowledgeBaseAsync();
        var live = await w.Run<PromoteRelease, Result>(h => h.HandleAsync(second, PromotionTarget.Live, w.Lead, Ct));

        Assert.True(shadow.Succeeded, shadow.Error);
        Assert.Equal((first, second), (kbInShadow.LiveReleaseId, kbInShadow.ShadowReleaseId));
        Assert.True(live.Succeeded, live.Error);
        var kb = await w.KnowledgeBaseAsync();
        Assert.Equal(second, kb.LiveReleaseId);
        Assert.Null(kb.ShadowReleaseId);
        Assert.Equal(ReleaseState.Superseded, (await w.ReleaseAsync(first)).State);
        Assert.NotNull((await w.ReleaseAsync(first)).EndedAt);
        Assert.Equal(ReleaseState.Live, (await w.ReleaseAsync(second)).State);
        Assert.Equal(1, await w.ReadAsync(db => db.Releases.CountAsync(r => r.KnowledgeBaseId == w.Kb && r.State == ReleaseState.Live, Ct)));

        var published = (await w.DomainEventsAsync()).Where(e => e.Type == ReleaseActions.PublishedEvent).ToList();
        Assert.Equal(2, published.Count);
        using var payload = JsonDocument.Parse(published[1].Payload);
        Assert.Equal(second, payload.RootElement.GetProperty("releaseId").GetGuid());
        Assert.Equal(2, payload.RootElement.GetProperty("releaseNumber").GetInt32());
        Assert.Equal(first, payload.RootElement.GetProperty("previousReleaseId").GetGuid());
        Assert.Equal(w.App, payload.RootElement.GetProperty("applicationId").GetGuid());
        Assert.Equal(w.Kb, payload.RootElement.GetProperty("knowledgeBaseId").GetGuid());
        Assert.Equal("support-facts", payload.RootElement.GetProperty("knowledgeBaseKey").GetString());
        Assert.Equal(w.App, published[1].ApplicationId);
        Assert.Equal(
            [ReleaseActions.Built, ReleaseActions.PromotedShadow, ReleaseActions.PromotedLive],
            (await w.AuditAsync(ReleaseActions.ReleaseEntity, second.ToString())).Select(e => e.Action));
        Assert.Contains(ReleaseActions.Superseded, (await w.AuditAsync(ReleaseActions.ReleaseEntity, first.ToString())).Select(e => e.Action));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Promote_Live_MovesApprovedSourceCasesOfNewRevisionsToReleased(string provider)
    {
        await using var w = await ReleaseWorld.StartAsync(provider);
        var oldCase = await w.Seed.CaseAsync(w.App, status: CaseStatus.Approved);
        var (refund, _) = await w.EntryAsync("Refund window", "Refunds within 14 days.", sourceCases: [oldCase]);
        await w.ShipAsync();
        var fixCase = await w.Seed.CaseAsync(w.App, status: CaseStatus.Approved);
        var openCase = await w.Seed.CaseAsync(w.App, status: CaseStatus.CorrectionProposed);
        await w.ReviseAsync(refund, "Refunds within 30 days.", sourceCases: [fixCase, openCase]);
        // A case of the first release that is Approved again (say, reused by a second revision later) must not move.
        await w.Seed.UpdateCaseAsync(oldCase, c => c.Status = CaseStatus.Approved);
        var versionBefore = await w.ReadAsync(db => db.Cases.Where(c => c.Id == fixCase).Select(c => c.Version).FirstAsync(Ct));
        w.Published.Clear();
        var second = await w.BuildAsync();
        await w.GateAsync(second, GateOutcome.Passed);

        var live = await w.Run<PromoteRelease, Result>(h => h.HandleAsync(second, PromotionTarget.Live, w.Lead2, Ct));

        Assert.True(live.Succeeded, live.Error);
        var fixedCase = await w.ReadAsync(db => db.Cases.AsNoTracking().FirstAsync(c => c.Id == fixCase, Ct));
        Assert.Equal(CaseStatus.Released, fixedCase.Status);
        Assert.NotNull(fixedCase.ResolvedAt);
        Assert.Equal(w.Lead2, fixedCase.UpdatedById);
        Assert.NotEqual(versionBefore, fixedCase.Version);
        Assert.Equal(CaseStatus.CorrectionProposed, await w.ReadAsync(db => db.Cases.Where(c => c.Id == openCase).Select(c => c.Status).FirstAsync(Ct)));
        Assert.Equal(CaseStatus.Approved, await w.ReadAsync(db => db.Cases.Where(c => c.Id == oldCase).Select(c => c.Status).FirstAsync(Ct)));
        var caseEvent = Assert.Single(await w.AuditAsync(CaseActions.EntityType, fixCase.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(CaseActions.StatusChanged, caseEvent.Action);
        Assert.Contains("Released", caseEvent.After, StringComparison.Ordinal);
        var change = Assert.Single(w.Published);
        Assert.Equal([fixCase], change.CaseIds);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Promote_CandidateBuiltAgainstAnOlderLive_IsRefused(string provider)
    {
        await using var w = await ReleaseWorld.StartAsync(provider);
        var (refund, _) = await w.EntryAsync("Refund window", "Refunds within 14 days.");
        await w.ShipAsync();
        await w.ReviseAsync(refund, "Refunds within 30 days.");
        var a = await w.BuildAsync();
        await w.EntryAsync("Gift cards", "Never expire.");
        var b = await w.BuildAsync();
        await w.GateAsync(a, GateOutcome.Passed);
        await w.GateAsync(b, GateOutcome.Passed);
        Assert.True((await w.Run<PromoteRelease, Result>(h => h.HandleAsync(b, PromotionTarget.Live, w.Lead, Ct))).Succeeded);

        var stale = await w.Run<PromoteRelease, Result>(h => h.HandleAsync(a, PromotionTarget.Live, w.Lead, Ct));

        Assert.Equal(
            "Release 2 was built against release 1, but release 3 is Live now. Build a new candidate, so that its diff and its gate compare against what is live.",
            stale.Error);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Promote_TwoLeadsAtOnce_ExactlyOneWins(string provider)
    {
        await using var w = await ReleaseWorld.StartAsync(provider);
        var (refund, _) = await w.EntryAsync("Refund window", "Refunds within 14 days.");
        await w.ShipAsync();
        await w.ReviseAsync(refund, "Refunds within 30 days.");
        var a = await w.BuildAsync();
        await w.EntryAsync("Gift cards", "Never expire.");
        var b = await w.BuildAsync();
        await w.GateAsync(a, GateOutcome.Passed);
        await w.GateAsync(b, GateOutcome.Passed);

        var results = await Task.WhenAll(
            w.Run<PromoteRelease, Result>(h => h.HandleAsync(a, PromotionTarget.Live, w.Lead, Ct)),
            w.Run<PromoteRelease, Result>(h => h.HandleAsync(b, PromotionTarget.Live, w.Lead2, Ct)));

        Assert.Single(results, r => r.Succeeded);
        var kb = await w.KnowledgeBaseAsync();
        var winner = results[0].Succeeded ? a : b;
        Assert.Equal(winner, kb.LiveReleaseId);
        Assert.Equal([winner], await w.ReadAsync(db => db.Releases.Where(r => r.State == ReleaseState.Live).Select(r => r.Id).ToListAsync(Ct)));
        Assert.Equal(2, (await w.DomainEventsAsync()).Count(e => e.Type == ReleaseActions.PublishedEvent));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Promote_KnowledgeBaseChangedAfterRead_WritesNothing(string provider)
    {
        await using var w = await ReleaseWorld.StartAsync(provider);
        await w.EntryAsync("Refund window", "Refunds within 14 days.");
        var id = await w.BuildAsync();
        await w.GateAsync(id, GateOutcome.Passed);
        await using var scope = w.Host.Services.CreateAsyncScope();
        var handler = scope.ServiceProvider.GetRequiredService<PromoteRelease>();
        var kbId = w.Kb;
        handler.BeforeSaveForTests = async db =>
        {
            if (provider == TestDatabase.Postgres)
            {
                // A real competing writer: another connection renews the knowledge base's token after our read.
                await using var other = await w.DbAsync();
                await other.KnowledgeBases.Where(k => k.Id == kbId).ExecuteUpdateAsync(s => s.SetProperty(k => k.Version, Guid.NewGuid()), Ct);
            }
            else
            {
                // SQLite serialises writers (BEGIN IMMEDIATE): stage the stale token inside our own transaction.
                await db.KnowledgeBases.Where(k => k.Id == kbId).ExecuteUpdateAsync(s => s.SetProperty(k => k.Version, Guid.NewGuid()), Ct);
            }
        };

        var result = await handler.HandleAsync(id, PromotionTarget.Live, w.Lead, Ct);

        Assert.False(result.Succeeded);
        Assert.Equal(ReleaseTransitions.ConcurrentChange, result.Error);
        Assert.Null((await w.KnowledgeBaseAsync()).LiveReleaseId);
        Assert.Equal(ReleaseState.Gated, (await w.ReleaseAsync(id)).State);
        Assert.Empty(await w.DomainEventsAsync());
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Rollback_Live_MakesThePreviousReleaseLiveAgainAndRaisesRolledBack(string provider)
    {
        await using var w = await ReleaseWorld.StartAsync(provider);
        var (refund, _) = await w.EntryAsync("Refund window", "Refunds within 14 days.");
        var first = await w.ShipAsync();
        await w.ReviseAsync(refund, "Refunds within 30 days.");
        var second = await w.ShipAsync();

        var noReason = await w.Run<RollbackRelease, Result>(h => h.HandleAsync(second, "", w.Lead, Ct));
        var notLive = await w.Run<RollbackRelease, Result>(h => h.HandleAsync(first, "The new policy is wrong.", w.Lead, Ct));
        var rolledBack = await w.Run<RollbackRelease, Result>(h => h.HandleAsync(second, "The new policy is wrong.", w.Lead, Ct));
        var firstAgain = await w.Run<RollbackRelease, Result>(h => h.HandleAsync(first, "Roll back the first too.", w.Lead, Ct));

        Assert.False(noReason.Succeeded);
        Assert.Equal("Only the Live release can be rolled back; release 1 is Superseded.", notLive.Error);
        Assert.True(rolledBack.Succeeded, rolledBack.Error);
        Assert.Equal("Release 1 is the first release of Support Facts: there is no earlier release to go back to.", firstAgain.Error);
        var kb = await w.KnowledgeBaseAsync();
        Assert.Equal(first, kb.LiveReleaseId);
        Assert.Equal(ReleaseState.Live, (await w.ReleaseAsync(first)).State);
        Assert.Null((await w.ReleaseAsync(first)).EndedAt);
        Assert.Equal(ReleaseState.RolledBack, (await w.ReleaseAsync(second)).State);
        Assert.Equal(1, await w.ReadAsync(db => db.Releases.CountAsync(r => r.State == ReleaseState.Live, Ct)));
        var rolled = Assert.Single(await w.DomainEventsAsync(), e => e.Type == ReleaseActions.RolledBackEvent);
        using var payload = JsonDocument.Parse(rolled.Payload);
        Assert.Equal(second, payload.RootElement.GetProperty("releaseId").GetGuid());
        Assert.Equal(first, payload.RootElement.GetProperty("previousReleaseId").GetGuid());
        Assert.Equal(1, payload.RootElement.GetProperty("previousReleaseNumber").GetInt32());
        var audit = (await w.AuditAsync(ReleaseActions.ReleaseEntity, second.ToString())).Last();
        Assert.Equal(ReleaseActions.RolledBack, audit.Action);
        Assert.Equal("The new policy is wrong.", audit.Reason);

        // The rolled-back release can never go Live again; a new candidate is built against release 1.
        var again = await w.Run<PromoteRelease, Result>(h => h.HandleAsync(second, PromotionTarget.Live, w.Lead, Ct));
        Assert.Equal("Release 2 was rolled back; build a new candidate instead.", again.Error);
        var third = await w.Run<BuildCandidate, Result<BuildCandidate.Built>>(h => h.HandleAsync(w.Kb, null, w.Lead, Ct));
        Assert.True(third.Succeeded, third.Error);
        Assert.Equal(first, (await w.ReleaseAsync(third.Value!.ReleaseId)).BaseReleaseId);
    }
}
