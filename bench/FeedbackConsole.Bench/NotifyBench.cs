using System.Diagnostics;
using FeedbackConsole.Core;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Notifications;
using FeedbackConsole.Tests.Shared.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FeedbackConsole.Bench;

internal sealed record NotifyBenchSettings(int Notifications, int Repetitions, string? Postgres, int Concurrency, int BatchSize);

/// <summary>
/// Issue 7's dispatch target (bench/README.md, "Notifications"): the outbox dispatcher, in process, delivering N waiting
/// emails to a local SMTP server (SmtpServer, parsing every message with MimeKit, as in the tests) and N webhooks to a
/// local receiver (Kestrel, verifying every signature), on SQLite (and PostgreSQL when given). Rate = rows delivered and
/// recorded as Sent ÷ wall time from the first claim to the last recorded outcome. Target: ≥ 500 emails/s.
/// </summary>
internal static class NotifyBench
{
    private const double TargetEmailsPerSecond = 500;

    public static async Task<int> RunAsync(NotifyBenchSettings settings)
    {
        Console.WriteLine($"FeedbackConsole notification dispatch benchmark · {DateTimeOffset.Now:yyyy-MM-dd HH:mm zzz} · {Environment.ProcessorCount} cores · .NET {Environment.Version}");
        Console.WriteLine($"{settings.Notifications:N0} deliveries per repetition, {settings.Repetitions} repetitions, concurrency {settings.Concurrency}, batch {settings.BatchSize} · load average before: {CpuMeter.LoadAverage()}");
        var results = new List<(string Provider, string Channel, double Median)>();
        var providers = new List<(string Name, string? Connection)> { ("Sqlite", null) };
        if (settings.Postgres is { } pg)
        {
            providers.Add(("Postgres", pg));
        }

        await using var smtp = TestSmtpServer.Start();
        await using var receiver = await WebhookReceiver.StartAsync();
        foreach (var (provider, connection) in providers)
        {
            foreach (var channel in new[] { DeliveryChannel.Email, DeliveryChannel.Webhook })
            {
                var rates = new List<double>();
                for (var r = 0; r < settings.Repetitions; r++)
                {
                    var rate = await OnceAsync(provider, connection, channel, settings, smtp, receiver);
                    rates.Add(rate);
                    Console.WriteLine($"  {provider,-8} {channel,-7} run {r + 1}: {rate,8:N0} /s");
                }

                results.Add((provider, channel.ToString(), Stats.Median(rates)));
            }
        }

        Console.WriteLine();
        Console.WriteLine("| database | channel | median deliveries/s | target |");
        Console.WriteLine("| --- | --- | --- | --- |");
        var ok = true;
        foreach (var (provider, channel, median) in results)
        {
            var target = channel == nameof(DeliveryChannel.Email) ? $"≥ {TargetEmailsPerSecond:N0} {(median >= TargetEmailsPerSecond ? "✓" : "✗")}" : "–";
            ok &= channel != nameof(DeliveryChannel.Email) || median >= TargetEmailsPerSecond;
            Console.WriteLine($"| {provider} | {channel} | {median:N0} | {target} |");
        }

        Console.WriteLine($"load average after: {CpuMeter.LoadAverage()}");
        return ok ? 0 : 1;
    }

