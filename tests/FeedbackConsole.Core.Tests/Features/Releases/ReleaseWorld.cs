using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Triage;
using FeedbackConsole.Core.Tests.Shared;
using FeedbackConsole.Tests.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FeedbackConsole.Core.Tests.Features.Releases;

/// <summary>
/// A running Core with an application, a Lead, a second Lead and a Reviewer, and a knowledge base whose entries and
/// approved revisions are written straight to the database (the approval flow is another room's).
/// </summary>
internal sealed class ReleaseWorld : IAsyncDisposable
{
    private ReleaseWorld(CoreHost host, CaseSeed seed, Guid app, Guid kb, string lead, string lead2, string reviewer, List<CaseChange> published)
    {
        Host = host;
        Seed = seed;
        App = app;
        Kb = kb;
        Lead = lead;
        Lead2 = lead2;
        Reviewer = reviewer;
        Published = published;
    }

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public CoreHost Host { get; }

    public CaseSeed Seed { get; }

    public Guid App { get; }

    public Guid Kb { get; }

    public string Lead { get; }

    public string Lead2 { get; }

    public string Reviewer { get; }

    public List<CaseChange> Published { get; }

    public static async Task<ReleaseWorld> StartAsync(string provider, KnowledgeBaseKind kind = KnowledgeBaseKind.Facts, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var host = await CoreHost.StartAsync(provider, settings);
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
        var lead = await seed.UserAsync("lena@example.test", "Lena", roles: Roles.Lead);
        var lead2 = await seed.UserAsync("leo@example.test", "Leo", roles: Roles.Lead);
        var reviewer = await seed.UserAsync("rita@example.test", "Rita", roles: Roles.Reviewer);
        var kb = Guid.NewGuid();
        await using (var db = await host.Services.GetRequiredService<IDbContextFactory<FeedbackDbContext>>().CreateDbContextAsync(Ct))
        {
            db.KnowledgeBases.Add(new Domain.KnowledgeBase
            {
                Id = kb, ApplicationId = app, Key = "support-" + kind.ToString().ToLowerInvariant(), Name = "Support " + kind, Kind = kind,
                CreatedAt = CaseSeed.T0, UpdatedAt = CaseSeed.T0, Version = Guid.NewGuid(),
            });
            await db.SaveChangesAsync(Ct);
        }

        return new ReleaseWorld(host, seed, app, kb, lead, lead2, reviewer, published);
    }

    public Task<TResult> Run<THandler, TResult>(Func<THandler, Task<TResult>> call)
        where THandler : notnull => Host.InScopeAsync(call);

    public async Task<FeedbackDbContext> DbAsync() =>
        await Host.Services.GetRequiredService<IDbContextFactory<FeedbackDbContext>>().CreateDbContextAsync(Ct);

    /// <summary>A new entry with an approved first revision; returns (entry id, revision id).</summary>
    public async Task<(Guid Entry, Guid Revision)> EntryAsync(
        string title, string content, string? input = null, long[]? sourceCases = null, GuardRuleType? guard = null, Guid? kb = null)
    {
        var entryId = Guid.NewGuid();
        await using var db = await DbAsync();
        db.KnowledgeEntries.Add(new KnowledgeEntry
        {
            Id = entryId, KnowledgeBaseId = kb ?? Kb, Title = title, CreatedById = Reviewer, CreatedAt = CaseSeed.T0, UpdatedAt = CaseSeed.T0,
        });
        await db.SaveChangesAsync(Ct);
        var revision = await AddRevisionAsync(db, entryId, 1, RevisionChange.Create, title, content, input, sourceCases, guard);
        return (entryId, revision);
    }

