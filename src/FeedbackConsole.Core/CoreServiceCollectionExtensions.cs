using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Accounts;
using FeedbackConsole.Core.Features.Admin.Applications;
using FeedbackConsole.Core.Features.Admin.Users;
using FeedbackConsole.Core.Features.Enrichment;
using FeedbackConsole.Core.Features.Home;
using FeedbackConsole.Core.Features.Ingestion;
using FeedbackConsole.Core.Features.Taxonomy;
using FeedbackConsole.Core.Options;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace FeedbackConsole.Core;

/// <summary>The one place Core's services are wired (the host calls it once from Program.cs).</summary>
public static class CoreServiceCollectionExtensions
{
    public static IServiceCollection AddFeedbackConsoleCore(this IServiceCollection services, IConfiguration configuration, string contentRoot)
    {
        services.AddOptions<DatabaseOptions>().Bind(configuration.GetSection(DatabaseOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SecurityOptions>().Bind(configuration.GetSection(SecurityOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<BootstrapOptions>().Bind(configuration.GetSection(BootstrapOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<IngestionOptions>().Bind(configuration.GetSection(IngestionOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<EnrichmentOptions>().Bind(configuration.GetSection(EnrichmentOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<DemoOptions>().Bind(configuration.GetSection(DemoOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<TriageOptions>().Bind(configuration.GetSection(TriageOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);

        services.AddFeedbackData(configuration, contentRoot);
        services.AddFeedbackIdentity();

        // Keys in the database: sessions survive restarts and work across instances sharing PostgreSQL.
        services.AddDataProtection().SetApplicationName("FeedbackConsole").PersistKeysToDbContext<FeedbackDbContext>();

        services.AddMemoryCache();
        services.AddSingleton<ApiKeyLookup>();
        services.AddSingleton<IngestInteractions>();
        services.AddSingleton<IngestSignals>();
        services.AddSingleton<PublishableOrigins>();
        services.AddSingleton<UseCases>();
        services.AddSingleton<FeedbackConsole.Core.Features.Audit.AuditTrail>();
        services.AddSingleton<FeedbackConsole.Core.Features.Triage.CaseChangeFeed>();
        services.AddSingleton<DefaultTaxonomy>();
        services.AddSingleton<EnrichmentPipeline>();
        services.AddSingleton<EnrichmentTrigger>();
        services.AddHostedService<EnrichmentWorker>();
        services.AddHostedService<FeedbackConsole.Core.Features.Triage.Queue.CaseStatusCountFolder>();
        services.AddSingleton<UserPreferences>();
        services.AddSingleton<GetHomeSummary>();
        services.AddScoped<BootstrapAdmin>();
        services.AddScoped<AdminGuard>();
        services.AddScoped<ListUsers>();
        services.AddScoped<CreateUser>();
        services.AddScoped<SetUserRoles>();
        services.AddScoped<SetUserDisabled>();
        services.AddScoped<ResetUserPassword>();
        services.AddScoped<BootstrapApplication>();
        services.AddScoped<ListApplications>();
        services.AddScoped<GetApplication>();
        services.AddScoped<CreateApplication>();
        services.AddScoped<RenameApplication>();
        services.AddScoped<ArchiveApplication>();
        services.AddScoped<UnarchiveApplication>();
        services.AddScoped<SetPiiRedaction>();
        services.AddScoped<CreateApiKey>();
        services.AddScoped<RevokeApiKey>();
        services.AddScoped<UpdateAllowedOrigins>();
        services.AddScoped<GetTaxonomy>();
        services.AddScoped<CreateFailureMode>();
        services.AddScoped<RenameFailureMode>();
        services.AddScoped<MoveFailureMode>();
        services.AddScoped<RetireFailureMode>();
        services.AddScoped<RestoreFailureMode>();
        services.AddScoped<DeleteFailureMode>();
        services.AddScoped<CreateRule>();
        services.AddScoped<UpdateRule>();
        services.AddScoped<DeleteRule>();
        services.AddScoped<PreviewRule>();
        services.AddScoped<FeedbackConsole.Core.Features.Clustering.ListClusters>();
        services.AddScoped<FeedbackConsole.Core.Features.Triage.Queue.QueryQueue>();
        services.AddScoped<FeedbackConsole.Core.Features.Triage.Queue.GetQueueStamp>();
        services.AddScoped<FeedbackConsole.Core.Features.Triage.Queue.GetQueueChoices>();
        services.AddScoped<FeedbackConsole.Core.Features.Triage.Queue.ListSavedViews>();
        services.AddScoped<FeedbackConsole.Core.Features.Triage.Queue.SaveView>();
        services.AddScoped<FeedbackConsole.Core.Features.Triage.Queue.DeleteSavedView>();
        services.AddScoped<FeedbackConsole.Core.Features.Triage.Queue.GetAssigneeProgress>();
        services.AddScoped<FeedbackConsole.Core.Features.Triage.Queue.ListQueueCaseIds>();
        services.AddScoped<FeedbackConsole.Core.Features.Triage.Claims.ClaimCase>();
        services.AddScoped<FeedbackConsole.Core.Features.Triage.Claims.ReleaseClaim>();
        services.AddScoped<FeedbackConsole.Core.Features.Triage.Claims.RenewClaim>();
        services.AddScoped<FeedbackConsole.Core.Features.Triage.Claims.AssignCase>();
        services.AddScoped<FeedbackConsole.Core.Features.Triage.Claims.NextCase>();
        services.AddScoped<FeedbackConsole.Core.Features.Audit.ListAuditEvents>();
        services.AddScoped<FeedbackConsole.Core.Features.Audit.GetEntityHistory>();
        services.AddScoped<FeedbackConsole.Core.Features.Audit.VerifyAuditChain>();
        services.AddScoped<FeedbackConsole.Core.Features.Audit.GetAuditFilterChoices>();
        FeedbackConsole.Core.Features.Triage.Cases.CaseServices.AddTriageCases(services);
        FeedbackConsole.Core.Features.Releases.ReleaseServices.AddReleases(services);
        FeedbackConsole.Core.Features.Impact.ImpactServices.AddImpact(services, configuration);
        FeedbackConsole.Core.Features.KnowledgeBases.KnowledgeBaseServices.AddKnowledgeBases(services);
        FeedbackConsole.Core.Features.KnowledgeBases.Runtime.KnowledgeRuntimeServices.AddKnowledgeRuntime(services, configuration);
        FeedbackConsole.Core.Features.Notifications.NotificationServices.AddNotifications(services, configuration);

        services.AddHealthChecks().AddCheck<DatabaseReadyHealthCheck>("database", tags: ["ready"]);
        return services;
    }

    private static void AddFeedbackData(this IServiceCollection services, IConfiguration configuration, string contentRoot)
    {
        var options = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        var connectionString = DatabaseConnection.Resolve(options, configuration.GetConnectionString(DatabaseConnection.ConnectionStringName), contentRoot);

        if (options.Provider == DatabaseProvider.Postgres)
        {
            services.AddPooledDbContextFactory<PostgresFeedbackDbContext>(o => o.UseNpgsql(connectionString));
            services.AddForwarding<PostgresFeedbackDbContext>();
        }
        else
        {
            var backgroundCheckpoint = options.SqliteCheckpointIntervalMilliseconds > 0;
            var pragmas = new SqlitePragmaInterceptor(options.SqliteBusyTimeoutMilliseconds, backgroundCheckpoint);
            services.AddPooledDbContextFactory<SqliteFeedbackDbContext>(o => o.UseSqlite(connectionString).AddInterceptors(pragmas));
            services.AddForwarding<SqliteFeedbackDbContext>();
            if (backgroundCheckpoint)
            {
                services.AddSingleton<SqliteCheckpointer>();
                services.AddHostedService(sp => sp.GetRequiredService<SqliteCheckpointer>());
            }
        }
    }

    /// <summary>Lets everything else ask for the provider-neutral base type (the factory interface is invariant).</summary>
    private static void AddForwarding<TContext>(this IServiceCollection services)
        where TContext : FeedbackDbContext
    {
        services.AddScoped<FeedbackDbContext>(sp => sp.GetRequiredService<TContext>());
        services.AddSingleton<IDbContextFactory<FeedbackDbContext>, ForwardingDbContextFactory<TContext>>();
    }

    private static void AddFeedbackIdentity(this IServiceCollection services)
    {
        services.AddIdentityCore<ApplicationUser>()
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<FeedbackDbContext>()
            .AddSignInManager<ConsoleSignInManager>()
            .AddDefaultTokenProviders()
            .AddPasswordValidator<PasswordPolicyValidator>()
            .AddClaimsPrincipalFactory<ConsoleClaimsPrincipalFactory>();
        services.AddOptions<IdentityOptions>()
            .Configure<IOptions<SecurityOptions>>((identity, security) => PasswordPolicy.Configure(identity, security.Value));
    }

    private sealed class ForwardingDbContextFactory<TContext>(IDbContextFactory<TContext> inner) : IDbContextFactory<FeedbackDbContext>
        where TContext : FeedbackDbContext
    {
        public FeedbackDbContext CreateDbContext() => inner.CreateDbContext();

        public async Task<FeedbackDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default) =>
            await inner.CreateDbContextAsync(cancellationToken);
    }
}
