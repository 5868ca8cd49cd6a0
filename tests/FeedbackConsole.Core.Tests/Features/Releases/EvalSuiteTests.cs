using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Releases;
using FeedbackConsole.Core.Features.Releases.EvalSuites;
using FeedbackConsole.Tests.Shared;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Tests.Features.Releases;

/// <summary>Eval cases: editing, import (all or nothing, with line numbers), export round trip, held-out warnings.</summary>
public sealed class EvalSuiteTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task SaveEvalCase_RetrievalCase_StoresCleanedAndAudits(string provider)
    {
        await using var w = await ReleaseWorld.StartAsync(provider);
        var (refund, _) = await w.EntryAsync("Refund window", "Refunds within 30 days.");
        var draft = new EvalCaseDraft(EvalCaseKind.Retrieval, "  ", "  How long do I have to return?  ", [refund], null, "billing", "ignored", true);

        var saved = await w.Run<SaveEvalCase, Result<Guid>>(h => h.HandleAsync(w.Kb, null, draft, w.Reviewer, Ct));
        var noExpectation = await w.Run<SaveEvalCase, Result<Guid>>(h => h.HandleAsync(w.Kb, null, draft with { ExpectedEntryIds = [] }, w.Reviewer, Ct));
        var guardInFacts = await w.Run<SaveEvalCase, Result<Guid>>(h => h.HandleAsync(
            w.Kb, null, new EvalCaseDraft(EvalCaseKind.Guard, null, null, [], null, null, "Some output", true), w.Reviewer, Ct));
        var foreignEntry = await w.Run<SaveEvalCase, Result<Guid>>(h => h.HandleAsync(w.Kb, null, draft with { ExpectedEntryIds = [Guid.NewGuid()] }, w.Reviewer, Ct));

        Assert.True(saved.Succeeded, saved.Error);
        var row = await w.ReadAsync(db => db.EvalCases.AsNoTracking().FirstAsync(c => c.Id == saved.Value, Ct));
        Assert.Equal("How long do I have to return?", row.Query);
        Assert.Equal("How long do I have to return?", row.Name);
        Assert.Equal([refund], row.ExpectedEntryIds);
        Assert.Null(row.Output);
        Assert.Null(row.ExpectViolation);
        Assert.Equal("Say what the query must retrieve: pick at least one expected entry, or write text a retrieved entry must contain.", noExpectation.Error);
        Assert.StartsWith("A facts knowledge base takes retrieval cases", guardInFacts.Error, StringComparison.Ordinal);
        Assert.EndsWith("is not an entry of this knowledge base.", foreignEntry.Error, StringComparison.Ordinal);
        Assert.Equal([ReleaseActions.EvalCaseCreated], (await w.AuditAsync(ReleaseActions.EvalCaseEntity, saved.Value.ToString())).Select(e => e.Action));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ImportEvalCases_AnyInvalidRow_ImportsNothingAndListsEachLine(string provider)
    {
        await using var w = await ReleaseWorld.StartAsync(provider);
        await w.EntryAsync("Refund window", "Refunds within 30 days.");
        const string csv = """
            kind,name,query,expected_entries,expected_text,task_type
            retrieval,Refunds,How long to return?,Refund window,,billing
            retrieval,No expectation,Where is my parcel?,,,
            ,"Multi
            line",What about gifts?,No such entry,,
            bogus,,Query,,text,
            """;

        var outcome = await w.Run<ImportEvalCases, ImportEvalCases.Outcome>(h => h.HandleAsync(w.Kb, csv, EvalSuiteFormat.Csv, w.Reviewer, Ct));

        Assert.Equal(0, outcome.Imported);
        Assert.Equal(
            [
                (3, "Say what the query must retrieve: pick at least one expected entry, or write text a retrieved entry must contain."),
                (4, "No entry is titled “No such entry”."),
                (6, "Unknown kind “bogus”: write retrieval or guard (or leave it empty)."),
            ],
            outcome.Errors.Select(e => (e.Line, e.Message)));
        Assert.Equal(0, await w.ReadAsync(db => db.EvalCases.CountAsync(Ct)));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ImportEvalCases_ValidFile_ImportsAllAndExportRoundTrips(string provider)
    {
        await using var w = await ReleaseWorld.StartAsync(provider);
        var (refund, _) = await w.EntryAsync("Refund window", "Refunds within 30 days.");
        var jsonl = $$"""
            {"name": "Refunds", "query": "How long to return?", "expectedEntries": ["{{refund}}"], "taskType": "billing"}

            {"query": "Gift cards, do they expire?", "expectedText": "never expire"}
            """;

        var imported = await w.Run<ImportEvalCases, ImportEvalCases.Outcome>(h => h.HandleAsync(w.Kb, jsonl, EvalSuiteFormat.Jsonl, w.Reviewer, Ct));
        var csv = await w.Run<ExportEvalCases, ExportEvalCases.File?>(h => h.HandleAsync(w.Kb, EvalSuiteFormat.Csv, Ct));
        var jsonlOut = await w.Run<ExportEvalCases, ExportEvalCases.File?>(h => h.HandleAsync(w.Kb, EvalSuiteFormat.Jsonl, Ct));
        var again = await w.Run<ImportEvalCases, ImportEvalCases.Outcome>(h => h.HandleAsync(
            w.Kb, System.Text.Encoding.UTF8.GetString(csv!.Content), EvalSuiteFormat.Csv, w.Reviewer, Ct));
        var againJsonl = await w.Run<ImportEvalCases, ImportEvalCases.Outcome>(h => h.HandleAsync(
            w.Kb, System.Text.Encoding.UTF8.GetString(jsonlOut!.Content), EvalSuiteFormat.Jsonl, w.Reviewer, Ct));

        Assert.True(imported.Succeeded, string.Join("; ", imported.Errors));
        Assert.Equal(2, imported.Imported);
        Assert.Equal("support-facts-eval-suite.csv", csv!.FileName);
        Assert.Equal(2, csv.Count);
        Assert.True(again.Succeeded, string.Join("; ", again.Errors));
        Assert.True(againJsonl.Succeeded, string.Join("; ", againJsonl.Errors));
        var rows = await w.ReadAsync(db => db.EvalCases.AsNoTracking().ToListAsync(Ct));
        Assert.Equal(6, rows.Count);
        Assert.Equal(3, rows.Count(r => r.Name == "Refunds" && r.ExpectedEntryIds.SequenceEqual([refund]) && r.TaskType == "billing"));
        Assert.Equal(3, rows.Count(r => r.Query == "Gift cards, do they expire?" && r.ExpectedText == "never expire"));
        Assert.Contains(await w.AuditAsync("knowledge_base", w.Kb.ToString()), e => e.Action == ReleaseActions.EvalCasesImported);
    }

    [Fact]
    public void EvalSuiteFile_Jsonl_ReportsBadLinesByNumber()
    {
        const string text = "{\"query\": \"a\", \"expectedText\": \"b\"}\nnot json\n{\"query\": 3}\n{\"colour\": \"red\"}\n{\"expectViolation\": \"sometimes\", \"output\": \"x\"}";

        var (rows, errors) = EvalSuiteFile.Parse(text, EvalSuiteFormat.Jsonl);

        Assert.Single(rows);
        Assert.Equal([2, 3, 4, 5], errors.Select(e => e.Line));
        Assert.Equal("“query” must be a string.", errors[1].Message);
        Assert.StartsWith("Unknown field “colour”", errors[2].Message, StringComparison.Ordinal);
        Assert.Equal("“sometimes” is not a value for expect_violation: write true (must be caught) or false (must pass).", errors[3].Message);
    }

    [Fact]
    public void EvalSuiteFile_CsvUnknownColumn_IsRefusedOnTheHeaderLine()
    {
        var (rows, errors) = EvalSuiteFile.Parse("query,expected\nq,e\n", EvalSuiteFormat.Csv);

        Assert.Empty(rows);
        var error = Assert.Single(errors);
        Assert.Equal(1, error.Line);
        Assert.StartsWith("Unknown column “expected”", error.Message, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task HeldOutOverlap_ExampleInputEqualsEvalQuery_IsWarnedOnSuiteAndRelease(string provider)
    {
        await using var w = await ReleaseWorld.StartAsync(provider, KnowledgeBaseKind.Examples);
        var (example, _) = await w.EntryAsync("Refund example", "You have 30 days.", input: "How long do I have to RETURN   an item?");
        await w.EntryAsync("Shipping example", "Two days.", input: "When will it ship?");
        var draft = new EvalCaseDraft(EvalCaseKind.Retrieval, "Held out", "how long do I have to return an item?", [], "30 days", null, null, null);
        Assert.True((await w.Run<SaveEvalCase, Result<Guid>>(h => h.HandleAsync(w.Kb, null, draft, w.Reviewer, Ct))).Succeeded);
        Assert.True((await w.Run<SaveEvalCase, Result<Guid>>(h => h.HandleAsync(w.Kb, null, draft with { Name = "Fine", Query = "Do you ship abroad?" }, w.Reviewer, Ct))).Succeeded);

        var suite = await w.Run<ListEvalCases, ListEvalCases.Suite?>(h => h.HandleAsync(w.Kb, null, false, 0, 50, Ct));
        var releaseId = await w.BuildAsync();
        var release = await w.Run<GetRelease, GetRelease.Detail?>(h => h.HandleAsync(releaseId, Ct));

        var conflict = Assert.Single(suite!.HeldOutConflicts);
        Assert.Equal(("Held out", example, "Refund example"), (conflict.EvalCaseName, conflict.EntryId, conflict.EntryTitle));
        Assert.Equal(example, Assert.Single(release!.HeldOutConflicts).EntryId);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ListEvalCases_SearchAndArchive_FilterThePage(string provider)
    {
        await using var w = await ReleaseWorld.StartAsync(provider);
        var draft = new EvalCaseDraft(EvalCaseKind.Retrieval, "Refunds", "How long to RETURN?", [], "30 days", null, null, null);
        var a = (await w.Run<SaveEvalCase, Result<Guid>>(h => h.HandleAsync(w.Kb, null, draft, w.Reviewer, Ct))).Value;
        await w.Run<SaveEvalCase, Result<Guid>>(h => h.HandleAsync(w.Kb, null, draft with { Name = "Shipping", Query = "When does it ship?" }, w.Reviewer, Ct));

        var archived = await w.Run<ArchiveEvalCase, Result>(h => h.HandleAsync(a, true, w.Reviewer, Ct));
        var active = await w.Run<ListEvalCases, ListEvalCases.Suite?>(h => h.HandleAsync(w.Kb, null, false, 0, 50, Ct));
        var archivedPage = await w.Run<ListEvalCases, ListEvalCases.Suite?>(h => h.HandleAsync(w.Kb, "return", true, 0, 50, Ct));
        var search = await w.Run<ListEvalCases, ListEvalCases.Suite?>(h => h.HandleAsync(w.Kb, "SHIP", false, 0, 50, Ct));

        Assert.True(archived.Succeeded);
        Assert.Equal(["Shipping"], active!.Rows.Select(r => r.Name));
        Assert.Equal((1, 1), (active.ActiveCount, active.ArchivedCount));
        Assert.Equal(["Refunds"], archivedPage!.Rows.Select(r => r.Name));
        Assert.Equal(["Shipping"], search!.Rows.Select(r => r.Name));
        Assert.Equal([ReleaseActions.EvalCaseCreated, ReleaseActions.EvalCaseArchived], (await w.AuditAsync(ReleaseActions.EvalCaseEntity, a.ToString())).Select(e => e.Action));
    }
}
