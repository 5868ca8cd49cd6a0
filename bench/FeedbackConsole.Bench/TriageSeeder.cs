using System.Diagnostics;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FeedbackConsole.Bench;

/// <summary>How much triage data to load: issue 4 asks for 1M signals and 250k cases.</summary>
internal sealed record TriageSize(int Interactions, int Cases, int Signals, int Clusters, int Reviewers)
{
    public static readonly TriageSize Issue4 = new(Interactions: 400_000, Cases: 250_000, Signals: 1_000_000, Clusters: 20_000, Reviewers: 20);
}

/// <summary>
/// Loads a triage-sized data set straight into the database (bypassing HTTP and enrichment, as issue 4 allows):
/// three applications, reviewers, interactions over 90 days in varied segments, signals (negative ones on
/// cases, positive ones elsewhere), cases in every status with suggested and confirmed failure modes, claims,
/// clusters of skewed sizes, and a hash-chained audit history for the cases reviewers touched.
/// </summary>
internal static class TriageSeeder
{
    private const int Chunk = 20_000;
    private static readonly string[] AppNames = ["Support assistant", "Sales copilot", "HR helpdesk"];
    private static readonly string[] ClaimOnly = ["case.claimed"];
    private static readonly string[] Decided = ["case.claimed", "case.labeled", "case.status_changed"];
    private static readonly string[] Roles = ["customer", "agent", "admin", "partner"];
    private static readonly string[] Tasks = ["billing", "refund", "shipping", "account", "product", "returns"];
    private static readonly string[] Models = ["gpt-x-2025-01", "gpt-x-2025-06", "claude-y-3"];
    private static readonly string[] Topics = ["refund window", "shipping to Norway", "password reset", "invoice copy", "warranty claim", "delivery delay", "plan upgrade", "account deletion"];

