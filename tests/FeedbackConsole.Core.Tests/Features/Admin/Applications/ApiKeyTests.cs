using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Admin.Applications;
using FeedbackConsole.Core.Features.Ingestion;
using FeedbackConsole.Core.Tests.Shared;
using FeedbackConsole.Tests.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static FeedbackConsole.Core.Tests.Features.Admin.Applications.ApplicationsTestHost;

namespace FeedbackConsole.Core.Tests.Features.Admin.Applications;

public sealed class ApiKeyTests
{
    private static ApiKeyLookup Lookup(CoreHost host) => host.Services.GetRequiredService<ApiKeyLookup>();

    private static Task<ApiKey> StoredAsync(CoreHost host, Guid keyId) =>
        host.InScopeAsync<FeedbackDbContext, ApiKey>(db => db.ApiKeys.AsNoTracking().SingleAsync(k => k.Id == keyId, Ct));

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task CreateApiKey_ServerKey_IsReturnedOnceAndStoredOnlyAsHashAndPrefix(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        var appId = await host.CreateApplicationAsync("Support assistant");

        var created = await host.CreateKeyAsync(appId, ApiKeyKind.Server, "  Production backend ");

        Assert.True(ApiKeyFormat.TryParse(created.Key, out var kind));
        Assert.Equal(ApiKeyKind.Server, kind);
        Assert.StartsWith("fc_live_", created.Key, StringComparison.Ordinal);
        var stored = await StoredAsync(host, created.KeyId);
        Assert.Equal(ApiKeyFormat.Hash(created.Key), stored.Hash);
        Assert.Equal(ApiKeyFormat.DisplayPrefix(created.Key), stored.Prefix);
        Assert.Equal(created.DisplayPrefix, stored.Prefix);
        Assert.Equal("Production backend", stored.Label);
        Assert.Equal(ActingAdmin, stored.CreatedByUserId);
        Assert.Empty(stored.AllowedOrigins);
        // Nothing stored holds the secret part beyond the four characters of the display prefix.
        var secret = created.Key[stored.Prefix.Length..];
        var texts = typeof(ApiKey).GetProperties().Where(p => p.PropertyType == typeof(string)).Select(p => (string?)p.GetValue(stored) ?? "");
        Assert.All(texts, text => Assert.DoesNotContain(secret, text, StringComparison.Ordinal));
        var details = await host.GetAsync(appId);
        var key = Assert.Single(details!.Keys);
        Assert.Equal(stored.Prefix, key.DisplayPrefix);
        Assert.Null(key.LastUsedAt);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task CreateApiKey_ReturnedKey_AuthenticatesThroughTheLookupAndRecordsLastUse(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        var appId = await host.CreateApplicationAsync("Support assistant");
        var created = await host.CreateKeyAsync(appId, ApiKeyKind.Server);

        var caller = await Lookup(host).FindAsync(created.Key, Ct);
        await Lookup(host).TouchAsync(caller!.KeyId, Ct);

        Assert.Equal(appId, caller.ApplicationId);
        Assert.Equal(created.KeyId, caller.KeyId);
        Assert.Equal(ApiKeyKind.Server, caller.Kind);
        Assert.NotNull(Assert.Single((await host.GetAsync(appId))!.Keys).LastUsedAt);
        var row = Assert.Single(await host.ListAsync());
        Assert.NotNull(row.LastUsedAt);
        Assert.Equal(1, row.ActiveKeys);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task CreateApiKey_PublishableKey_StoresNormalisedOriginsTheLookupReturns(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        var appId = await host.CreateApplicationAsync("Support assistant");

        var created = await host.CreateKeyAsync(appId, ApiKeyKind.Publishable, "Chat widget",
            "https://Chat.Example.com/", "http://localhost:5173", "https://chat.example.com:443");

        Assert.StartsWith("fc_pub_", created.Key, StringComparison.Ordinal);
        Assert.Equal(["https://chat.example.com", "http://localhost:5173"], created.AllowedOrigins);
        var caller = await Lookup(host).FindAsync(created.Key, Ct);
        Assert.Equal(ApiKeyKind.Publishable, caller!.Kind);
        Assert.Equal(["https://chat.example.com", "http://localhost:5173"], caller.AllowedOrigins);
    }

    [Theory]
    [InlineData("chat.example.com")]
    [InlineData("https://chat.example.com/widget")]
    [InlineData("ftp://chat.example.com")]
    [InlineData("https://*.example.com")]
    public async Task CreateApiKey_PublishableWithInvalidOrigin_IsRefusedAndNothingStored(string origin)
    {
        await using var host = await CoreHost.StartAsync(TestDatabase.Sqlite);
        var appId = await host.CreateApplicationAsync("Support assistant");

        var result = await host.TryCreateKeyAsync(appId, ApiKeyKind.Publishable, "Chat widget", origin);

        Assert.False(result.Succeeded);
        Assert.Contains(origin, result.Error, StringComparison.Ordinal);
        Assert.Empty((await host.GetAsync(appId))!.Keys);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task CreateApiKey_PublishableWithoutOrigins_IsRefused(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        var appId = await host.CreateApplicationAsync("Support assistant");

        var result = await host.TryCreateKeyAsync(appId, ApiKeyKind.Publishable, "Chat widget");

        Assert.StartsWith("A publishable key needs at least one origin", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateApiKey_ServerKeyWithOrigins_IgnoresThem()
    {
        await using var host = await CoreHost.StartAsync(TestDatabase.Sqlite);
        var appId = await host.CreateApplicationAsync("Support assistant");

        var created = await host.CreateKeyAsync(appId, ApiKeyKind.Server, "backend", "https://chat.example.com");

        Assert.Empty(created.AllowedOrigins);
        Assert.Empty((await StoredAsync(host, created.KeyId)).AllowedOrigins);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task CreateApiKey_WithoutLabel_IsRefused(string label)
    {
        await using var host = await CoreHost.StartAsync(TestDatabase.Sqlite);
        var appId = await host.CreateApplicationAsync("Support assistant");

        var result = await host.TryCreateKeyAsync(appId, ApiKeyKind.Server, label);

        Assert.Equal("Enter a label, so that you can tell this key from the others.", result.Error);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task CreateApiKey_ArchivedApplication_IsRefused(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        var appId = await host.CreateApplicationAsync("Support assistant");
        await host.RunAsync<ArchiveApplication>(h => h.HandleAsync(appId, ActingAdmin, Ct));

        var result = await host.TryCreateKeyAsync(appId, ApiKeyKind.Server, "backend");

        Assert.False(result.Succeeded);
        Assert.Contains("archived", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task RevokeApiKey_KeyInUse_IsNoLongerFoundAndShowsRevoked(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        var appId = await host.CreateApplicationAsync("Support assistant");
        var revoked = await host.CreateKeyAsync(appId, ApiKeyKind.Server, "old backend");
        var kept = await host.CreateKeyAsync(appId, ApiKeyKind.Server, "new backend");
        Assert.NotNull(await Lookup(host).FindAsync(revoked.Key, Ct)); // now cached as valid

        var result = await host.RunAsync<RevokeApiKey>(h => h.HandleAsync(revoked.KeyId, ActingAdmin, Ct));
        var again = await host.RunAsync<RevokeApiKey>(h => h.HandleAsync(revoked.KeyId, ActingAdmin, Ct));

        Assert.True(result.Succeeded && again.Succeeded);
        Assert.Null(await Lookup(host).FindAsync(revoked.Key, Ct));
        Assert.NotNull(await Lookup(host).FindAsync(kept.Key, Ct));
        var keys = (await host.GetAsync(appId))!.Keys;
        Assert.Equal(["new backend", "old backend"], keys.Select(k => k.Label));
        Assert.True(keys[1].IsRevoked);
        var row = Assert.Single(await host.ListAsync());
        Assert.Equal((1, 1), (row.ActiveKeys, row.RevokedKeys));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ArchiveApplication_ItsKeys_AreNotFoundUntilUnarchived(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        var appId = await host.CreateApplicationAsync("Support assistant");
        var otherId = await host.CreateApplicationAsync("Other app");
        var server = await host.CreateKeyAsync(appId, ApiKeyKind.Server);
        var publishable = await host.CreateKeyAsync(appId, ApiKeyKind.Publishable, "widget", "https://chat.example.com");
        var other = await host.CreateKeyAsync(otherId, ApiKeyKind.Server);
        Assert.NotNull(await Lookup(host).FindAsync(server.Key, Ct));
        Assert.NotNull(await Lookup(host).FindAsync(publishable.Key, Ct));

        await host.RunAsync<ArchiveApplication>(h => h.HandleAsync(appId, ActingAdmin, Ct));
        var whileArchived = (await Lookup(host).FindAsync(server.Key, Ct), await Lookup(host).FindAsync(publishable.Key, Ct));
        await host.RunAsync<UnarchiveApplication>(h => h.HandleAsync(appId, ActingAdmin, Ct));

        Assert.Equal((null, null), whileArchived);
        Assert.NotNull(await Lookup(host).FindAsync(other.Key, Ct));
        Assert.NotNull(await Lookup(host).FindAsync(server.Key, Ct));
        Assert.NotNull(await Lookup(host).FindAsync(publishable.Key, Ct));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task UpdateAllowedOrigins_PublishableKey_ReplacesTheListTheLookupReturns(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        var appId = await host.CreateApplicationAsync("Support assistant");
        var created = await host.CreateKeyAsync(appId, ApiKeyKind.Publishable, "widget", "https://chat.example.com");
        Assert.NotNull(await Lookup(host).FindAsync(created.Key, Ct)); // cached with the old list

        var result = await host.InScopeAsync<UpdateAllowedOrigins, Result<IReadOnlyList<string>>>(h =>
            h.HandleAsync(created.KeyId, ["https://help.example.com/", "https://chat.example.com"], ActingAdmin, Ct));

        Assert.True(result.Succeeded, result.Error);
        var expected = new[] { "https://help.example.com", "https://chat.example.com" };
        Assert.Equal(expected, result.Value);
        Assert.Equal(expected, (await Lookup(host).FindAsync(created.Key, Ct))!.AllowedOrigins);
        Assert.Equal(expected, Assert.Single((await host.GetAsync(appId))!.Keys).AllowedOrigins);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task UpdateAllowedOrigins_ServerRevokedOrInvalid_IsRefused(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        var appId = await host.CreateApplicationAsync("Support assistant");
        var server = await host.CreateKeyAsync(appId, ApiKeyKind.Server);
        var revoked = await host.CreateKeyAsync(appId, ApiKeyKind.Publishable, "widget", "https://chat.example.com");
        await host.RunAsync<RevokeApiKey>(h => h.HandleAsync(revoked.KeyId, ActingAdmin, Ct));
        var live = await host.CreateKeyAsync(appId, ApiKeyKind.Publishable, "widget 2", "https://chat.example.com");

        Task<Result<IReadOnlyList<string>>> Update(Guid keyId, params string[] origins) =>
            host.InScopeAsync<UpdateAllowedOrigins, Result<IReadOnlyList<string>>>(h => h.HandleAsync(keyId, origins, ActingAdmin, Ct));

        Assert.StartsWith("Only publishable keys", (await Update(server.KeyId, "https://a.example.com")).Error, StringComparison.Ordinal);
        Assert.StartsWith("This key is revoked", (await Update(revoked.KeyId, "https://a.example.com")).Error, StringComparison.Ordinal);
        Assert.StartsWith("A publishable key needs at least one origin", (await Update(live.KeyId)).Error, StringComparison.Ordinal);
        Assert.Contains("has a path", (await Update(live.KeyId, "https://a.example.com/app")).Error, StringComparison.Ordinal);
        Assert.Equal(["https://chat.example.com"], (await StoredAsync(host, live.KeyId)).AllowedOrigins);
    }
}
