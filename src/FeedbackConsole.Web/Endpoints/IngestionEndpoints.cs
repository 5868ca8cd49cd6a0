using System.Buffers;
using System.Text.Json;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Ingestion;
using FeedbackConsole.Core.Options;
using FeedbackConsole.Web.Security;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Microsoft.OpenApi;

namespace FeedbackConsole.Web.Endpoints;

/// <summary>
/// <c>POST /api/v1/interactions</c> and <c>POST /api/v1/signals</c> (API.md, "Ingestion"). The HTTP side lives
/// here: content type (415), body size (413), the 207 answer and problem details. Parsing, validation and
/// storage are the use cases <see cref="IngestInteractions"/> and <see cref="IngestSignals"/>.
/// </summary>
internal static class IngestionEndpoints
{
    private static readonly JsonSerializerOptions ResponseJson = new(JsonSerializerDefaults.Web);

    public static IEndpointRouteBuilder MapIngestionEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").RequireRateLimiting(ApiRateLimiting.PerKeyPolicy);
        api.MapPost("/interactions", PostInteractionsAsync)
            .RequireAuthorization(Policies.ApiServer)
            .WithName("PostInteractions")
            .WithSummary("Send interactions")
            .WithDescription("Stores 1–500 model turns. Idempotent per application on `id`: the same content again is `duplicate`; changed output, metadata or usedEntryIds update the turn; any other change is `rejected` (409). Server keys only.")
            .WithIngestionResponses<InteractionsEnvelope>();
        api.MapPost("/signals", PostSignalsAsync)
            .RequireAuthorization(Policies.ApiSignals)
            .RequireCors(PublishableKeyCors.Policy)
            .WithName("PostSignals")
            .WithSummary("Send feedback signals")
            .WithDescription("Stores 1–500 signals. Idempotent per application on `id`: the same content again is `duplicate`, different content is `rejected` (409). A signal may arrive before its interaction. Server keys, or publishable keys from their listed origins.")
            .WithIngestionResponses<SignalsEnvelope>();
        return app;
    }

    private static Task<Results<JsonHttpResult<IngestResponse>, ProblemHttpResult>> PostInteractionsAsync(
        HttpContext context, IngestInteractions ingest, IOptionsMonitor<IngestionOptions> options, CancellationToken cancellationToken) =>
        IngestAsync(context, options.CurrentValue, (application, body) => ingest.HandleAsync(application, body, cancellationToken), cancellationToken);

    private static Task<Results<JsonHttpResult<IngestResponse>, ProblemHttpResult>> PostSignalsAsync(
        HttpContext context, IngestSignals ingest, IOptionsMonitor<IngestionOptions> options, CancellationToken cancellationToken) =>
        IngestAsync(context, options.CurrentValue, (application, body) => ingest.HandleAsync(application, body, cancellationToken), cancellationToken);

    private static async Task<Results<JsonHttpResult<IngestResponse>, ProblemHttpResult>> IngestAsync(
        HttpContext context,
        IngestionOptions options,
        Func<Guid, ReadOnlyMemory<byte>, Task<IngestOutcome>> ingest,
        CancellationToken cancellationToken)
    {
        if (!IsJson(context.Request.ContentType))
        {
            return Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported Media Type",
                "Send the batch as 'Content-Type: application/json' (UTF-8).");
        }

        var body = await ReadBodyAsync(context, options.MaxBodyBytes, cancellationToken);
        if (body.Buffer is null && body.Length < 0)
        {
            return Problem(StatusCodes.Status400BadRequest, "Bad Request",
                "The request body ended before it was complete (the connection closed or Content-Length was larger than the body); nothing was stored.");
        }

        if (body.Buffer is null)
        {
            return Problem(StatusCodes.Status413RequestEntityTooLarge, "Content Too Large",
                $"The request body is larger than {options.MaxBodyBytes} bytes; send fewer items per request.");
        }

        try
        {
            var outcome = await ingest(ApiClaims.ApplicationIdOf(context.User), body.Buffer.AsMemory(0, body.Length));
            if (outcome.Problem is { } problem)
            {
                return Problem(problem.Status, problem.Title, problem.Detail, problem.Errors);
            }

            return TypedResults.Json(outcome.Response!, ResponseJson, statusCode: StatusCodes.Status207MultiStatus);
        }
        catch (IngestionBusyException)
        {
            context.Response.Headers.RetryAfter = "1";
            return Problem(StatusCodes.Status503ServiceUnavailable, "Service Unavailable",
                "The database is busy; nothing from this request was stored. Retry with the same ids.");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(body.Buffer);
        }
    }

    // The body is described for OpenAPI only. Accepts<T>() would also make routing answer a wrong content type
    // itself, before authentication and without problem details; the handler does that properly (415).
    private static RouteHandlerBuilder WithIngestionResponses<TEnvelope>(this RouteHandlerBuilder endpoint) =>
        endpoint
            .AddOpenApiOperationTransformer(async (operation, context, cancellationToken) =>
            {
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        ["application/json"] = new() { Schema = await context.GetOrCreateSchemaAsync(typeof(TEnvelope), null, cancellationToken) },
                    },
                };
            })
            .WithTags("Ingestion")
            .Produces<IngestResponse>(StatusCodes.Status207MultiStatus)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413RequestEntityTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    /// <summary><c>application/json</c>, with no charset or UTF-8 (the only encoding JSON over HTTP may use).</summary>
    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
        && mediaType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
        && (!mediaType.Charset.HasValue || mediaType.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase));

    /// <summary>The whole body in a pooled buffer; a null buffer when it is larger than <paramref name="limit"/> (length 0) or did not arrive whole (length -1).</summary>
    private static async Task<(byte[]? Buffer, int Length)> ReadBodyAsync(HttpContext context, int limit, CancellationToken cancellationToken)
    {
        var declared = context.Request.ContentLength;
        if (declared > limit)
        {
            return (null, 0);
        }

        // Let the server stop reading past the limit too, instead of draining an arbitrarily large body.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit;
        }

        // One byte more than the limit is enough to know that a body is too large.
        var capacity = limit + 1;
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(declared + 1 ?? 16 * 1024, capacity));
        var length = 0;
        try
        {
            while (length < capacity)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, capacity));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await context.Request.Body.ReadAsync(buffer.AsMemory(length, Math.Min(buffer.Length, capacity) - length), cancellationToken);
                if (read == 0)
                {
                    break;
                }

                length += read;
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            length = limit + 1;
        }
        catch (Exception e) when (e is BadHttpRequestException or IOException or OperationCanceledException)
        {
            // The client went away or the body ended before its declared length: nothing to store, and not a
            // server error to log. Answered 400 in case the connection is still there to hear it.
            ArrayPool<byte>.Shared.Return(buffer);
            return (null, -1);
        }

        if (length > limit)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return (null, 0);
        }

        return (buffer, length);
    }

    private static ProblemHttpResult Problem(int status, string title, string detail, IReadOnlyDictionary<string, string[]>? errors = null) =>
        TypedResults.Problem(
            detail: detail,
            statusCode: status,
            title: title,
            type: status switch
            {
                StatusCodes.Status403Forbidden => ProblemTypes.Forbidden,
                StatusCodes.Status413RequestEntityTooLarge => ProblemTypes.ContentTooLarge,
                StatusCodes.Status415UnsupportedMediaType => ProblemTypes.UnsupportedMediaType,
                StatusCodes.Status503ServiceUnavailable => ProblemTypes.ServiceUnavailable,
                _ => ProblemTypes.BadRequest,
            },
            extensions: errors is null ? null : new Dictionary<string, object?> { ["errors"] = errors });
}
