using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Enrichment;
using FeedbackConsole.Core.Options;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FeedbackConsole.Core.Features.Ingestion;

/// <summary>One signal as sent (API.md, "Signal"), validated, with its text redacted and its content hash.</summary>
internal sealed record SignalDraft(
    string Id,
    string InteractionId,
    string? EndUserId,
    SignalKind Kind,
    bool? ThumbUp,
    int? Rating,
    int? DwellMilliseconds,
    string? Dimension,
    FlagCategory? Flag,
    TextValue? Text,
    DateTimeOffset OccurredAt,
    MetadataValue? Metadata,
    string ContentHash)
{
    public const int MaxDimensionLength = 100;

    /// <summary>The id prefix of derived signals (regenerated N times, short dwell then abandon, reformulated).</summary>
    public const string DerivedIdPrefix = "derived:";
    public const int MaxDwellMilliseconds = 86_400_000;

    private static readonly Dictionary<string, SignalKind> Kinds = new(StringComparer.Ordinal)
    {
        ["thumb"] = SignalKind.Thumb,
        ["rating"] = SignalKind.Rating,
        ["flag"] = SignalKind.Flag,
        ["comment"] = SignalKind.Comment,
        ["correction"] = SignalKind.Correction,
        ["rejection"] = SignalKind.Rejection,
        ["reformulation"] = SignalKind.Reformulation,
        ["copy"] = SignalKind.Copy,
        ["dwell"] = SignalKind.Dwell,
        ["regenerate"] = SignalKind.Regenerate,
        ["abandon"] = SignalKind.Abandon,
    };

    public int Redactions => (Text?.Redactions ?? 0) + (Metadata?.Redactions ?? 0);

    /// <summary>Reads one item; null when it is invalid (the reader then holds the errors).</summary>
    public static SignalDraft? Read(JsonElement item, ItemReader reader)
    {
        JsonElement? id = null, interactionId = null, endUserId = null, kind = null, value = null, dimension = null,
            flag = null, text = null, occurredAt = null, metadata = null;
        foreach (var property in item.EnumerateObject())
        {
            switch (StrictEnvelope.NameOf(property))
            {
                case "id": id = property.Value; break;
                case "interactionId": interactionId = property.Value; break;
                case "endUserId": endUserId = property.Value; break;
                case "kind": kind = property.Value; break;
                case "value": value = property.Value; break;
                case "dimension": dimension = property.Value; break;
                case "flag": flag = property.Value; break;
                case "text": text = property.Value; break;
                case "occurredAt": occurredAt = property.Value; break;
                case "metadata": metadata = property.Value; break;
                default: reader.Unknown(property); break;
            }
        }

        var draftId = reader.Id(id, "id", required: true);
        if (draftId is not null && draftId.StartsWith(DerivedIdPrefix, StringComparison.Ordinal))
        {
            // Derived signals share the application's id space; a client id there could block or impersonate one.
            reader.Fail("id", $"Ids starting with '{DerivedIdPrefix}' are reserved for the signals FeedbackConsole derives itself; choose another id.");
            draftId = null;
        }

        var draftInteraction = reader.Id(interactionId, "interactionId", required: true);
        var draftEndUser = reader.Id(endUserId, "endUserId", required: false);
        var when = reader.Timestamp(occurredAt, "occurredAt");
        var meta = reader.Metadata(metadata, "metadata");

        var kindName = reader.String(kind, "kind", required: true);
        SignalKind? draftKind = null;
        if (kindName is not null)
        {
            if (Kinds.TryGetValue(kindName, out var known))
            {
                draftKind = known;
            }
            else
            {
                reader.Fail("kind", "Must be one of " + string.Join(", ", Kinds.Keys) + ".");
            }
        }

        bool? thumbUp = null;
        int? rating = null, dwell = null;
        string? draftDimension = null;
        FlagCategory? draftFlag = null;
        TextValue? draftText = null;
        if (draftKind is { } k)
        {
            switch (k)
            {
                case SignalKind.Thumb:
                    var thumb = reader.String(value, "value", required: true);
                    if (thumb is "up" or "down")
                    {
                        thumbUp = thumb == "up";
                    }
                    else if (thumb is not null)
                    {
                        reader.Fail("value", "Must be \"up\" or \"down\" for a thumb.");
                    }

                    break;
                case SignalKind.Rating:
                    rating = reader.Integer(value, "value", 1, 5, required: true);
                    break;
                case SignalKind.Dwell:
                    dwell = reader.Integer(value, "value", 0, MaxDwellMilliseconds, required: true);
                    break;
                default:
                    NotUsed(reader, value, "value", k);
                    break;
            }

            if (k == SignalKind.Rating)
            {
                draftDimension = reader.Label(dimension, "dimension", MaxDimensionLength);
                if (dimension is null || dimension.Value.ValueKind == JsonValueKind.Null)
                {
                    reader.Fail("dimension", "Required for a rating: accuracy, tone, relevance, helpfulness or a name of your own.");
                }
            }
            else
            {
                NotUsed(reader, dimension, "dimension", k);
            }

            if (k == SignalKind.Flag)
            {
                var flagName = reader.String(flag, "flag", required: true);
                if (flagName is "safety" or "compliance")
                {
                    draftFlag = flagName == "safety" ? FlagCategory.Safety : FlagCategory.Compliance;
                }
                else if (flagName is not null)
                {
                    reader.Fail("flag", "Must be \"safety\" or \"compliance\".");
                }
            }
            else
            {
                NotUsed(reader, flag, "flag", k);
            }

            // Text is what comments, corrections and reformulations are; a rejection or a flag may give a reason.
            if (k is SignalKind.Comment or SignalKind.Correction or SignalKind.Reformulation or SignalKind.Rejection or SignalKind.Flag)
            {
                var required = k is not (SignalKind.Rejection or SignalKind.Flag);
                draftText = reader.Text(text, "text", required, allowEmpty: !required);
            }
            else
            {
                NotUsed(reader, text, "text", k);
            }
        }

        if (reader.Errors is not null || draftId is null || draftInteraction is null || draftKind is null || when is null)
        {
            return null;
        }

        var hash = CanonicalJson.Hash(w =>
        {
            w.WriteString("id", draftId);
            w.WriteString("interactionId", draftInteraction);
            WriteOptional(w, "endUserId", draftEndUser);
            w.WriteString("kind", kindName);
            if (thumbUp is { } up)
            {
                w.WriteString("value", up ? "up" : "down");
            }
            else if ((rating ?? dwell) is { } number)
            {
                w.WriteNumber("value", number);
            }

            WriteOptional(w, "dimension", draftDimension);
            WriteOptional(w, "flag", draftFlag?.ToString());
            // The hash covers the redacted text, whatever the application's setting: no digest of personal
            // data is stored, and toggling redaction does not turn a client's retry into a conflict.
            WriteOptional(w, "text", draftText?.Redacted);
            w.WriteString("occurredAt", when.Value.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            if (meta is not null)
            {
                w.WritePropertyName("metadata");
                w.WriteRawValue(meta.Redacted, skipInputValidation: true);
            }
        });

        return new SignalDraft(draftId, draftInteraction, draftEndUser, draftKind.Value, thumbUp, rating, dwell, draftDimension,
            draftFlag, draftText, when.Value, meta, hash);
    }

    /// <summary>The row to store; <paramref name="interaction"/> is the stored interaction (its id and end user), if any.</summary>
    public Signal ToEntity(Guid applicationId, bool redact, DateTimeOffset receivedAt, (long Id, string? EndUserId)? interaction) => new()
    {
        ApplicationId = applicationId,
        ExternalId = Id,
        InteractionExternalId = InteractionId,
        InteractionId = interaction?.Id,
        EndUserId = EndUserId,
        EndUserUnmatched = EndUserId is not null && (interaction is not { } stored || !string.Equals(stored.EndUserId, EndUserId, StringComparison.Ordinal)),
        Kind = Kind,
        ThumbUp = ThumbUp,
        Rating = Rating,
        DwellMilliseconds = DwellMilliseconds,
        Dimension = Dimension,
        Flag = Flag,
        Text = Text?.Stored(redact),
        OccurredAt = OccurredAt,
        ReceivedAt = receivedAt,
        Metadata = Metadata?.Stored(redact),
        ContentHash = ContentHash,
        RedactionCount = redact ? Redactions : 0,
    };

    private static void NotUsed(ItemReader reader, JsonElement? element, string field, SignalKind kind)
    {
        if (element is { ValueKind: not JsonValueKind.Null })
        {
            reader.Fail(field, $"Is not used by a {kind.ToString().ToLowerInvariant()} signal; leave it out.");
        }
    }

    internal static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }
}

