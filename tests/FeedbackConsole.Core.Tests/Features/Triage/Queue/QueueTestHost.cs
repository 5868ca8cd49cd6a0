using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Tests.Shared;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FeedbackConsole.Core.Tests.Features.Triage.Queue;

/// <summary>A clock the test moves by hand.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}

/// <summary>
/// Core's services as the host wires them, with a hand-moved clock, on a throwaway database; plus helpers
/// that write applications, people, interactions and cases straight through the DbContext.
/// </summary>
public sealed class QueueTestHost : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private QueueTestHost(TestDatabase database, ServiceProvider services, ManualClock clock)
    {
        Database = database;
        Services = services;
        Clock = clock;
    }

    public TestDatabase Database { get; }

    public ServiceProvider Services { get; }

    public ManualClock Clock { get; }

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<QueueTestHost> StartAsync(string provider, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var database = await TestDatabase.CreateAsync(provider);
        var clock = new ManualClock(Start);
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(database.Settings)
            .AddInMemoryCollection(settings ?? new Dictionary<string, string?>())
            .Build();
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<TimeProvider>(clock)
            .AddFeedbackConsoleCore(configuration, Path.GetTempPath())
            .BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        await services.InitializeFeedbackConsoleAsync(Ct);
        return new QueueTestHost(database, services, clock);
    }

    public async Task<TResult> RunAsync<THandler, TResult>(Func<THandler, Task<TResult>> call)
        where THandler : notnull
    {
        await using var scope = Services.CreateAsyncScope();
        return await call(scope.ServiceProvider.GetRequiredService<THandler>());
    }

    public async Task<FeedbackDbContext> DbAsync() =>
        await Services.GetRequiredService<IDbContextFactory<FeedbackDbContext>>().CreateDbContextAsync(Ct);

    public async Task<Guid> AddApplicationAsync(string name)
    {
        await using var db = await DbAsync();
        var app = new Application { Id = Guid.NewGuid(), Name = name, CreatedAt = Start };
        db.Applications.Add(app);
        await db.SaveChangesAsync(Ct);
        return app.Id;
    }

    public async Task<string> AddPersonAsync(string displayName, params string[] roles)
    {
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var email = displayName.ToLowerInvariant().Replace(' ', '.') + "@example.test";
        var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = displayName, CreatedAt = Start };
        var created = await users.CreateAsync(user, "a long enough test password");
        Assert.True(created.Succeeded, string.Join(" ", created.Errors.Select(e => e.Description)));
        if (roles.Length > 0)
        {
            Assert.True((await users.AddToRolesAsync(user, roles)).Succeeded);
        }

        return user.Id;
    }

    /// <summary>Writes an interaction and its case; <paramref name="shape"/> sets the case's fields.</summary>
    public async Task<long> AddCaseAsync(Guid applicationId, Action<Case>? shape = null, string input = "How do I reset my password?", string output = "Click Forgot password.",
        params (string Key, bool Confirmed)[] failureModes)
    {
        await using var db = await DbAsync();
        var interaction = new Interaction
        {
            ApplicationId = applicationId,
            ExternalId = Guid.NewGuid().ToString("N"),
            Input = input,
            Output = output,
            OccurredAt = Clock.GetUtcNow(),
            ReceivedAt = Clock.GetUtcNow(),
            UpdatedAt = Clock.GetUtcNow(),
            ContentHash = "test",
        };
        db.Interactions.Add(interaction);
        await db.SaveChangesAsync(Ct);
        var @case = new Case
        {
            ApplicationId = applicationId,
            InteractionId = interaction.Id,
            Status = CaseStatus.New,
            Priority = 1,
            SignalCount = 1,
            NegativeCount = 1,
            ThumbsDown = 1,
            SignalKinds = 1 << (int)SignalKind.Thumb,
            Reach = 1,
            FirstSignalAt = Clock.GetUtcNow(),
            LastSignalAt = Clock.GetUtcNow(),
            CreatedAt = Clock.GetUtcNow(),
            UpdatedAt = Clock.GetUtcNow(),
            Version = Guid.NewGuid(),
        };
        shape?.Invoke(@case);
        db.Cases.Add(@case);
        await db.SaveChangesAsync(Ct);
        foreach (var (key, confirmed) in failureModes)
        {
            var modeId = await db.FailureModes.Where(m => m.Key == key).Select(m => m.Id).SingleAsync(Ct);
            db.CaseFailureModes.Add(new CaseFailureMode { CaseId = @case.Id, FailureModeId = modeId, Confirmed = confirmed, Reason = "test", Score = 0.5 });
        }

        await db.SaveChangesAsync(Ct);
        return @case.Id;
    }

    public async Task<Case> CaseAsync(long id)
    {
        await using var db = await DbAsync();
        return await db.Cases.AsNoTracking().SingleAsync(c => c.Id == id, Ct);
    }

    public async Task<List<AuditEvent>> AuditAsync(string? action = null)
    {
        await using var db = await DbAsync();
        return await db.AuditEvents.AsNoTracking().Where(e => action == null || e.Action == action).OrderBy(e => e.Id).ToListAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await Database.DisposeAsync();
    }
}
