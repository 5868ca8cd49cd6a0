using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FeedbackConsole.Tests.Shared;

/// <summary>
/// Writes triage data straight to the database of a running host (Core, web or browser tests): applications,
/// people, interactions with their cases, signals and suggested failure modes, as enrichment would leave them.
/// </summary>
public sealed class CaseSeed(IServiceProvider services)
{
    private static int _sequence;

    /// <summary>A little before now, so "earlier" and "later" are easy to build.</summary>
    public static readonly DateTimeOffset T0 = new(DateTimeOffset.UtcNow.AddHours(-2).Ticks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async Task<Guid> ApplicationAsync(string name = "Support assistant")
    {
        await using var db = await CreateAsync();
        var app = new Application { Id = Guid.NewGuid(), Name = name + " " + Next(), CreatedAt = T0.AddDays(-1) };
        db.Applications.Add(app);
        await db.SaveChangesAsync(Ct);
        return app.Id;
    }

    /// <summary>A person with a display name (what the history and conflicts call them); returns their id.</summary>
    public async Task<string> UserAsync(string email, string displayName, string password = "a long enough password", params string[] roles)
    {
        await using var scope = services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = displayName, CreatedAt = T0 };
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded)
        {
            throw new InvalidOperationException(string.Join(" ", created.Errors.Select(e => e.Description)));
        }

        if (roles.Length > 0)
        {
            await users.AddToRolesAsync(user, roles);
        }