/// <summary>
/// <c>POST /api/v1/signals</c>: validates each signal, stores the new ones and answers one result per item.
/// Idempotent on the client's ids: the same id with the same content is a duplicate, with other content a
/// conflict (a signal is an event and never changes). A signal whose interaction is not stored yet keeps the
/// interaction's id and is linked when the interaction arrives.
/// </summary>
/// <remarks>
/// Group commit: requests are parsed, validated and redacted on their own threads, then queued; one writer
/// at a time takes everything queued and stores it in one transaction, and each request is answered after
/// that commit. Under load, many small requests share one transaction (and one fsync) instead of queueing
/// for the single SQLite writer one by one; alone, a request is written at once. A unit that breaks its group
/// (anything but a busy database) is retried alone, so one bad request cannot fail the others.
/// </remarks>
public sealed partial class IngestSignals(
    IDbContextFactory<FeedbackDbContext> contexts,
    IOptionsMonitor<IngestionOptions> options,
    TimeProvider time,
    EnrichmentTrigger enrichment,
    ILogger<IngestSignals> logger)
{
    public const string ArrayName = "signals";

    // Signals per group transaction: big enough to amortize a commit, small enough to answer quickly.
    private const int MaxSignalsPerGroup = 2_000;

    /// <summary>Metrics of the group commit (meter <c>FeedbackConsole.Ingestion</c>), for dotnet-counters or OpenTelemetry.</summary>
    public static readonly Meter Meter = new("FeedbackConsole.Ingestion");

    private static readonly Histogram<int> GroupRequests = Meter.CreateHistogram<int>(
        "feedbackconsole.ingest.group.requests", "{request}", "Signal requests stored together in one group transaction.");

    private static readonly Histogram<double> GroupDuration = Meter.CreateHistogram<double>(
        "feedbackconsole.ingest.group.duration", "ms", "Time to store one group, transaction included.");

    // Group commit gathers for at most this long when the last group was large and fewer requests wait now.
    private static readonly TimeSpan GatherWindow = TimeSpan.FromMilliseconds(1);

    // A group of at least this many requests means many clients are sending: worth gathering for the next one.
    private const int GatherAfterGroupOf = 8;

    private readonly ConcurrentQueue<PendingWrite> _pending = new();
    private int _writing;

    // Requests queued and not yet taken by the writer (ConcurrentQueue.Count is not cheap under contention).
    private int _queued;

    // While the writer gathers: the queue length that ends the wait early, and the signal for it.
    private int _gatherTarget = int.MaxValue;
    private TaskCompletionSource? _gathered;

    /// <summary>Requests waiting for the writer to take them into a group (tests).</summary>
    internal int QueuedRequests => Volatile.Read(ref _queued);

    public async Task<IngestOutcome> HandleAsync(Guid applicationId, ReadOnlyMemory<byte> body, CancellationToken cancellationToken = default)
    {
        var batch = IngestionBatch<SignalDraft>.Read(body, ArrayName, options.CurrentValue, time.GetUtcNow(), SignalDraft.Read);
        if (batch.Refusal is { } refusal)
        {
            return IngestOutcome.Refused(refusal);
        }

        if (batch.NothingToStore)
        {
            return IngestOutcome.Answered(batch.Rejected!);
        }

        // Not cancelled with the request: once queued, the unit shares a transaction with others. A client
        // that went away retries with the same ids and is answered "duplicate".
        var write = new PendingWrite(applicationId, batch.Drafts, batch.Rejected, batch.Now);
        _pending.Enqueue(write);
        if (Interlocked.Increment(ref _queued) >= Volatile.Read(ref _gatherTarget))
        {
            Volatile.Read(ref _gathered)?.TrySetResult();
        }

        StartWriterIfIdle();
        return await write.Done.Task.WaitAsync(cancellationToken);
    }

    private void StartWriterIfIdle()
    {
        if (Interlocked.CompareExchange(ref _writing, 1, 0) == 0)
        {
            _ = Task.Run(WriteQueuedAsync, CancellationToken.None);
        }
    }

    private async Task WriteQueuedAsync()
    {
        var lastGroup = 0;
        while (true)
        {
            // The clients of a large group answered a moment ago send their next requests now. Taking the one or
            // two already queued would spend a whole transaction on them (at 32 connections half the groups were a
            // single request); a moment's wait lets the others join, as PostgreSQL's commit_delay does. The wait ends
            // as soon as three quarters of the last group are queued again: a plain 1 ms delay lasted 1–2.5 ms here
            // and left the writer idle over half the time (in process, 32 clients: 7.3k → 12.9k requests/s).
            if (lastGroup >= GatherAfterGroupOf)
            {
                await GatherAsync(lastGroup * 3 / 4);
            }

            var group = new List<PendingWrite>();
            var signals = 0;
            while (signals < MaxSignalsPerGroup && _pending.TryDequeue(out var write))
            {
                Interlocked.Decrement(ref _queued);
                group.Add(write);
                signals += write.Drafts.Length;
            }

            if (group.Count > 0)
            {
                lastGroup = group.Count;
                await WriteGroupAsync(group);
                continue;
            }

            Volatile.Write(ref _writing, 0);
            // A request queued between the last dequeue and the release above must not wait for the next one.
            if (_pending.IsEmpty || Interlocked.CompareExchange(ref _writing, 1, 0) != 0)
            {
                return;
            }
        }
    }

    /// <summary>Waits until <paramref name="target"/> requests are queued, or <see cref="GatherWindow"/> has passed.</summary>
    private async Task GatherAsync(int target)
    {
        if (Volatile.Read(ref _queued) >= target)
        {
            return;
        }

        var gathered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _gathered, gathered);
        // A full fence (not a volatile write): the read of the queue length below must not move before it.
        Interlocked.Exchange(ref _gatherTarget, target);
        // A request queued between the check above and publishing the target would not have signalled.
        if (Volatile.Read(ref _queued) < target)
        {
            await Task.WhenAny(gathered.Task, Task.Delay(GatherWindow));
        }

        Volatile.Write(ref _gatherTarget, int.MaxValue);
        Volatile.Write(ref _gathered, null);
    }

    private async Task WriteGroupAsync(List<PendingWrite> group)
    {
        var started = Stopwatch.GetTimestamp();
        GroupRequests.Record(group.Count);
        try
        {
            var outcomes = await IngestionTransaction.RunAsync(contexts, (db, ct) => StoreAsync(db, group, ct), logger, CancellationToken.None);
            GroupDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            // Many requests (or signals) in this group, or requests waiting behind it: ingestion is saturated, and
            // enrichment slows down.
            var signals = 0;
            foreach (var write in group)
            {
                signals += write.Drafts.Length;
            }

            enrichment.Notify(saturated: group.Count >= EnrichmentTrigger.SaturatedRequests || signals >= EnrichmentTrigger.SaturatedSignals
                || _pending.Count >= EnrichmentTrigger.SaturatedRequests);
            for (var i = 0; i < group.Count; i++)
            {
                group[i].Done.TrySetResult(outcomes[i]);
            }
        }
        catch (Exception e) when (group.Count > 1 && e is not IngestionBusyException)
        {
            LogGroupSplit(logger, group.Count, e);
            foreach (var write in group)
            {
                await WriteGroupAsync([write]);
            }
        }
        catch (Exception e)
        {
            foreach (var write in group)
            {
                write.Done.TrySetException(e);
            }
        }
    }

    private static async Task<IngestOutcome[]> StoreAsync(FeedbackDbContext db, List<PendingWrite> group, CancellationToken cancellationToken)
    {
        var outcomes = new IngestOutcome[group.Count];
        var rows = new List<Signal>();
        foreach (var byApplication in group.Select((write, index) => (write, index)).GroupBy(w => w.write.ApplicationId))
        {
            var applicationId = byApplication.Key;
            var application = await SignalWriterLookups.ApplicationAsync(db, applicationId, cancellationToken);
            if (application is not { Archived: false } open)
            {
                foreach (var (_, index) in byApplication)
                {
                    outcomes[index] = IngestOutcome.Refused(ApplicationClosed);
                }

                continue;
            }

            var valid = byApplication.SelectMany(w => w.write.Drafts.OfType<SignalDraft>()).ToList();
            await IngestionTransaction.LockInteractionIdsAsync(db, applicationId, valid.Select(d => d.InteractionId), cancellationToken);

            var known = await SignalWriterLookups.StoredSignalsAsync(db, applicationId, valid.Select(d => d.Id).Distinct().ToList(), cancellationToken);

            // In queue order, so that of two requests carrying the same id the first is accepted and the later
            // one is answered as if it had come after the commit.
            var fresh = new List<(SignalDraft Draft, DateTimeOffset ReceivedAt)>();
            foreach (var (write, index) in byApplication)
            {
                outcomes[index] = IngestOutcome.Answered(Classify(write, known, fresh));
            }

            if (fresh.Count > 0)
            {
                var interactions = await SignalWriterLookups.StoredInteractionsAsync(
                    db, applicationId, fresh.Select(f => f.Draft.InteractionId).Distinct().ToList(), cancellationToken);
                rows.AddRange(fresh.Select(f => f.Draft.ToEntity(
                    applicationId, open.RedactPii, f.ReceivedAt,
                    interactions.TryGetValue(f.Draft.InteractionId, out var stored) ? stored : null)));
            }
        }

        await BulkInsert.InsertAsync(db, rows, cancellationToken);
        return outcomes;
    }

    private static ItemResult[] Classify(PendingWrite write, Dictionary<string, string> known, List<(SignalDraft Draft, DateTimeOffset ReceivedAt)> fresh)
    {
        var results = new ItemResult[write.Drafts.Length];
        for (var i = 0; i < write.Drafts.Length; i++)
        {
            if (write.Drafts[i] is not { } draft)
            {
                results[i] = write.Rejected[i]!;
            }
            else if (!known.TryGetValue(draft.Id, out var hash))
            {
                known[draft.Id] = draft.ContentHash;
                fresh.Add((draft, write.Now));
                results[i] = new ItemResult(draft.Id, ItemStatus.Accepted, null);
            }
            else if (hash == draft.ContentHash)
            {
                results[i] = new ItemResult(draft.Id, ItemStatus.Duplicate, null);
            }
            else
            {
                results[i] = new ItemResult(draft.Id, ItemStatus.Rejected, ItemProblem.Conflict(
                    $"A signal with id '{draft.Id}' is already stored with different content. A signal never changes: " +
                    "send a new id for a new event, or the same content to retry."));
            }
        }

        return results;
    }

    internal static readonly EnvelopeProblem ApplicationClosed =
        new(403, "Forbidden", "This application is archived and accepts no new feedback.");

    [LoggerMessage(Level = LogLevel.Warning, Message = "A group of {Count} signal requests failed together; storing each alone.")]
    private static partial void LogGroupSplit(ILogger logger, int count, Exception exception);

    private sealed record PendingWrite(Guid ApplicationId, SignalDraft?[] Drafts, ItemResult?[] Rejected, DateTimeOffset Now)
    {
        public TaskCompletionSource<IngestOutcome> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
