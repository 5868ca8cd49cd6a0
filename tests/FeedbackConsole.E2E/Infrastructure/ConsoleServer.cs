using FeedbackConsole.Tests.Shared;
using FeedbackConsole.Tests.Shared.Web;

namespace FeedbackConsole.E2E.Infrastructure;

/// <summary>The real app on a real Kestrel port over a throwaway database of the given provider.</summary>
public sealed class ConsoleServer : IAsyncDisposable
{
    private readonly TestDatabase _database;

    private ConsoleServer(TestDatabase database, ConsoleAppFactory factory)
    {
        _database = database;
        Factory = factory;
    }

    public ConsoleAppFactory Factory { get; }

    public Uri Address => Factory.ServerAddress;

    public static async Task<ConsoleServer> StartAsync(string provider, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var database = await TestDatabase.CreateAsync(provider);
        var factory = new ConsoleAppFactory(database, realServer: true, settings);
        try
        {
            factory.StartServer();
        }
        catch
        {
            await factory.DisposeAsync();
            await database.DisposeAsync();
            throw;
        }

        return new ConsoleServer(database, factory);
    }

    public async ValueTask DisposeAsync()
    {
        await Factory.DisposeAsync();
        await _database.DisposeAsync();
    }
}
