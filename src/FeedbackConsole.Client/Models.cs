using System.Text.Json;
using System.Text.Json.Serialization;

namespace FeedbackConsole.Client;

/// <summary>One model turn as your application saw it (the API contract's <c>Interaction</c>).</summary>
public sealed record InteractionInput
{
    /// <summary>Your own id for the turn; sending it again is safe (same content: a no-op).</summary>
    public required string Id { get; init; }

    public string? ConversationId { get; init; }

    public string? EndUserId { get; init; }

    /// <summary>Only if the end user agreed to be contacted about their feedback.</summary>
    public string? EndUserEmail { get; init; }

    public string? UserRole { get; init; }

    public string? TaskType { get; init; }

    public string? Channel { get; init; }

    public string? Locale { get; init; }

    public string? AppVersion { get; init; }

    public required string Input { get; init; }

    public required string Output { get; init; }

    public string? ModelVersion { get; init; }

    public string? PromptVersion { get; init; }

    public KnowledgeBaseRelease? KbRelease { get; init; }

    public IReadOnlyList<string>? UsedEntryIds { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public JsonElement? Metadata { get; init; }
}

public sealed record KnowledgeBaseRelease(string KnowledgeBase, int Version);

/// <summary>One piece of feedback on an interaction. Build it with the factory methods, which set the right value.</summary>
public sealed record SignalInput
{
    /// <summary>Your event id: the idempotency key. Retries must reuse it.</summary>
    public required string Id { get; init; }

    /// <summary>Your interaction id; the interaction may be sent before or after the signal.</summary>
    public required string InteractionId { get; init; }

    public string? EndUserId { get; init; }

    public required string Kind { get; init; }

    /// <summary>"up"/"down" for thumbs, 1..5 for ratings, milliseconds for dwell.</summary>
    public object? Value { get; init; }

    public string? Dimension { get; init; }

    public string? Flag { get; init; }

    public string? Text { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public JsonElement? Metadata { get; init; }

    public static SignalInput Thumb(string id, string interactionId, bool up, DateTimeOffset at, string? endUserId = null) =>
        new() { Id = id, InteractionId = interactionId, Kind = "thumb", Value = up ? "up" : "down", OccurredAt = at, EndUserId = endUserId };

    public static SignalInput Rating(string id, string interactionId, string dimension, int stars, DateTimeOffset at, string? endUserId = null) =>
        new() { Id = id, InteractionId = interactionId, Kind = "rating", Dimension = dimension, Value = stars, OccurredAt = at, EndUserId = endUserId };

    /// <summary><paramref name="flag"/> is "safety" or "compliance".</summary>
    public static SignalInput Flagged(string id, string interactionId, string flag, DateTimeOffset at, string? text = null, string? endUserId = null) =>
        new() { Id = id, InteractionId = interactionId, Kind = "flag", Flag = flag, Text = text, OccurredAt = at, EndUserId = endUserId };

    /// <summary>comment, correction (the edited answer), reformulation (the new query) or rejection (optional reason).</summary>
    public static SignalInput WithText(string kind, string id, string interactionId, string? text, DateTimeOffset at, string? endUserId = null) =>
        new() { Id = id, InteractionId = interactionId, Kind = kind, Text = text, OccurredAt = at, EndUserId = endUserId };

    public static SignalInput Dwell(string id, string interactionId, int milliseconds, DateTimeOffset at, string? endUserId = null) =>
        new() { Id = id, InteractionId = interactionId, Kind = "dwell", Value = milliseconds, OccurredAt = at, EndUserId = endUserId };

    /// <summary>copy, regenerate or abandon.</summary>
    public static SignalInput Implicit(string kind, string id, string interactionId, DateTimeOffset at, string? endUserId = null) =>
        new() { Id = id, InteractionId = interactionId, Kind = kind, OccurredAt = at, EndUserId = endUserId };
}

/// <summary>The outcome of one item: <c>accepted</c>, <c>duplicate</c> (already stored, same content) or <c>rejected</c>.</summary>
public sealed record ItemResult(string Id, string Status, ProblemDetailsResponse? Error)
{
    public bool IsStored => Status is "accepted" or "duplicate";
}

/// <summary>An RFC 7807 problem as the API sends it.</summary>
public sealed record ProblemDetailsResponse
{
    public string? Type { get; init; }

    public string? Title { get; init; }

    public int? Status { get; init; }

    public string? Detail { get; init; }

    public Dictionary<string, string[]>? Errors { get; init; }
}

/// <summary>Results of everything sent in one call, in order, across however many batches it took.</summary>
public sealed record IngestResult(IReadOnlyList<ItemResult> Items)
{
    public int Accepted => Items.Count(i => i.Status == "accepted");

    public int Duplicates => Items.Count(i => i.Status == "duplicate");

    public IReadOnlyList<ItemResult> Rejected => [.. Items.Where(i => i.Status == "rejected")];
}

internal sealed record BatchResponse(List<ItemResult> Results);

internal static class Json
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
