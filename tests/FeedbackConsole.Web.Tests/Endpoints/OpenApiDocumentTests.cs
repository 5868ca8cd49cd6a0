using System.Diagnostics;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using FeedbackConsole.Tests.Shared;
using FeedbackConsole.Tests.Shared.Web;

namespace FeedbackConsole.Web.Tests.Endpoints;

public sealed class OpenApiDocumentTests
{
    [Fact]
    public async Task Document_DescribesTheIngestionContract()
    {
        await using var database = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var app = new ConsoleAppFactory(database);
        using var client = app.CreateClient();

        using var document = JsonDocument.Parse(await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative), TestContext.Current.CancellationToken));

        var paths = document.RootElement.GetProperty("paths");
        foreach (var path in new[] { "/api/v1/interactions", "/api/v1/signals" })
        {
            var post = paths.GetProperty(path).GetProperty("post");
            Assert.True(post.GetProperty("responses").TryGetProperty("207", out _), $"{path} documents its 207");
            Assert.True(post.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _));
        }

        Assert.DoesNotContain(paths.EnumerateObject(), p => p.Name.StartsWith("/Account", StringComparison.Ordinal));
        Assert.Equal("bearer", document.RootElement.GetProperty("components").GetProperty("securitySchemes").GetProperty("apiKey").GetProperty("scheme").GetString());
    }

    [Fact]
    public async Task ReferencePage_IsServedWithoutSigningIn()
    {
        await using var database = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var app = new ConsoleAppFactory(database);
        using var client = app.CreateClient();

        var page = await client.GetStringAsync(new Uri("/api/docs/", UriKind.Relative), TestContext.Current.CancellationToken);
        using var script = await client.GetAsync(new Uri("/api/docs/scalar.js", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Contains("scalar.js", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode); // bundled: works without internet access
    }

    [Fact]
    public async Task Document_PassesAnIndependentOpenApiLinter()
    {
        var tools = ToolsDirectory();
        var redocly = Path.Combine(tools, "node_modules", ".bin", "redocly");
        if (!File.Exists(redocly))
        {
            var (installed, output) = await RunAsync("npm", "ci --no-audit --no-fund", tools);
            if (installed != 0)
            {
                var reason = "The OpenAPI lint needs Node.js and npm to install @redocly/cli (tests/tools): " + output;
                if (TestDatabase.IsCi)
                {
                    Assert.Fail(reason);
                }

                Assert.Skip(reason);
            }
        }

        await using var database = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var app = new ConsoleAppFactory(database);
        using var client = app.CreateClient();
        var file = Path.Combine(Path.GetTempPath(), $"openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative), TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);

        var (exit, lint) = await RunAsync(redocly, $"lint \"{file}\" --config redocly.yaml", tools);
        File.Delete(file);

        Assert.True(exit == 0, lint);
        Assert.Contains("Your API description is valid", lint, StringComparison.Ordinal);
        // Redocly ends with "You have N warnings." when any rule warns (its own notices about Node.js do not count).
        Assert.DoesNotMatch(@"You have \d+ warning", lint);
    }

    private static async Task<(int Exit, string Output)> RunAsync(string command, string arguments, string directory)
    {
        var start = new ProcessStartInfo(command, arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["NO_COLOR"] = "1";
        start.Environment["REDOCLY_TELEMETRY"] = "off";
        start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        try
        {
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
            return (process.ExitCode, await stdout + await stderr);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, $"{command} could not be started: {e.Message}");
        }
    }

    private static string ToolsDirectory([CallerFilePath] string sourceFile = "")
    {
        var directory = new DirectoryInfo(Path.GetDirectoryName(sourceFile)!);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "FeedbackConsole.sln")))
        {
            directory = directory.Parent;
        }

        return Path.Combine(directory?.FullName ?? throw new InvalidOperationException("repository root not found"), "tests", "tools");
    }
}
