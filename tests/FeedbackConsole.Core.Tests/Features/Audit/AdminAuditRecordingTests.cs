using System.Text.Json;
using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Admin.Applications;
using FeedbackConsole.Core.Features.Admin.Users;
using FeedbackConsole.Core.Features.Ingestion;
using FeedbackConsole.Core.Tests.Shared;
using FeedbackConsole.Tests.Shared;
using Microsoft.AspNetCore.Identity;
using static FeedbackConsole.Core.Tests.Features.Admin.Applications.ApplicationsTestHost;

namespace FeedbackConsole.Core.Tests.Features.Audit;

/// <summary>Every administration decision appends its audit event in the same transaction as the change.</summary>
public sealed class AdminAuditRecordingTests
{
    private const string AdminEmail = "root@example.test";

    private static Task<CoreHost> StartAsync(string provider, Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Bootstrap:AdminEmail"] = AdminEmail,
            ["Bootstrap:AdminPassword"] = "root password that is long",
        };
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        return CoreHost.StartAsync(provider, settings);
    }

    private static async Task<string> AdminIdAsync(CoreHost host) =>
        (await host.InScopeAsync<UserManager<ApplicationUser>, ApplicationUser?>(u => u.FindByEmailAsync(AdminEmail)))!.Id;

    private static async Task<List<AuditEvent>> EventsAfterAsync(CoreHost host, long id) =>
        [.. (await host.EventsAsync()).Where(e => e.Id > id)];

    private static JsonElement Json(string? json) => JsonDocument.Parse(json!).RootElement.Clone();

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ApplicationChanges_EachRecordsItsEvent_WithBeforeAfterAndTheAdminAsActor(string provider)
    {
        await using var host = await StartAsync(provider);
        var adminId = await AdminIdAsync(host);
        var mark = await host.MaxIdAsync();

        var created = await host.InScopeAsync<CreateApplication, Result<Guid>>(h => h.HandleAsync(new() { Name = "Support bot" }, adminId, Ct));
        var id = created.Value;
        await host.RunAsync<RenameApplication>(h => h.HandleAsync(id, "Helpdesk bot", adminId, Ct));
        await host.RunAsync<SetPiiRedaction>(h => h.HandleAsync(id, false, adminId, Ct));
        await host.RunAsync<ArchiveApplication>(h => h.HandleAsync(id, adminId, Ct));
        await host.RunAsync<UnarchiveApplication>(h => h.HandleAsync(id, adminId, Ct));

        var events = await EventsAfterAsync(host, mark);
        Assert.Equal(
            ["application.created", "application.renamed", "application.pii_redaction_changed", "application.archived", "application.unarchived"],
            events.Select(e => e.Action));
        Assert.All(events, e =>
        {
            Assert.Equal("application", e.EntityType);
            Assert.Equal(id.ToString("D"), e.EntityId);
            Assert.Equal(id, e.ApplicationId);
            Assert.Equal(adminId, e.ActorId);
            Assert.Equal(AdminEmail, e.ActorName);
        });
        Assert.Null(events[0].Before);
        Assert.Equal("""{"name":"Support bot","redactPii":true}""", events[0].After);
        Assert.Equal("""{"name":"Support bot"}""", events[1].Before);
        Assert.Equal("""{"name":"Helpdesk bot"}""", events[1].After);
        Assert.Equal("""{"redactPii":true}""", events[2].Before);
        Assert.Equal("""{"redactPii":false}""", events[2].After);
        Assert.Equal("""{"archived":true}""", events[3].After);
        Assert.Equal("""{"archived":false}""", events[4].After);
        Assert.True((await host.VerifyAsync()).IsIntact);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ApplicationChanges_ThatChangeNothing_RecordNothing(string provider)
    {
        await using var host = await StartAsync(provider);
        var id = await host.CreateApplicationAsync("Support bot");
        var mark = await host.MaxIdAsync();

        await host.RunAsync<RenameApplication>(h => h.HandleAsync(id, " Support bot ", ActingAdmin, Ct));
        await host.RunAsync<SetPiiRedaction>(h => h.HandleAsync(id, true, ActingAdmin, Ct));
        await host.RunAsync<UnarchiveApplication>(h => h.HandleAsync(id, ActingAdmin, Ct));
        var refused = await host.TryCreateApplicationAsync("SUPPORT BOT");

        Assert.False(refused.Succeeded);
        Assert.Empty(await EventsAfterAsync(host, mark));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ApiKeyChanges_RecordKindLabelAndOrigins_NeverTheKeyItsHashOrPrefix(string provider)
    {
        await using var host = await StartAsync(provider);
        var app = await host.CreateApplicationAsync("Widget app");
        var mark = await host.MaxIdAsync();

        var publishable = await host.CreateKeyAsync(app, ApiKeyKind.Publishable, "chat widget", "https://chat.example.com");
        var server = await host.CreateKeyAsync(app, ApiKeyKind.Server, "backend");
        await host.InScopeAsync<UpdateAllowedOrigins, Result<IReadOnlyList<string>>>(h =>
            h.HandleAsync(publishable.KeyId, ["https://chat.example.com", "https://www.example.com"], ActingAdmin, Ct));
        await host.RunAsync<RevokeApiKey>(h => h.HandleAsync(server.KeyId, ActingAdmin, Ct));

        var events = await EventsAfterAsync(host, mark);
        Assert.Equal(["apikey.created", "apikey.created", "apikey.origins_changed", "apikey.revoked"], events.Select(e => e.Action));
        Assert.All(events, e =>
        {
            Assert.Equal("api_key", e.EntityType);
            Assert.Equal(app, e.ApplicationId);
            foreach (var secret in new[] { publishable.Key, server.Key, publishable.DisplayPrefix, server.DisplayPrefix, ApiKeyFormat.Hash(server.Key) })
            {
                Assert.DoesNotContain(secret, (e.Before ?? "") + (e.After ?? "") + e.Reason, StringComparison.Ordinal);
            }
        });
        Assert.Equal(publishable.KeyId.ToString("D"), events[0].EntityId);
        Assert.Equal("""{"kind":"publishable","label":"chat widget","allowedOrigins":["https://chat.example.com"]}""", events[0].After);
        Assert.Equal("""{"kind":"server","label":"backend"}""", events[1].After);
        Assert.Equal("""{"allowedOrigins":["https://chat.example.com"]}""", events[2].Before);
        Assert.Equal("""{"allowedOrigins":["https://chat.example.com","https://www.example.com"]}""", events[2].After);
        Assert.Equal(server.KeyId.ToString("D"), events[3].EntityId);
        Assert.Equal("""{"revoked":false}""", events[3].Before);
        Assert.Equal("""{"revoked":true}""", events[3].After);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task UserChanges_EachRecordsItsEvent_NeverThePassword(string provider)
    {
        await using var host = await StartAsync(provider);
        var adminId = await AdminIdAsync(host);
        var mark = await host.MaxIdAsync();

        var created = await host.InScopeAsync<CreateUser, Result<CreateUser.Created>>(h =>
            h.HandleAsync(new CreateUser.Request { Email = " rita@example.test ", DisplayName = "Rita", Roles = [Roles.Reviewer, Roles.Lead] }, adminId));
        var userId = created.Value!.UserId;
        await host.RunAsync<SetUserRoles>(h => h.HandleAsync(userId, [Roles.Reviewer], adminId));
        var reset = await host.InScopeAsync<ResetUserPassword, Result<string>>(h => h.HandleAsync(userId, adminId));
        await host.RunAsync<SetUserDisabled>(h => h.HandleAsync(userId, true, adminId));
        await host.RunAsync<SetUserDisabled>(h => h.HandleAsync(userId, false, adminId));

        var events = await EventsAfterAsync(host, mark);
        Assert.Equal(["user.created", "user.roles_changed", "user.password_reset", "user.disabled", "user.enabled"], events.Select(e => e.Action));
        Assert.All(events, e =>
        {
            Assert.Equal("user", e.EntityType);
            Assert.Equal(userId, e.EntityId);
            Assert.Null(e.ApplicationId);
            Assert.Equal(adminId, e.ActorId);
            Assert.Equal(AdminEmail, e.ActorName);
            Assert.DoesNotContain(created.Value.OneTimePassword, (e.Before ?? "") + e.After, StringComparison.Ordinal);
            Assert.DoesNotContain(reset.Value!, (e.Before ?? "") + e.After, StringComparison.Ordinal);
        });
        Assert.Equal("""{"email":"rita@example.test","displayName":"Rita","roles":["Lead","Reviewer"]}""", events[0].After);
        Assert.Equal("""{"roles":["Lead","Reviewer"]}""", events[1].Before);
        Assert.Equal("""{"roles":["Reviewer"]}""", events[1].After);
        Assert.Equal("""{"mustChangePassword":true}""", events[2].After);
        Assert.Equal("""{"disabled":false}""", events[3].Before);
        Assert.Equal("""{"disabled":true}""", events[3].After);
        Assert.Equal("""{"disabled":true}""", events[4].Before);
        Assert.Equal("""{"disabled":false}""", events[4].After);
        Assert.True((await host.VerifyAsync()).IsIntact);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task UserChanges_Refused_RecordNothing(string provider)
    {
        await using var host = await StartAsync(provider);
        var adminId = await AdminIdAsync(host);
        var mark = await host.MaxIdAsync();

        var selfDisable = await host.RunAsync<SetUserDisabled>(h => h.HandleAsync(adminId, true, adminId));
        var lastAdmin = await host.RunAsync<SetUserRoles>(h => h.HandleAsync(adminId, [Roles.Reviewer], adminId));
        var duplicate = await host.InScopeAsync<CreateUser, Result<CreateUser.Created>>(h =>
            h.HandleAsync(new CreateUser.Request { Email = AdminEmail, DisplayName = "Again" }, adminId));

        Assert.False(selfDisable.Succeeded);
        Assert.False(lastAdmin.Succeeded);
        Assert.False(duplicate.Succeeded);
        Assert.Empty(await EventsAfterAsync(host, mark));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task CreateUser_FailingHalfway_LeavesNoAccountAndNoEvent(string provider)
    {
        await using var host = await StartAsync(provider);
        var mark = await host.MaxIdAsync();
        // The Lead role row is gone, so adding it fails after UserManager has already saved the account.
        await host.SqlAsync("""DELETE FROM "AspNetRoles" WHERE "Name" = 'Lead'""");

        await Assert.ThrowsAnyAsync<InvalidOperationException>(() => host.InScopeAsync<CreateUser, Result<CreateUser.Created>>(h =>
            h.HandleAsync(new CreateUser.Request { Email = "rita@example.test", DisplayName = "Rita", Roles = [Roles.Lead] }, ActingAdmin)));

        Assert.Null(await host.InScopeAsync<UserManager<ApplicationUser>, ApplicationUser?>(u => u.FindByEmailAsync("rita@example.test")));
        Assert.Empty(await EventsAfterAsync(host, mark));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task SetUserDisabled_AuditAppendFails_TheChangeIsRolledBack(string provider)
    {
        await using var host = await StartAsync(provider);
        var created = await host.InScopeAsync<CreateUser, Result<CreateUser.Created>>(h =>
            h.HandleAsync(new CreateUser.Request { Email = "rita@example.test", DisplayName = "Rita", Roles = [Roles.Reviewer] }, ActingAdmin));
        var userId = created.Value!.UserId;
        var stamp = (await host.InScopeAsync<UserManager<ApplicationUser>, ApplicationUser?>(u => u.FindByIdAsync(userId)))!.SecurityStamp;
        await host.BreakAuditInsertsAsync();

        await Assert.ThrowsAnyAsync<Exception>(() => host.RunAsync<SetUserDisabled>(h => h.HandleAsync(userId, true, ActingAdmin)));

        // UserManager had saved IsDisabled and a new stamp inside the transaction; both were rolled back.
        var user = (await host.InScopeAsync<UserManager<ApplicationUser>, ApplicationUser?>(u => u.FindByIdAsync(userId)))!;
        Assert.False(user.IsDisabled);
        Assert.Equal(stamp, user.SecurityStamp);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task RevokeApiKey_AuditAppendFails_KeyStaysActive(string provider)
    {
        await using var host = await StartAsync(provider);
        var app = await host.CreateApplicationAsync("Widget app");
        var key = await host.CreateKeyAsync(app, ApiKeyKind.Server);
        await host.BreakAuditInsertsAsync();

        await Assert.ThrowsAnyAsync<Exception>(() => host.RunAsync<RevokeApiKey>(h => h.HandleAsync(key.KeyId, ActingAdmin, Ct)));

        var stored = Assert.Single((await host.GetAsync(app))!.Keys);
        Assert.False(stored.IsRevoked);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Bootstrap_FirstAdminAndApplication_AreRecordedAsTheSystem(string provider)
    {
        const string Key = "fc_live_ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
        await using var host = await StartAsync(provider, new()
        {
            ["Bootstrap:Application:Name"] = "Headless app",
            ["Bootstrap:Application:ApiKey"] = Key,
        });
        // A second start finds everything in place and records nothing more.
        await host.Services.InitializeFeedbackConsoleAsync(Ct);

        var events = await host.EventsAsync();
        Assert.Equal(["user.created", "application.created", "apikey.created"], events.Select(e => e.Action));
        Assert.All(events, e =>
        {
            Assert.Null(e.ActorId);
            Assert.Equal("system", e.ActorName);
            Assert.DoesNotContain(Key[..12], e.After, StringComparison.Ordinal);
        });
        Assert.Equal(AdminEmail, Json(events[0].After).GetProperty("email").GetString());
        Assert.Equal("First run: the first admin, from configuration (Bootstrap:AdminEmail).", events[0].Reason);
        Assert.Equal("Headless app", Json(events[1].After).GetProperty("name").GetString());
        Assert.Equal(BootstrapApplication.AuditReason, events[2].Reason);
        Assert.Equal(events[1].ApplicationId, events[2].ApplicationId);
        Assert.True((await host.VerifyAsync()).IsIntact);
    }
}
