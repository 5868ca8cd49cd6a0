using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Admin.Applications;
using FeedbackConsole.Tests.Shared;
using FeedbackConsole.Tests.Shared.Web;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FeedbackConsole.Web.Tests.Endpoints;

/// <summary>
/// Keys made the way an admin makes them in the console (the Applications use cases) work against the real
/// HTTP API at once, and stop working at once when revoked or when their application is archived.
/// </summary>
public sealed class ApiKeysFromConsoleTests
{
    private const string Signals = "/api/v1/signals";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<T> RunAsync<THandler, T>(ConsoleAppFactory app, Func<THandler, Task<T>> call)
        where THandler : notnull =>
        await app.Services.GetRequiredService<UseCases>().RunAsync(call);

    private static async Task<Guid> CreateApplicationAsync(ConsoleAppFactory app, string name)
    {
        var result = await RunAsync<CreateApplication, Result<Guid>>(app, h => h.HandleAsync(new CreateApplication.Request { Name = name }, "admin", Ct));
        Assert.True(result.Succeeded, result.Error);
        return result.Value;
    }

    private static async Task<CreateApiKey.Created> CreateKeyAsync(ConsoleAppFactory app, Guid applicationId, ApiKeyKind kind, params string[] origins)
    {
        var request = new CreateApiKey.Request { Kind = kind, Label = "test " + kind, AllowedOrigins = origins };
        var result = await RunAsync<CreateApiKey, Result<CreateApiKey.Created>>(app, h => h.HandleAsync(applicationId, request, "admin", Ct));
        Assert.True(result.Succeeded, result.Error);
        return result.Value!;
    }

    /// <summary>Posts one copy signal with the key (and an Origin, as a browser would), returning the status.</summary>
    private static async Task<HttpStatusCode> PostSignalAsync(ConsoleAppFactory app, string key, string? origin = null)
    {
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (origin is not null)
        {
            client.DefaultRequestHeaders.Add("Origin", origin);
        }

        var occurredAt = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O", CultureInfo.InvariantCulture);
        var json = $$"""{"signals":[{"id":"{{Guid.NewGuid():N}}","interactionId":"turn-1","kind":"copy","occurredAt":"{{occurredAt}}"}]}""";
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(new Uri(Signals, UriKind.Relative), content, Ct);
        return response.StatusCode;
    }

    private static async Task<string?> PreflightAllowedOriginAsync(ConsoleAppFactory app, string origin)
    {
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var request = new HttpRequestMessage(HttpMethod.Options, new Uri(Signals, UriKind.Relative));
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        using var response = await client.SendAsync(request, Ct);
        return response.Headers.TryGetValues("Access-Control-Allow-Origin", out var values) ? values.Single() : null;
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ServerKey_CreatedInTheConsole_IsAcceptedUntilRevoked(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ConsoleAppFactory(database);
        var appId = await CreateApplicationAsync(app, "Support assistant");
        var key = await CreateKeyAsync(app, appId, ApiKeyKind.Server);

        var before = await PostSignalAsync(app, key.Key);
        await RunAsync<RevokeApiKey, Result>(app, h => h.HandleAsync(key.KeyId, "admin", Ct));
        var after = await PostSignalAsync(app, key.Key);

        Assert.Equal(HttpStatusCode.MultiStatus, before);
        Assert.Equal(HttpStatusCode.Unauthorized, after);
        var shown = Assert.Single((await RunAsync<GetApplication, GetApplication.Details?>(app, h => h.HandleAsync(appId, Ct)))!.Keys);
        Assert.NotNull(shown.LastUsedAt); // "last used" reflects the accepted request
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ArchivedApplication_ItsKeys_AreRefusedUntilUnarchived(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var app = new ConsoleAppFactory(database);
        var appId = await CreateApplicationAsync(app, "Support assistant");
        var key = await CreateKeyAsync(app, appId, ApiKeyKind.Server);
        Assert.Equal(HttpStatusCode.MultiStatus, await PostSignalAsync(app, key.Key));

        await RunAsync<ArchiveApplication, Result>(app, h => h.HandleAsync(appId, "admin", Ct));
        var whileArchived = await PostSignalAsync(app, key.Key);
        await RunAsync<UnarchiveApplication, Result>(app, h => h.HandleAsync(appId, "admin", Ct));
        var afterUnarchive = await PostSignalAsync(app, key.Key);

        Assert.Equal(HttpStatusCode.Unauthorized, whileArchived);
        Assert.Equal(HttpStatusCode.MultiStatus, afterUnarchive);
    }

    [Fact]
    public async Task PublishableKey_CreatedOrChangedInTheConsole_WorksFromItsOriginsAtOnce()
    {
        await using var database = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var app = new ConsoleAppFactory(database);
        var appId = await CreateApplicationAsync(app, "Help centre");
        Assert.Null(await PreflightAllowedOriginAsync(app, "https://help.example.com")); // caches the empty list of origins

        var key = await CreateKeyAsync(app, appId, ApiKeyKind.Publishable, "https://Help.Example.com/");
        var preflight = await PreflightAllowedOriginAsync(app, "https://help.example.com");
        var fromOrigin = await PostSignalAsync(app, key.Key, "https://help.example.com");
        var fromNewOriginBefore = await PostSignalAsync(app, key.Key, "http://localhost:5173");
        var updated = await RunAsync<UpdateAllowedOrigins, Result<IReadOnlyList<string>>>(app, h =>
            h.HandleAsync(key.KeyId, ["https://help.example.com", "http://localhost:5173"], "admin", Ct));
        var newPreflight = await PreflightAllowedOriginAsync(app, "http://localhost:5173");
        var fromNewOriginAfter = await PostSignalAsync(app, key.Key, "http://localhost:5173");

        Assert.Equal("https://help.example.com", preflight);
        Assert.Equal(HttpStatusCode.MultiStatus, fromOrigin);
        Assert.Equal(HttpStatusCode.Unauthorized, fromNewOriginBefore);
        Assert.True(updated.Succeeded, updated.Error);
        Assert.Equal("http://localhost:5173", newPreflight);
        Assert.Equal(HttpStatusCode.MultiStatus, fromNewOriginAfter);
    }
}
