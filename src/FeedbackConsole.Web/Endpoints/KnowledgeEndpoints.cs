using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Ingestion;
using FeedbackConsole.Core.Features.KnowledgeBases.Runtime;
using FeedbackConsole.Core.Options;
using FeedbackConsole.Web.Security;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Microsoft.OpenApi;

namespace FeedbackConsole.Web.Endpoints;

/// <summary>
/// The run-time knowledge API (API.md, "Knowledge for the app at run time"): <c>GET …/knowledge-bases/{kb}/search</c>,
/// <c>GET …/knowledge-bases/{kb}/examples</c> and <c>POST /api/v1/guards/check</c>, for server keys only. The HTTP side
/// lives here — strict reading of the query and body, problem details; <see cref="KnowledgeRuntime"/> answers from the
/// release indexes held in memory.
/// </summary>
/// <remarks>
/// Choices beyond the contract (also in the OpenAPI document): unknown or repeated query parameters are refused (400)
/// so a misspelt <c>k</c> never silently falls back to the default; a knowledge base of another kind than the endpoint
/// serves is a 400 (the kind never changes, so retrying cannot help) whose detail names the right endpoint; an
/// unknown, archived or other application's knowledge base and a missing live/shadow release are 404s.
/// </remarks>
internal static class KnowledgeEndpoints
{
    public const int MaxQueryBytes = 4096;
    public const int MaxK = 50;
    public const int MaxTaskTypeLength = 100;
    public const int MaxIdLength = 200;
    public const string NotFoundType = "https://tools.ietf.org/html/rfc9110#section-15.5.5";

    private static readonly string[] SearchParameters = ["q", "k", "release", "interactionId"];
    private static readonly string[] ExampleParameters = ["q", "taskType", "k", "release", "interactionId"];

