using System.Net;
using System.Text.Json;

namespace FeedbackConsole.Web.Tests.Endpoints;

/// <summary>Request bodies and answers of the ingestion API, as a client would write and read them.</summary>
internal static class IngestionPayloads
{
    public const string Interactions = "/api/v1/interactions";
    public const string Signals = "/api/v1/signals";

    public static readonly DateTimeOffset Earlier = new(2025, 3, 1, 9, 30, 0, TimeSpan.FromHours(1));

    public static Dictionary<string, object?> Signal(string id, string interactionId, string kind = "thumb", object? value = null) =>
        new()
        {
            ["id"] = id,
            ["interactionId"] = interactionId,
            ["kind"] = kind,
            ["value"] = value ?? (kind == "thumb" ? "down" : null),
            ["occurredAt"] = "2025-03-01T09:31:00+01:00",
        };

    public static Dictionary<string, object?> Interaction(string id, string input = "How do I reset my password?", string output = "Open Settings.") =>
        new()
        {
            ["id"] = id,
            ["conversationId"] = "conv-" + id,
            ["endUserId"] = "user-1",
            ["input"] = input,
            ["output"] = output,
            ["occurredAt"] = "2025-03-01T09:30:00+01:00",
        };

    public static Dictionary<string, object?> With(this Dictionary<string, object?> item, string name, object? value)
    {
        var copy = new Dictionary<string, object?>(item) { [name] = value };
        return copy;
    }

    public static Dictionary<string, object?> Without(this Dictionary<string, object?> item, string name)
    {
        var copy = new Dictionary<string, object?>(item);
        copy.Remove(name);
        return copy;
    }

    public static string Batch(string arrayName, params Dictionary<string, object?>[] items) =>
        JsonSerializer.Serialize(new Dictionary<string, object> { [arrayName] = items.Select(Compact).ToArray() });

    public static string SignalBatch(params Dictionary<string, object?>[] items) => Batch("signals", items);

    public static string InteractionBatch(params Dictionary<string, object?>[] items) => Batch("interactions", items);

    /// <summary>The 207 answer's results as (id, status, error) in order; fails when the answer is not a 207.</summary>
    public static async Task<List<(string? Id, string Status, JsonElement? Error)>> ResultsAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.MultiStatus, $"Expected 207, got {(int)response.StatusCode}: {body}");
        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("results").EnumerateArray()
            .Select(r => (
                r.GetProperty("id").ValueKind == JsonValueKind.Null ? null : r.GetProperty("id").GetString(),
                r.GetProperty("status").GetString()!,
                r.TryGetProperty("error", out var error) ? (JsonElement?)error.Clone() : null))
            .ToList();
    }

    /// <summary>Asserts an RFC 7807 answer with the given status and returns its body.</summary>
    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(body);
        var problem = document.RootElement.Clone();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("type").GetString()));
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
        return problem;
    }

    // Leaves out properties set to null, so that "absent" is absent on the wire.
    private static Dictionary<string, object?> Compact(Dictionary<string, object?> item) =>
        item.Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value);
}