    private static async Task<double> OnceAsync(
        string provider, string? postgres, DeliveryChannel channel, NotifyBenchSettings settings, TestSmtpServer smtp, WebhookReceiver receiver)
    {
        var work = Directory.CreateTempSubdirectory("fc-notify-bench-").FullName;
        var database = "fc_notify_bench_" + Guid.NewGuid().ToString("N")[..12];
        var connection = provider == "Sqlite"
            ? $"Data Source={Path.Combine(work, "bench.db")}"
            : new Npgsql.NpgsqlConnectionStringBuilder(postgres) { Database = database }.ToString();
        if (provider != "Sqlite")
        {
            await ExecuteAsync(postgres!, $"CREATE DATABASE \"{database}\"");
        }

        try
        {
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Database:Provider"] = provider,
                ["ConnectionStrings:FeedbackConsole"] = connection,
                ["Bootstrap:AdminEmail"] = "bench@example.test",
                ["Bootstrap:AdminPassword"] = "bench admin password",
                ["Notifications:SmtpHost"] = "127.0.0.1",
                ["Notifications:SmtpPort"] = smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Notifications:SmtpSecurity"] = "None",
                ["Notifications:Concurrency"] = settings.Concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Notifications:BatchSize"] = settings.BatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            }).Build();
            await using var services = new ServiceCollection()
                .AddLogging(l => l.SetMinimumLevel(LogLevel.Warning))
                .AddFeedbackConsoleCore(configuration, work)
                .BuildServiceProvider();
            await services.InitializeFeedbackConsoleAsync(CancellationToken.None);
            await SeedAsync(services, channel, settings.Notifications, receiver);

            var dispatcher = ActivatorUtilities.CreateInstance<NotificationDispatcher>(services);
            var contexts = services.GetRequiredService<IDbContextFactory<FeedbackDbContext>>();
            var clock = Stopwatch.StartNew();
            var handled = 0;
            while (handled < settings.Notifications)
            {
                var n = await dispatcher.DispatchOnceAsync(CancellationToken.None);
                if (n == 0)
                {
                    break;
                }

                handled += n;
            }

            var seconds = clock.Elapsed.TotalSeconds;
            await using var db = await contexts.CreateDbContextAsync();
            var sent = await db.NotificationDeliveries.CountAsync(d => d.Status == DeliveryStatus.Sent);
            if (sent != settings.Notifications)
            {
                Console.WriteLine($"  ! only {sent:N0} of {settings.Notifications:N0} were sent");
            }

            return sent / seconds;
        }
        finally
        {
            if (provider != "Sqlite")
            {
                Npgsql.NpgsqlConnection.ClearAllPools();
                await ExecuteAsync(postgres!, $"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");
            }

            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>N notifications with one waiting delivery each (the state a big release leaves behind), written in bulk.</summary>
    private static async Task SeedAsync(IServiceProvider services, DeliveryChannel channel, int count, WebhookReceiver receiver)
    {
        var contexts = services.GetRequiredService<IDbContextFactory<FeedbackDbContext>>();
        await using var db = await contexts.CreateDbContextAsync();
        var app = new Application { Id = Guid.NewGuid(), Name = "Bench app", CreatedAt = DateTimeOffset.UtcNow };
        db.Applications.Add(app);
        db.NotificationChannelSettings.Add(new NotificationChannelSettings
        {
            ApplicationId = app.Id, EmailEnabled = true, WebhookUrl = receiver.Url, WebhookSecret = receiver.Secret, AllowPrivateTargets = true,
            UpdatedAt = DateTimeOffset.UtcNow, Version = Guid.NewGuid(),
        });
        await db.SaveChangesAsync();
        var now = DateTimeOffset.UtcNow;
        for (var offset = 0; offset < count; offset += 2000)
        {
            db.ChangeTracker.Clear();
            for (var i = offset; i < Math.Min(count, offset + 2000); i++)
            {
                var notification = new Notification
                {
                    PublicId = Guid.CreateVersion7(), ApplicationId = app.Id, EndUserId = $"user-{i}", Kind = NotificationKind.Released,
                    TriggerKey = "bench", Feedback = "About “How long is the refund window?”, you wrote “It is 30 days, not 14”.",
                    Outcome = "We corrected the answer. Since today the assistant uses this correction: \"Refund window\" — Refunds are possible within 30 days of delivery.",
                    CreatedAt = now,
                };
                db.NotificationDeliveries.Add(new NotificationDelivery
                {
                    Id = Guid.CreateVersion7(), ApplicationId = app.Id, Notification = notification, Channel = channel,
                    EventType = channel == DeliveryChannel.Email ? "released" : NotificationOutbox.NotificationCreatedEvent,
                    Recipient = channel == DeliveryChannel.Email ? $"user{i}@example.test" : "",
                    Payload = channel == DeliveryChannel.Webhook ? $$$"""{"type":"notification.created","timestamp":"{{{now:O}}}","data":{"endUserId":"user-{{{i}}}","kind":"released"}}""" : null,
                    Status = DeliveryStatus.Pending, NextAttemptAt = now, CreatedAt = now,
                });
            }

            await db.SaveChangesAsync();
        }
    }

    private static async Task ExecuteAsync(string connection, string sql)
    {
        await using var admin = new Npgsql.NpgsqlConnection(connection);
        await admin.OpenAsync();
        await using var command = admin.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
