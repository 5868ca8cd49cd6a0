using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Tests.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using KnowledgeBaseRow = FeedbackConsole.Core.Domain.KnowledgeBase;

namespace FeedbackConsole.Core.Tests.Features.KnowledgeBases.Runtime;

/// <summary>One entry's content for a seeded release.</summary>
internal sealed record SeedEntry(string Title, string Content, string? Input = null, string? TaskType = null, GuardRuleType? GuardType = null, string? GuardMessage = null);

/// <summary>A seeded release: its id and, per seeded entry in order, the entry id.</summary>
internal sealed record SeededRelease(Guid Id, int Number, IReadOnlyList<Guid> EntryIds);

/// <summary>
/// Knowledge bases, approved revisions and releases written straight to the database, as the release workflow (another
/// room) leaves them: the run-time API only reads them.
/// </summary>
internal static class RuntimeSeed
{
    public static async Task<Guid> ApplicationAsync(CoreHost host, string name = "Support bot")
    {
        var id = Guid.NewGuid();
        await WithDbAsync(host, async db =>
        {
            db.Applications.Add(new Application { Id = id, Name = name, CreatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        });
        return id;
    }

    public static async Task<Guid> KnowledgeBaseAsync(CoreHost host, Guid applicationId, string key, KnowledgeBaseKind kind)
    {
        var id = Guid.NewGuid();
        await WithDbAsync(host, async db =>
        {
            db.KnowledgeBases.Add(new KnowledgeBaseRow
            {
                Id = id, ApplicationId = applicationId, Key = key, Name = key, Kind = kind,
                CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow, Version = Guid.NewGuid(),
            });
            await db.SaveChangesAsync();
        });
        return id;
    }

    /// <summary>
    /// A release of new entries (or new revisions of <paramref name="reuse"/>'s entries, same order) made Live or
    /// Shadow; the knowledge base's pointer is moved and a Live release it replaces becomes Superseded.
    /// </summary>
    public static async Task<SeededRelease> ReleaseAsync(
        CoreHost host, Guid knowledgeBaseId, IReadOnlyList<SeedEntry> entries, ReleaseState state = ReleaseState.Live, IReadOnlyList<Guid>? reuse = null)
    {
        SeededRelease? result = null;
        await WithDbAsync(host, async db =>
        {
            var kb = await db.KnowledgeBases.SingleAsync(k => k.Id == knowledgeBaseId);
            var number = await db.Releases.CountAsync(r => r.KnowledgeBaseId == knowledgeBaseId) + 1;
            var release = new Release
            {
                Id = Guid.NewGuid(), KnowledgeBaseId = knowledgeBaseId, Number = number, State = state, CreatedById = "seed",
                CreatedAt = DateTimeOffset.UtcNow, EntryCount = entries.Count, Version = Guid.NewGuid(),
            };
            db.Releases.Add(release);
            var entryIds = new List<Guid>();
            for (var i = 0; i < entries.Count; i++)
            {
                var seed = entries[i];
                KnowledgeEntry entry;
                if (reuse is not null && i < reuse.Count)
                {
                    entry = await db.KnowledgeEntries.SingleAsync(e => e.Id == reuse[i]);
                }
                else
                {
                    entry = new KnowledgeEntry { Id = Guid.NewGuid(), KnowledgeBaseId = knowledgeBaseId, CreatedById = "seed", CreatedAt = DateTimeOffset.UtcNow };
                    db.KnowledgeEntries.Add(entry);
                }

                entry.LatestRevisionNumber++;
                entry.Title = seed.Title;
                entry.UpdatedAt = DateTimeOffset.UtcNow;
                var revision = new EntryRevision
                {
                    Id = Guid.NewGuid(), EntryId = entry.Id, KnowledgeBaseId = knowledgeBaseId, Number = entry.LatestRevisionNumber,
                    Change = entry.LatestRevisionNumber == 1 ? RevisionChange.Create : RevisionChange.Update, State = RevisionState.Approved,
                    Title = seed.Title, Content = seed.Content, Input = seed.Input, TaskType = seed.TaskType, GuardType = seed.GuardType,
                    GuardMessage = seed.GuardMessage, AuthorId = "author", ReviewerId = "reviewer", CreatedAt = DateTimeOffset.UtcNow, ReviewedAt = DateTimeOffset.UtcNow,
                };
                db.EntryRevisions.Add(revision);
                entry.ApprovedRevisionId = revision.Id;
                db.ReleaseEntries.Add(new ReleaseEntry { ReleaseId = release.Id, EntryId = entry.Id, RevisionId = revision.Id });
                entryIds.Add(entry.Id);
            }

            if (state == ReleaseState.Live)
            {
                if (kb.LiveReleaseId is { } previous)
                {
                    var old = await db.Releases.SingleAsync(r => r.Id == previous);
                    old.State = ReleaseState.Superseded;
                }

                kb.LiveReleaseId = release.Id;
                release.LiveAt = DateTimeOffset.UtcNow;
            }
            else if (state == ReleaseState.Shadow)
            {
                kb.ShadowReleaseId = release.Id;
                release.ShadowAt = DateTimeOffset.UtcNow;
            }

            await db.SaveChangesAsync();
            result = new SeededRelease(release.Id, number, entryIds);
        });
        return result!;
    }

    public static async Task WithDbAsync(CoreHost host, Func<FeedbackDbContext, Task> work)
    {
        await using var db = await host.Services.GetRequiredService<IDbContextFactory<FeedbackDbContext>>().CreateDbContextAsync();
        await work(db);
    }

    public static async Task<T> QueryAsync<T>(CoreHost host, Func<FeedbackDbContext, Task<T>> query)
    {
        await using var db = await host.Services.GetRequiredService<IDbContextFactory<FeedbackDbContext>>().CreateDbContextAsync();
        return await query(db);
    }
}

/// <summary>A clock the test moves by hand.</summary>
internal sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
