using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json;

namespace FeedbackConsole.Web.Endpoints;

// The request shapes of API.md, for the OpenAPI document only. The ingestion endpoints parse their bodies
// strictly by hand (unknown and duplicate properties are refused), so these types describe the contract;
// they are never bound.

[Description("A batch of 1–500 interactions.")]
internal sealed record InteractionsEnvelope([property: Required, MinLength(1), MaxLength(500)] IReadOnlyList<InteractionContract> Interactions);

[Description("A batch of 1–500 signals.")]
internal sealed record SignalsEnvelope([property: Required, MinLength(1), MaxLength(500)] IReadOnlyList<SignalContract> Signals);

[Description("One model turn as the application saw it. Re-sending the same id with the same content is a no-op; with different content it updates output, metadata and usedEntryIds.")]
internal sealed record InteractionContract(
    [property: Required, StringLength(200, MinimumLength = 1), Description("The application's own turn id, unique per application.")] string Id,
    [property: StringLength(200)] string? ConversationId,
    [property: StringLength(200), Description("The application's user id (pseudonymous is fine).")] string? EndUserId,
    [property: EmailAddress, Description("Only if the end user agreed to be contacted.")] string? EndUserEmail,
    string? UserRole,
    string? TaskType,
    string? Channel,
    string? Locale,
    string? AppVersion,
    [property: Required, MaxLength(32768)] string Input,
    [property: Required, MaxLength(32768)] string Output,
    string? ModelVersion,
    string? PromptVersion,
    KbReleaseContract? KbRelease,
    [property: Description("Knowledge-base entries the app retrieved for this turn.")] IReadOnlyList<string>? UsedEntryIds,
    [property: Required, Description("RFC 3339 with an offset; at most 5 minutes in the future.")] DateTimeOffset OccurredAt,
    [property: Description("Free JSON object: depth ≤ 8, ≤ 4 KiB.")] JsonElement? Metadata);

internal sealed record KbReleaseContract([property: Required] string KnowledgeBase, [property: Required] int Version);

[Description("One piece of feedback. May arrive before its interaction; it is linked when the interaction comes.")]
internal sealed record SignalContract(
    [property: Required, StringLength(200, MinimumLength = 1), Description("The client's event id: the idempotency key, unique per application.")] string Id,
    [property: Required, StringLength(200, MinimumLength = 1)] string InteractionId,
    [property: StringLength(200)] string? EndUserId,
    [property: Required, Description("thumb | rating | flag | comment | correction | rejection | reformulation | copy | dwell | regenerate | abandon")] string Kind,
    [property: Description("thumb: \"up\" or \"down\"; rating: integer 1..5; dwell: integer milliseconds 0..86400000.")] JsonElement? Value,
    [property: Description("Required for rating: accuracy, tone, relevance, helpfulness or an app-defined name.")] string? Dimension,
    [property: Description("Required for kind flag: safety | compliance.")] string? Flag,
    [property: MaxLength(32768), Description("Required for comment, correction (the edited answer) and reformulation (the new query); optional rejection reason.")] string? Text,
    [property: Required, Description("RFC 3339 with an offset; at most 5 minutes in the future.")] DateTimeOffset OccurredAt,
    [property: Description("Free JSON object: depth ≤ 8, ≤ 4 KiB.")] JsonElement? Metadata);
