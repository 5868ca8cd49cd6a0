using System.ComponentModel.DataAnnotations;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Admin.Applications;
using FeedbackConsole.Core.Features.Ingestion;
using FeedbackConsole.Core.Options;
using FeedbackConsole.Core.Tests.Shared;
using FeedbackConsole.Tests.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static FeedbackConsole.Core.Tests.Features.Admin.Applications.ApplicationsTestHost;

namespace FeedbackConsole.Core.Tests.Features.Admin.Applications;

public sealed class BootstrapApplicationTests
{
    private const string Key = "fc_live_0123456789abcdefghijABCDEFGHIJkl";

    private static Dictionary<string, string?> Settings(string name = "Support assistant", string key = Key) => new()
    {
        ["Bootstrap:Application:Name"] = name,
        ["Bootstrap:Application:ApiKey"] = key,
    };

    private static Task<List<ApiKey>> KeysAsync(CoreHost host) =>
        host.InScopeAsync<FeedbackDbContext, List<ApiKey>>(db => db.ApiKeys.AsNoTracking().ToListAsync(Ct));

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Run_Configured_CreatesApplicationAndKeyOnceAndTheKeyWorks(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider, Settings());

        // Every start runs it again: nothing more is created.
        await host.Services.InitializeFeedbackConsoleAsync(Ct);
        await host.Services.InitializeFeedbackConsoleAsync(Ct);

        var application = Assert.Single(await host.ListAsync());
        Assert.Equal("Support assistant", application.Name);
        var key = Assert.Single(await KeysAsync(host));
        Assert.Equal(ApiKeyFormat.Hash(Key), key.Hash);
        Assert.Equal("fc_live_0123", key.Prefix);
        Assert.Equal(ApiKeyKind.Server, key.Kind);
        Assert.Equal(BootstrapApplication.KeyLabel, key.Label);
        var caller = await host.Services.GetRequiredService<ApiKeyLookup>().FindAsync(Key, Ct);
        Assert.Equal(application.Id, caller?.ApplicationId);
        Assert.Equal(ApiKeyKind.Server, caller?.Kind);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Run_ApplicationExistsWithoutTheKey_AddsTheKeyToIt(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        var existing = await host.CreateApplicationAsync("SUPPORT assistant");
        await host.CreateKeyAsync(existing, ApiKeyKind.Server, "made by hand");

        // A second process on the same database, started with the bootstrap configuration.
        await using var restarted = ServicesWith(new Dictionary<string, string?>(host.Database.Settings.Concat(Settings())));
        await restarted.InitializeFeedbackConsoleAsync(Ct);

        var application = Assert.Single(await host.ListAsync());
        Assert.Equal(existing, application.Id);
        Assert.Equal(2, application.ActiveKeys);
        Assert.Equal(existing, (await restarted.GetRequiredService<ApiKeyLookup>().FindAsync(Key, Ct))?.ApplicationId);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Run_KeyRevokedOrApplicationRenamedInConsole_StaysThatWay(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider, Settings());
        var application = Assert.Single(await host.ListAsync());
        var key = Assert.Single(await KeysAsync(host));
        await host.RunAsync<RenameApplication>(h => h.HandleAsync(application.Id, "Renamed assistant", ActingAdmin, Ct));
        await host.RunAsync<RevokeApiKey>(h => h.HandleAsync(key.Id, ActingAdmin, Ct));

        await host.Services.InitializeFeedbackConsoleAsync(Ct);

        var after = Assert.Single(await host.ListAsync());
        Assert.Equal("Renamed assistant", after.Name);
        Assert.Equal((0, 1), (after.ActiveKeys, after.RevokedKeys));
        Assert.Null(await host.Services.GetRequiredService<ApiKeyLookup>().FindAsync(Key, Ct));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Run_NotConfigured_CreatesNothing(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);

        Assert.Empty(await host.ListAsync());
    }

    [Theory]
    [InlineData("fc_live_short", "does not look like a generated key")]
    [InlineData("sk-0123456789abcdefghijABCDEFGHIJkl", "does not look like a generated key")]
    [InlineData("fc_live_0123456789abcdefghijABCDEFGHIJk!", "does not look like a generated key")]
    [InlineData("fc_pub_0123456789abcdefghijABCDEFGHIJkl", "must be a server key")]
    public void Options_InvalidConfiguredKey_FailValidationAtStartWithoutEchoingTheKey(string key, string reason)
    {
        using var services = ServicesWith(Settings(key: key));

        var exception = Assert.ThrowsAny<OptionsValidationException>(() => services.GetRequiredService<IOptions<BootstrapOptions>>().Value);

        Assert.Contains("Bootstrap:Application:ApiKey", exception.Message, StringComparison.Ordinal);
        Assert.Contains(reason, exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(key, exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Support assistant", "")]
    [InlineData("", Key)]
    public void Options_OnlyOneOfNameAndKey_FailValidation(string name, string key)
    {
        var options = new BootstrapApplicationOptions { Name = name, ApiKey = key };

        var errors = options.Validate(new ValidationContext(options)).ToList();

        Assert.Equal("Bootstrap:Application:Name and Bootstrap:Application:ApiKey must be given together.", Assert.Single(errors).ErrorMessage);
    }

    [Fact]
    public void Options_NameTooLong_FailsValidation()
    {
        using var services = ServicesWith(Settings(name: new string('x', 101)));

        var exception = Assert.ThrowsAny<OptionsValidationException>(() => services.GetRequiredService<IOptions<BootstrapOptions>>().Value);

        Assert.Contains("Bootstrap:Application:Name", exception.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider ServicesWith(Dictionary<string, string?> settings) =>
        new ServiceCollection()
            .AddLogging()
            .AddFeedbackConsoleCore(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), Path.GetTempPath())
            .BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
}
