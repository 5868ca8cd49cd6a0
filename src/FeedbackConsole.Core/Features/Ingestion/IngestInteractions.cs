using System.Globalization;
using System.Text.Json;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Enrichment;
using FeedbackConsole.Core.Options;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FeedbackConsole.Core.Features.Ingestion;

/// <summary>One interaction as sent (API.md, "Interaction"), validated, with its text redacted and its content hash.</summary>
internal sealed record InteractionDraft(
    string Id,
    string? ConversationId,
    string? EndUserId,
    string? EndUserEmail,
    string? UserRole,
    string? TaskType,
    string? Channel,
    string? Locale,
    string? AppVersion,
    TextValue Input,
    TextValue Output,
    string? ModelVersion,
    string? PromptVersion,
    string? KnowledgeBase,
    int? KnowledgeBaseVersion,
    List<string> UsedEntryIds,
    DateTimeOffset OccurredAt,
    MetadataValue? Metadata,
    string ContentHash)
{
    public const int MaxUsedEntryIds = 100;

    public int Redactions => Input.Redactions + Output.Redactions + (Metadata?.Redactions ?? 0);

    /// <summary>Reads one item; null when it is invalid (the reader then holds the errors).</summary>
    public static InteractionDraft? Read(JsonElement item, ItemReader reader)
    {
        var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in item.EnumerateObject())
        {
            if (StrictEnvelope.NameOf(property) is { } name && Known.Contains(name))
            {
                fields[name] = property.Value;
            }
            else
            {
                reader.Unknown(property);
            }
        }

        JsonElement? Field(string name) => fields.TryGetValue(name, out var value) ? value : null;

        var id = reader.Id(Field("id"), "id", required: true);
        var conversationId = reader.Id(Field("conversationId"), "conversationId", required: false);
        var endUserId = reader.Id(Field("endUserId"), "endUserId", required: false);
        var endUserEmail = reader.Email(Field("endUserEmail"), "endUserEmail");
        var userRole = reader.Label(Field("userRole"), "userRole");
        var taskType = reader.Label(Field("taskType"), "taskType");
        var channel = reader.Label(Field("channel"), "channel");
        var locale = reader.Label(Field("locale"), "locale");
        var appVersion = reader.Label(Field("appVersion"), "appVersion");
        var input = reader.Text(Field("input"), "input", required: true, allowEmpty: true);
        var output = reader.Text(Field("output"), "output", required: true, allowEmpty: true);
        var modelVersion = reader.Label(Field("modelVersion"), "modelVersion");
        var promptVersion = reader.Label(Field("promptVersion"), "promptVersion");
        var (knowledgeBase, knowledgeBaseVersion) = ReadKbRelease(Field("kbRelease"), reader);
        var usedEntryIds = ReadUsedEntryIds(Field("usedEntryIds"), reader);
        var occurredAt = reader.Timestamp(Field("occurredAt"), "occurredAt");
        var metadata = reader.Metadata(Field("metadata"), "metadata");

        if (reader.Errors is not null || id is null || input is null || output is null || occurredAt is null)
        {
            return null;
        }

        var draft = new InteractionDraft(id, conversationId, endUserId, endUserEmail, userRole, taskType, channel, locale, appVersion,
            input.Value, output.Value, modelVersion, promptVersion, knowledgeBase, knowledgeBaseVersion, usedEntryIds, occurredAt.Value,
            metadata, "");
        return draft with { ContentHash = draft.Hash() };
    }

    private static readonly HashSet<string> Known = new(StringComparer.Ordinal)
    {
        "id", "conversationId", "endUserId", "endUserEmail", "userRole", "taskType", "channel", "locale", "appVersion",
        "input", "output", "modelVersion", "promptVersion", "kbRelease", "usedEntryIds", "occurredAt", "metadata",
    };

    private static (string? KnowledgeBase, int? Version) ReadKbRelease(JsonElement? element, ItemReader reader)
    {
        if (element is not { } e || e.ValueKind == JsonValueKind.Null)
        {
            return (null, null);
        }

        if (e.ValueKind != JsonValueKind.Object)
        {
            reader.Fail("kbRelease", "Must be a JSON object { \"knowledgeBase\": string, \"version\": integer }.");
            return (null, null);
        }

        JsonElement? knowledgeBase = null, version = null;
        foreach (var property in e.EnumerateObject())
        {
            switch (StrictEnvelope.NameOf(property))
            {
                case "knowledgeBase": knowledgeBase = property.Value; break;
                case "version": version = property.Value; break;
                default:
                    reader.Unknown(property, "kbRelease");
                    break;
            }
        }

        var name = reader.Label(knowledgeBase, "kbRelease.knowledgeBase");
        if (name is null && knowledgeBase is not { ValueKind: not JsonValueKind.Null })
        {
            reader.Fail("kbRelease.knowledgeBase", "Required.");
        }

        return (name, reader.Integer(version, "kbRelease.version", 1, int.MaxValue, required: true));
    }

    private static List<string> ReadUsedEntryIds(JsonElement? element, ItemReader reader)
    {
        var ids = new List<string>();
        if (element is not { } e || e.ValueKind == JsonValueKind.Null)
        {
            return ids;
        }

        if (e.ValueKind != JsonValueKind.Array)
        {
            reader.Fail("usedEntryIds", "Must be an array of strings.");
            return ids;
        }

        if (e.GetArrayLength() > MaxUsedEntryIds)
        {
            reader.Fail("usedEntryIds", $"Must hold at most {MaxUsedEntryIds} ids.");
            return ids;
        }

        var index = 0;
        foreach (var entry in e.EnumerateArray())
        {
            if (reader.Id(entry, $"usedEntryIds[{index}]", required: true) is { } id)
            {
                ids.Add(id);
            }

            index++;
        }

        return ids;
    }

    private string Hash() => CanonicalJson.Hash(w =>
    {
        w.WriteString("id", Id);
        SignalDraft.WriteOptional(w, "conversationId", ConversationId);
        SignalDraft.WriteOptional(w, "endUserId", EndUserId);
        SignalDraft.WriteOptional(w, "endUserEmail", EndUserEmail);
        SignalDraft.WriteOptional(w, "userRole", UserRole);
        SignalDraft.WriteOptional(w, "taskType", TaskType);
        SignalDraft.WriteOptional(w, "channel", Channel);
        SignalDraft.WriteOptional(w, "locale", Locale);
        SignalDraft.WriteOptional(w, "appVersion", AppVersion);
        // Redacted whatever the application's setting (see SignalDraft): no digest of personal data is stored.
        w.WriteString("input", Input.Redacted);
        w.WriteString("output", Output.Redacted);
        SignalDraft.WriteOptional(w, "modelVersion", ModelVersion);
        SignalDraft.WriteOptional(w, "promptVersion", PromptVersion);
        if (KnowledgeBase is not null)
        {
            w.WriteStartObject("kbRelease");
            w.WriteString("knowledgeBase", KnowledgeBase);
            w.WriteNumber("version", KnowledgeBaseVersion!.Value);
            w.WriteEndObject();
        }

        w.WriteStartArray("usedEntryIds");
        foreach (var entry in UsedEntryIds)
        {
            w.WriteStringValue(entry);
        }

        w.WriteEndArray();
        w.WriteString("occurredAt", OccurredAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        if (Metadata is not null)
        {
            w.WritePropertyName("metadata");
            w.WriteRawValue(Metadata.Redacted, skipInputValidation: true);
        }
    });

    public Interaction ToEntity(Guid applicationId, bool redact, DateTimeOffset receivedAt) => new()
    {
        ApplicationId = applicationId,
        ExternalId = Id,
        ConversationId = ConversationId,
        EndUserId = EndUserId,
        EndUserEmail = EndUserEmail,
        UserRole = UserRole,
        TaskType = TaskType,
        Channel = Channel,
        Locale = Locale,
        AppVersion = AppVersion,
        Input = Input.Stored(redact),
        Output = Output.Stored(redact),
        ModelVersion = ModelVersion,
        PromptVersion = PromptVersion,
        KnowledgeBase = KnowledgeBase,
        KnowledgeBaseVersion = KnowledgeBaseVersion,
        UsedEntryIds = [.. UsedEntryIds],
        OccurredAt = OccurredAt,
        ReceivedAt = receivedAt,
        UpdatedAt = receivedAt,
        Metadata = Metadata?.Stored(redact),
        ContentHash = ContentHash,
        RedactionCount = redact ? Redactions : 0,
    };

    /// <summary>True when the fields that never change (everything but output, metadata and usedEntryIds) match a stored turn.</summary>
    public bool SameImmutableFields(Interaction stored, bool redact) =>
        stored.ConversationId == ConversationId && stored.EndUserId == EndUserId && stored.EndUserEmail == EndUserEmail
        && stored.UserRole == UserRole && stored.TaskType == TaskType && stored.Channel == Channel && stored.Locale == Locale
        && stored.AppVersion == AppVersion && stored.ModelVersion == ModelVersion && stored.PromptVersion == PromptVersion
        && stored.KnowledgeBase == KnowledgeBase && stored.KnowledgeBaseVersion == KnowledgeBaseVersion
        && stored.OccurredAt == OccurredAt && stored.Input == Input.Stored(redact);

    /// <summary>Applies the mutable fields (API.md: output, metadata, usedEntryIds) to a stored or pending turn.</summary>
    public void UpdateMutableFields(Interaction stored, bool redact, DateTimeOffset now)
    {
        stored.Output = Output.Stored(redact);
        stored.Metadata = Metadata?.Stored(redact);
        stored.UsedEntryIds = [.. UsedEntryIds];
        stored.ContentHash = ContentHash;
        stored.RedactionCount = redact ? Redactions : 0;
        stored.UpdatedAt = now;
    }
}

