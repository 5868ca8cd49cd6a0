using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.KnowledgeBases;
using FeedbackConsole.Core.Features.KnowledgeBases.Revisions;
using FeedbackConsole.Core.Features.Triage;
using FeedbackConsole.Core.Tests.Shared;
using FeedbackConsole.Tests.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FeedbackConsole.Core.Tests.Features.KnowledgeBases;

/// <summary>A host with one application, a lead (Lena) and two reviewers (Dana, Ben), and helpers to create and read knowledge-base data.</summary>
internal sealed record KnowledgeBaseWorld(CoreHost Host, CaseSeed Seed, Guid App, string Lena, string Dana, string Ben, List<CaseChange> Published) : IAsyncDisposable
{
    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<KnowledgeBaseWorld> StartAsync(string provider)
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
        var lena = await seed.UserAsync("lena@example.test", "Lena", roles: [Roles.Lead]);
        var dana = await seed.UserAsync("dana@example.test", "Dana", roles: [Roles.Reviewer]);
        var ben = await seed.UserAsync("ben@example.test", "Ben", roles: [Roles.Reviewer]);
        return new KnowledgeBaseWorld(host, seed, app, lena, dana, ben, published);
    }

    public Task<TResult> Run<THandler, TResult>(Func<THandler, Task<TResult>> call)
        where THandler : notnull => Host.InScopeAsync(call);

    public async Task<Guid> KnowledgeBaseAsync(KnowledgeBaseKind kind = KnowledgeBaseKind.Facts, string key = "support-facts", Guid? app = null)
    {
        var created = await Run<CreateKnowledgeBase, Result<Guid>>(h => h.HandleAsync(
            new CreateKnowledgeBase.Request { ApplicationId = app ?? App, Key = key, Name = "Support " + kind, Kind = kind }, Lena, Ct));
        Assert.True(created.Succeeded, created.Error);
        return created.Value;
    }

    public Task<Result<ProposeRevision.Outcome>> ProposeAsync(
        Guid kb, RevisionContent content, string author, RevisionChange change = RevisionChange.Create, Guid? entry = null, long? caseId = null, string summary = "Because the policy changed.") =>
        Run<ProposeRevision, Result<ProposeRevision.Outcome>>(h => h.HandleAsync(
            new ProposeRevision.Request { KnowledgeBaseId = kb, EntryId = entry, Change = change, Content = content, Summary = summary, CaseId = caseId }, author, Ct));

    /// <summary>A fact entry proposed by Dana and approved by Ben: returns (entry, approved revision).</summary>
    public async Task<(Guid Entry, Guid Revision)> ApprovedFactAsync(Guid kb, string title = "Refund window", string content = "Items can be returned within 14 days.")
    {
        var proposed = await ProposeAsync(kb, new RevisionContent(title, content), Dana);
        Assert.True(proposed.Succeeded, proposed.Error);
        var approved = await Run<RevisionDecisions, Result>(h => h.ApproveAsync(proposed.Value!.RevisionId, null, Ben, Ct));
        Assert.True(approved.Succeeded, approved.Error);
        return (proposed.Value!.EntryId, proposed.Value.RevisionId);
    }

    public Task<T> ReadAsync<T>(Func<FeedbackConsole.Core.Data.FeedbackDbContext, Task<T>> read) => Seed.ReadAsync(read);

    public Task<List<AuditEvent>> EventsAsync(string entityType, string entityId) => Seed.ReadAsync(db =>
        db.AuditEvents.AsNoTracking().Where(e => e.EntityType == entityType && e.EntityId == entityId).OrderBy(e => e.Id).ToListAsync(Ct));

    public Task<List<string>> ActionsAsync() => Seed.ReadAsync(db =>
        db.AuditEvents.AsNoTracking().Where(e => e.ActorId != null).OrderBy(e => e.Id).Select(e => e.Action).ToListAsync(Ct));

    public Task<Case> CaseAsync(long caseId) => Seed.ReadAsync(db => db.Cases.AsNoTracking().FirstAsync(c => c.Id == caseId, Ct));

    public Task<EntryRevision> RevisionAsync(Guid id) =>
        Seed.ReadAsync(db => db.EntryRevisions.AsNoTracking().Include(r => r.Sources).FirstAsync(r => r.Id == id, Ct));

    public Task<KnowledgeEntry> EntryAsync(Guid id) => Seed.ReadAsync(db => db.KnowledgeEntries.AsNoTracking().FirstAsync(e => e.Id == id, Ct));

    /// <summary>A labeled case (a confirmed factual error) with a thumb down and the end user's correction.</summary>
    public async Task<long> LabeledCaseAsync(CaseStatus status = CaseStatus.Labeled, string[]? usedEntryIds = null)
    {
        var caseId = await Seed.CaseAsync(App, status: status, signals:
        [
            CaseSeed.Signal(SignalKind.Thumb, thumbUp: false),
            CaseSeed.Signal(SignalKind.Correction, text: "The refund window is 30 days."),
        ]);
        if (usedEntryIds is not null)
        {
            await Seed.ReadAsync(async db =>
            {
                var interactionId = await db.Cases.Where(c => c.Id == caseId).Select(c => c.InteractionId).FirstAsync(Ct);
                var interaction = await db.Interactions.FirstAsync(i => i.Id == interactionId, Ct);
                interaction.UsedEntryIds = [.. usedEntryIds];
                return await db.SaveChangesAsync(Ct);
            });
        }

        return caseId;
    }

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();
}
