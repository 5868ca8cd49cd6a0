using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Admin.Users;
using FeedbackConsole.Core.Tests.Shared;
using FeedbackConsole.Tests.Shared;
using Microsoft.AspNetCore.Identity;

namespace FeedbackConsole.Core.Tests.Features.Admin.Users;

public sealed class UserAdministrationTests
{
    private const string AdminEmail = "root@example.test";

    private static Task<CoreHost> StartAsync(string provider) =>
        CoreHost.StartAsync(provider, new Dictionary<string, string?>
        {
            ["Bootstrap:AdminEmail"] = AdminEmail,
            ["Bootstrap:AdminPassword"] = "root password that is long",
        });

    private static Task<ApplicationUser> FindAsync(CoreHost host, string email) =>
        host.InScopeAsync<UserManager<ApplicationUser>, ApplicationUser>(async u => (await u.FindByEmailAsync(email))!);

    private static async Task<CreateUser.Created> CreateAsync(CoreHost host, string email, params string[] roles)
    {
        var request = new CreateUser.Request { Email = email, DisplayName = "Rita Reviewer", Roles = [.. roles] };
        var result = await host.InScopeAsync<CreateUser, Result<CreateUser.Created>>(h => h.HandleAsync(request, "test-admin"));
        Assert.True(result.Succeeded, result.Error);
        return result.Value!;
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task CreateUser_NewPerson_HasRolesAndAOneTimePasswordToChange(string provider)
    {
        await using var host = await StartAsync(provider);

        var created = await CreateAsync(host, "rita@example.test", Roles.Reviewer);

        var user = await FindAsync(host, "rita@example.test");
        Assert.True(user.MustChangePassword);
        Assert.Equal("Rita Reviewer", user.DisplayName);
        await host.InScopeAsync<UserManager<ApplicationUser>, bool>(async users =>
        {
            Assert.Equal([Roles.Reviewer], await users.GetRolesAsync(user));
            Assert.True(await users.CheckPasswordAsync(user, created.OneTimePassword));
            return true;
        });
        var listed = await host.InScopeAsync<ListUsers, IReadOnlyList<ListUsers.Row>>(h => h.HandleAsync(TestContext.Current.CancellationToken));
        Assert.Contains(listed, r => r.Email == "rita@example.test" && r.Roles.SequenceEqual([Roles.Reviewer]) && r.MustChangePassword);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task CreateUser_ExistingEmailInOtherCase_IsRefused(string provider)
    {
        await using var host = await StartAsync(provider);
        await CreateAsync(host, "rita@example.test");

        var request = new CreateUser.Request { Email = "RITA@example.test", DisplayName = "Other Rita" };
        var result = await host.InScopeAsync<CreateUser, Result<CreateUser.Created>>(h => h.HandleAsync(request, "test-admin"));

        Assert.False(result.Succeeded);
        Assert.Contains("already exists", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not-an-email", "Reviewer", "Enter a valid email address.")]
    [InlineData("a@example.test", "Superuser", "Unknown role 'Superuser'.")]
    public async Task CreateUser_InvalidRequest_IsRefusedWithReadableError(string email, string role, string error)
    {
        await using var host = await StartAsync(TestDatabase.Sqlite);

        var request = new CreateUser.Request { Email = email, DisplayName = "Someone", Roles = [role] };
        var result = await host.InScopeAsync<CreateUser, Result<CreateUser.Created>>(h => h.HandleAsync(request, "test-admin"));

        Assert.Equal(error, result.Error);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task SetUserRoles_Change_RenewsSecurityStampSoSessionsRevalidate(string provider)
    {
        await using var host = await StartAsync(provider);
        await CreateAsync(host, "rita@example.test", Roles.Reviewer);
        var before = await FindAsync(host, "rita@example.test");

        var result = await host.InScopeAsync<SetUserRoles, Result>(h => h.HandleAsync(before.Id, [Roles.Lead, Roles.Reviewer], "test-admin"));

        Assert.True(result.Succeeded, result.Error);
        var after = await FindAsync(host, "rita@example.test");
        Assert.NotEqual(before.SecurityStamp, after.SecurityStamp);
        var roles = await host.InScopeAsync<UserManager<ApplicationUser>, IList<string>>(u => u.GetRolesAsync(after));
        Assert.Equal([Roles.Lead, Roles.Reviewer], roles.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task LastActiveAdmin_CannotBeDisabledOrLoseTheRole(string provider)
    {
        await using var host = await StartAsync(provider);
        var admin = await FindAsync(host, AdminEmail);

        var demote = await host.InScopeAsync<SetUserRoles, Result>(h => h.HandleAsync(admin.Id, [Roles.Lead], "someone-else"));
        var disable = await host.InScopeAsync<SetUserDisabled, Result>(h => h.HandleAsync(admin.Id, true, "someone-else"));

        Assert.False(demote.Succeeded);
        Assert.False(disable.Succeeded);
        Assert.Contains("last active admin", demote.Error, StringComparison.Ordinal);

        // With a second admin, the first may be demoted.
        await CreateAsync(host, "second.admin@example.test", Roles.Admin);
        var demoteNow = await host.InScopeAsync<SetUserRoles, Result>(h => h.HandleAsync(admin.Id, [Roles.Lead], "someone-else"));
        Assert.True(demoteNow.Succeeded, demoteNow.Error);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task SetUserDisabled_DisableThenEnable_BlocksThenRestoresAndLiftsLockout(string provider)
    {
        await using var host = await StartAsync(provider);
        await CreateAsync(host, "rita@example.test", Roles.Reviewer);
        var rita = await FindAsync(host, "rita@example.test");

        var disabled = await host.InScopeAsync<SetUserDisabled, Result>(h => h.HandleAsync(rita.Id, true, "test-admin"));
        var afterDisable = await FindAsync(host, "rita@example.test");
        Assert.True(disabled.Succeeded, disabled.Error);
        Assert.True(afterDisable.IsDisabled);
        Assert.NotEqual(rita.SecurityStamp, afterDisable.SecurityStamp);

        await host.InScopeAsync<UserManager<ApplicationUser>, IdentityResult>(async u =>
            await u.SetLockoutEndDateAsync((await u.FindByIdAsync(rita.Id))!, DateTimeOffset.UtcNow.AddHours(1)));
        var enabled = await host.InScopeAsync<SetUserDisabled, Result>(h => h.HandleAsync(rita.Id, false, "test-admin"));
        var afterEnable = await FindAsync(host, "rita@example.test");
        Assert.True(enabled.Succeeded, enabled.Error);
        Assert.False(afterEnable.IsDisabled);
        Assert.Null(afterEnable.LockoutEnd);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task SetUserDisabled_Self_IsRefused(string provider)
    {
        await using var host = await StartAsync(provider);
        await CreateAsync(host, "second.admin@example.test", Roles.Admin);
        var admin = await FindAsync(host, AdminEmail);

        var result = await host.InScopeAsync<SetUserDisabled, Result>(h => h.HandleAsync(admin.Id, true, admin.Id));

        Assert.Equal("You cannot disable your own account.", result.Error);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ResetUserPassword_ReplacesPasswordAndRequiresChange(string provider)
    {
        await using var host = await StartAsync(provider);
        var created = await CreateAsync(host, "rita@example.test", Roles.Reviewer);
        var rita = await FindAsync(host, "rita@example.test");
        await host.InScopeAsync<UserManager<ApplicationUser>, IdentityResult>(async u =>
        {
            var user = (await u.FindByIdAsync(rita.Id))!;
            user.MustChangePassword = false;
            return await u.UpdateAsync(user);
        });
        rita = await FindAsync(host, "rita@example.test");

        var reset = await host.InScopeAsync<ResetUserPassword, Result<string>>(h => h.HandleAsync(rita.Id, "test-admin"));

        Assert.True(reset.Succeeded, reset.Error);
        var after = await FindAsync(host, "rita@example.test");
        Assert.True(after.MustChangePassword);
        Assert.NotEqual(rita.SecurityStamp, after.SecurityStamp);
        await host.InScopeAsync<UserManager<ApplicationUser>, bool>(async u =>
        {
            Assert.True(await u.CheckPasswordAsync(after, reset.Value!));
            Assert.False(await u.CheckPasswordAsync(after, created.OneTimePassword));
            return true;
        });
    }
}