/// <summary>
/// <c>POST /api/v1/interactions</c>: an upsert by (application, id). The same id with the same content is a
/// duplicate; with a different output, metadata or usedEntryIds it updates those (an answer that was still
/// streaming, entries retrieved late) and is accepted; with any other field changed it is a conflict (409),
/// because the turn it names has already happened. New interactions link the signals that were waiting for them.
/// </summary>
public sealed class IngestInteractions(
    IDbContextFactory<FeedbackDbContext> contexts,
    IOptionsMonitor<IngestionOptions> options,
    TimeProvider time,
    EnrichmentTrigger enrichment,
    ILogger<IngestInteractions> logger)
{
    public const string ArrayName = "interactions";

    public async Task<IngestOutcome> HandleAsync(Guid applicationId, ReadOnlyMemory<byte> body, CancellationToken cancellationToken = default)
    {
        var batch = IngestionBatch<InteractionDraft>.Read(body, ArrayName, options.CurrentValue, time.GetUtcNow(), InteractionDraft.Read);
        if (batch.Refusal is { } refusal)
        {
            return IngestOutcome.Refused(refusal);
        }

        if (batch.NothingToStore)
        {
            return IngestOutcome.Answered(batch.Rejected!);
        }

        var outcome = await IngestionTransaction.RunAsync(
            contexts, (db, ct) => StoreAsync(db, applicationId, batch.Drafts, batch.Rejected, batch.Now, ct), logger, cancellationToken);
        // Committed: let the enrichment worker turn it into cases now rather than at its next poll.
        enrichment.Notify();
        return outcome;
    }

    private static async Task<IngestOutcome> StoreAsync(
        FeedbackDbContext db, Guid applicationId, InteractionDraft?[] drafts, ItemResult?[] rejected, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var application = await db.Applications.AsNoTracking()
            .Where(a => a.Id == applicationId)
            .Select(a => new { a.RedactPii, a.ArchivedAt })
            .FirstOrDefaultAsync(cancellationToken);
        if (application is null || application.ArchivedAt is not null)
        {
            return IngestOutcome.Refused(IngestSignals.ApplicationClosed);
        }

        var redact = application.RedactPii;
        var valid = drafts.OfType<InteractionDraft>().ToList();
        var ids = valid.Select(d => d.Id).Distinct().ToList();
        await IngestionTransaction.LockInteractionIdsAsync(db, applicationId, ids, cancellationToken);

        var hashes = await db.Interactions.AsNoTracking()
            .Where(x => x.ApplicationId == applicationId && EF.Parameter(ids).Contains(x.ExternalId))
            .Select(x => new { x.ExternalId, x.ContentHash })
            .ToDictionaryAsync(x => x.ExternalId, x => x.ContentHash, StringComparer.Ordinal, cancellationToken);

        // Stored turns that some item would change: loaded whole (and tracked) in one query, to compare and update.
        var changing = valid.Where(d => hashes.TryGetValue(d.Id, out var hash) && hash != d.ContentHash).Select(d => d.Id).Distinct().ToList();
        var turns = changing.Count == 0
            ? new Dictionary<string, Interaction>(StringComparer.Ordinal)
            : await db.Interactions
                .Where(x => x.ApplicationId == applicationId && EF.Parameter(changing).Contains(x.ExternalId))
                .ToDictionaryAsync(x => x.ExternalId, StringComparer.Ordinal, cancellationToken);

        var results = new ItemResult[drafts.Length];
        var fresh = new List<Interaction>();
        var updated = false;
        for (var i = 0; i < drafts.Length; i++)
        {
            if (drafts[i] is not { } draft)
            {
                results[i] = rejected[i]!;
                continue;
            }

            if (!hashes.TryGetValue(draft.Id, out var hash))
            {
                var entity = draft.ToEntity(applicationId, redact, now);
                fresh.Add(entity);
                turns[draft.Id] = entity;
                hashes[draft.Id] = draft.ContentHash;
                results[i] = new ItemResult(draft.Id, ItemStatus.Accepted, null);
            }
            else if (hash == draft.ContentHash)
            {
                results[i] = new ItemResult(draft.Id, ItemStatus.Duplicate, null);
            }
            else if (draft.SameImmutableFields(turns[draft.Id], redact))
            {
                draft.UpdateMutableFields(turns[draft.Id], redact, now);
                hashes[draft.Id] = draft.ContentHash;
                updated = true;
                results[i] = new ItemResult(draft.Id, ItemStatus.Accepted, null);
            }
            else
            {
                results[i] = new ItemResult(draft.Id, ItemStatus.Rejected, ItemProblem.Conflict(
                    $"An interaction with id '{draft.Id}' is already stored with different content. Only output, metadata and " +
                    "usedEntryIds may change when it is sent again; send a new id for a new turn."));
            }
        }

        if (fresh.Count == 0 && !updated)
        {
            return IngestOutcome.Answered(results);
        }

        await BulkInsert.InsertAsync(db, fresh, cancellationToken);
        if (updated)
        {
            db.ChangeTracker.DetectChanges();
            await db.SaveChangesAsync(cancellationToken);
        }

        if (fresh.Count > 0)
        {
            // Signals that arrived before their interaction wait with its external id; link them now. Those whose
            // end user is the interaction's are found through it from now on (Signal.EndUserUnmatched).
            var freshIds = fresh.Select(x => x.ExternalId).ToList();
            await db.Signals
                .Where(s => s.ApplicationId == applicationId && s.InteractionId == null && EF.Parameter(freshIds).Contains(s.InteractionExternalId))
                .ExecuteUpdateAsync(
                    setter => setter
                        .SetProperty(
                            s => s.InteractionId,
                            s => db.Interactions
                                .Where(x => x.ApplicationId == s.ApplicationId && x.ExternalId == s.InteractionExternalId)
                                .Select(x => (long?)x.Id)
                                .FirstOrDefault())
                        .SetProperty(
                            s => s.EndUserUnmatched,
                            s => s.EndUserId != null && !db.Interactions.Any(
                                x => x.ApplicationId == s.ApplicationId && x.ExternalId == s.InteractionExternalId && x.EndUserId == s.EndUserId)),
                    cancellationToken);
        }

        return IngestOutcome.Answered(results);
    }
}
