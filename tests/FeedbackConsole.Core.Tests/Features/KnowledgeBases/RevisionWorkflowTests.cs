using System.Globalization;
using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Triage.Cases;
using FeedbackConsole.Core.Features.KnowledgeBases;
using FeedbackConsole.Core.Features.KnowledgeBases.Revisions;
using FeedbackConsole.Tests.Shared;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Tests.Features.KnowledgeBases;

/// <summary>Proposals, four-eyes approval, stale bases, rejection and withdrawal, and the source cases' status, on both providers.</summary>
public sealed class RevisionWorkflowTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string CaseKey(long id) => id.ToString(CultureInfo.InvariantCulture);

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Propose_NewFact_CreatesAnEntryWithOneProposedRevisionAndAudits(string provider)
    {
        await using var w = await KnowledgeBaseWorld.StartAsync(provider);
        var kb = await w.KnowledgeBaseAsync();

        var result = await w.ProposeAsync(kb, new("  Refund window ", "Items can be returned within 30 days.", Input: "ignored for facts"), w.Dana);

        Assert.True(result.Succeeded, result.Error);
        var revision = await w.RevisionAsync(result.Value!.RevisionId);
        Assert.Equal((1, RevisionChange.Create, RevisionState.Proposed, "Refund window", w.Dana), (revision.Number, revision.Change, revision.State, revision.Title, revision.AuthorId));
        Assert.Null(revision.Input); // facts have no input
        Assert.Null(revision.BasedOnRevisionId);
        var entry = await w.EntryAsync(result.Value.EntryId);
        Assert.Null(entry.ApprovedRevisionId); // nothing changes for the app until approved
        Assert.Equal(("Refund window", 1), (entry.Title, entry.LatestRevisionNumber));
        var audit = Assert.Single(await w.EventsAsync("entry_revision", revision.Id.ToString("D")));
        Assert.Equal(("revision.proposed", w.Dana, "Because the policy changed."), (audit.Action, audit.ActorId, audit.Reason));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Propose_InvalidInput_IsRefusedWithAReadableMessageAndWritesNothing(string provider)
    {
        await using var w = await KnowledgeBaseWorld.StartAsync(provider);
        var guards = await w.KnowledgeBaseAsync(KnowledgeBaseKind.Guards, "guards");
        var examples = await w.KnowledgeBaseAsync(KnowledgeBaseKind.Examples, "examples");

        var badRegex = await w.ProposeAsync(guards, new("Card numbers", "(\\d{4}", GuardType: GuardRuleType.ForbiddenPattern, GuardMessage: "No card numbers."), w.Dana);
        var noMessage = await w.ProposeAsync(guards, new("Card numbers", "\\d{16}", GuardType: GuardRuleType.ForbiddenPattern), w.Dana);
        var noSummary = await w.ProposeAsync(guards, new("Card numbers", "\\d{16}", GuardType: GuardRuleType.ForbiddenPattern, GuardMessage: "No card numbers."), w.Dana, summary: "  ");
        var noInput = await w.ProposeAsync(examples, new("Refunds", "30 days."), w.Dana);
        var unknownMode = await w.ProposeAsync(examples, new("Refunds", "30 days.", Input: "How long?", FailureModeKey: "no.such.mode"), w.Dana);
        var familyMode = await w.ProposeAsync(examples, new("Refunds", "30 days.", Input: "How long?", FailureModeKey: "factual"), w.Dana);
        var tooLong = await w.ProposeAsync(examples, new(new string('t', 501), "30 days.", Input: "How long?"), w.Dana);

        Assert.StartsWith("The pattern is not a valid regular expression: ", badRegex.Error, StringComparison.Ordinal);
        Assert.Contains("Not enough )'s", badRegex.Error, StringComparison.Ordinal); // the .NET parser's own words
        Assert.Contains("message a violation reports", noMessage.Error, StringComparison.Ordinal);
        Assert.Contains("summary", noSummary.Error, StringComparison.Ordinal);
        Assert.Equal("Enter the example's input: what the user asked.", noInput.Error);
        Assert.Contains("“no.such.mode” is not a failure mode", unknownMode.Error, StringComparison.Ordinal);
        Assert.False(familyMode.Succeeded);
        Assert.Contains("500 characters", tooLong.Error, StringComparison.Ordinal);
        Assert.Equal(0, await w.ReadAsync(db => db.EntryRevisions.CountAsync(Ct)));
        Assert.Equal(0, await w.ReadAsync(db => db.KnowledgeEntries.CountAsync(Ct)));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Propose_ValidGuardAndExample_AreStoredWithTheirKindsFields(string provider)
    {
        await using var w = await KnowledgeBaseWorld.StartAsync(provider);
        var guards = await w.KnowledgeBaseAsync(KnowledgeBaseKind.Guards, "guards");
        var examples = await w.KnowledgeBaseAsync(KnowledgeBaseKind.Examples, "examples");

        var guard = await w.ProposeAsync(guards, new("Legal disclaimer", "This is not legal advice.", TaskType: "legal", GuardType: GuardRuleType.RequiredDisclaimer, GuardMessage: "Add the disclaimer."), w.Dana);
        var example = await w.ProposeAsync(examples, new("Refund window", "You have 30 days.", Input: "How long do I have?", TaskType: "billing", FailureModeKey: "factual.outdated"), w.Dana);

        var g = await w.RevisionAsync(guard.Value!.RevisionId);
        Assert.Equal((GuardRuleType.RequiredDisclaimer, "Add the disclaimer.", "legal"), (g.GuardType!.Value, g.GuardMessage, g.TaskType));
        var e = await w.RevisionAsync(example.Value!.RevisionId);
        Assert.Equal(("How long do I have?", "You have 30 days.", "factual.outdated", "billing"), (e.Input, e.Content, e.FailureModeKey, e.TaskType));
        Assert.Null(e.GuardType);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Approve_ByTheAuthor_IsRefusedAndChangesNothing(string provider)
    {
        await using var w = await KnowledgeBaseWorld.StartAsync(provider);
        var kb = await w.KnowledgeBaseAsync();
        var caseId = await w.LabeledCaseAsync();
        var proposed = await w.ProposeAsync(kb, new("Refund window", "30 days."), w.Dana, caseId: caseId);
        var actionsBefore = await w.ActionsAsync();

        var result = await w.Run<RevisionDecisions, Result>(h => h.ApproveAsync(proposed.Value!.RevisionId, "Looks right to me", w.Dana, Ct));
        var view = await w.Run<GetRevision, GetRevision.View?>(h => h.HandleAsync(proposed.Value!.RevisionId, w.Dana, Ct));

        Assert.False(result.Succeeded);
        Assert.Equal("You wrote this proposal: another reviewer must approve it (four-eyes).", result.Error);
        var revision = await w.RevisionAsync(proposed.Value!.RevisionId);
        Assert.Equal(RevisionState.Proposed, revision.State);
        Assert.Null(revision.ReviewerId);
        Assert.Null((await w.EntryAsync(proposed.Value.EntryId)).ApprovedRevisionId);
        Assert.Equal(CaseStatus.CorrectionProposed, (await w.CaseAsync(caseId)).Status);
        Assert.Equal(actionsBefore, await w.ActionsAsync()); // no audit event either
        Assert.Equal(result.Error, view!.ApproveBlockedReason); // the page shows the same reason
        Assert.True(view.CanWithdraw);
        Assert.False(view.CanReject);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ProposeFromCase_LinksCaseAndCorrection_MovesCaseToCorrectionProposed_ThenApprovalMovesItToApproved(string provider)
    {
        await using var w = await KnowledgeBaseWorld.StartAsync(provider);
        var kb = await w.KnowledgeBaseAsync();
        var (entry, approvedRevision) = await w.ApprovedFactAsync(kb);
        var caseId = await w.LabeledCaseAsync(usedEntryIds: [entry.ToString("D"), "kb-12"]);
        var correctionId = await w.ReadAsync(db => db.Signals.Where(s => s.Kind == SignalKind.Correction).Select(s => s.Id).FirstAsync(Ct));
        var versionBefore = (await w.CaseAsync(caseId)).Version;
        var context = await w.Run<GetProposalContext, GetProposalContext.Context?>(h => h.HandleAsync(caseId, Ct));

        var proposed = await w.ProposeAsync(kb, new("Refund window", "Items can be returned within 30 days."), w.Dana, RevisionChange.Update, entry, caseId);

        // The editor offered the retrieved entry that exists (with its current content) and named the id that does not.
        var used = Assert.Single(context!.UsedEntries);
        Assert.Equal((entry, "Items can be returned within 14 days."), (used.EntryId, used.Content.Content));
        Assert.Equal(["kb-12"], context.UnknownEntryIds);
        Assert.Equal((correctionId, "The refund window is 30 days."), (context.Correction!.SignalId, context.Correction.Text));

        Assert.True(proposed.Succeeded, proposed.Error);
        var revision = await w.RevisionAsync(proposed.Value!.RevisionId);
        Assert.Equal((2, approvedRevision), (revision.Number, revision.BasedOnRevisionId!.Value));
        var source = Assert.Single(revision.Sources);
        Assert.Equal((caseId, correctionId), (source.CaseId, source.SignalId!.Value));
        var kase = await w.CaseAsync(caseId);
        Assert.Equal(CaseStatus.CorrectionProposed, kase.Status);
        Assert.NotEqual(versionBefore, kase.Version);
        Assert.Equal(w.Dana, kase.UpdatedById);
        var caseEvent = Assert.Single(await w.EventsAsync("case", CaseKey(caseId)));
        Assert.Equal(("case.status_changed", "{\"status\":\"CorrectionProposed\"}"), (caseEvent.Action, caseEvent.After));
        Assert.Contains(w.Published, c => c.CaseIds.SequenceEqual([caseId]) && c.ActorId == w.Dana);
        Assert.Equal(CaseStatus.CorrectionProposed, (await w.CaseAsync(caseId)).Status);

        var approved = await w.Run<RevisionDecisions, Result>(h => h.ApproveAsync(revision.Id, "Matches the May policy.", w.Ben, Ct));

        Assert.True(approved.Succeeded, approved.Error);
        var after = await w.RevisionAsync(revision.Id);
        Assert.Equal((RevisionState.Approved, w.Ben, "Matches the May policy."), (after.State, after.ReviewerId, after.ReviewComment));
        Assert.NotNull(after.ReviewedAt);
        var stored = await w.EntryAsync(entry);
        Assert.Equal((revision.Id, false), (stored.ApprovedRevisionId!.Value, stored.IsRetired));
        Assert.Equal(CaseStatus.Approved, (await w.CaseAsync(caseId)).Status);
        Assert.Equal(["case.status_changed", "case.status_changed"], (await w.EventsAsync("case", CaseKey(caseId))).Select(e => e.Action));
        Assert.Equal(["revision.proposed", "revision.approved"], (await w.EventsAsync("entry_revision", revision.Id.ToString("D"))).Select(e => e.Action));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task WithdrawingTheCasesAnswer_WhileARevisionFromItIsOpen_KeepsTheCaseCorrectionProposed(string provider)
    {
        await using var w = await KnowledgeBaseWorld.StartAsync(provider);
        var kb = await w.KnowledgeBaseAsync();
        var caseId = await w.LabeledCaseAsync();
        var proposed = await w.ProposeAsync(kb, new("Refund window", "Items can be returned within 30 days."), w.Dana, RevisionChange.Create, null, caseId);
        Assert.True(proposed.Succeeded, proposed.Error);

        async Task<CaseCommandResult> AnswerAsync(string? answer)
        {
            var detail = await w.Run<GetCaseDetail, GetCaseDetail.Detail?>(h => h.HandleAsync(caseId, Ct));
            return await w.Run<ProposeAnswer, CaseCommandResult>(h => h.HandleAsync(caseId, detail!.Stamp, answer, w.Dana, Ct));
        }

        Assert.True((await AnswerAsync("Items can be returned within 30 days.")).Succeeded);
        Assert.True((await AnswerAsync("  ")).Succeeded);
        var kase = await w.CaseAsync(caseId);
        Assert.Null(kase.ProposedAnswer);
        Assert.Equal(CaseStatus.CorrectionProposed, kase.Status);

        // Once the revision is withdrawn, withdrawing the answer moves the case back as before.
        Assert.True((await w.Run<RevisionDecisions, Result>(h => h.WithdrawAsync(proposed.Value!.RevisionId, null, w.Dana, Ct))).Succeeded);
        Assert.True((await AnswerAsync("Thirty days.")).Succeeded);
        Assert.True((await AnswerAsync(null)).Succeeded);
        Assert.Equal(CaseStatus.Labeled, (await w.CaseAsync(caseId)).Status);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ProposeFromCase_NewOrForeignCase_IsRefusedAndWritesNothing(string provider)
    {
        await using var w = await KnowledgeBaseWorld.StartAsync(provider);
        var kb = await w.KnowledgeBaseAsync();
        var fresh = await w.LabeledCaseAsync(CaseStatus.New);
        var otherApp = await w.Seed.ApplicationAsync("Other");
        var foreign = await w.Seed.CaseAsync(otherApp, status: CaseStatus.Labeled);

        var onNew = await w.ProposeAsync(kb, new("Refund window", "30 days."), w.Dana, caseId: fresh);
        var onForeign = await w.ProposeAsync(kb, new("Refund window", "30 days."), w.Dana, caseId: foreign);

        Assert.Contains("Confirm at least one failure mode first", onNew.Error, StringComparison.Ordinal);
        Assert.Contains("another application", onForeign.Error, StringComparison.Ordinal);
        Assert.Equal(0, await w.ReadAsync(db => db.EntryRevisions.CountAsync(Ct)));
        Assert.Equal(0, await w.ReadAsync(db => db.KnowledgeEntries.CountAsync(Ct)));
        Assert.Equal(CaseStatus.New, (await w.CaseAsync(fresh)).Status);
        Assert.Empty(await w.EventsAsync("case", CaseKey(fresh)));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Approve_AProposalWrittenOnAnOlderRevision_IsRefusedAsStale(string provider)
    {
        await using var w = await KnowledgeBaseWorld.StartAsync(provider);
        var kb = await w.KnowledgeBaseAsync();
        var (entry, _) = await w.ApprovedFactAsync(kb);
        var first = await w.ProposeAsync(kb, new("Refund window", "30 days."), w.Dana, RevisionChange.Update, entry);
        var second = await w.ProposeAsync(kb, new("Refund window", "28 days."), w.Ben, RevisionChange.Update, entry);

        var approveFirst = await w.Run<RevisionDecisions, Result>(h => h.ApproveAsync(first.Value!.RevisionId, null, w.Lena, Ct));
        var approveSecond = await w.Run<RevisionDecisions, Result>(h => h.ApproveAsync(second.Value!.RevisionId, null, w.Lena, Ct));
        var view = await w.Run<GetRevision, GetRevision.View?>(h => h.HandleAsync(second.Value!.RevisionId, w.Lena, Ct));

        Assert.True(approveFirst.Succeeded, approveFirst.Error);
        Assert.False(approveSecond.Succeeded);
        Assert.Contains("the entry changed since this was written — rebase", approveSecond.Error, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("revision 2", approveSecond.Error, StringComparison.Ordinal);
        Assert.Equal(RevisionState.Proposed, (await w.RevisionAsync(second.Value!.RevisionId)).State);
        Assert.Equal(first.Value!.RevisionId, (await w.EntryAsync(entry)).ApprovedRevisionId);
        Assert.True(view!.IsStale);
        Assert.Equal(2, view.ComparedNumber); // shown against what is approved now
        Assert.Equal("30 days.", view.Diffs.Single(d => d.Label == "Content").Before);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Reject_NeedsAComment_AndCasesGoBackToLabeledUnlessAnotherProposalIsOpen(string provider)
    {
        await using var w = await KnowledgeBaseWorld.StartAsync(provider);
        var kb = await w.KnowledgeBaseAsync();
        var shared = await w.LabeledCaseAsync();
        var alone = await w.LabeledCaseAsync();
        var first = await w.ProposeAsync(kb, new("Refund window", "30 days."), w.Dana, caseId: shared);
        var second = await w.ProposeAsync(kb, new("Refund window (EU)", "30 days in the EU."), w.Dana, caseId: shared);
        var third = await w.ProposeAsync(kb, new("Shipping", "3 days."), w.Dana, caseId: alone);

        var noComment = await w.Run<RevisionDecisions, Result>(h => h.RejectAsync(first.Value!.RevisionId, "  ", w.Ben, Ct));
        var byAuthor = await w.Run<RevisionDecisions, Result>(h => h.RejectAsync(first.Value!.RevisionId, "Mine is wrong", w.Dana, Ct));
        var rejectFirst = await w.Run<RevisionDecisions, Result>(h => h.RejectAsync(first.Value!.RevisionId, "Duplicate of the EU one.", w.Ben, Ct));
        var rejectThird = await w.Run<RevisionDecisions, Result>(h => h.RejectAsync(third.Value!.RevisionId, "Shipping is unchanged.", w.Ben, Ct));
        var again = await w.Run<RevisionDecisions, Result>(h => h.ApproveAsync(third.Value!.RevisionId, null, w.Ben, Ct));

        Assert.Equal("Say why you reject it: the author reads the comment.", noComment.Error);
        Assert.Contains("withdraw it instead", byAuthor.Error, StringComparison.Ordinal);
        Assert.True(rejectFirst.Succeeded, rejectFirst.Error);
        Assert.True(rejectThird.Succeeded, rejectThird.Error);
        Assert.Equal("This proposal was already rejected.", again.Error);
        var rejected = await w.RevisionAsync(first.Value!.RevisionId);
        Assert.Equal((RevisionState.Rejected, w.Ben, "Duplicate of the EU one."), (rejected.State, rejected.ReviewerId, rejected.ReviewComment));
        Assert.Equal(CaseStatus.CorrectionProposed, (await w.CaseAsync(shared)).Status); // the EU proposal is still open
        Assert.Equal(CaseStatus.Labeled, (await w.CaseAsync(alone)).Status);
        var audit = (await w.EventsAsync("entry_revision", first.Value.RevisionId.ToString("D")))[^1];
        Assert.Equal(("revision.rejected", "Duplicate of the EU one."), (audit.Action, audit.Reason));
        Assert.Equal(RevisionState.Proposed, (await w.RevisionAsync(second.Value!.RevisionId)).State);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Withdraw_OnlyByTheAuthor_AndRetireApprovedByAnotherRetiresTheEntry(string provider)
    {
        await using var w = await KnowledgeBaseWorld.StartAsync(provider);
        var kb = await w.KnowledgeBaseAsync();
        var (entry, _) = await w.ApprovedFactAsync(kb);
        var caseId = await w.LabeledCaseAsync();
        var update = await w.ProposeAsync(kb, new("Refund window", "30 days."), w.Dana, RevisionChange.Update, entry, caseId);

        var byOther = await w.Run<RevisionDecisions, Result>(h => h.WithdrawAsync(update.Value!.RevisionId, null, w.Ben, Ct));
        var byAuthor = await w.Run<RevisionDecisions, Result>(h => h.WithdrawAsync(update.Value!.RevisionId, null, w.Dana, Ct));
        var retire = await w.ProposeAsync(kb, new("ignored", "ignored"), w.Dana, RevisionChange.Retire, entry, summary: "We no longer offer refunds by post.");
        var approveRetire = await w.Run<RevisionDecisions, Result>(h => h.ApproveAsync(retire.Value!.RevisionId, null, w.Lena, Ct));
        var updateRetired = await w.ProposeAsync(kb, new("Refund window", "31 days."), w.Dana, RevisionChange.Update, entry);
        var current = await w.Run<ListEntries, ListEntries.Page>(h => h.HandleAsync(kb, new ListEntries.Query(), Ct));
        var retired = await w.Run<ListEntries, ListEntries.Page>(h => h.HandleAsync(kb, new ListEntries.Query(Filter: EntryFilter.Retired), Ct));

        Assert.Contains("Only the author can withdraw", byOther.Error, StringComparison.Ordinal);
        Assert.True(byAuthor.Succeeded, byAuthor.Error);
        Assert.Equal(RevisionState.Withdrawn, (await w.RevisionAsync(update.Value!.RevisionId)).State);
        Assert.Equal(CaseStatus.Labeled, (await w.CaseAsync(caseId)).Status);
        Assert.True(approveRetire.Succeeded, approveRetire.Error);
        var retirement = await w.RevisionAsync(retire.Value!.RevisionId);
        Assert.Equal(("Refund window", "Items can be returned within 14 days."), (retirement.Title, retirement.Content)); // keeps what it retires
        Assert.True((await w.EntryAsync(entry)).IsRetired);
        Assert.Contains("retired", updateRetired.Error, StringComparison.Ordinal);
        Assert.Equal(0, current.Total);
        Assert.Equal([entry], retired.Rows.Select(r => r.Id));
        Assert.Equal(
            ["revision.proposed", "revision.approved", "revision.proposed", "case.status_changed", "revision.withdrawn", "case.status_changed", "revision.proposed", "revision.approved"],
            (await w.ActionsAsync()).Where(a => a.StartsWith("revision.", StringComparison.Ordinal) || a.StartsWith("case.", StringComparison.Ordinal)));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Update_ThatChangesNothing_IsRefused(string provider)
    {
        await using var w = await KnowledgeBaseWorld.StartAsync(provider);
        var kb = await w.KnowledgeBaseAsync();
        var (entry, _) = await w.ApprovedFactAsync(kb);

        var same = await w.ProposeAsync(kb, new(" Refund window", "Items can be returned within 14 days.  "), w.Dana, RevisionChange.Update, entry);

        Assert.Equal("This proposal changes nothing: edit at least one field.", same.Error);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ListEntries_SearchIsCaseInsensitiveOverTitleAndContent_AndPages(string provider)
    {
        await using var w = await KnowledgeBaseWorld.StartAsync(provider);
        var kb = await w.KnowledgeBaseAsync();
        var (refund, _) = await w.ApprovedFactAsync(kb, "Refund window", "Items can be returned within 14 days.");
        var (shipping, _) = await w.ApprovedFactAsync(kb, "Shipping", "Parcels ship with DHL in 3 days.");
        var pending = await w.ProposeAsync(kb, new("Opening hours", "Our shop opens at 9."), w.Dana);
        for (var i = 0; i < 3; i++)
        {
            await w.ApprovedFactAsync(kb, $"Filler {i}", $"Filler text {i}.");
        }

        var byTitle = await w.Run<ListEntries, ListEntries.Page>(h => h.HandleAsync(kb, new ListEntries.Query("REFUND"), Ct));
        var byContent = await w.Run<ListEntries, ListEntries.Page>(h => h.HandleAsync(kb, new ListEntries.Query("dhl"), Ct));
        var unapproved = await w.Run<ListEntries, ListEntries.Page>(h => h.HandleAsync(kb, new ListEntries.Query("SHOP OPENS"), Ct));
        var pendingOnly = await w.Run<ListEntries, ListEntries.Page>(h => h.HandleAsync(kb, new ListEntries.Query(Filter: EntryFilter.Pending), Ct));
        var page2 = await w.Run<ListEntries, ListEntries.Page>(h => h.HandleAsync(kb, new ListEntries.Query(Page: 1, PageSize: 4), Ct));

        Assert.Equal([refund], byTitle.Rows.Select(r => r.Id));
        Assert.Equal([shipping], byContent.Rows.Select(r => r.Id));
        Assert.Equal("Parcels ship with DHL in 3 days.", byContent.Rows[0].Snippet);
        var opening = Assert.Single(unapproved.Rows);
        Assert.Equal((pending.Value!.EntryId, false, 1), (opening.Id, opening.IsApproved, opening.PendingCount));
        Assert.Equal([pending.Value.EntryId], pendingOnly.Rows.Select(r => r.Id));
        Assert.Equal(6, page2.Total);
        Assert.Equal(2, page2.Rows.Count);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ListProposals_OldestFirst_FilteredByKnowledgeBase_WithSourceCases(string provider)
    {
        await using var w = await KnowledgeBaseWorld.StartAsync(provider);
        var facts = await w.KnowledgeBaseAsync();
        var guards = await w.KnowledgeBaseAsync(KnowledgeBaseKind.Guards, "guards");
        var caseId = await w.LabeledCaseAsync();
        var a = await w.ProposeAsync(facts, new("A", "First."), w.Dana, caseId: caseId);
        var b = await w.ProposeAsync(guards, new("B", "guarantee", GuardType: GuardRuleType.ForbiddenPhrase, GuardMessage: "No guarantees."), w.Ben);
        var c = await w.ProposeAsync(facts, new("C", "Third."), w.Ben);

        var all = await w.Run<ListProposals, ListProposals.Result>(h => h.HandleAsync(new ListProposals.Filter(), Ct));
        var onlyFacts = await w.Run<ListProposals, ListProposals.Result>(h => h.HandleAsync(new ListProposals.Filter(KnowledgeBaseId: facts), Ct));

        Assert.Equal([a.Value!.RevisionId, b.Value!.RevisionId, c.Value!.RevisionId], all.Rows.Select(r => r.RevisionId));
        Assert.Equal([caseId], all.Rows[0].SourceCaseIds);
        Assert.Equal(("Dana", KnowledgeBaseKind.Guards), (all.Rows[0].AuthorName, all.Rows[1].Kind));
        Assert.Equal([a.Value.RevisionId, c.Value.RevisionId], onlyFacts.Rows.Select(r => r.RevisionId));
        Assert.Equal(2, all.KnowledgeBases.Count);
    }
}
