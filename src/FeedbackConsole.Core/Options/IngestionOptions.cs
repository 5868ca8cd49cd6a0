using System.ComponentModel.DataAnnotations;

namespace FeedbackConsole.Core.Options;

/// <summary>Limits of the ingestion API (API.md, "Conventions"). Section <c>Ingestion</c>.</summary>
public sealed class IngestionOptions : IValidatableObject
{
    public const string Section = "Ingestion";

    /// <summary>Largest request body accepted; larger ones are answered 413 before they are parsed.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Most interactions or signals in one request.</summary>
    [Range(1, 10_000)]
    public int MaxBatchItems { get; set; } = 500;

    /// <summary>Longest text field (input, output, signal text), in UTF-8 bytes.</summary>
    [Range(256, 16 * 1024 * 1024)]
    public int MaxTextLength { get; set; } = 32 * 1024;

    /// <summary>Largest <c>metadata</c> object, in UTF-8 bytes of its compact JSON.</summary>
    [Range(2, 1024 * 1024)]
    public int MaxMetadataBytes { get; set; } = 4 * 1024;

    /// <summary>Deepest nesting of <c>metadata</c>; the object itself is depth 1.</summary>
    [Range(1, 32)]
    public int MaxMetadataDepth { get; set; } = 8;

    /// <summary>How far in the future <c>occurredAt</c> may be (client clocks drift).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan MaxFutureSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Requests per second each API key may make on average (token bucket refill).</summary>
    [Range(1, 1_000_000)]
    public int PermitsPerSecond { get; set; } = 1000;

    /// <summary>Requests a key may make at once after a quiet spell (token bucket size).</summary>
    [Range(1, 1_000_000)]
    public int Burst { get; set; } = 2000;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MaxTextLength > MaxBodyBytes)
        {
            yield return new ValidationResult(
                "Ingestion:MaxTextLength cannot exceed Ingestion:MaxBodyBytes.", [nameof(MaxTextLength), nameof(MaxBodyBytes)]);
        }
    }
}
