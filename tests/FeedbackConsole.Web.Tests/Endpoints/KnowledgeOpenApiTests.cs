using System.Text.Json;
using FeedbackConsole.Tests.Shared;
using FeedbackConsole.Tests.Shared.Web;

namespace FeedbackConsole.Web.Tests.Endpoints;

/// <summary>The run-time knowledge API in the OpenAPI document (the document as a whole is linted by <see cref="OpenApiDocumentTests"/>).</summary>
public sealed class KnowledgeOpenApiTests
{
    [Fact]
    public async Task Document_DescribesTheKnowledgeEndpoints_TheirParametersAndAnswers()
    {
        await using var database = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var app = new ConsoleAppFactory(database);
        using var client = app.CreateClient();

        var json = await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative), TestContext.Current.CancellationToken);
        using var document = JsonDocument.Parse(json);

        var paths = document.RootElement.GetProperty("paths");
        var search = paths.GetProperty("/api/v1/knowledge-bases/{kb}/search").GetProperty("get");
        var parameters = search.GetProperty("parameters").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!);
        Assert.Equal(["kb", "q", "k", "release", "interactionId"], parameters.Keys);
        Assert.True(parameters["q"].GetProperty("required").GetBoolean());
        Assert.Equal("integer", parameters["k"].GetProperty("schema").GetProperty("type").GetString());
        Assert.Equal(["live", "shadow"], parameters["release"].GetProperty("schema").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        foreach (var status in new[] { "200", "400", "401", "403", "404", "429" })
        {
            Assert.True(search.GetProperty("responses").TryGetProperty(status, out _), $"search documents {status}");
        }

        var examples = paths.GetProperty("/api/v1/knowledge-bases/{kb}/examples").GetProperty("get");
        Assert.Contains(examples.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "taskType");
        var check = paths.GetProperty("/api/v1/guards/check").GetProperty("post");
        Assert.True(check.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _));
        Assert.True(check.GetProperty("responses").TryGetProperty("200", out _));
        Assert.Contains(document.RootElement.GetProperty("tags").EnumerateArray(), t => t.GetProperty("name").GetString() == "Knowledge");
    }
}