        return user.Id;
    }

    public async Task<long> ClusterAsync(Guid applicationId, string title, int caseCount = 0, int reach = 0)
    {
        await using var db = await CreateAsync();
        var cluster = new CaseCluster { ApplicationId = applicationId, Title = title, CaseCount = caseCount, Reach = reach, CreatedAt = T0, UpdatedAt = T0, LastCaseAt = T0 };
        db.CaseClusters.Add(cluster);
        await db.SaveChangesAsync(Ct);
        return cluster.Id;
    }

    /// <summary>An interaction only (an earlier turn of a conversation, say); returns its id.</summary>
    public async Task<long> InteractionAsync(Guid applicationId, string input, string output, string? conversation = null, DateTimeOffset? at = null)
    {
        await using var db = await CreateAsync();
        var interaction = NewInteraction(applicationId, input, output, conversation, at ?? T0);
        db.Interactions.Add(interaction);
        await db.SaveChangesAsync(Ct);
        return interaction.Id;
    }

    /// <summary>
    /// An interaction with its case. <paramref name="suggest"/> names failure-mode keys suggested by their mode's
    /// first rule; <paramref name="signals"/> are attached to the interaction (see <see cref="Signal(SignalKind, string?, int?, string?, bool?, FlagCategory?, string, int, bool)"/>).
    /// </summary>
    public async Task<long> CaseAsync(
        Guid applicationId,
        string input = "What is the refund window?",
        string output = "The refund window is 14 days.",
        CaseStatus status = CaseStatus.New,
        string? conversation = null,
        DateTimeOffset? at = null,
        string[]? suggest = null,
        long? clusterId = null,
        double priority = 10,
        IEnumerable<Signal>? signals = null,
        int redactions = 0)
    {
        await using var db = await CreateAsync();
        var when = at ?? T0;
        var interaction = NewInteraction(applicationId, input, output, conversation, when);
        interaction.RedactionCount = redactions;
        db.Interactions.Add(interaction);
        await db.SaveChangesAsync(Ct);

        var list = (signals ?? [Signal(SignalKind.Thumb, thumbUp: false)]).ToList();
        foreach (var signal in list)
        {
            signal.ApplicationId = applicationId;
            signal.InteractionId = interaction.Id;
            signal.InteractionExternalId = interaction.ExternalId;
            signal.EndUserUnmatched = signal.EndUserId is not null && signal.EndUserId != interaction.EndUserId; // as ingestion sets it
            signal.OccurredAt = when.AddSeconds(30 + list.IndexOf(signal));
            signal.ReceivedAt = signal.OccurredAt;
            signal.EnrichedAt = signal.OccurredAt;
        }

        db.Signals.AddRange(list);
        var kase = new Case
        {
            ApplicationId = applicationId,
            InteractionId = interaction.Id,
            Status = status,
            Priority = priority,
            SignalCount = list.Count,
            NegativeCount = list.Count,
            HasCorrection = list.Any(s => s.Kind == SignalKind.Correction),
            FirstSignalAt = when,
            LastSignalAt = when,
            CreatedAt = when,
            UpdatedAt = when,
            Version = Guid.NewGuid(),
            ClusterId = clusterId,
            Reach = list.Select(s => s.EndUserId).Distinct().Count(),
        };
        db.Cases.Add(kase);
        await db.SaveChangesAsync(Ct);

        foreach (var key in suggest ?? [])
        {
            var rule = await db.FailureModeRules.AsNoTracking().Include(r => r.FailureMode)
                .Where(r => r.FailureMode!.Key == key).OrderBy(r => r.Id).FirstAsync(Ct);
            db.CaseFailureModes.Add(new CaseFailureMode
            {
                CaseId = kase.Id, FailureModeId = rule.FailureModeId, RuleId = rule.Id, Score = rule.Weight,
                Reason = $"Rule \"{rule.Name}\" matched a {list.FirstOrDefault()?.Kind.ToString().ToLowerInvariant() ?? "signal"} → {key}",
            });
        }

        await db.SaveChangesAsync(Ct);
        return kase.Id;
    }

    /// <summary>A signal to pass to <see cref="CaseAsync"/>; application, interaction and times are filled there.</summary>
    public static Signal Signal(
        SignalKind kind, string? text = null, int? rating = null, string? dimension = null, bool? thumbUp = null, FlagCategory? flag = null,
        string endUser = "end-user-1", int redactions = 0, bool derived = false)
    {
        var id = "sig-" + Next();
        return new Signal
        {
            ExternalId = id, Kind = kind, Text = text, Rating = rating, Dimension = dimension, ThumbUp = thumbUp, Flag = flag,
            EndUserId = endUser, RedactionCount = redactions, IsDerived = derived, ContentHash = id,
        };
    }

    /// <summary>Changes a stored case directly (e.g. to a status only the knowledge-base flow sets).</summary>
    public async Task UpdateCaseAsync(long caseId, Action<Case> change)
    {
        await using var db = await CreateAsync();
        var kase = await db.Cases.FirstAsync(c => c.Id == caseId, Ct);
        change(kase);
        kase.Version = Guid.NewGuid();
        await db.SaveChangesAsync(Ct);
    }

    public async Task<T> ReadAsync<T>(Func<FeedbackDbContext, Task<T>> read)
    {
        await using var db = await CreateAsync();
        return await read(db);
    }

    private Task<FeedbackDbContext> CreateAsync() =>
        services.GetRequiredService<IDbContextFactory<FeedbackDbContext>>().CreateDbContextAsync(Ct);

    private static Interaction NewInteraction(Guid applicationId, string input, string output, string? conversation, DateTimeOffset at)
    {
        var id = "turn-" + Next();
        return new Interaction
        {
            ApplicationId = applicationId, ExternalId = id, ConversationId = conversation, EndUserId = "end-user-1", UserRole = "customer",
            TaskType = "billing", Channel = "web", Locale = "en-GB", Input = input, Output = output, ModelVersion = "gpt-test-1",
            PromptVersion = "p-7", KnowledgeBase = "support", KnowledgeBaseVersion = 3, UsedEntryIds = ["kb-12", "kb-40"],
            OccurredAt = at, ReceivedAt = at, UpdatedAt = at, ContentHash = id, EnrichedAt = at,
        };
    }

    private static string Next() => Interlocked.Increment(ref _sequence).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
