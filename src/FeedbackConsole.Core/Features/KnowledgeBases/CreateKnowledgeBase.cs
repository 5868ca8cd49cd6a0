using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.KnowledgeBases;

/// <summary>A lead creates a knowledge base (facts, examples or guards) for one application, under a key unique in it.</summary>
public sealed class CreateKnowledgeBase(IDbContextFactory<FeedbackDbContext> contexts, AuditTrail audit, TimeProvider time)
{
    public sealed class Request
    {
        public Guid ApplicationId { get; set; }

        public string Key { get; set; } = "";

        public string Name { get; set; } = "";

        public KnowledgeBaseKind Kind { get; set; }

        public string? Description { get; set; }

        public GateThresholds Gate { get; set; } = new();
    }

    /// <summary>The new knowledge base's id.</summary>
    public async Task<Result<Guid>> HandleAsync(Request request, string actingUserId, CancellationToken cancellationToken = default)
    {
        var key = (request.Key ?? "").Trim();
        var name = (request.Name ?? "").Trim();
        var description = string.IsNullOrWhiteSpace(request.Description) ? null : request.Description.Trim();
        if (Check(key, name, description, request.Gate) is { } invalid)
        {
            return Result<Guid>.Fail(invalid);
        }

        if (!Enum.IsDefined(request.Kind))
        {
            return Result<Guid>.Fail("Choose what the knowledge base holds: facts, examples or guard rules.");
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (!await KnowledgeBaseRules.IsLeadAsync(db, actingUserId, cancellationToken))
        {
            return Result<Guid>.Fail("Only a lead or an admin can create knowledge bases.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var application = await db.Applications.AsNoTracking().Where(a => a.Id == request.ApplicationId)
            .Select(a => new { a.Name, a.ArchivedAt }).FirstOrDefaultAsync(cancellationToken);
        if (application is null)
        {
            return Result<Guid>.Fail("Choose the application the knowledge base belongs to.");
        }

        if (application.ArchivedAt is not null)
        {
            return Result<Guid>.Fail($"“{application.Name}” is archived: unarchive it before adding knowledge bases.");
        }

        if (await db.KnowledgeBases.AnyAsync(k => k.ApplicationId == request.ApplicationId && k.Key == key, cancellationToken))
        {
            return Result<Guid>.Fail(Taken(key, application.Name));
        }

        var now = time.GetUtcNow();
        var gate = request.Gate;
        var kb = new KnowledgeBase
        {
            Id = Guid.NewGuid(), ApplicationId = request.ApplicationId, Key = key, Name = name, Kind = request.Kind, Description = description,
            GateK = gate.GateK, MinRecallAtK = gate.MinRecallAtK, MinMrr = gate.MinMrr, MinPassRate = gate.MinPassRate, MaxRegressions = gate.MaxRegressions,
            CreatedAt = now, UpdatedAt = now, Version = Guid.NewGuid(),
        };
        db.KnowledgeBases.Add(kb);
        await audit.RecordAsync(db, await AuditActor.OfUserAsync(db, actingUserId, cancellationToken),
            new AuditEntry(KnowledgeBaseRules.Created, KnowledgeBaseRules.KnowledgeBaseEntity, KnowledgeBaseRules.Id(kb.Id), kb.ApplicationId,
                After: new { key, name, kind = kb.Kind.ToString(), description, gateK = kb.GateK, kb.MinRecallAtK, kb.MinMrr, kb.MinPassRate, kb.MaxRegressions }),
            cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Someone created the same key a moment ago; the unique index caught it.
            return Result<Guid>.Fail(Taken(key, application.Name));
        }

        return Result<Guid>.Ok(kb.Id);
    }

    internal static string? Check(string key, string name, string? description, GateThresholds gate)
    {
        if (key.Length == 0)
        {
            return "Enter a key: the short name apps use in the API, e.g. “support-facts”.";
        }

        if (!KnowledgeBaseRules.KeyPattern().IsMatch(key))
        {
            return "A key is 2 to 63 lower-case letters, digits or hyphens, starting with a letter or digit (e.g. “support-facts”).";
        }

        return CheckDetails(name, description) ?? gate.Validate();
    }

    internal static string? CheckDetails(string name, string? description)
    {
        if (name.Length == 0)
        {
            return "Enter a name for the knowledge base.";
        }

        if (name.Length > KnowledgeBaseRules.NameMaxLength)
        {
            return $"Keep the name to {KnowledgeBaseRules.NameMaxLength} characters or fewer.";
        }

        return description is { Length: > KnowledgeBaseRules.DescriptionMaxLength }
            ? $"Keep the description to {KnowledgeBaseRules.DescriptionMaxLength:N0} characters or fewer."
            : null;
    }

    private static string Taken(string key, string application) =>
        $"“{application}” already has a knowledge base with the key “{key}”. Choose another key.";
}
