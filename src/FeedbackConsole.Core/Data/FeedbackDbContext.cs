using FeedbackConsole.Core.Domain;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace FeedbackConsole.Core.Data;

/// <summary>
/// The one model of FeedbackConsole. Abstract so that each provider has its own sealed subclass and its
/// own migration set; everything else asks for this base type.
/// </summary>
public abstract class FeedbackDbContext(DbContextOptions options) : IdentityDbContext<ApplicationUser>(options), IDataProtectionKeyContext
{
    /// <summary>Cookie and token keys, shared by every instance that uses this database.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<Application> Applications => Set<Application>();

    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();

    public DbSet<Interaction> Interactions => Set<Interaction>();

    public DbSet<Signal> Signals => Set<Signal>();

    public DbSet<FailureMode> FailureModes => Set<FailureMode>();

    public DbSet<FailureModeRule> FailureModeRules => Set<FailureModeRule>();

    public DbSet<Case> Cases => Set<Case>();

    public DbSet<CaseFailureMode> CaseFailureModes => Set<CaseFailureMode>();

    public DbSet<CaseStatusDelta> CaseStatusDeltas => Set<CaseStatusDelta>();

    public DbSet<CaseCluster> CaseClusters => Set<CaseCluster>();

    public DbSet<CaseClusterBand> CaseClusterBands => Set<CaseClusterBand>();

    public DbSet<SavedView> SavedViews => Set<SavedView>();

    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();

    public DbSet<KnowledgeBase> KnowledgeBases => Set<KnowledgeBase>();

    public DbSet<KnowledgeEntry> KnowledgeEntries => Set<KnowledgeEntry>();

    public DbSet<EntryRevision> EntryRevisions => Set<EntryRevision>();

    public DbSet<RevisionSource> RevisionSources => Set<RevisionSource>();

    public DbSet<Release> Releases => Set<Release>();

    public DbSet<ReleaseEntry> ReleaseEntries => Set<ReleaseEntry>();

    public DbSet<EvalCase> EvalCases => Set<EvalCase>();

    public DbSet<GateRun> GateRuns => Set<GateRun>();

    public DbSet<GateCaseResult> GateCaseResults => Set<GateCaseResult>();

    public DbSet<GateCorrectionResult> GateCorrectionResults => Set<GateCorrectionResult>();

    public DbSet<EntryServingTally> EntryServingTallies => Set<EntryServingTally>();

    public DbSet<DomainEvent> DomainEvents => Set<DomainEvent>();

    public DbSet<Notification> Notifications => Set<Notification>();

    public DbSet<NotificationDelivery> NotificationDeliveries => Set<NotificationDelivery>();

    public DbSet<NotificationChannelSettings> NotificationChannelSettings => Set<NotificationChannelSettings>();

    public DbSet<EndUserPreference> EndUserPreferences => Set<EndUserPreference>();

    public DbSet<NotificationTemplate> NotificationTemplates => Set<NotificationTemplate>();

    public DbSet<ImpactSignalDay> ImpactSignalDays => Set<ImpactSignalDay>();

    public DbSet<ImpactFailureModeDay> ImpactFailureModeDays => Set<ImpactFailureModeDay>();

    public DbSet<ImpactCaseDay> ImpactCaseDays => Set<ImpactCaseDay>();

    public DbSet<ImpactEntryDay> ImpactEntryDays => Set<ImpactEntryDay>();

    public DbSet<ImpactSegmentValue> ImpactSegmentValues => Set<ImpactSegmentValue>();

    public DbSet<ImpactWatermark> ImpactWatermarks => Set<ImpactWatermark>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(FeedbackDbContext).Assembly);
    }
}

/// <summary>The SQLite flavour: the embedded default for one machine.</summary>
public sealed class SqliteFeedbackDbContext(DbContextOptions<SqliteFeedbackDbContext> options) : FeedbackDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite cannot compare or order DateTimeOffset stored as text; as a 64-bit integer it can.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
        configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<DateTimeOffsetToBinaryConverter>();
    }
}

/// <summary>The PostgreSQL flavour: for several console instances sharing one database.</summary>
public sealed class PostgresFeedbackDbContext(DbContextOptions<PostgresFeedbackDbContext> options) : FeedbackDbContext(options);
