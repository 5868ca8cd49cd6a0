using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Impact;
using FeedbackConsole.Core.Tests.Shared;
using FeedbackConsole.Tests.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FeedbackConsole.Core.Tests.Features.Impact;

/// <summary>
/// A running Core (no background services) with one application, writing interactions, signals and cases straight
/// to the database as ingestion and enrichment would leave them, and refreshing the impact rollups on demand.
/// </summary>
internal sealed class ImpactWorld : IAsyncDisposable
{
    private static int _sequence;

    private ImpactWorld(CoreHost host, Guid app)
    {
        Host = host;
        App = app;
    }

    /// <summary>A Monday, long enough ago that every test day is in the past.</summary>
    public static readonly DateOnly Monday = new(2026, 9, 7);

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public CoreHost Host { get; }

    public Guid App { get; }

    public static async Task<ImpactWorld> StartAsync(string provider)
    {
        // No settle time: the tests decide what is committed.
        var host = await CoreHost.StartAsync(provider, new Dictionary<string, string?> { ["Impact:SettleTime"] = "00:00:00" });
        var app = await new CaseSeed(host.Services).ApplicationAsync();
        return new ImpactWorld(host, app);
    }

    public static DateTimeOffset At(DateOnly day, int hour = 12, int minute = 0) => new(day.ToDateTime(new TimeOnly(hour, minute)), TimeSpan.Zero);

    public async Task<FeedbackDbContext> DbAsync() =>
        await Host.Services.GetRequiredService<IDbContextFactory<FeedbackDbContext>>().CreateDbContextAsync(Ct);

    public async Task<long> TurnAsync(
        DateTimeOffset at, string role = "customer", string task = "refund", string model = "m1", string prompt = "p1", string[]? entries = null,
        string channel = "web", string locale = "en-GB")
    {
        await using var db = await DbAsync();
        var id = "turn-" + Interlocked.Increment(ref _sequence);
        var turn = new Interaction
        {
            ApplicationId = App, ExternalId = id, EndUserId = "user-" + id, UserRole = role, TaskType = task, Channel = channel, Locale = locale,
            ModelVersion = model, PromptVersion = prompt, UsedEntryIds = [.. entries ?? []], Input = "Question " + id, Output = "Answer",
            OccurredAt = at, ReceivedAt = at, UpdatedAt = at, EnrichedAt = at, ContentHash = id,
        };
        db.Interactions.Add(turn);
        await db.SaveChangesAsync(Ct);
        return turn.Id;
    }

    /// <summary>A signal on a turn; enriched at <paramref name="enrichedAt"/> (default: when it occurred), or never when <paramref name="enriched"/> is false.</summary>
    public async Task<long> SignalAsync(
        long turn, SignalKind kind, DateTimeOffset occurredAt, bool? up = null, int? rating = null, DateTimeOffset? enrichedAt = null, bool enriched = true,
        bool derived = false, FlagCategory? flag = null)
    {
        await using var db = await DbAsync();
        var id = "sig-" + Interlocked.Increment(ref _sequence);
        var signal = new Signal
        {
            ApplicationId = App, ExternalId = id, InteractionExternalId = "t", InteractionId = turn, EndUserId = "end-user", Kind = kind, ThumbUp = up,
            Rating = rating, Dimension = rating is null ? null : "accuracy", Flag = flag, Text = kind is SignalKind.Correction or SignalKind.Comment ? "text" : null,
            OccurredAt = occurredAt, ReceivedAt = enrichedAt ?? occurredAt, EnrichedAt = enriched ? enrichedAt ?? occurredAt : null, IsDerived = derived,
            ContentHash = id,
        };
        db.Signals.Add(signal);
        await db.SaveChangesAsync(Ct);
        return signal.Id;
    }

    /// <summary>A case on a turn, created at <paramref name="createdAt"/>, with failure modes (by key) and triage/resolve times.</summary>
    public async Task<long> CaseAsync(
        long turn, DateTimeOffset createdAt, string[]? modes = null, DateTimeOffset? triagedAt = null, DateTimeOffset? resolvedAt = null,
        DateTimeOffset? updatedAt = null, DateTimeOffset? firstSignal = null, DateTimeOffset? lastSignal = null)
    {
        await using var db = await DbAsync();
        var kase = new Case
        {
            ApplicationId = App, InteractionId = turn, Status = resolvedAt is null ? (triagedAt is null ? CaseStatus.New : CaseStatus.Labeled) : CaseStatus.Dismissed,
            CreatedAt = createdAt, UpdatedAt = updatedAt ?? createdAt, FirstSignalAt = firstSignal ?? createdAt, LastSignalAt = lastSignal ?? firstSignal ?? createdAt,
            TriagedAt = triagedAt, ResolvedAt = resolvedAt, Version = Guid.NewGuid(), SignalCount = 1, NegativeCount = 1,
        };
        db.Cases.Add(kase);
        await db.SaveChangesAsync(Ct);
        foreach (var key in modes ?? [])
        {
            var mode = await db.FailureModes.FirstAsync(m => m.Key == key, Ct);
            db.CaseFailureModes.Add(new CaseFailureMode { CaseId = kase.Id, FailureModeId = mode.Id, Confirmed = true, Reason = "" });
        }

        await db.SaveChangesAsync(Ct);
        return kase.Id;
    }

    public async Task<int> RefreshAsync() => await Host.Services.GetRequiredService<ImpactRollup>().RefreshAsync(Ct);

    public Task<ImpactDashboard> DashboardAsync(DateOnly from, DateOnly to, string? role = null, string? model = null) =>
        DashboardAsync(new ImpactFilter(App, from, to, Role: role, ModelVersion: model));

    public Task<ImpactDashboard> DashboardAsync(ImpactFilter filter) =>
        Host.InScopeAsync<GetImpactDashboard, ImpactDashboard>(h => h.HandleAsync(filter, Ct));

    public ValueTask DisposeAsync() => Host.DisposeAsync();
}
