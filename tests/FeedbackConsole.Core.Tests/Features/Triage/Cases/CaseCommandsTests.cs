using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Triage;
using FeedbackConsole.Core.Features.Triage.Cases;
using FeedbackConsole.Core.Tests.Shared;
using FeedbackConsole.Tests.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FeedbackConsole.Core.Tests.Features.Triage.Cases;

/// <summary>Each reviewer command on both providers: what it writes, the audit events, the new version, the change feed, and conflicts.</summary>
public sealed class CaseCommandsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed record World(CoreHost Host, CaseSeed Seed, Guid App, string Dana, string Ben, List<CaseChange> Published) : IAsyncDisposable
    {
        public Task<TResult> Run<THandler, TResult>(Func<THandler, Task<TResult>> call)
            where THandler : notnull => Host.InScopeAsync(call);

        public Task<CaseStamp> StampAsync(long caseId) => Seed.ReadAsync(async db => new CaseStamp(
            await db.Cases.Where(c => c.Id == caseId).Select(c => c.Version).FirstAsync(Ct),
            await CaseHistory.LastEventIdAsync(db, caseId, Ct)));

        public Task<Case> CaseAsync(long caseId) =>
            Seed.ReadAsync(db => db.Cases.AsNoTracking().Include(c => c.FailureModes).ThenInclude(m => m.FailureMode).FirstAsync(c => c.Id == caseId, Ct));

        public Task<List<AuditEvent>> EventsAsync(long caseId) => Seed.ReadAsync(db =>
            db.AuditEvents.AsNoTracking().Where(e => e.EntityType == "case" && e.EntityId == caseId.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .OrderBy(e => e.Id).ToListAsync(Ct));

        public Task<int> ModeIdAsync(string key) => Seed.ReadAsync(db => db.FailureModes.Where(m => m.Key == key).Select(m => m.Id).FirstAsync(Ct));

        public async ValueTask DisposeAsync() => await Host.DisposeAsync();
    }

    private static async Task<World> StartAsync(string provider)
    {
        var host = await CoreHost.StartAsync(provider);
        var seed = new CaseSeed(host.Services);
        var published = new List<CaseChange>();
        host.Services.GetRequiredService<CaseChangeFeed>().Changed += change =>
        {
            lock (published)
            {
                published.Add(change);
            }
        };
        var app = await seed.ApplicationAsync();
        var dana = await seed.UserAsync("dana@example.test", "Dana");
        var ben = await seed.UserAsync("ben@example.test", "Ben");
        return new World(host, seed, app, dana, ben, published);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ToggleFailureMode_ConfirmSuggested_LabelsAuditsRenewsVersionAndPublishes(string provider)
    {
        await using var w = await StartAsync(provider);
        var caseId = await w.Seed.CaseAsync(w.App, suggest: ["factual.error"]);
        var loaded = await w.StampAsync(caseId);
        var mode = await w.ModeIdAsync("factual.error");

        var result = await w.Run<ToggleFailureMode, CaseCommandResult>(h => h.HandleAsync(caseId, loaded, mode, true, w.Dana, Ct));

        Assert.Equal(CaseCommandOutcome.Saved, result.Outcome);
        var kase = await w.CaseAsync(caseId);
        Assert.Equal(CaseStatus.Labeled, kase.Status);
        Assert.NotNull(kase.TriagedAt);
        Assert.Null(kase.ResolvedAt);
        Assert.Equal(w.Dana, kase.UpdatedById);
        Assert.NotEqual(loaded.Version, kase.Version);
        Assert.Equal(kase.Version, result.Stamp!.Value.Version);
        var label = Assert.Single(kase.FailureModes);
        Assert.True(label.Confirmed);
        Assert.NotNull(label.RuleId); // still shows why it was suggested
        var events = await w.EventsAsync(caseId);
        Assert.Equal([CaseActions.StatusChanged, CaseActions.Labeled], events.Select(e => e.Action));
        Assert.All(events, e => Assert.Equal(w.Dana, e.ActorId));
        Assert.Equal(events[^1].Id, result.Stamp.Value.LastEventId);
        Assert.Contains("\"factual.error\"", events[1].After, StringComparison.Ordinal);
        var change = Assert.Single(w.Published);
        Assert.Equal([caseId], change.CaseIds);
        Assert.Equal(w.Dana, change.ActorId);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ToggleFailureMode_AddThenRemoveOwnMode_RemovesRowAndReturnsToInReview(string provider)
    {
        await using var w = await StartAsync(provider);
        var caseId = await w.Seed.CaseAsync(w.App, status: CaseStatus.InReview, suggest: ["factual.error"]);
        var tone = await w.ModeIdAsync("tone.inappropriate");

        var added = await w.Run<ToggleFailureMode, CaseCommandResult>(async h => await h.HandleAsync(caseId, await w.StampAsync(caseId), tone, true, w.Dana, Ct));
        var again = await w.Run<ToggleFailureMode, CaseCommandResult>(h => h.HandleAsync(caseId, added.Stamp!.Value, tone, true, w.Dana, Ct));
        var removed = await w.Run<ToggleFailureMode, CaseCommandResult>(h => h.HandleAsync(caseId, added.Stamp!.Value, tone, false, w.Dana, Ct));

        Assert.Equal(CaseCommandOutcome.Saved, added.Outcome);
        Assert.Equal(CaseCommandOutcome.Unchanged, again.Outcome);
        Assert.Equal(CaseCommandOutcome.Saved, removed.Outcome);
        var kase = await w.CaseAsync(caseId);
        Assert.Equal(CaseStatus.InReview, kase.Status);
        var left = Assert.Single(kase.FailureModes); // the reviewer's own mode is gone; the suggestion stays
        Assert.Equal("factual.error", left.FailureMode!.Key);
        Assert.False(left.Confirmed);
        Assert.Equal(
            [CaseActions.StatusChanged, CaseActions.Labeled, CaseActions.StatusChanged, CaseActions.Labeled],
            (await w.EventsAsync(caseId)).Select(e => e.Action));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ToggleFailureMode_FamilyOrDismissedCase_IsRefusedAndWritesNothing(string provider)
    {
        await using var w = await StartAsync(provider);
        var caseId = await w.Seed.CaseAsync(w.App);
        var dismissed = await w.Seed.CaseAsync(w.App, status: CaseStatus.Dismissed);
        var family = await w.ModeIdAsync("factual");
        var mode = await w.ModeIdAsync("factual.error");

        var onFamily = await w.Run<ToggleFailureMode, CaseCommandResult>(async h => await h.HandleAsync(caseId, await w.StampAsync(caseId), family, true, w.Dana, Ct));
        var onDismissed = await w.Run<ToggleFailureMode, CaseCommandResult>(async h => await h.HandleAsync(dismissed, await w.StampAsync(dismissed), mode, true, w.Dana, Ct));

        Assert.Equal(CaseCommandOutcome.Refused, onFamily.Outcome);
        Assert.Contains("family", onFamily.Error, StringComparison.Ordinal);
        Assert.Equal(CaseCommandOutcome.Refused, onDismissed.Outcome);
        Assert.Equal("A dismissed case cannot be labeled: reopen it first.", onDismissed.Error);
        Assert.Empty(await w.EventsAsync(caseId));
        Assert.Empty(await w.EventsAsync(dismissed));
        Assert.Empty(w.Published);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task SetSeverityAndNote_NewCase_MoveItToInReviewWithOneEventEach(string provider)
    {
        await using var w = await StartAsync(provider);
        var caseId = await w.Seed.CaseAsync(w.App);

        var severity = await w.Run<SetSeverity, CaseCommandResult>(async h => await h.HandleAsync(caseId, await w.StampAsync(caseId), CaseSeverity.High, w.Dana, Ct));
        var note = await w.Run<SetNote, CaseCommandResult>(h => h.HandleAsync(caseId, severity.Stamp!.Value, "  Check the May policy page. ", w.Dana, Ct));
        var tooLong = await w.Run<SetNote, CaseCommandResult>(h => h.HandleAsync(caseId, note.Stamp!.Value, new string('x', SetNote.MaxLength + 1), w.Dana, Ct));

        Assert.True(severity.Succeeded && note.Succeeded);
        Assert.Equal(CaseCommandOutcome.Refused, tooLong.Outcome);
        var kase = await w.CaseAsync(caseId);
        Assert.Equal((CaseStatus.InReview, CaseSeverity.High, "Check the May policy page."), (kase.Status, kase.Severity, kase.ReviewerNote));
        Assert.Null(kase.TriagedAt); // a severity is not triage yet
        var events = await w.EventsAsync(caseId);
        Assert.Equal([CaseActions.StatusChanged, CaseActions.SeveritySet, CaseActions.NoteSet], events.Select(e => e.Action));
        Assert.Equal(2, w.Published.Count);
        Assert.Equal(
            ["changed the status New → In review", "set severity to High", "added a note"],
            events.Select(e => CaseHistory.Describe(e.Action, e.Before, e.After)));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ProposeAnswer_NeedsALabel_ThenMovesToCorrectionProposedAndBackWhenWithdrawn(string provider)
    {
        await using var w = await StartAsync(provider);
        var caseId = await w.Seed.CaseAsync(w.App, suggest: ["factual.error"]);
        var mode = await w.ModeIdAsync("factual.error");

        var early = await w.Run<ProposeAnswer, CaseCommandResult>(async h => await h.HandleAsync(caseId, await w.StampAsync(caseId), "30 days.", w.Dana, Ct));
        var labeled = await w.Run<ToggleFailureMode, CaseCommandResult>(async h => await h.HandleAsync(caseId, await w.StampAsync(caseId), mode, true, w.Dana, Ct));
        var proposed = await w.Run<ProposeAnswer, CaseCommandResult>(h => h.HandleAsync(caseId, labeled.Stamp!.Value, "The refund window is 30 days.", w.Dana, Ct));
        var stateAfterPropose = (await w.CaseAsync(caseId)).Status;
        var withdrawn = await w.Run<ProposeAnswer, CaseCommandResult>(h => h.HandleAsync(caseId, proposed.Stamp!.Value, "  ", w.Dana, Ct));

        Assert.Equal(CaseCommandOutcome.Refused, early.Outcome);
        Assert.Contains("Confirm at least one failure mode", early.Error, StringComparison.Ordinal);
        Assert.Equal(CaseStatus.CorrectionProposed, stateAfterPropose);
        Assert.True(withdrawn.Succeeded);
        var kase = await w.CaseAsync(caseId);
        Assert.Equal(CaseStatus.Labeled, kase.Status);
        Assert.Null(kase.ProposedAnswer);
        var whats = (await w.EventsAsync(caseId)).Select(e => CaseHistory.Describe(e.Action, e.Before, e.After)).ToList();
        Assert.Equal(
            ["changed the status New → Labeled", "confirmed factual.error", "proposed an answer", "changed the status Labeled → Correction proposed",
             "withdrew the proposed answer", "changed the status Correction proposed → Labeled"],
            whats);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task DismissThenReopen_SetsAndClearsReasonAndResolvedAt(string provider)
    {
        await using var w = await StartAsync(provider);
        var caseId = await w.Seed.CaseAsync(w.App);
        const string Reason = "The answer was right for your plan; the 30-day window applies to Premium only.";

        var empty = await w.Run<DismissCase, CaseCommandResult>(async h => await h.HandleAsync(caseId, await w.StampAsync(caseId), "  ", w.Dana, Ct));
        var dismissed = await w.Run<DismissCase, CaseCommandResult>(async h => await h.HandleAsync(caseId, await w.StampAsync(caseId), Reason, w.Dana, Ct));
        var afterDismiss = await w.CaseAsync(caseId);
        var twice = await w.Run<DismissCase, CaseCommandResult>(h => h.HandleAsync(caseId, dismissed.Stamp!.Value, Reason, w.Dana, Ct));
        var reopened = await w.Run<ReopenCase, CaseCommandResult>(h => h.HandleAsync(caseId, dismissed.Stamp!.Value, w.Ben, Ct));

        Assert.Equal(CaseCommandOutcome.Refused, empty.Outcome);
        Assert.Equal((CaseStatus.Dismissed, Reason), (afterDismiss.Status, afterDismiss.DismissReason));
        Assert.NotNull(afterDismiss.ResolvedAt);
        Assert.NotNull(afterDismiss.TriagedAt);
        Assert.Equal("The case is already dismissed.", twice.Error);
        Assert.Equal(CaseCommandOutcome.Saved, reopened.Outcome);
        var kase = await w.CaseAsync(caseId);
        Assert.Equal(CaseStatus.InReview, kase.Status);
        Assert.Null(kase.DismissReason);
        Assert.Null(kase.ResolvedAt);
        Assert.Equal(afterDismiss.TriagedAt, kase.TriagedAt); // first triage time stays
        var events = await w.EventsAsync(caseId);
        Assert.Equal([CaseActions.Dismissed, CaseActions.Reopened], events.Select(e => e.Action));
        Assert.Equal(Reason, events[0].Reason);
        Assert.Contains(Reason, events[1].Before, StringComparison.Ordinal); // the reason is kept in the history
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Dismiss_ReleasedCase_IsRefusedWithAReadableMessage(string provider)
    {
        await using var w = await StartAsync(provider);
        var caseId = await w.Seed.CaseAsync(w.App, status: CaseStatus.Released);

        var result = await w.Run<DismissCase, CaseCommandResult>(async h => await h.HandleAsync(caseId, await w.StampAsync(caseId), "Not a real problem after all.", w.Dana, Ct));

        Assert.Equal(CaseCommandOutcome.Refused, result.Outcome);
        Assert.Equal("A released case cannot be dismissed: its correction is live.", result.Error);
        Assert.Equal(CaseStatus.Released, (await w.CaseAsync(caseId)).Status);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task MarkDuplicate_ChecksTargetThenLinks(string provider)
    {
        await using var w = await StartAsync(provider);
        var a = await w.Seed.CaseAsync(w.App);
        var b = await w.Seed.CaseAsync(w.App);
        var c = await w.Seed.CaseAsync(w.App);
        var otherApp = await w.Seed.ApplicationAsync("Other");
        var foreign = await w.Seed.CaseAsync(otherApp);

        Task<CaseCommandResult> Mark(long caseId, long of) =>
            w.Run<MarkDuplicate, CaseCommandResult>(async h => await h.HandleAsync(caseId, await w.StampAsync(caseId), of, w.Dana, Ct));

        Assert.Equal("A case cannot be a duplicate of itself.", (await Mark(a, a)).Error);
        Assert.Equal("There is no case #999999.", (await Mark(a, 999_999)).Error);
        Assert.Contains("belongs to another application", (await Mark(a, foreign)).Error, StringComparison.Ordinal);
        Assert.Equal(CaseCommandOutcome.Saved, (await Mark(a, b)).Outcome); // a → b
        Assert.Equal(CaseCommandOutcome.Saved, (await Mark(b, c)).Outcome); // b → c
        // c → a would close the loop c → a → b → c. (a and b are closed now, so reopen nothing: c is still open.)
        var loop = await Mark(c, a);
        Assert.Equal(CaseCommandOutcome.Refused, loop.Outcome);
        Assert.Contains("loop", loop.Error, StringComparison.Ordinal);

        var marked = await w.CaseAsync(a);
        Assert.Equal((CaseStatus.Duplicate, (long?)b), (marked.Status, marked.DuplicateOfCaseId));
        Assert.NotNull(marked.ResolvedAt);
        var e = Assert.Single(await w.EventsAsync(a));
        Assert.Equal(CaseActions.MarkedDuplicate, e.Action);
        Assert.Equal($"marked it a duplicate of case #{b}", CaseHistory.Describe(e.Action, e.Before, e.After));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task StaleSave_WritesNothingAndSaysWhoChangedWhat_ThenReapplies(string provider)
    {
        await using var w = await StartAsync(provider);
        var caseId = await w.Seed.CaseAsync(w.App, suggest: ["factual.error"]);
        var mode = await w.ModeIdAsync("factual.error");
        var danaLoaded = await w.StampAsync(caseId);
        var benLoaded = await w.StampAsync(caseId);

        var dana = await w.Run<ToggleFailureMode, CaseCommandResult>(h => h.HandleAsync(caseId, danaLoaded, mode, true, w.Dana, Ct));
        var eventsBefore = await w.EventsAsync(caseId);
        var ben = await w.Run<SetSeverity, CaseCommandResult>(h => h.HandleAsync(caseId, benLoaded, CaseSeverity.Critical, w.Ben, Ct));

        Assert.Equal(CaseCommandOutcome.Saved, dana.Outcome);
        Assert.Equal(CaseCommandOutcome.Conflict, ben.Outcome);
        var conflict = ben.Conflict!;
        var change = Assert.Single(conflict.Changes);
        Assert.Equal(("Dana", w.Dana), (change.ActorName, change.ActorId));
        Assert.Equal(["changed the status New → Labeled", "confirmed factual.error"], change.What);
        Assert.StartsWith("Dana changed the status New → Labeled and confirmed factual.error at ", conflict.Describe(), StringComparison.Ordinal);
        Assert.Equal(CaseStatus.Labeled, conflict.Current.Status);
        Assert.Equal(["factual.error"], conflict.Current.ConfirmedModes);
        Assert.Equal(dana.Stamp, conflict.Current.Stamp);
        // Nothing of Ben's was written.
        Assert.Null((await w.CaseAsync(caseId)).Severity);
        Assert.Equal(eventsBefore.Count, (await w.EventsAsync(caseId)).Count);

        // "Re-apply my change on the current version".
        var reapplied = await w.Run<SetSeverity, CaseCommandResult>(h => h.HandleAsync(caseId, conflict.Current.Stamp, CaseSeverity.Critical, w.Ben, Ct));

        Assert.Equal(CaseCommandOutcome.Saved, reapplied.Outcome);
        var kase = await w.CaseAsync(caseId);
        Assert.Equal((CaseStatus.Labeled, CaseSeverity.Critical, w.Ben), (kase.Status, kase.Severity, kase.UpdatedById));
        Assert.True(Assert.Single(kase.FailureModes).Confirmed); // Dana's label survived Ben's save
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task StaleSave_AfterNewFeedbackOnly_IsAConflictThatSaysSo(string provider)
    {
        await using var w = await StartAsync(provider);
        var caseId = await w.Seed.CaseAsync(w.App);
        var loaded = await w.StampAsync(caseId);
        await w.Seed.UpdateCaseAsync(caseId, c => c.SignalCount++); // what enrichment does on new feedback: a new version, no decision

        var result = await w.Run<SetNote, CaseCommandResult>(h => h.HandleAsync(caseId, loaded, "note", w.Ben, Ct));

        Assert.Equal(CaseCommandOutcome.Conflict, result.Outcome);
        Assert.StartsWith("New feedback arrived on this case", result.Conflict!.Describe(), StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task CompetingWriteBetweenReadAndSave_EfConcurrencyErrorBecomesAConflict(string provider)
    {
        await using var w = await StartAsync(provider);
        var caseId = await w.Seed.CaseAsync(w.App);
        var loaded = await w.StampAsync(caseId);
        var editor = w.Host.Services.GetRequiredService<CaseEditor>();
        editor.BeforeSaveForTests = async db =>
        {
            if (provider == TestDatabase.Postgres)
            {
                // A real competing writer: another connection commits a new version after our read.
                await w.Seed.UpdateCaseAsync(caseId, c => c.ReviewerNote = "Dana's note");
            }
            else
            {
                // SQLite serialises writers (BEGIN IMMEDIATE), so the race cannot happen across connections; stage
                // the same stale row inside our own transaction to exercise the path.
                await db.Database.ExecuteSqlRawAsync("UPDATE \"Cases\" SET \"Version\" = {0} WHERE \"Id\" = {1}", [Guid.NewGuid(), caseId], Ct);
            }
        };

        try
        {
            var result = await w.Run<SetSeverity, CaseCommandResult>(h => h.HandleAsync(caseId, loaded, CaseSeverity.Low, w.Ben, Ct));

            Assert.Equal(CaseCommandOutcome.Conflict, result.Outcome);
            Assert.NotNull(result.Conflict);
            Assert.Null((await w.CaseAsync(caseId)).Severity);
            Assert.Empty(await w.EventsAsync(caseId));
            Assert.Empty(w.Published);
        }
        finally
        {
            editor.BeforeSaveForTests = null;
        }
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task BulkLabel_MixedCases_LabelsTheOpenOnesAndReportsTheRest(string provider)
    {
        await using var w = await StartAsync(provider);
        var fresh = await w.Seed.CaseAsync(w.App);
        var labeled = await w.Seed.CaseAsync(w.App, status: CaseStatus.Labeled);
        var dismissed = await w.Seed.CaseAsync(w.App, status: CaseStatus.Dismissed);
        var released = await w.Seed.CaseAsync(w.App, status: CaseStatus.Released);

        var result = await w.Run<BulkLabel, BulkCaseResult>(h => h.HandleAsync([fresh, labeled, dismissed, released, 424_242], "retrieval.miss", w.Dana, Ct));
        var again = await w.Run<BulkLabel, BulkCaseResult>(h => h.HandleAsync([fresh], "retrieval.miss", w.Dana, Ct));
        var unknown = await w.Run<BulkLabel, BulkCaseResult>(h => h.HandleAsync([fresh], "no.such.mode", w.Dana, Ct));

        Assert.Equal([fresh, labeled], result.Changed);
        Assert.Equal(
            [(dismissed, "A dismissed case cannot be labeled: reopen it first."), (released, "A released case's failure modes are final: its correction is live."),
             (424_242L, "Case #424242 no longer exists.")],
            result.Skipped.Select(s => (s.CaseId, s.Reason)));
        Assert.Equal([fresh], again.Unchanged);
        Assert.False(unknown.Succeeded);
        Assert.Equal(CaseStatus.Labeled, (await w.CaseAsync(fresh)).Status);
        Assert.Equal([CaseActions.StatusChanged, CaseActions.Labeled], (await w.EventsAsync(fresh)).Select(e => e.Action));
        Assert.Equal([CaseActions.Labeled], (await w.EventsAsync(labeled)).Select(e => e.Action));
        Assert.Empty(await w.EventsAsync(dismissed));
        Assert.All(await w.EventsAsync(fresh), e => Assert.StartsWith("Bulk label of 5 cases", e.Reason, StringComparison.Ordinal));
        var change = Assert.Single(w.Published);
        Assert.Equal([fresh, labeled], change.CaseIds);
        var summary = Assert.Single(await w.Seed.ReadAsync(db => db.AuditEvents.AsNoTracking().Where(e => e.EntityType == "bulk").ToListAsync(Ct)));
        Assert.Equal(("bulk.labeled", w.App), (summary.Action, summary.ApplicationId));
        Assert.Contains($"\"cases\":[{fresh},{labeled}]", summary.After, StringComparison.Ordinal);
        Assert.StartsWith("Bulk label of 5 cases", summary.Reason, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task BulkDismiss_SkipsApprovedAndDismissesTheRestInOneGo(string provider)
    {
        await using var w = await StartAsync(provider);
        var a = await w.Seed.CaseAsync(w.App);
        var b = await w.Seed.CaseAsync(w.App, status: CaseStatus.CorrectionProposed);
        var approved = await w.Seed.CaseAsync(w.App, status: CaseStatus.Approved);
        const string Reason = "This is how the product works today; we have noted the request.";

        var tooShort = await w.Run<BulkDismiss, BulkCaseResult>(h => h.HandleAsync([a], "no", w.Dana, Ct));
        var result = await w.Run<BulkDismiss, BulkCaseResult>(h => h.HandleAsync([a, b, approved], Reason, w.Dana, Ct));

        Assert.False(tooShort.Succeeded);
        Assert.Equal([a, b], result.Changed);
        Assert.Equal([(approved, "An approved case cannot be dismissed: its correction is approved for release.")], result.Skipped.Select(s => (s.CaseId, s.Reason)));
        foreach (var id in new[] { a, b })
        {
            var kase = await w.CaseAsync(id);
            Assert.Equal((CaseStatus.Dismissed, Reason), (kase.Status, kase.DismissReason));
            Assert.Equal([CaseActions.Dismissed], (await w.EventsAsync(id)).Select(e => e.Action));
        }

        Assert.Equal(CaseStatus.Approved, (await w.CaseAsync(approved)).Status);
    }
}
