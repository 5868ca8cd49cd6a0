using System.Text.Json.Serialization;

namespace FeedbackConsole.Core.Features.Ingestion;

/// <summary>RFC 7807 problem types of the ingestion API (the RFC 9110 sections ASP.NET Core uses too).</summary>
public static class ProblemTypes
{
    public const string BadRequest = "https://tools.ietf.org/html/rfc9110#section-15.5.1";
    public const string Forbidden = "https://tools.ietf.org/html/rfc9110#section-15.5.4";
    public const string Conflict = "https://tools.ietf.org/html/rfc9110#section-15.5.10";
    public const string ContentTooLarge = "https://tools.ietf.org/html/rfc9110#section-15.5.14";
    public const string UnsupportedMediaType = "https://tools.ietf.org/html/rfc9110#section-15.5.16";
    public const string TooManyRequests = "https://tools.ietf.org/html/rfc6585#section-4";
    public const string ServiceUnavailable = "https://tools.ietf.org/html/rfc9110#section-15.6.4";
}

/// <summary>The statuses of one item in a 207 answer.</summary>
public static class ItemStatus
{
    public const string Accepted = "accepted";
    public const string Duplicate = "duplicate";
    public const string Rejected = "rejected";
}

/// <summary>A problem details object (RFC 7807) as it appears inside a 207 answer, for one rejected item.</summary>
public sealed record ItemProblem(
    string Type,
    string Title,
    int Status,
    string Detail,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, string[]>? Errors)
{
    public static ItemProblem Invalid(IReadOnlyDictionary<string, string[]> errors) =>
        new(ProblemTypes.BadRequest, "The item is invalid.", 400,
            errors.Count == 1 ? $"{errors.Keys.First()}: {errors.Values.First()[0]}" : $"The item has {errors.Count} invalid fields; see errors.", errors);

    public static ItemProblem Conflict(string detail) => new(ProblemTypes.Conflict, "Conflict", 409, detail, null);
}

/// <summary>The outcome for one item, in the order the items were sent.</summary>
public sealed record ItemResult(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Id,
    string Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ItemProblem? Error);

/// <summary>The 207 Multi-Status body: one result per item.</summary>
public sealed record IngestResponse(IReadOnlyList<ItemResult> Results);

/// <summary>Why a whole request was refused (nothing stored): status, title, detail and field errors.</summary>
public sealed record EnvelopeProblem(int Status, string Title, string Detail, IReadOnlyDictionary<string, string[]>? Errors = null)
{
    public static EnvelopeProblem Invalid(string detail, IReadOnlyDictionary<string, string[]>? errors = null) =>
        new(400, "The request is invalid.", detail, errors);
}

/// <summary>What an ingest use case answers: per-item results, or a refusal of the whole request.</summary>
public sealed record IngestOutcome(IngestResponse? Response, EnvelopeProblem? Problem)
{
    public static IngestOutcome Refused(EnvelopeProblem problem) => new(null, problem);

    public static IngestOutcome Answered(IReadOnlyList<ItemResult> results) => new(new IngestResponse(results), null);
}
