using FeedbackConsole.Core.Features.Accounts;
using FeedbackConsole.Core.Options;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.Extensions.DependencyInjection;

namespace FeedbackConsole.Core.Data;

/// <summary>
/// Used by <c>dotnet ef</c> only. Identity shapes its tables from the application's IdentityOptions (schema
/// version 3 adds passkeys), so the factory hands EF the same options the app uses; without them it would
/// silently generate the old schema.
/// </summary>
internal static class DesignTime
{
    public static IServiceProvider ApplicationServices() =>
        new ServiceCollection()
            .AddOptions()
            .Configure<IdentityOptions>(o => PasswordPolicy.Configure(o, new SecurityOptions()))
            .BuildServiceProvider();
}

internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteFeedbackDbContext>
{
    public SqliteFeedbackDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteFeedbackDbContext>()
            .UseSqlite("Data Source=design-time.db")
            .UseApplicationServiceProvider(DesignTime.ApplicationServices())
            .Options);
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresFeedbackDbContext>
{
    public PostgresFeedbackDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresFeedbackDbContext>()
            .UseNpgsql("Host=127.0.0.1;Database=feedbackconsole_design")
            .UseApplicationServiceProvider(DesignTime.ApplicationServices())
            .Options);
}
