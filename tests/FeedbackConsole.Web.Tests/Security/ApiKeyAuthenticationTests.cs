using System.Security.Claims;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Tests.Shared;
using FeedbackConsole.Tests.Shared.Web;
using FeedbackConsole.Web.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace FeedbackConsole.Web.Tests.Security;

/// <summary>The app's "ApiKey" scheme, run on bare requests: who a key's requests are, and that they share it.</summary>
public sealed class ApiKeyAuthenticationTests : IAsyncLifetime
{
    private TestDatabase _database = default!;
    private ConsoleAppFactory _app = default!;

    public async ValueTask InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        _app = new ConsoleAppFactory(_database);
        _ = _app.Services;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _database.DisposeAsync();
    }

    private async Task<AuthenticateResult> AuthenticateAsync(string key)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Headers.Authorization = "Bearer " + key;
        return await context.AuthenticateAsync(ApiClaims.Scheme);
    }

    [Fact]
    public async Task OneKey_ManyRequests_ShareOneUserWithTheCallersClaims()
    {
        var bot = await _app.CreateApplicationAsync("Support bot");
        var other = await _app.CreateApplicationAsync("Other bot");

        var first = await AuthenticateAsync(bot.Key);
        var second = await AuthenticateAsync(bot.Key);
        var otherKey = await AuthenticateAsync(other.Key);

        Assert.Same(first.Principal, second.Principal);
        Assert.NotSame(first.Principal, otherKey.Principal);
        var user = first.Principal!;
        Assert.Equal((bot.Id, bot.KeyId), (ApiClaims.ApplicationIdOf(user), ApiClaims.KeyIdOf(user)));
        Assert.Equal((other.Id, other.KeyId), (ApiClaims.ApplicationIdOf(otherKey.Principal!), ApiClaims.KeyIdOf(otherKey.Principal!)));
        Assert.Equal(
            [(ApiClaims.ApplicationId, bot.Id.ToString()), (ApiClaims.KeyId, bot.KeyId.ToString()), (ApiClaims.KeyKind, nameof(ApiKeyKind.Server))],
            user.Claims.Select(c => (c.Type, c.Value)));
        Assert.Equal(ApiClaims.Scheme, user.Identity!.AuthenticationType);
        Assert.True(user.Identity.IsAuthenticated);
    }

    [Fact]
    public async Task RevokedKey_NoLongerAuthenticates_ThoughItsUserWasShared()
    {
        var bot = await _app.CreateApplicationAsync("Support bot");
        Assert.True((await AuthenticateAsync(bot.Key)).Succeeded);

        await _app.RevokeKeyAsync(bot.Key);

        var result = await AuthenticateAsync(bot.Key);
        Assert.False(result.Succeeded);
        Assert.Null(result.Principal);
    }

    [Fact]
    public void ApplicationIdOf_AUserBuiltFromClaims_ReadsTheClaim()
    {
        var id = Guid.NewGuid();
        var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ApiClaims.ApplicationId, id.ToString())], ApiClaims.Scheme));

        Assert.Equal(id, ApiClaims.ApplicationIdOf(user));
    }
}
