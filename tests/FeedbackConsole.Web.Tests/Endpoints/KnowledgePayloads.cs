using System.Net;
using System.Text.Json;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.KnowledgeBases.Runtime;
using FeedbackConsole.Tests.Shared.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FeedbackConsole.Web.Tests.Endpoints;

/// <summary>One entry's content for a seeded release.</summary>
internal sealed record KnowledgeSeedEntry(
    string Title, string Content, string? Input = null, string? TaskType = null, GuardRuleType? GuardType = null, string? GuardMessage = null);

/// <summary>A seeded release: its id, number and, per seeded entry in order, the entry id.</summary>
internal sealed record SeededKnowledgeRelease(Guid Id, int Number, IReadOnlyList<Guid> EntryIds);

/// <summary>
/// Knowledge bases and releases written straight to the database as the release workflow leaves them (approved
/// revisions, a Live or Shadow release, the knowledge base's pointer moved), and the API's answers as a client reads them.
/// </summary>
internal static class KnowledgePayloads
{
    public const string GuardsCheck = "/api/v1/guards/check";

    public static string Search(string kb, string query) => $"/api/v1/knowledge-bases/{kb}/search?q={Uri.EscapeDataString(query)}";

    public static string Examples(string kb, string query) => $"/api/v1/knowledge-bases/{kb}/examples?q={Uri.EscapeDataString(query)}";

    public static async Task<Guid> CreateKnowledgeBaseAsync(this ConsoleAppFactory app, Guid applicationId, string key, KnowledgeBaseKind kind)
    {
        var id = Guid.NewGuid();
        await app.WithDbAsync(async db =>
        {
            db.KnowledgeBases.Add(new KnowledgeBase
            {
                Id = id, ApplicationId = applicationId, Key = key, Name = key, Kind = kind,
                CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow, Version = Guid.NewGuid(),
            });
            await db.SaveChangesAsync();
        });
        return id;
    }

    /// <summary>
    /// A release of new entries — or, for the first <paramref name="revise"/>.Count entries, new revisions of those
    /// entries — made Live (the previous Live becomes Superseded) or Shadow. Like a promotion on this instance, it
    /// invalidates the app's release lookup, unless <paramref name="invalidate"/> is false (a promotion on another
    /// instance, which this one learns of only when its lookup expires).
    /// </summary>
    public static async Task<SeededKnowledgeRelease> CreateReleaseAsync(
        this ConsoleAppFactory app, Guid knowledgeBaseId, IReadOnlyList<KnowledgeSeedEntry> entries, ReleaseState state = ReleaseState.Live,
        IReadOnlyList<Guid>? revise = null, bool invalidate = true)
    {
        SeededKnowledgeRelease? result = null;
        await app.WithDbAsync(async db =>
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
                if (revise is not null && i < revise.Count)
                {
                    entry = await db.KnowledgeEntries.SingleAsync(e => e.Id == revise[i]);
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
                    (await db.Releases.SingleAsync(r => r.Id == previous)).State = ReleaseState.Superseded;
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
            result = new SeededKnowledgeRelease(release.Id, number, entryIds);
        });
        if (invalidate)
        {
            // As a promotion does: the host's start-up warm-up may already have read the knowledge base's previous Live.
            app.Services.GetRequiredService<ReleaseIndexCache>().Invalidate(knowledgeBaseId);
        }

        return result!;
    }

    /// <summary>Asserts a 200 JSON answer and returns its body.</summary>
    public static async Task<JsonElement> OkJsonAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Expected 200, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(body);
        return document.RootElement.Clone();
    }

    public static string GuardBody(string knowledgeBase, string output, string? taskType = null, string? release = null) =>
        JsonSerializer.Serialize(new Dictionary<string, object?> { ["knowledgeBase"] = knowledgeBase, ["output"] = output, ["taskType"] = taskType, ["release"] = release }
            .Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value));
}
