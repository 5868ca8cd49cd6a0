using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Audit;
using FeedbackConsole.Core.Tests.Shared;
using FeedbackConsole.Tests.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FeedbackConsole.Core.Tests.Features.Audit;

/// <summary>Short ways to append to, read and tamper with the audit trail of a test host.</summary>
internal static class AuditTestHost
{
    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Appends events the way a decision does: its own context and transaction.</summary>
    public static async Task AppendAsync(this CoreHost host, AuditActor actor, params AuditEntry[] entries)
    {
        var contexts = host.Services.GetRequiredService<IDbContextFactory<FeedbackDbContext>>();
        var trail = host.Services.GetRequiredService<AuditTrail>();
        await using var db = await contexts.CreateDbContextAsync(Ct);
        await using var transaction = await db.Database.BeginTransactionAsync(Ct);
        await trail.RecordManyAsync(db, actor, entries, Ct);
        await db.SaveChangesAsync(Ct);
        await transaction.CommitAsync(Ct);
    }

    public static Task AppendAsync(this CoreHost host, string action, string entityId = "1", object? after = null) =>
        host.AppendAsync(AuditActor.System, new AuditEntry(action, action.Split('.')[0], entityId, After: after ?? new { n = entityId }));

    public static async Task<List<AuditEvent>> EventsAsync(this CoreHost host)
    {
        var contexts = host.Services.GetRequiredService<IDbContextFactory<FeedbackDbContext>>();
        await using var db = await contexts.CreateDbContextAsync(Ct);
        return await db.AuditEvents.AsNoTracking().OrderBy(e => e.Id).ToListAsync(Ct);
    }

    public static async Task<AuditEvent> LastEventAsync(this CoreHost host) => (await host.EventsAsync())[^1];

    public static async Task<long> MaxIdAsync(this CoreHost host)
    {
        var events = await host.EventsAsync();
        return events.Count == 0 ? 0 : events[^1].Id;
    }

    /// <summary>Runs SQL straight against the database, as someone with access to it could.</summary>
    public static async Task SqlAsync(this CoreHost host, string sql, params object[] parameters)
    {
        var contexts = host.Services.GetRequiredService<IDbContextFactory<FeedbackDbContext>>();
        await using var db = await contexts.CreateDbContextAsync(Ct);
        await db.Database.ExecuteSqlRawAsync(sql, parameters, Ct);
    }

    public static Task<VerifyAuditChain.Outcome> VerifyAsync(this CoreHost host, AuditChainHead? noted = null, int pageSize = 5000) =>
        host.InScopeAsync<VerifyAuditChain, VerifyAuditChain.Outcome>(h =>
        {
            h.PageSize = pageSize;
            return h.HandleAsync(noted, Ct);
        });

    /// <summary>Makes every insert into AuditEvents fail, so a decision's audit step fails after its change was written.</summary>
    public static Task BreakAuditInsertsAsync(this CoreHost host) =>
        host.Database.Provider == TestDatabase.Sqlite
            ? host.SqlAsync("""CREATE TRIGGER audit_down BEFORE INSERT ON "AuditEvents" BEGIN SELECT RAISE(ABORT, 'audit trail unavailable'); END;""")
            : host.SqlAsync("""
                CREATE FUNCTION audit_down() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit trail unavailable'; END $$;
                CREATE TRIGGER audit_down BEFORE INSERT ON "AuditEvents" FOR EACH ROW EXECUTE FUNCTION audit_down();
                """);
}
