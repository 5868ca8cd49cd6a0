using System.Text.Json;
using FeedbackConsole.Core.Options;

namespace FeedbackConsole.Core.Features.Ingestion;

/// <summary>
/// The part both ingestion use cases share: the strict envelope, one draft (or per-item rejection) per item,
/// and the whole-request refusal when any item has a property the contract does not define.
/// </summary>
internal sealed record IngestionBatch<TDraft>(TDraft?[] Drafts, ItemResult?[] Rejected, DateTimeOffset Now, EnvelopeProblem? Refusal)
    where TDraft : class
{
    /// <summary>True when no item survived validation, so there is nothing to store.</summary>
    public bool NothingToStore => Drafts.All(d => d is null);

    public static IngestionBatch<TDraft> Read(
        ReadOnlyMemory<byte> body, string arrayName, IngestionOptions settings, DateTimeOffset now, Func<JsonElement, ItemReader, TDraft?> read)
    {
        var problem = StrictEnvelope.TryParse(body, arrayName, settings, out var envelope);
        if (problem is not null)
        {
            return new IngestionBatch<TDraft>([], [], now, problem);
        }

        var drafts = new TDraft?[envelope!.Items.Count];
        var rejected = new ItemResult?[drafts.Length];
        using (envelope)
        {
            var shape = new Dictionary<string, string[]>(StringComparer.Ordinal);
            for (var i = 0; i < drafts.Length; i++)
            {
                var reader = new ItemReader($"{arrayName}[{i}]", settings, now, shape);
                drafts[i] = read(envelope.Items[i], reader);
                if (reader.Errors is { } errors)
                {
                    rejected[i] = new ItemResult(RawId(envelope.Items[i]), ItemStatus.Rejected, ItemProblem.Invalid(errors));
                }
            }

            if (shape.Count > 0)
            {
                return new IngestionBatch<TDraft>(drafts, rejected, now, EnvelopeProblem.Invalid(
                    "The request has properties the contract does not define; nothing was stored.", shape));
            }
        }

        return new IngestionBatch<TDraft>(drafts, rejected, now, null);
    }

    /// <summary>The id an item was sent with, for its result even when the item is invalid.</summary>
    private static string? RawId(JsonElement item)
    {
        try
        {
            return item.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