    /// <summary>An approved new revision of an entry (an update, or a retirement); returns its id.</summary>
    public async Task<Guid> ReviseAsync(Guid entryId, string content, long[]? sourceCases = null, bool retire = false, string? input = null)
    {
        await using var db = await DbAsync();
        var entry = await db.KnowledgeEntries.AsNoTracking().FirstAsync(e => e.Id == entryId, Ct);
        return await AddRevisionAsync(db, entryId, entry.LatestRevisionNumber + 1, retire ? RevisionChange.Retire : RevisionChange.Update, entry.Title, content, input, sourceCases, null);
    }

    private async Task<Guid> AddRevisionAsync(
        FeedbackDbContext db, Guid entryId, int number, RevisionChange change, string title, string content, string? input, long[]? sourceCases, GuardRuleType? guard)
    {
        var entry = await db.KnowledgeEntries.FirstAsync(e => e.Id == entryId, Ct);
        var revision = new EntryRevision
        {
            Id = Guid.NewGuid(), EntryId = entryId, KnowledgeBaseId = entry.KnowledgeBaseId, Number = number, Change = change, State = RevisionState.Approved,
            Title = title, Content = content, Input = input, GuardType = guard, Summary = "test", AuthorId = Reviewer, ReviewerId = Lead,
            CreatedAt = CaseSeed.T0, ReviewedAt = CaseSeed.T0,
            Sources = [.. (sourceCases ?? []).Select(c => new RevisionSource { CaseId = c })],
        };
        db.EntryRevisions.Add(revision);
        entry.ApprovedRevisionId = revision.Id;
        entry.LatestRevisionNumber = number;
        entry.IsRetired = change == RevisionChange.Retire;
        await db.SaveChangesAsync(Ct);
        return revision.Id;
    }

    /// <summary>Sets a release's gate outcome and state as a completed gate run would (the gate itself is tested apart).</summary>
    public async Task GateAsync(Guid releaseId, GateOutcome outcome)
    {
        await using var db = await DbAsync();
        var release = await db.Releases.FirstAsync(r => r.Id == releaseId, Ct);
        release.State = ReleaseState.Gated;
        release.Gate = outcome;
        release.Version = Guid.NewGuid();
        await db.SaveChangesAsync(Ct);
    }

    public async Task<Guid> BuildAsync(string? notes = null)
    {
        var built = await Run<Core.Features.Releases.BuildCandidate, Result<Core.Features.Releases.BuildCandidate.Built>>(h => h.HandleAsync(Kb, notes, Lead, Ct));
        Assert.True(built.Succeeded, built.Error);
        return built.Value!.ReleaseId;
    }

    /// <summary>Build, gate as passed and promote to Live.</summary>
    public async Task<Guid> ShipAsync()
    {
        var id = await BuildAsync();
        await GateAsync(id, GateOutcome.Passed);
        var promoted = await Run<Core.Features.Releases.PromoteRelease, Result>(h => h.HandleAsync(id, Core.Features.Releases.PromotionTarget.Live, Lead, Ct));
        Assert.True(promoted.Succeeded, promoted.Error);
        return id;
    }

    public async Task<T> ReadAsync<T>(Func<FeedbackDbContext, Task<T>> read)
    {
        await using var db = await DbAsync();
        return await read(db);
    }

    public Task<Release> ReleaseAsync(Guid id) => ReadAsync(db => db.Releases.AsNoTracking().FirstAsync(r => r.Id == id, Ct));

    public Task<Domain.KnowledgeBase> KnowledgeBaseAsync() => ReadAsync(db => db.KnowledgeBases.AsNoTracking().FirstAsync(k => k.Id == Kb, Ct));

    public Task<List<AuditEvent>> AuditAsync(string entityType, string entityId) => ReadAsync(db =>
        db.AuditEvents.AsNoTracking().Where(e => e.EntityType == entityType && e.EntityId == entityId).OrderBy(e => e.Id).ToListAsync(Ct));

    public Task<List<DomainEvent>> DomainEventsAsync() => ReadAsync(db => db.DomainEvents.AsNoTracking().OrderBy(e => e.Id).ToListAsync(Ct));

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();
}
