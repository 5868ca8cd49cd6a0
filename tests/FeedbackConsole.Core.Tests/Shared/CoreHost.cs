using FeedbackConsole.Core.Data;
using FeedbackConsole.Tests.Shared;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FeedbackConsole.Core.Tests.Shared;

/// <summary>Core's services exactly as the host wires them, on a throwaway database, without the web host.</summary>
public sealed class CoreHost : IAsyncDisposable
{
    private CoreHost(TestDatabase database, ServiceProvider services)
    {
        Database = database;
        Services = services;
    }

    public TestDatabase Database { get; }

    public ServiceProvider Services { get; }

    public static async Task<CoreHost> StartAsync(string provider, IReadOnlyDictionary<string, string?>? settings = null, bool initialize = true)
    {
        var database = await TestDatabase.CreateAsync(provider);
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(database.Settings)
            .AddInMemoryCollection(settings ?? new Dictionary<string, string?>())
            .Build();
        var services = new ServiceCollection()
            .AddLogging()
            .AddFeedbackConsoleCore(configuration, Path.GetTempPath())
            .BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        var host = new CoreHost(database, services);
        if (initialize)
        {
            await services.InitializeFeedbackConsoleAsync(TestContext.Current.CancellationToken);
        }

        return host;
    }

    /// <summary>Runs code against a scoped service, the way one request or one use case would.</summary>
    public async Task<TResult> InScopeAsync<TService, TResult>(Func<TService, Task<TResult>> call)
        where TService : notnull
    {
        await using var scope = Services.CreateAsyncScope();
        return await call(scope.ServiceProvider.GetRequiredService<TService>());
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await Database.DisposeAsync();
    }
}
