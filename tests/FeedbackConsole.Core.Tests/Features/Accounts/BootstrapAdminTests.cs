using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Accounts;
using FeedbackConsole.Core.Tests.Shared;
using FeedbackConsole.Tests.Shared;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FeedbackConsole.Core.Tests.Features.Accounts;

public sealed class BootstrapAdminTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Run_ConfiguredAdmin_CreatesThatAdminOnce(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider, new Dictionary<string, string?>
        {
            ["Bootstrap:AdminEmail"] = "lead.admin@example.test",
            ["Bootstrap:AdminPassword"] = "a perfectly long passphrase",
        });

        // A second start must not create anyone else.
        await host.Services.InitializeFeedbackConsoleAsync(TestContext.Current.CancellationToken);

        await host.InScopeAsync<UserManager<ApplicationUser>, bool>(async users =>
        {
            var all = await users.Users.ToListAsync(TestContext.Current.CancellationToken);
            var admin = Assert.Single(all);
            Assert.Equal("lead.admin@example.test", admin.Email);
            Assert.False(admin.MustChangePassword);
            Assert.True(await users.IsInRoleAsync(admin, Roles.Admin));
            Assert.True(await users.CheckPasswordAsync(admin, "a perfectly long passphrase"));
            return true;
        });
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Run_NothingConfigured_PrintsOneTimePasswordThatMustBeChanged(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider, initialize: false);
        await using (var scope = host.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<FeedbackConsole.Core.Data.FeedbackDbContext>()
                .Database.MigrateAsync(TestContext.Current.CancellationToken);
        }

        var firstOutput = await RunBootstrapAsync(host);
        var secondOutput = await RunBootstrapAsync(host);

        var passwordLine = firstOutput.Split('\n').Single(l => l.Contains("password:", StringComparison.Ordinal));
        var password = passwordLine.Split("password:")[1].Trim();
        Assert.Null(PasswordPolicy.Check(password));
        Assert.Equal("", secondOutput); // printed once, never again

        await host.InScopeAsync<UserManager<ApplicationUser>, bool>(async users =>
        {
            var admin = Assert.Single(await users.Users.ToListAsync(TestContext.Current.CancellationToken));
            Assert.Equal(BootstrapAdmin.GeneratedAdminEmail, admin.Email);
            Assert.True(admin.MustChangePassword);
            Assert.True(await users.IsInRoleAsync(admin, Roles.Admin));
            Assert.True(await users.CheckPasswordAsync(admin, password));
            return true;
        });
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Run_Always_CreatesTheThreeRoles(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);

        var roles = await host.InScopeAsync<RoleManager<IdentityRole>, List<string?>>(r =>
            r.Roles.Select(x => x.Name).ToListAsync(TestContext.Current.CancellationToken));

        Assert.Equal(Roles.All.Order(StringComparer.Ordinal), roles.Order(StringComparer.Ordinal));
    }

    private static async Task<string> RunBootstrapAsync(CoreHost host)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var bootstrap = scope.ServiceProvider.GetRequiredService<BootstrapAdmin>();
        await using var output = new StringWriter();
        bootstrap.Console = output;
        await bootstrap.RunAsync(TestContext.Current.CancellationToken);
        return output.ToString();
    }
}