    public static IEndpointRouteBuilder MapKnowledgeEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1")
            .RequireRateLimiting(ApiRateLimiting.PerKeyPolicy)
            .RequireAuthorization(Policies.ApiServer)
            .WithTags("Knowledge");
        api.MapGet("/knowledge-bases/{kb}/search", SearchAsync)
            .WithName("SearchKnowledgeBase")
            .WithSummary("Search facts")
            .WithDescription("The best k entries of a facts knowledge base's live (or shadow) release for a query, by BM25 (OR of the query's words, title words counting twice), best first. `score` is in [0, 1): the BM25 score over the highest any entry could reach for this query. Served entries are counted per hour for impact. Unknown or repeated query parameters are refused (400).")
            .WithQueryParameters(SearchParameters, defaultK: 5)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        api.MapGet("/knowledge-bases/{kb}/examples", ExamplesAsync)
            .WithName("GetFewShotExamples")
            .WithSummary("Few-shot examples")
            .WithDescription("The best k examples of an examples knowledge base's live (or shadow) release whose input matches the query (BM25), best first; with `taskType`, only examples of exactly that task type (case-insensitive). Served examples are counted per hour for impact.")
            .WithQueryParameters(ExampleParameters, defaultK: 3)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        api.MapPost("/guards/check", CheckAsync)
            .WithName("CheckGuards")
            .WithSummary("Check an output against guards")
            .WithDescription("Checks a model output against the rules of a guards knowledge base's live (or shadow) release: forbidden patterns and phrases, and disclaimers required for the task type. A rule without a task type applies to every output; one with a task type only to outputs of that type. Violations are listed in rule order. Unknown or duplicate JSON properties are refused (400).")
            .AddOpenApiOperationTransformer(async (operation, context, cancellationToken) =>
            {
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        ["application/json"] = new() { Schema = await context.GetOrCreateSchemaAsync(typeof(GuardCheckContract), null, cancellationToken) },
                    },
                };
            })
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413RequestEntityTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        return app;
    }

    private static async Task<Results<Ok<SearchResponse>, ProblemHttpResult>> SearchAsync(
        HttpContext context, string kb, KnowledgeRuntime runtime, CancellationToken cancellationToken)
    {
        var query = new QueryReader(context.Request.Query, SearchParameters);
        var q = query.Text("q");
        var k = query.Integer("k", 1, MaxK, 5);
        var release = query.Channel("release");
        query.Label("interactionId", MaxIdLength);
        if (query.Problem() is { } invalid)
        {
            return invalid;
        }

        var result = await runtime.SearchAsync(ApiClaims.ApplicationIdOf(context.User), kb, q!, k, release, cancellationToken);
        if (result.Problem is { } problem)
        {
            return ProblemOf(problem, "kb");
        }

        var answer = result.Answer!;
        var entries = new SearchEntry[answer.Entries.Count];
        for (var i = 0; i < entries.Length; i++)
        {
            var entry = answer.Entries[i];
            entries[i] = new SearchEntry(entry.Id, entry.Title, entry.Content, Score(entry.Score), entry.Revision);
        }

        return TypedResults.Ok(new SearchResponse(ReleaseOf(answer.Release), entries));
    }

    private static async Task<Results<Ok<ExamplesResponse>, ProblemHttpResult>> ExamplesAsync(
        HttpContext context, string kb, KnowledgeRuntime runtime, CancellationToken cancellationToken)
    {
        var query = new QueryReader(context.Request.Query, ExampleParameters);
        var q = query.Text("q");
        var taskType = query.Label("taskType", MaxTaskTypeLength);
        var k = query.Integer("k", 1, MaxK, 3);
        var release = query.Channel("release");
        query.Label("interactionId", MaxIdLength);
        if (query.Problem() is { } invalid)
        {
            return invalid;
        }

        var result = await runtime.ExamplesAsync(ApiClaims.ApplicationIdOf(context.User), kb, q!, taskType, k, release, cancellationToken);
        if (result.Problem is { } problem)
        {
            return ProblemOf(problem, "kb");
        }

        var answer = result.Answer!;
        var examples = answer.Examples.Select(e => new ExampleEntry(e.Id, e.Input, e.Output, Score(e.Score))).ToArray();
        return TypedResults.Ok(new ExamplesResponse(ReleaseOf(answer.Release), examples));
    }

    private static async Task<Results<Ok<GuardCheckResponse>, ProblemHttpResult>> CheckAsync(
        HttpContext context, KnowledgeRuntime runtime, IOptionsMonitor<IngestionOptions> options, CancellationToken cancellationToken)
    {
        if (!IsJson(context.Request.ContentType))
        {
            return Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported Media Type", ProblemTypes.UnsupportedMediaType,
                "Send the check as 'Content-Type: application/json' (UTF-8).");
        }

        var limits = options.CurrentValue;
        var body = await ReadBodyAsync(context, limits.MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            return Problem(StatusCodes.Status413RequestEntityTooLarge, "Content Too Large", ProblemTypes.ContentTooLarge,
                $"The request body is larger than {limits.MaxBodyBytes} bytes.");
        }

        var request = GuardCheckRequest.Parse(body, limits.MaxTextLength, out var errors);
        if (request is null)
        {
            return Invalid(errors);
        }

        var result = await runtime.CheckAsync(ApiClaims.ApplicationIdOf(context.User), request.KnowledgeBase, request.Output, request.TaskType, request.Release, cancellationToken);
        if (result.Problem is { } problem)
        {
            return ProblemOf(problem, "knowledgeBase");
        }

        var answer = result.Answer!;
        return TypedResults.Ok(new GuardCheckResponse(
            ReleaseOf(answer.Release), answer.Passed, [.. answer.Violations.Select(v => new GuardViolationEntry(v.RuleId, v.Message))]));
    }

    private static ReleaseInfo ReleaseOf(ServedRelease release) =>
        new(release.Version, release.Channel == ReleaseChannel.Live ? "live" : "shadow");

    // Six decimals are plenty to order and compare; the rest of a double is noise in a JSON answer.
    private static double Score(double score) => Math.Round(score, 6);

    private static ProblemHttpResult ProblemOf(RuntimeProblem problem, string field) => problem.Kind switch
    {
        RuntimeProblemKind.WrongKind => Invalid(new Dictionary<string, string[]> { [field] = [problem.Detail] }),
        _ => Problem(StatusCodes.Status404NotFound, "Not Found", NotFoundType, problem.Detail),
    };

    private static ProblemHttpResult Invalid(IReadOnlyDictionary<string, string[]> errors) =>
        Problem(StatusCodes.Status400BadRequest, "Bad Request", ProblemTypes.BadRequest,
            errors.Count == 1 ? $"{errors.Keys.First()}: {errors.Values.First()[0]}" : $"The request has {errors.Count} problems; see errors.",
            errors);

    private static ProblemHttpResult Problem(int status, string title, string type, string detail, IReadOnlyDictionary<string, string[]>? errors = null) =>
        TypedResults.Problem(
            detail: detail,
            statusCode: status,
            title: title,
            type: type,
            extensions: errors is null ? null : new Dictionary<string, object?> { ["errors"] = errors });

    /// <summary><c>application/json</c>, with no charset or UTF-8.</summary>
    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
        && mediaType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
        && (!mediaType.Charset.HasValue || mediaType.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase));

    /// <summary>The whole body, or null when it is larger than <paramref name="limit"/> (an empty array when it did not arrive whole: refused as invalid JSON).</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpContext context, int limit, CancellationToken cancellationToken)
    {
        if (context.Request.ContentLength > limit)
        {
            return null;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit;
        }

        using var buffer = new MemoryStream();
        try
        {
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await context.Request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > limit)
                {
                    return null;
                }
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
        }
        catch (Exception e) when (e is BadHttpRequestException or IOException)
        {
            return [];
        }

        return buffer.ToArray();
    }

    /// <summary>Reads query parameters strictly, collecting errors keyed by parameter name.</summary>
    private sealed class QueryReader
    {
        private readonly IQueryCollection _query;

        // Made on the first error: most requests have none.
        private Dictionary<string, string[]>? _errors;

        public QueryReader(IQueryCollection query, string[] allowed)
        {
            _query = query;
            foreach (var key in query.Keys)
            {
                if (!allowed.Contains(key, StringComparer.OrdinalIgnoreCase))
                {
                    Errors[key] = [$"Unknown parameter; this endpoint takes {string.Join(", ", allowed)}."];
                }
            }
        }

        private Dictionary<string, string[]> Errors => _errors ??= new(StringComparer.Ordinal);

        public ProblemHttpResult? Problem() => _errors is null ? null : Invalid(_errors);

        /// <summary>The user's question: required, not blank, at most <see cref="MaxQueryBytes"/> bytes of UTF-8.</summary>
        public string? Text(string name)
        {
            var value = Single(name);
            if (value is null || string.IsNullOrWhiteSpace(value))
            {
                Fail(name, value is null ? "Required: the text to search with, e.g. ?q=how+do+I+get+a+refund." : "Must not be blank.");
                return null;
            }

            if (value.Length > MaxQueryBytes / 3 && Encoding.UTF8.GetByteCount(value) > MaxQueryBytes)
            {
                Fail(name, $"Must be at most {MaxQueryBytes} bytes of UTF-8.");
                return null;
            }

            return value;
        }

        /// <summary>An integer written in plain digits, in [min, max]; <paramref name="fallback"/> when absent.</summary>
        public int Integer(string name, int min, int max, int fallback)
        {
            var value = Single(name);
            if (value is null)
            {
                return fallback;
            }

            if (value.Length == 0 || value.Length > 9 || !value.All(char.IsAsciiDigit)
                || int.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture) is var number && (number < min || number > max))
            {
                Fail(name, $"Must be an integer from {min} to {max}.");
                return fallback;
            }

            return number;
        }

        public ReleaseChannel Channel(string name)
        {
            switch (Single(name))
            {
                case null or "live":
                    return ReleaseChannel.Live;
                case "shadow":
                    return ReleaseChannel.Shadow;
                default:
                    Fail(name, "Must be live or shadow.");
                    return ReleaseChannel.Live;
            }
        }

        /// <summary>An optional label or id: 1–<paramref name="maxLength"/> characters without control characters.</summary>
        public string? Label(string name, int maxLength)
        {
            var value = Single(name);
            if (value is null)
            {
                return null;
            }

            if (value.Length == 0 || value.Length > maxLength || string.IsNullOrWhiteSpace(value) || value.Any(char.IsControl))
            {
                Fail(name, $"Must be 1 to {maxLength} characters without control characters; leave it out when there is none.");
                return null;
            }

            return value;
        }

        private string? Single(string name)
        {
            if (!_query.TryGetValue(name, out var values) || values.Count == 0)
            {
                return null;
            }

            if (values.Count > 1)
            {
                Fail(name, "Give it once.");
                return null;
            }

            return values[0] ?? "";
        }

        private void Fail(string name, string message) => Errors.TryAdd(name, [message]);
    }

    private static RouteHandlerBuilder WithQueryParameters(this RouteHandlerBuilder endpoint, string[] names, int defaultK) =>
        endpoint.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Parameters ??= [];
            foreach (var name in names)
            {
                operation.Parameters.Add(name switch
                {
                    "q" => Parameter(name, true, "The text to search with (the user's question), at most 4 KiB of UTF-8.",
                        new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = MaxQueryBytes }),
                    "k" => Parameter(name, false, $"How many results, 1 to {MaxK}.",
                        new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "1", Maximum = MaxK.ToString(CultureInfo.InvariantCulture), Default = JsonValue.Create(defaultK) }),
                    "release" => Parameter(name, false, "Which release answers: the live one, or the shadow one being tried out.",
                        new OpenApiSchema { Type = JsonSchemaType.String, Enum = [JsonValue.Create("live"), JsonValue.Create("shadow")], Default = JsonValue.Create("live") }),
                    "taskType" => Parameter(name, false, "Only examples of this task type (case-insensitive).",
                        new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = MaxTaskTypeLength }),
                    _ => Parameter(name, false, "The app's id of the turn this retrieval is for (1–200 characters).",
                        new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = MaxIdLength }),
                });
            }

            foreach (var parameter in operation.Parameters.OfType<OpenApiParameter>().Where(p => p.In == ParameterLocation.Path))
            {
                parameter.Description = "The knowledge base's key within the calling key's application.";
            }

            return Task.CompletedTask;
        });

    private static OpenApiParameter Parameter(string name, bool required, string description, OpenApiSchema schema) =>
        new() { Name = name, In = ParameterLocation.Query, Required = required, Description = description, Schema = schema };
}

