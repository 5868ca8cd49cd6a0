using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace FeedbackConsole.Core.Tests.Shared;

/// <summary>
/// The SQL EF Core sends to one database while this log is open, read from EF's diagnostic events (tests running in
/// parallel use other databases, told apart by connection string). Commands run on a bare ADO.NET DbCommand are not seen.
/// </summary>
public sealed class EfCommandLog : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    private readonly string _connectionString;
    private readonly List<IDisposable> _subscriptions = [];
    private readonly List<string> _commands = [];

    private EfCommandLog(string connectionString)
    {
        _connectionString = connectionString;
        _subscriptions.Add(DiagnosticListener.AllListeners.Subscribe(this));
    }

    /// <summary>
    /// Starts logging the commands EF sends to the database <paramref name="db"/> uses. Contexts are pooled, and a
    /// pooled context remembers for up to EF's logging cache time (one second by default) that no one listened, so
    /// this waits that long: after it, every context asks again and sees this log.
    /// </summary>
    public static async Task<EfCommandLog> OfAsync(DbContext db, CancellationToken cancellationToken)
    {
        var log = new EfCommandLog(db.Database.GetConnectionString()!);
        await Task.Delay(LoggingCacheTime + TimeSpan.FromMilliseconds(100), cancellationToken);
        return log;
    }

    // EF's default (DbContextOptionsBuilder.ConfigureLoggingCacheTime), which the app does not change.
    private static readonly TimeSpan LoggingCacheTime = TimeSpan.FromSeconds(1);

    public IReadOnlyList<string> Commands
    {
        get
        {
            lock (_commands)
            {
                return [.. _commands];
            }
        }
    }

    public void Clear()
    {
        lock (_commands)
        {
            _commands.Clear();
        }
    }

    void IObserver<DiagnosticListener>.OnNext(DiagnosticListener listener)
    {
        if (listener.Name == DbLoggerCategory.Name)
        {
            lock (_subscriptions)
            {
                _subscriptions.Add(listener.Subscribe(this, name => name == RelationalEventId.CommandExecuting.Name));
            }
        }
    }

    void IObserver<KeyValuePair<string, object?>>.OnNext(KeyValuePair<string, object?> value)
    {
        if (value.Value is CommandEventData { Context: { } context } data && context.Database.GetConnectionString() == _connectionString)
        {
            lock (_commands)
            {
                _commands.Add(data.Command.CommandText);
            }
        }
    }

    void IObserver<DiagnosticListener>.OnCompleted()
    {
    }

    void IObserver<DiagnosticListener>.OnError(Exception error)
    {
    }

    void IObserver<KeyValuePair<string, object?>>.OnCompleted()
    {
    }

    void IObserver<KeyValuePair<string, object?>>.OnError(Exception error)
    {
    }

    public void Dispose()
    {
        lock (_subscriptions)
        {
            _subscriptions.ForEach(s => s.Dispose());
            _subscriptions.Clear();
        }
    }
}
