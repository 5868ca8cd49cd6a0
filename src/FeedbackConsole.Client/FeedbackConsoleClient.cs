using System.Net.Http.Json;

namespace FeedbackConsole.Client;

/// <summary>
/// Sends interactions and signals to FeedbackConsole. Large lists are split into batches of at most
/// <see cref="FeedbackConsoleClientOptions.MaxBatchSize"/>; transient failures (network errors, 5xx, 408,
/// 429 honouring Retry-After) are retried by the resilience pipeline with the same body, so the same ids
/// arrive again and the server answers <c>duplicate</c> for what it already stored.
/// </summary>
public sealed class FeedbackConsoleClient(HttpClient http, FeedbackConsoleClientOptions options)
{
    public Task<IngestResult> SendInteractionsAsync(IEnumerable<InteractionInput> interactions, CancellationToken cancellationToken = default) =>
        SendAsync("api/v1/interactions", "interactions", interactions, cancellationToken);

    public Task<IngestResult> SendSignalsAsync(IEnumerable<SignalInput> signals, CancellationToken cancellationToken = default) =>
        SendAsync("api/v1/signals", "signals", signals, cancellationToken);

    private async Task<IngestResult> SendAsync<T>(string path, string envelope, IEnumerable<T> items, CancellationToken cancellationToken)
    {
        var results = new List<ItemResult>();
        foreach (var batch in items.Chunk(options.MaxBatchSize))
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path)
            {
                Content = JsonContent.Create(new Dictionary<string, T[]> { [envelope] = batch }, options: Json.Options),
            };
            request.Headers.Authorization = new("Bearer", options.ApiKey);
            using var response = await http.SendAsync(request, cancellationToken);
            if ((int)response.StatusCode != 207)
            {
                var problem = await ReadProblemAsync(response, cancellationToken);
                throw new FeedbackConsoleException((int)response.StatusCode, problem);
            }

            var body = await response.Content.ReadFromJsonAsync<BatchResponse>(Json.Options, cancellationToken)
                       ?? throw new FeedbackConsoleException(207, new ProblemDetailsResponse { Title = "Empty 207 response" });
            results.AddRange(body.Results);
        }

        return new IngestResult(results);
    }

    private static async Task<ProblemDetailsResponse> ReadProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<ProblemDetailsResponse>(Json.Options, cancellationToken)
                   ?? new ProblemDetailsResponse { Status = (int)response.StatusCode, Title = response.ReasonPhrase };
        }
        catch (System.Text.Json.JsonException)
        {
            return new ProblemDetailsResponse { Status = (int)response.StatusCode, Title = response.ReasonPhrase };
        }
    }
}

/// <summary>The server refused a whole request (bad envelope, bad key, too large…), with its problem details.</summary>
public sealed class FeedbackConsoleException : Exception
{
    public FeedbackConsoleException(int status, ProblemDetailsResponse problem)
        : base($"FeedbackConsole answered {status}: {problem.Title}{(problem.Detail is null ? "" : " — " + problem.Detail)}")
    {
        Status = status;
        Problem = problem;
    }

    public FeedbackConsoleException()
        : this(0, new ProblemDetailsResponse())
    {
    }

    public FeedbackConsoleException(string message)
        : base(message)
    {
        Problem = new ProblemDetailsResponse { Title = message };
    }

    public FeedbackConsoleException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problem = new ProblemDetailsResponse { Title = message };
    }

    public int Status { get; }

    public ProblemDetailsResponse Problem { get; }
}