    public static async Task<SeededTriage> SeedAsync(IServiceProvider services, TriageSize size, Action<string> log)
    {
        var contexts = services.GetRequiredService<IDbContextFactory<FeedbackDbContext>>();
        var random = new Random(4);
        var now = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();

        Guid[] apps = [Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid()];
        var reviewers = Enumerable.Range(1, size.Reviewers).Select(i => $"bench-reviewer-{i:00}").ToArray();
        int[] modes;
        await using (var db = await contexts.CreateDbContextAsync())
        {
            db.Applications.AddRange(apps.Select((id, i) => new Application { Id = id, Name = AppNames[i], CreatedAt = now.AddDays(-120) }));
            db.Users.AddRange(reviewers.Select(id => new ApplicationUser
            {
                Id = id,
                UserName = $"{id}@example.test",
                NormalizedUserName = $"{id}@EXAMPLE.TEST".ToUpperInvariant(),
                Email = $"{id}@example.test",
                NormalizedEmail = $"{id}@EXAMPLE.TEST".ToUpperInvariant(),
                EmailConfirmed = true,
                DisplayName = id,
                SecurityStamp = Guid.NewGuid().ToString(),
                CreatedAt = now.AddDays(-120),
            }));
            await db.SaveChangesAsync();
            modes = await db.FailureModes.Where(m => m.ParentId != null).Select(m => m.Id).ToArrayAsync();
        }

        // Which interactions get a case: a fixed shuffle, so cases are spread over time and segments.
        var hasCase = new bool[size.Interactions];
        foreach (var index in Enumerable.Range(0, size.Interactions).OrderBy(_ => random.Next()).Take(size.Cases))
        {
            hasCase[index] = true;
        }

        var appOf = new int[size.Interactions];
        var at = new DateTimeOffset[size.Interactions];
        var user = new int[size.Interactions];
        await InsertChunkedAsync(contexts, size.Interactions, i =>
        {
            var app = random.Next(10) switch { < 7 => 0, < 9 => 1, _ => 2 };
            appOf[i] = app;
            at[i] = now.AddMinutes(-random.Next(90 * 24 * 60));
            user[i] = random.Next(60_000);
            var topic = Topics[random.Next(Topics.Length)];
            return new Interaction
            {
                ApplicationId = apps[app],
                ExternalId = $"t-{i}",
                ConversationId = $"conv-{i / 3}",
                EndUserId = $"user-{user[i]}",
                UserRole = Roles[random.Next(Roles.Length)],
                TaskType = Tasks[random.Next(Tasks.Length)],
                Channel = "web",
                Locale = "en-GB",
                Input = $"Question {i} about the {topic}: what are the rules for my order?",
                Output = $"Answer {i}: the {topic} is handled by our team within {random.Next(2, 30)} days. See the help centre.",
                ModelVersion = Models[random.Next(Models.Length)],
                PromptVersion = $"p{random.Next(10, 14)}",
                OccurredAt = at[i],
                ReceivedAt = at[i],
                UpdatedAt = at[i],
                EnrichedAt = at[i],
                ContentHash = "bench",
            };
        });
        log($"    {size.Interactions:N0} interactions in {clock.Elapsed.TotalSeconds:0} s");

        // Store-generated ids of a fresh table are 1..N in insert order on both providers; check rather than trust.
        await using (var db = await contexts.CreateDbContextAsync())
        {
            var (min, max) = (await db.Interactions.MinAsync(i => i.Id), await db.Interactions.MaxAsync(i => i.Id));
            if (min != 1 || max != size.Interactions)
            {
                throw new InvalidOperationException($"Interaction ids run {min}..{max}, not 1..{size.Interactions}.");
            }
        }

        await InsertChunkedAsync(contexts, size.Clusters, c => new CaseCluster
        {
            ApplicationId = apps[c % 10 switch { < 7 => 0, < 9 => 1, _ => 2 }],
            Title = $"{Topics[c % Topics.Length]} complaints #{c}",
            CreatedAt = now.AddDays(-90),
            UpdatedAt = now,
            LastCaseAt = now,
        });

        // Cases, with their signals planned alongside so that counts and summaries agree.
        var caseInteraction = new int[size.Cases];
        var caseStatus = new CaseStatus[size.Cases];
        var caseAssignee = new string?[size.Cases];
        var negativePerCase = Math.Max(1, (int)((size.Signals * 0.75) / size.Cases));
        var c2 = 0;
        for (var i = 0; i < size.Interactions; i++)
        {
            if (hasCase[i])
            {
                caseInteraction[c2++] = i;
            }
        }

        await InsertChunkedAsync(contexts, size.Cases, c =>
        {
            var i = caseInteraction[c];
            var status = random.Next(100) switch
            {
                < 55 => CaseStatus.New,
                < 70 => CaseStatus.InReview,
                < 80 => CaseStatus.Labeled,
                < 85 => CaseStatus.CorrectionProposed,
                < 88 => CaseStatus.Approved,
                < 91 => CaseStatus.Released,
                < 98 => CaseStatus.Dismissed,
                _ => CaseStatus.Duplicate,
            };
            caseStatus[c] = status;
            var assignee = status == CaseStatus.InReview || random.Next(10) == 0 ? reviewers[random.Next(reviewers.Length)] : null;
            caseAssignee[c] = assignee;
            var flag = random.Next(100) switch { 0 => FlagCategory.Safety, 1 => FlagCategory.Compliance, _ => (FlagCategory?)null };
            var closed = status is CaseStatus.Released or CaseStatus.Dismissed or CaseStatus.Duplicate;
            var triaged = status is not (CaseStatus.New or CaseStatus.InReview);
            return new Case
            {
                ApplicationId = apps[appOf[i]],
                InteractionId = i + 1,
                Status = status,
                Priority = (flag is null ? 0 : 100) + (random.NextDouble() * 50),
                SignalCount = negativePerCase,
                NegativeCount = negativePerCase,
                HasCorrection = random.Next(3) == 0,
                HighestFlag = flag,
                FirstSignalAt = at[i].AddMinutes(1),
                LastSignalAt = at[i].AddMinutes(5),
                CreatedAt = at[i].AddMinutes(1),
                UpdatedAt = at[i].AddMinutes(30),
                Version = Guid.NewGuid(),
                UserRole = Roles[i % Roles.Length],
                TaskType = Tasks[i / Roles.Length % Tasks.Length],
                ModelVersion = Models[i / (Roles.Length * Tasks.Length) % Models.Length],
                ThumbsDown = 1,
                LowestRating = random.Next(1, 3),
                SignalKinds = (1 << (int)SignalKind.Thumb) | (1 << (int)SignalKind.Rating) | (random.Next(3) == 0 ? 1 << (int)SignalKind.Correction : 0),
                Reach = 1,
                AssigneeId = assignee,
                ClaimedAt = assignee is null ? null : now.AddMinutes(-random.Next(600)),
                Severity = triaged ? (CaseSeverity)random.Next(4) : null,
                DismissReason = status == CaseStatus.Dismissed ? "Working as intended: the policy changed on 1 March." : null,
                ClusterId = random.Next(5) == 0 ? null : 1 + (int)(size.Clusters * Math.Pow(random.NextDouble(), 3)),
                TriagedAt = triaged ? at[i].AddHours(3) : null,
                ResolvedAt = closed ? at[i].AddHours(20) : null,
            };
        });
        log($"    + {size.Cases:N0} cases, {size.Clusters:N0} clusters in {clock.Elapsed.TotalSeconds:0} s");

        await InsertChunkedAsync(contexts, size.Cases * 3 / 2, n =>
        {
            var c = n % size.Cases;
            var second = n >= size.Cases;
            var mode = modes[(c + (second ? 5 : 0)) % modes.Length];
            var confirmed = caseStatus[c] is not (CaseStatus.New or CaseStatus.InReview) && !second;
            return new CaseFailureMode { CaseId = c + 1, FailureModeId = mode, Confirmed = confirmed, Reason = "Rule 'low accuracy rating' matched a rating of 1", Score = 0.7 };
        });

        // Signals: the planned negative ones on each case, then positive ones on other turns up to the total.
        var caseSignals = size.Cases * negativePerCase;
        var withoutCase = Enumerable.Range(0, size.Interactions).Where(i => !hasCase[i]).ToArray();
        await InsertChunkedAsync(contexts, size.Signals, n =>
        {
            int i;
            SignalKind kind;
            if (n < caseSignals)
            {
                i = caseInteraction[n / negativePerCase];
                kind = (n % negativePerCase) switch { 0 => SignalKind.Thumb, 1 => SignalKind.Rating, _ => SignalKind.Correction };
            }
            else
            {
                i = withoutCase[(n - caseSignals) % withoutCase.Length];
                kind = n % 2 == 0 ? SignalKind.Copy : SignalKind.Thumb;
            }

            var negative = n < caseSignals;
            return new Signal
            {
                ApplicationId = apps[appOf[i]],
                ExternalId = $"s-{n}",
                InteractionExternalId = $"t-{i}",
                InteractionId = i + 1,
                EndUserId = $"user-{user[i]}",
                Kind = kind,
                ThumbUp = kind == SignalKind.Thumb ? !negative : null,
                Rating = kind == SignalKind.Rating ? 1 + (n % 2) : null,
                Dimension = kind == SignalKind.Rating ? "accuracy" : null,
                Text = kind == SignalKind.Correction ? $"Corrected: the {Topics[i % Topics.Length]} is 30 days, not 14. Contact [email] for details." : null,
                OccurredAt = at[i].AddMinutes(2),
                ReceivedAt = at[i].AddMinutes(2),
                ContentHash = "bench",
                RedactionCount = kind == SignalKind.Correction ? 1 : 0,
                EnrichedAt = at[i].AddMinutes(3),
            };
        });
        log($"    + {size.Signals:N0} signals in {clock.Elapsed.TotalSeconds:0} s");

        // Audit history of the cases reviewers touched: claimed, labeled, then the closing decision.
        // Continuing the chain start-up began (the bootstrap admin is audited).
        var events = new List<AuditEvent>();
        long head;
        string previous;
        await using (var db = await contexts.CreateDbContextAsync())
        {
            var last = await db.AuditEvents.OrderByDescending(e => e.Id).Select(e => new { e.Id, e.Hash }).FirstOrDefaultAsync();
            (head, previous) = last is null ? (0L, AuditTrail.GenesisHash) : (last.Id, last.Hash);
        }

        for (var c = 0; c < size.Cases; c++)
        {
            if (caseStatus[c] is CaseStatus.New)
            {
                continue;
            }

            var actor = caseAssignee[c] ?? reviewers[c % reviewers.Length];
            foreach (var action in caseStatus[c] is CaseStatus.InReview ? ClaimOnly : Decided)
            {
                var audit = new AuditEvent
                {
                    Id = head + events.Count + 1,
                    OccurredAt = new DateTimeOffset(at[caseInteraction[c]].UtcTicks / TimeSpan.TicksPerMillisecond * TimeSpan.TicksPerMillisecond, TimeSpan.Zero).AddHours(events.Count % 5),
                    ActorId = actor,
                    ActorName = $"{actor}@example.test",
                    Action = action,
                    EntityType = "case",
                    EntityId = (c + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ApplicationId = apps[appOf[caseInteraction[c]]],
                    Before = action == "case.claimed" ? null : "{\"status\":\"InReview\"}",
                    After = action == "case.claimed" ? "{\"assignee\":\"" + actor + "\"}" : "{\"status\":\"" + caseStatus[c] + "\"}",
                    PreviousHash = previous,
                };
                audit.Hash = AuditTrail.ComputeHash(audit);
                previous = audit.Hash;
                events.Add(audit);
            }
        }

        await InsertChunkedAsync(contexts, events.Count, n => events[n]);
        log($"    + {events.Count:N0} audit events in {clock.Elapsed.TotalSeconds:0} s");

        await using (var db = await contexts.CreateDbContextAsync())
        {
            db.Database.SetCommandTimeout(TimeSpan.FromMinutes(10));
            await db.Database.ExecuteSqlRawAsync(
                "UPDATE \"CaseClusters\" SET \"CaseCount\" = (SELECT COUNT(*) FROM \"Cases\" c WHERE c.\"ClusterId\" = \"CaseClusters\".\"Id\"), \"Reach\" = (SELECT COUNT(*) FROM \"Cases\" c WHERE c.\"ClusterId\" = \"CaseClusters\".\"Id\")");
            // The per-status count deltas the case triggers appended, folded as the app's background folder would.
            await FeedbackConsole.Core.Features.Triage.Queue.CaseStatusCounts.FoldAsync(db, CancellationToken.None);
            // Planner statistics and PostgreSQL's visibility map, as a running deployment has them (autovacuum; PRAGMA optimize).
            await db.Database.ExecuteSqlRawAsync(db.Database.IsNpgsql() ? "VACUUM ANALYZE" : "ANALYZE");
        }

        log($"    statistics gathered; seeding took {clock.Elapsed.TotalSeconds:0} s");
        return new SeededTriage(apps, reviewers, size);
    }

    private static async Task InsertChunkedAsync<T>(IDbContextFactory<FeedbackDbContext> contexts, int count, Func<int, T> make)
        where T : class
    {
        for (var start = 0; start < count; start += Chunk)
        {
            var rows = new List<T>(Chunk);
            for (var n = start; n < Math.Min(count, start + Chunk); n++)
            {
                rows.Add(make(n));
            }

            await using var db = await contexts.CreateDbContextAsync();
            db.Database.SetCommandTimeout(TimeSpan.FromMinutes(5));
            await using var transaction = await db.Database.BeginTransactionAsync();
            await BulkInsert.InsertAsync(db, rows, CancellationToken.None);
            await transaction.CommitAsync();
        }
    }
}

/// <summary>What was seeded, for the scenarios to pick filters from.</summary>
internal sealed record SeededTriage(Guid[] Applications, string[] Reviewers, TriageSize Size);
