using System.Net.Http.Headers;
using System.Text;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Ingestion;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FeedbackConsole.Tests.Shared.Web;

/// <summary>An application created for a test, with the one key shown at creation.</summary>
public sealed record TestApplication(Guid Id, string Name, string Key, Guid KeyId);

/// <summary>Applications, keys and API clients for tests, straight through the database (as an admin's action would leave them).</summary>
public static class ApiTestData
{
    public static async Task<TestApplication> CreateApplicationAsync(
        this ConsoleAppFactory app, string name, ApiKeyKind kind = ApiKeyKind.Server, IReadOnlyList<string>? allowedOrigins = null, bool redactPii = true)
    {
        var application = new Application { Id = Guid.NewGuid(), Name = name, CreatedAt = DateTimeOffset.UtcNow, RedactPii = redactPii };
        await app.WithDbAsync(async db =>
        {
            db.Applications.Add(application);
            await db.SaveChangesAsync();
        });
        var (key, keyId) = await app.CreateKeyAsync(application.Id, kind, allowedOrigins);
        return new TestApplication(application.Id, name, key, keyId);
    }

    /// <summary>Adds a key to an application and returns the key (shown once) and its id.</summary>
    public static async Task<(string Key, Guid KeyId)> CreateKeyAsync(
        this ConsoleAppFactory app, Guid applicationId, ApiKeyKind kind, IReadOnlyList<string>? allowedOrigins = null)
    {
        var key = ApiKeyFormat.Generate(kind);
        var row = new ApiKey
        {
            Id = Guid.NewGuid(),
            ApplicationId = applicationId,
            Kind = kind,
            Label = kind + " key",
            Prefix = ApiKeyFormat.DisplayPrefix(key),
            Hash = ApiKeyFormat.Hash(key),
            AllowedOrigins = [.. allowedOrigins ?? []],
            CreatedAt = DateTimeOffset.UtcNow,
        };
        await app.WithDbAsync(async db =>
        {
            db.ApiKeys.Add(row);
            await db.SaveChangesAsync();
        });
        return (key, row.Id);
    }

    /// <summary>Revokes a key as the admin action does: in the database and in this instance's key cache.</summary>
    public static async Task RevokeKeyAsync(this ConsoleAppFactory app, string key)
    {
        var hash = ApiKeyFormat.Hash(key);
        await app.WithDbAsync(db => db.ApiKeys.Where(k => k.Hash == hash)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, DateTimeOffset.UtcNow)));
        app.Services.GetRequiredService<ApiKeyLookup>().Forget(hash);
    }

    public static async Task WithDbAsync(this ConsoleAppFactory app, Func<FeedbackDbContext, Task> work)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<FeedbackDbContext>>().CreateDbContextAsync();
        await work(db);
    }

    public static async Task<T> QueryDbAsync<T>(this ConsoleAppFactory app, Func<FeedbackDbContext, Task<T>> query)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<FeedbackDbContext>>().CreateDbContextAsync();
        return await query(db);
    }

    /// <summary>An HTTP client that sends <paramref name="key"/> as the bearer token (and an Origin, when given).</summary>
    public static HttpClient ApiClient(this ConsoleAppFactory app, string? key, string? origin = null)
    {
        var client = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        if (origin is not null)
        {
            client.DefaultRequestHeaders.Add("Origin", origin);
        }

        return client;
    }

    /// <summary>Posts raw bytes with a content type, for tests of what a strict reader must refuse.</summary>
    public static Task<HttpResponseMessage> PostRawAsync(this HttpClient client, string path, byte[] body, string? contentType = "application/json")
    {
        var content = new ByteArrayContent(body);
        if (contentType is not null)
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        return client.PostAsync(new Uri(path, UriKind.Relative), content);
    }

    public static Task<HttpResponseMessage> PostJsonTextAsync(this HttpClient client, string path, string json) =>
        client.PostRawAsync(path, Encoding.UTF8.GetBytes(json));
}