[Description("The release that answered.")]
internal sealed record ReleaseInfo(
    [property: Description("The release's number within its knowledge base.")] int Version,
    [property: Description("live | shadow: the channel asked for.")] string State);

internal sealed record SearchResponse(ReleaseInfo Release, IReadOnlyList<SearchEntry> Entries);

internal sealed record SearchEntry(
    [property: Description("The entry's id (send it back in the interaction's usedEntryIds).")] Guid Id,
    string Title,
    string Content,
    [property: Description("BM25 over the best any entry could score for this query: [0, 1), higher is better.")] double Score,
    [property: Description("The number of the entry's revision this release serves.")] int Revision);

internal sealed record ExamplesResponse(ReleaseInfo Release, IReadOnlyList<ExampleEntry> Examples);

internal sealed record ExampleEntry(
    Guid Id,
    [property: Description("The input the example answers.")] string Input,
    [property: Description("The ideal output.")] string Output,
    double Score);

internal sealed record GuardCheckResponse(ReleaseInfo Release, bool Passed, IReadOnlyList<GuardViolationEntry> Violations);

internal sealed record GuardViolationEntry(
    [property: Description("The id of the broken rule's entry.")] Guid RuleId,
    string Message);

[Description("An output to check against a guards knowledge base.")]
internal sealed record GuardCheckContract(
    [property: Required, StringLength(100, MinimumLength = 2), Description("The guards knowledge base's key.")] string KnowledgeBase,
    [property: Required, MaxLength(32768), Description("The model output to check (at most 32 KiB of UTF-8; may be empty).")] string Output,
    [property: StringLength(100, MinimumLength = 1), Description("The request's task type: rules for other task types are skipped.")] string? TaskType = null,
    [property: Description("live (default) | shadow.")] string? Release = null);

