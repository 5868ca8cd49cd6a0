using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace FeedbackConsole.Bench;

/// <summary>
/// A PostgreSQL server for the benchmark: the one given by connection string, or a throwaway cluster started
/// with the recipe of STACK.md on 127.0.0.1 and a free port, removed afterwards. Either way the benchmark
/// works in a database of its own, dropped at the end.
/// </summary>
internal sealed class PostgresServer : IAsyncDisposable
{
    private readonly string? _clusterRoot;
    private readonly string? _binaries;
    private readonly string _databaseName = "fc_bench_" + Guid.NewGuid().ToString("N")[..12];
    private bool _databaseCreated;

    private PostgresServer(string serverConnectionString, string description, string? clusterRoot, string? binaries)
    {
        ServerConnectionString = serverConnectionString;
        Description = description;
        _clusterRoot = clusterRoot;
        _binaries = binaries;
    }

    public string ServerConnectionString { get; }

    public string Description { get; }

    public string DatabaseConnectionString =>
        new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = _databaseName }.ToString();

    public static PostgresServer Existing(string connectionString) =>
        new(connectionString, "given server (FC_BENCH_POSTGRES/--postgres)", null, null);

    /// <summary>Starts a throwaway cluster, or returns null (with the reason) when PostgreSQL is not installed.</summary>
    public static async Task<(PostgresServer? Server, string? Reason)> StartThrowawayAsync()
    {
        var binaries = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
                .FirstOrDefault()
            : null;
        if (binaries is null)
        {
            return (null, "PostgreSQL is not installed (apt-get install -y postgresql), and no server was given with --postgres or FC_BENCH_POSTGRES.");
        }

        var root = Directory.CreateTempSubdirectory("fc-bench-pg-").FullName;
        var data = Path.Combine(root, "data");
        var port = FreePort();
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            await RunAsync("chown", "postgres:postgres", root);
            await RunAsync("install", "-d", "-o", "postgres", "-g", "postgres", "-m", "700", data);
        }
        else
        {
            Directory.CreateDirectory(data);
        }

        var server = new PostgresServer(
            $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Maximum Pool Size=20",
            $"throwaway cluster ({Path.GetFileName(Path.GetDirectoryName(binaries))}, 127.0.0.1:{port}, default fsync/synchronous_commit)",
            root,
            binaries);
        try
        {
            await PgAsync(Path.Combine(binaries, "initdb"), "-D", data, "-U", "postgres", "-A", "trust", "--no-sync");
            await PgAsync(Path.Combine(binaries, "pg_ctl"), "-D", data, "-l", Path.Combine(root, "pg.log"), "-w",
                "-o", $"-c listen_addresses=127.0.0.1 -p {port} -k {root}", "start");
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return (server, null);
    }

    public async Task CreateDatabaseAsync()
    {
        await using var admin = new NpgsqlConnection(ServerConnectionString);
        await admin.OpenAsync();
        await using var create = admin.CreateCommand();
        create.CommandText = $"CREATE DATABASE \"{_databaseName}\"";
        await create.ExecuteNonQueryAsync();
        _databaseCreated = true;
    }

    /// <summary>Leave the database on an existing server after the run (<c>--keep</c>), to look at its plans.</summary>
    public bool KeepDatabase { get; set; }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (KeepDatabase && _databaseCreated && _clusterRoot is null)
        {
            Console.WriteLine($"kept the PostgreSQL database {_databaseName}");
        }
        else if (_databaseCreated && _clusterRoot is null)
        {
            try
            {
                await using var admin = new NpgsqlConnection(ServerConnectionString);
                await admin.OpenAsync();
                await using var drop = admin.CreateCommand();
                drop.CommandText = $"DROP DATABASE IF EXISTS \"{_databaseName}\" WITH (FORCE)";
                await drop.ExecuteNonQueryAsync();
            }
            catch (NpgsqlException e)
            {
                await Console.Error.WriteLineAsync($"Could not drop the benchmark database {_databaseName}: {e.Message}");
            }
        }

        if (_clusterRoot is not null && _binaries is not null)
        {
            try
            {
                await PgAsync(Path.Combine(_binaries, "pg_ctl"), "-D", Path.Combine(_clusterRoot, "data"), "-m", "immediate", "stop");
            }
            catch (InvalidOperationException e)
            {
                await Console.Error.WriteLineAsync(e.Message);
            }

            Directory.Delete(_clusterRoot, recursive: true);
        }
    }

    /// <summary>Runs a PostgreSQL tool as the postgres user when we are root (initdb refuses root).</summary>
    private static Task PgAsync(string tool, params string[] arguments) =>
        Environment.UserName == "root"
            ? RunAsync("runuser", ["-u", "postgres", "--", tool, .. arguments])
            : RunAsync(tool, arguments);

    private static async Task RunAsync(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        // Read both streams while waiting: pg_ctl's server inherits them, so wait for the tool, not for EOF.
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            await Task.WhenAny(Task.WhenAll(stdout, stderr), Task.Delay(1000));
            var output = (stdout.IsCompleted ? stdout.Result : "") + (stderr.IsCompleted ? stderr.Result : "");
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed ({process.ExitCode}): {output}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
