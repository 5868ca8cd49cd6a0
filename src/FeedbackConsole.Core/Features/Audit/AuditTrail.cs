using System.Globalization;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Audit;

/// <summary>Who made a decision. <see cref="System"/> for the product's own (enrichment, expired claims, bootstrap).</summary>
public sealed record AuditActor(string? Id, string Name)
{
    public static readonly AuditActor System = new(null, "system");

    /// <summary>The person with this user id as the trail names them (their e-mail); <see cref="System"/> for null.</summary>
    public static async Task<AuditActor> OfUserAsync(FeedbackDbContext db, string? userId, CancellationToken cancellationToken = default)
    {
        if (userId is null)
        {
            return System;
        }

        var email = await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => u.Email).FirstOrDefaultAsync(cancellationToken);
        return new AuditActor(userId, email ?? userId);
    }
}

/// <summary>
/// One decision to record. <paramref name="Before"/> and <paramref name="After"/> hold only the fields that
/// changed (any object; serialized as JSON with camelCase names).
/// </summary>
public sealed record AuditEntry(
    string Action,
    string EntityType,
    string EntityId,
    Guid? ApplicationId = null,
    object? Before = null,
    object? After = null,
    string? Reason = null);

/// <summary>
/// The append-only, hash-chained audit trail (DESIGN.md, "Audit event"). Events are appended inside the
/// transaction of the decision they record, so a decision and its record commit or fail together.
/// </summary>
/// <remarks>
/// The chain is one sequence for the whole database: appends are serialized by the writer lock on SQLite
/// (every transaction here is BEGIN IMMEDIATE) and by a transaction-scoped advisory lock on PostgreSQL, then
/// read the head and continue it. Times are truncated to milliseconds before hashing, so that what a
/// provider stores (PostgreSQL keeps microseconds) re-hashes to the same value.
/// </remarks>
public sealed class AuditTrail(TimeProvider time)
{
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    // Namespace of the audit chain's advisory lock (two-key form), apart from ingestion's.
    private const int AdvisoryLockNamespace = 0x46430002;

    // Relaxed escaping keeps "Café" and "O'Reilly" as written, so the audit page's text search finds them;
    // the JSON is only ever parsed or shown as text, never embedded in HTML or script.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Appends one event to the chain in <paramref name="db"/>'s open transaction; saved with the caller's SaveChanges.</summary>
    public async Task<AuditEvent> RecordAsync(FeedbackDbContext db, AuditActor actor, AuditEntry entry, CancellationToken cancellationToken = default) =>
        (await RecordManyAsync(db, actor, [entry], cancellationToken))[0];

    /// <summary>Appends events in order to the chain in <paramref name="db"/>'s open transaction (a bulk action's one event per case).</summary>
    public async Task<IReadOnlyList<AuditEvent>> RecordManyAsync(
        FeedbackDbContext db, AuditActor actor, IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken = default)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("Audit events are appended inside the transaction of the decision they record; begin one first.");
        }

        if (db is PostgresFeedbackDbContext)
        {
            await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock({0}, 0)", [AdvisoryLockNamespace], cancellationToken);
        }

        // The head is the latest pending event of this context if there is one, else the latest stored.
        var pending = db.ChangeTracker.Entries<AuditEvent>()
            .Where(e => e.State == EntityState.Added)
            .Select(e => e.Entity)
            .OrderByDescending(e => e.Id)
            .FirstOrDefault();
        var head = pending is not null
            ? (pending.Id, pending.Hash)
            : await db.AuditEvents.AsNoTracking()
                .OrderByDescending(e => e.Id)
                .Select(e => new ValueTuple<long, string>(e.Id, e.Hash))
                .FirstOrDefaultAsync(cancellationToken);
        var (lastId, lastHash) = head == default ? (0L, GenesisHash) : head;

        var now = Truncate(time.GetUtcNow());
        var events = new List<AuditEvent>(entries.Count);
        foreach (var entry in entries)
        {
            var audit = new AuditEvent
            {
                Id = ++lastId,
                OccurredAt = now,
                ActorId = actor.Id,
                ActorName = actor.Name,
                Action = entry.Action,
                EntityType = entry.EntityType,
                EntityId = entry.EntityId,
                ApplicationId = entry.ApplicationId,
                Before = entry.Before is null ? null : JsonSerializer.Serialize(entry.Before, Json),
                After = entry.After is null ? null : JsonSerializer.Serialize(entry.After, Json),
                Reason = entry.Reason,
                PreviousHash = lastHash,
            };
            audit.Hash = ComputeHash(audit);
            lastHash = audit.Hash;
            events.Add(audit);
        }

        db.AuditEvents.AddRange(events);
        return events;
    }

    /// <summary>Hex SHA-256 over the event's canonical content, its position and the previous event's hash.</summary>
    public static string ComputeHash(AuditEvent audit)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartArray();
            w.WriteNumberValue(audit.Id);
            w.WriteStringValue(Truncate(audit.OccurredAt).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
            w.WriteStringValue(audit.ActorId);
            w.WriteStringValue(audit.ActorName);
            w.WriteStringValue(audit.Action);
            w.WriteStringValue(audit.EntityType);
            w.WriteStringValue(audit.EntityId);
            w.WriteStringValue(audit.ApplicationId?.ToString("D"));
            w.WriteStringValue(audit.Before);
            w.WriteStringValue(audit.After);
            w.WriteStringValue(audit.Reason);
            w.WriteStringValue(audit.PreviousHash);
            w.WriteEndArray();
        }

        return Convert.ToHexStringLower(SHA256.HashData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)));
    }

    private static DateTimeOffset Truncate(DateTimeOffset value)
    {
        var utc = value.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
    }
}