/// <summary>The guard check body, read strictly: an object of known properties, each once, each of its type.</summary>
internal sealed record GuardCheckRequest(string KnowledgeBase, string Output, string? TaskType, ReleaseChannel Release)
{
    public static GuardCheckRequest? Parse(byte[] body, int maxOutputBytes, out Dictionary<string, string[]> errors)
    {
        errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.AsMemory(), new JsonDocumentOptions { AllowDuplicateProperties = false, MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            errors["$"] = ["The request body is not valid JSON: " + e.Message];
            return null;
        }
        catch (InvalidOperationException)
        {
            errors["$"] = ["The request body has a property name that is not valid Unicode."];
            return null;
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                errors["$"] = ["Must be a JSON object: { \"knowledgeBase\": \"…\", \"output\": \"…\" }."];
                return null;
            }

            string? knowledgeBase = null, output = null, taskType = null, release = null;
            foreach (var property in document.RootElement.EnumerateObject())
            {
                string name;
                try
                {
                    name = property.Name;
                }
                catch (InvalidOperationException)
                {
                    errors["(invalid name)"] = ["Unknown property."];
                    continue;
                }

                switch (name)
                {
                    case "knowledgeBase":
                        knowledgeBase = String(property.Value, name, errors);
                        break;
                    case "output":
                        output = String(property.Value, name, errors);
                        break;
                    case "taskType":
                        taskType = property.Value.ValueKind == JsonValueKind.Null ? null : String(property.Value, name, errors);
                        break;
                    case "release":
                        release = property.Value.ValueKind == JsonValueKind.Null ? null : String(property.Value, name, errors);
                        break;
                    default:
                        errors[name] = ["Unknown property."];
                        break;
                }
            }

            if (knowledgeBase is null && !errors.ContainsKey("knowledgeBase"))
            {
                errors["knowledgeBase"] = ["Required: the key of a guards knowledge base."];
            }
            else if (knowledgeBase is { Length: 0 or > 100 })
            {
                errors["knowledgeBase"] = ["Must be 1 to 100 characters."];
            }

            if (output is null && !errors.ContainsKey("output"))
            {
                errors["output"] = ["Required: the model output to check."];
            }
            else if (output is not null && output.Length > maxOutputBytes / 3 && Encoding.UTF8.GetByteCount(output) > maxOutputBytes)
            {
                errors["output"] = [$"Must be at most {maxOutputBytes} bytes of UTF-8."];
            }

            if (taskType is not null && (taskType.Length is 0 or > KnowledgeEndpoints.MaxTaskTypeLength || string.IsNullOrWhiteSpace(taskType) || taskType.Any(char.IsControl)))
            {
                errors["taskType"] = [$"Must be 1 to {KnowledgeEndpoints.MaxTaskTypeLength} characters without control characters; leave it out when there is none."];
            }

            if (release is not null and not "live" and not "shadow")
            {
                errors["release"] = ["Must be live or shadow."];
            }

            return errors.Count > 0
                ? null
                : new GuardCheckRequest(knowledgeBase!, output!, taskType, release == "shadow" ? ReleaseChannel.Shadow : ReleaseChannel.Live);
        }
    }

    private static string? String(JsonElement value, string name, Dictionary<string, string[]> errors)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            errors[name] = ["Must be a JSON string."];
            return null;
        }

        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException)
        {
            errors[name] = ["Must be valid Unicode text (it holds an unpaired surrogate escape)."];
            return null;
        }
    }
}
