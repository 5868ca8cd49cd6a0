using System.Net;
using System.Text.Json;
using FeedbackConsole.Tests.Shared;
using FeedbackConsole.Tests.Shared.Web;

namespace FeedbackConsole.Web.Tests.Endpoints;

public sealed class HealthEndpointsTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Ready_MigratedDatabase_ReportsHealthyDatabase(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ConsoleAppFactory(database);
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/health/ready", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("Healthy", body.RootElement.GetProperty("status").GetString());
        Assert.Equal("Healthy", body.RootElement.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Live_Anonymous_Returns200WithoutTouchingTheDatabase()
    {
        await using var database = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var app = new ConsoleAppFactory(database);
        using var client = app.CreateClient(new() { AllowAutoRedirect = false });

        using var response = await client.GetAsync("/health/live", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Empty(body.RootElement.GetProperty("checks").EnumerateObject());
    }

    [Fact]
    public async Task Ready_DatabaseWithoutMigrations_Returns503()
    {
        await using var database = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var app = new ConsoleAppFactory(database, settings: new Dictionary<string, string?>
        {
            ["Database:ApplyMigrationsOnStartup"] = "false",
            // Without migrations there are no user tables, so the first-admin bootstrap is skipped too.
        });
        using var client = app.CreateClient(new() { AllowAutoRedirect = false });

        using var response = await client.GetAsync("/health/ready", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }
}
