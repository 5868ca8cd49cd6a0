using FeedbackConsole.Core.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FeedbackConsole.Core.Data.Configurations;

internal sealed class FailureModeConfiguration : IEntityTypeConfiguration<FailureMode>
{
    public void Configure(EntityTypeBuilder<FailureMode> builder)
    {
        builder.ToTable("FailureModes");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Key).HasMaxLength(100).IsRequired();
        builder.HasIndex(m => m.Key).IsUnique();
        builder.Property(m => m.Name).HasMaxLength(100).IsRequired();
        builder.Property(m => m.Description).HasMaxLength(1000);
        builder.HasOne(m => m.Parent).WithMany().HasForeignKey(m => m.ParentId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class FailureModeRuleConfiguration : IEntityTypeConfiguration<FailureModeRule>
{
    public void Configure(EntityTypeBuilder<FailureModeRule> builder)
    {
        builder.ToTable("FailureModeRules");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Name).HasMaxLength(200).IsRequired();
        builder.Property(r => r.Kind).HasConversion<string>().HasMaxLength(20);
        builder.Property(r => r.Flag).HasConversion<string>().HasMaxLength(20);
        builder.Property(r => r.Dimension).HasMaxLength(100);
        builder.Property(r => r.TextPattern).HasMaxLength(500);
        builder.HasOne(r => r.FailureMode).WithMany(m => m.Rules).HasForeignKey(r => r.FailureModeId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class CaseConfiguration : IEntityTypeConfiguration<Case>
{
    public void Configure(EntityTypeBuilder<Case> builder)
    {
        // Triggers (migration CaseStatusCounts) keep the per-status counts; declared so EF writes around them.
        builder.ToTable("Cases", t =>
        {
            t.HasTrigger("TR_Cases_StatusCount");
            t.HasTrigger("TR_Cases_StatusCount_Insert");
            t.HasTrigger("TR_Cases_StatusCount_Update");
            t.HasTrigger("TR_Cases_StatusCount_Delete");
        });
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Status).HasConversion<string>().HasMaxLength(30);
        builder.Property(c => c.HighestFlag).HasConversion<string>().HasMaxLength(20);
        builder.Property(c => c.Version).IsConcurrencyToken();
        builder.Property(c => c.Severity).HasConversion<string>().HasMaxLength(20);
        builder.Property(c => c.UserRole).HasMaxLength(100);
        builder.Property(c => c.TaskType).HasMaxLength(100);
        builder.Property(c => c.ModelVersion).HasMaxLength(100);
        builder.Property(c => c.ReviewerNote).HasMaxLength(4000);
        builder.Property(c => c.ProposedAnswer).HasMaxLength(32_000);
        builder.Property(c => c.DismissReason).HasMaxLength(1000);
        builder.HasIndex(c => c.InteractionId).IsUnique();
        builder.HasIndex(c => new { c.ApplicationId, c.Status, c.Priority });
        // The queue's default order (open cases, highest priority first) without an application filter, and
        // "Next case": the highest-priority unclaimed case.
        builder.HasIndex(c => new { c.Status, c.Priority });
        // The default order (priority, then id, both descending) across several statuses: read in order and
        // stop after a page, instead of sorting every open case (PostgreSQL sorted ~175k rows for the first page).
        builder.HasIndex(c => new { c.Priority, c.Id });
        builder.HasIndex(c => new { c.AssigneeId, c.Status });
        builder.HasIndex(c => c.ClusterId);
        // The impact rollup reads changed cases after a watermark (Features/Impact/ImpactRollup).
        builder.HasIndex(c => new { c.UpdatedAt, c.Id });
        // The queue's typical filters, each index leading with the filtered columns and carrying Status, so
        // that the per-status counts of a filtered view read a narrow index range (bench/: triage).
        builder.HasIndex(c => new { c.CreatedAt, c.Status });
        builder.HasIndex(c => new { c.UserRole, c.TaskType, c.Status, c.Priority });
        builder.HasIndex(c => new { c.TaskType, c.Status, c.Priority });
        builder.HasIndex(c => new { c.ModelVersion, c.Status, c.SignalKinds });
        builder.HasIndex(c => new { c.HighestFlag, c.Status, c.Priority });
        builder.HasOne<ApplicationUser>().WithMany().HasForeignKey(c => c.AssigneeId).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne<Case>().WithMany().HasForeignKey(c => c.DuplicateOfCaseId).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne(c => c.Cluster).WithMany().HasForeignKey(c => c.ClusterId).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne(c => c.Interaction).WithMany().HasForeignKey(c => c.InteractionId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Application>().WithMany().HasForeignKey(c => c.ApplicationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(c => c.FailureModes).WithOne().HasForeignKey(m => m.CaseId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CaseFailureModeConfiguration : IEntityTypeConfiguration<CaseFailureMode>
{
    public void Configure(EntityTypeBuilder<CaseFailureMode> builder)
    {
        builder.ToTable("CaseFailureModes", t => t.HasTrigger("TR_CaseFailureModes_CaseStatus"));
        builder.HasKey(m => new { m.CaseId, m.FailureModeId });
        // The queue's failure-mode filter: the cases that have a mode, and how many per status, from the index alone.
        builder.HasIndex(m => new { m.FailureModeId, m.CaseStatus, m.CaseId });
        builder.Property(m => m.Reason).HasMaxLength(500);
        // Maintained by triggers (migration CaseStatusCounts): the app neither inserts nor updates it.
        builder.Property(m => m.CaseStatus).HasConversion<string>().HasMaxLength(30).HasDefaultValue(CaseStatus.New).ValueGeneratedOnAdd();
        builder.Property(m => m.CaseStatus).Metadata.SetBeforeSaveBehavior(PropertySaveBehavior.Ignore);
        builder.Property(m => m.CaseStatus).Metadata.SetAfterSaveBehavior(PropertySaveBehavior.Ignore);
        builder.HasOne(m => m.FailureMode).WithMany().HasForeignKey(m => m.FailureModeId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class CaseStatusDeltaConfiguration : IEntityTypeConfiguration<CaseStatusDelta>
{
    public void Configure(EntityTypeBuilder<CaseStatusDelta> builder)
    {
        builder.ToTable("CaseStatusDeltas");
        builder.HasKey(d => d.Id);
        builder.Property(d => d.Status).HasConversion<string>().HasMaxLength(30);
    }
}

internal sealed class CaseClusterConfiguration : IEntityTypeConfiguration<CaseCluster>
{
    public void Configure(EntityTypeBuilder<CaseCluster> builder)
    {
        builder.ToTable("CaseClusters");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Title).HasMaxLength(300).IsRequired();
        builder.HasIndex(c => new { c.ApplicationId, c.CaseCount });
        // Few clusters wait for a recount at any time; the pass that recounts them finds them without a scan.
        builder.HasIndex(c => c.RecountNeeded).HasFilter("\"RecountNeeded\"");
        builder.HasOne<Application>().WithMany().HasForeignKey(c => c.ApplicationId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CaseClusterBandConfiguration : IEntityTypeConfiguration<CaseClusterBand>
{
    public void Configure(EntityTypeBuilder<CaseClusterBand> builder)
    {
        builder.ToTable("CaseClusterBands");
        builder.HasKey(b => new { b.ApplicationId, b.BandHash, b.CaseId });
        builder.HasIndex(b => b.CaseId);
        builder.HasOne<Case>().WithMany().HasForeignKey(b => b.CaseId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<CaseCluster>().WithMany().HasForeignKey(b => b.ClusterId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class SavedViewConfiguration : IEntityTypeConfiguration<SavedView>
{
    public void Configure(EntityTypeBuilder<SavedView> builder)
    {
        builder.ToTable("SavedViews");
        builder.HasKey(v => v.Id);
        builder.Property(v => v.Name).HasMaxLength(100).IsRequired();
        builder.Property(v => v.Query).HasMaxLength(2000).IsRequired();
        builder.HasIndex(v => new { v.UserId, v.Name }).IsUnique();
        builder.HasOne<ApplicationUser>().WithMany().HasForeignKey(v => v.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEvent>
{
    public void Configure(EntityTypeBuilder<AuditEvent> builder)
    {
        builder.ToTable("AuditEvents");
        builder.HasKey(e => e.Id);
        // Ids are assigned by the audit trail (the chain's position), never by the database.
        builder.Property(e => e.Id).ValueGeneratedNever();
        builder.Property(e => e.ActorId).HasMaxLength(450);
        builder.Property(e => e.ActorName).HasMaxLength(256).IsRequired();
        builder.Property(e => e.Action).HasMaxLength(100).IsRequired();
        builder.Property(e => e.EntityType).HasMaxLength(50).IsRequired();
        builder.Property(e => e.EntityId).HasMaxLength(100).IsRequired();
        builder.Property(e => e.Reason).HasMaxLength(2000);
        builder.Property(e => e.PreviousHash).HasMaxLength(64).IsFixedLength().IsRequired();
        builder.Property(e => e.Hash).HasMaxLength(64).IsFixedLength().IsRequired();
        builder.HasIndex(e => new { e.EntityType, e.EntityId, e.Id });
        builder.HasIndex(e => new { e.ActorId, e.OccurredAt });
        builder.HasIndex(e => e.OccurredAt);
        builder.HasIndex(e => e.Action);
    }
}
