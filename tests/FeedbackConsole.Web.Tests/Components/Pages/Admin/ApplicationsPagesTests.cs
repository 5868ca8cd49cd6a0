using System.Net;
using System.Security.Claims;
using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Admin.Applications;
using FeedbackConsole.Tests.Shared;
using FeedbackConsole.Tests.Shared.Web;
using FeedbackConsole.Web.Security;
using FeedbackConsole.Web.Tests.Shared;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace FeedbackConsole.Web.Tests.Components.Pages.Admin;

/// <summary>
/// The applications pages as the server renders them for an admin, and keys made by the use case presented to
/// the app's real API-key authentication handler.
/// </summary>
public sealed class ApplicationsPagesTests : IAsyncLifetime
{
    private TestDatabase _database = default!;
    private ConsoleAppFactory _app = default!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        _app = new ConsoleAppFactory(_database);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _database.DisposeAsync();
    }

    private async Task<T> RunAsync<THandler, T>(Func<THandler, Task<T>> call)
        where THandler : notnull =>
        await _app.Services.GetRequiredService<UseCases>().RunAsync(call);

    private async Task<Guid> CreateApplicationAsync(string name)
    {
        var result = await RunAsync<CreateApplication, Result<Guid>>(h => h.HandleAsync(new CreateApplication.Request { Name = name }, "test", Ct));
        Assert.True(result.Succeeded, result.Error);
        return result.Value;
    }

    private async Task<CreateApiKey.Created> CreateKeyAsync(Guid applicationId, ApiKeyKind kind, params string[] origins)
    {
        var request = new CreateApiKey.Request { Kind = kind, Label = kind + " key", AllowedOrigins = origins };
        var result = await RunAsync<CreateApiKey, Result<CreateApiKey.Created>>(h => h.HandleAsync(applicationId, request, "test", Ct));
        Assert.True(result.Succeeded, result.Error);
        return result.Value!;
    }

    /// <summary>Runs the app's "ApiKey" authentication scheme on a request with these headers.</summary>
    private async Task<AuthenticateResult> AuthenticateAsync(string key, string? origin = null)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Headers.Authorization = "Bearer " + key;
        if (origin is not null)
        {
            context.Request.Headers.Origin = origin;
        }

        return await context.AuthenticateAsync(ApiClaims.Scheme);
    }

    [Fact]
    public async Task ApplicationsPage_NoApplications_ExplainsWhatAnApplicationIs()
    {
        using var client = await BrowserlessSignIn.SignedInClientAsync(_app, ConsoleAppFactory.AdminEmail, ConsoleAppFactory.AdminPassword);

        var html = await client.GetStringAsync(new Uri("/admin/applications", UriKind.Relative), Ct);

        Assert.Contains("Connect your first application", html, StringComparison.Ordinal);
        Assert.Contains("An application is one LLM app", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DetailsPage_UnknownId_SaysNotFoundInThePage()
    {
        using var client = await BrowserlessSignIn.SignedInClientAsync(_app, ConsoleAppFactory.AdminEmail, ConsoleAppFactory.AdminPassword);

        using var response = await client.GetAsync(new Uri($"/admin/applications/{Guid.NewGuid()}", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Application not found", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DetailsPage_WithKeys_ShowsPrefixesButNeverAKey()
    {
        var appId = await CreateApplicationAsync("Support <b>assistant</b>");
        var server = await CreateKeyAsync(appId, ApiKeyKind.Server);
        var publishable = await CreateKeyAsync(appId, ApiKeyKind.Publishable, "https://chat.example.com");
        using var client = await BrowserlessSignIn.SignedInClientAsync(_app, ConsoleAppFactory.AdminEmail, ConsoleAppFactory.AdminPassword);

        var html = await client.GetStringAsync(new Uri($"/admin/applications/{appId}", UriKind.Relative), Ct);

        Assert.Contains("Support &lt;b&gt;assistant&lt;/b&gt;", html, StringComparison.Ordinal); // rendered as text
        Assert.Contains(server.DisplayPrefix + "…", html, StringComparison.Ordinal);
        Assert.Contains(publishable.DisplayPrefix + "…", html, StringComparison.Ordinal);
        Assert.Contains("https://chat.example.com", html, StringComparison.Ordinal);
        Assert.DoesNotContain(server.Key, html, StringComparison.Ordinal);
        Assert.DoesNotContain(publishable.Key, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiKeyScheme_ServerKeyFromTheUseCase_AuthenticatesAsItsApplication()
    {
        var appId = await CreateApplicationAsync("Support assistant");
        var created = await CreateKeyAsync(appId, ApiKeyKind.Server);

        var result = await AuthenticateAsync(created.Key);

        Assert.True(result.Succeeded, result.Failure?.Message);
        Assert.Equal(appId.ToString(), result.Principal!.FindFirstValue(ApiClaims.ApplicationId));
        Assert.Equal(created.KeyId.ToString(), result.Principal!.FindFirstValue(ApiClaims.KeyId));
        Assert.Equal(nameof(ApiKeyKind.Server), result.Principal!.FindFirstValue(ApiClaims.KeyKind));
    }

    [Fact]
    public async Task ApiKeyScheme_PublishableKey_OnlyFromItsOrigins()
    {
        var appId = await CreateApplicationAsync("Support assistant");
        var created = await CreateKeyAsync(appId, ApiKeyKind.Publishable, "https://chat.example.com/");

        var fromListedOrigin = await AuthenticateAsync(created.Key, "https://chat.example.com");
        var fromOtherOrigin = await AuthenticateAsync(created.Key, "https://evil.example.com");
        var withoutOrigin = await AuthenticateAsync(created.Key);

        Assert.True(fromListedOrigin.Succeeded, fromListedOrigin.Failure?.Message);
        Assert.Equal(nameof(ApiKeyKind.Publishable), fromListedOrigin.Principal!.FindFirstValue(ApiClaims.KeyKind));
        Assert.False(fromOtherOrigin.Succeeded);
        Assert.False(withoutOrigin.Succeeded);
    }

    [Fact]
    public async Task ApiKeyScheme_RevokedKeyOrArchivedApplication_IsRefused()
    {
        var appId = await CreateApplicationAsync("Support assistant");
        var revoked = await CreateKeyAsync(appId, ApiKeyKind.Server);
        var archivedAppId = await CreateApplicationAsync("Retired assistant");
        var ofArchived = await CreateKeyAsync(archivedAppId, ApiKeyKind.Server);
        Assert.True((await AuthenticateAsync(revoked.Key)).Succeeded);
        Assert.True((await AuthenticateAsync(ofArchived.Key)).Succeeded);

        await RunAsync<RevokeApiKey, Result>(h => h.HandleAsync(revoked.KeyId, "test", Ct));
        await RunAsync<ArchiveApplication, Result>(h => h.HandleAsync(archivedAppId, "test", Ct));

        Assert.False((await AuthenticateAsync(revoked.Key)).Succeeded);
        Assert.False((await AuthenticateAsync(ofArchived.Key)).Succeeded);
    }
}
