using FeedbackConsole.Core.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FeedbackConsole.Core.Data.Configurations;

internal sealed class KnowledgeBaseConfiguration : IEntityTypeConfiguration<KnowledgeBase>
{
    public void Configure(EntityTypeBuilder<KnowledgeBase> builder)
    {
        builder.ToTable("KnowledgeBases");
        builder.HasKey(k => k.Id);
        builder.Property(k => k.Key).HasMaxLength(100).IsRequired();
        builder.Property(k => k.Name).HasMaxLength(200).IsRequired();
        builder.Property(k => k.Description).HasMaxLength(2000);
        builder.Property(k => k.Kind).HasConversion<string>().HasMaxLength(20);
        builder.Property(k => k.Version).IsConcurrencyToken();
        builder.HasIndex(k => new { k.ApplicationId, k.Key }).IsUnique();
        builder.HasOne<Application>().WithMany().HasForeignKey(k => k.ApplicationId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class KnowledgeEntryConfiguration : IEntityTypeConfiguration<KnowledgeEntry>
{
    public void Configure(EntityTypeBuilder<KnowledgeEntry> builder)
    {
        builder.ToTable("KnowledgeEntries");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Title).HasMaxLength(500).IsRequired();
        builder.Property(e => e.CreatedById).HasMaxLength(450).IsRequired();
        builder.HasIndex(e => new { e.KnowledgeBaseId, e.UpdatedAt });
        builder.HasOne<KnowledgeBase>().WithMany().HasForeignKey(e => e.KnowledgeBaseId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class EntryRevisionConfiguration : IEntityTypeConfiguration<EntryRevision>
{
    public void Configure(EntityTypeBuilder<EntryRevision> builder)
    {
        builder.ToTable("EntryRevisions");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Change).HasConversion<string>().HasMaxLength(20);
        builder.Property(r => r.State).HasConversion<string>().HasMaxLength(20);
        builder.Property(r => r.GuardType).HasConversion<string>().HasMaxLength(30);
        builder.Property(r => r.Title).HasMaxLength(500).IsRequired();
        builder.Property(r => r.Content).HasMaxLength(32_000).IsRequired();
        builder.Property(r => r.Input).HasMaxLength(32_000);
        builder.Property(r => r.TaskType).HasMaxLength(100);
        builder.Property(r => r.FailureModeKey).HasMaxLength(100);
        builder.Property(r => r.GuardMessage).HasMaxLength(1000);
        builder.Property(r => r.Summary).HasMaxLength(4000);
        builder.Property(r => r.AuthorId).HasMaxLength(450).IsRequired();
        builder.Property(r => r.ReviewerId).HasMaxLength(450);
        builder.Property(r => r.ReviewComment).HasMaxLength(4000);
        builder.HasIndex(r => new { r.EntryId, r.Number }).IsUnique();
        // The approval queue: proposals of one knowledge base, oldest first.
        builder.HasIndex(r => new { r.KnowledgeBaseId, r.State, r.CreatedAt });
        builder.HasOne<KnowledgeEntry>().WithMany().HasForeignKey(r => r.EntryId).OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(r => r.Sources).WithOne().HasForeignKey(s => s.RevisionId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class RevisionSourceConfiguration : IEntityTypeConfiguration<RevisionSource>
{
    public void Configure(EntityTypeBuilder<RevisionSource> builder)
    {
        builder.ToTable("RevisionSources");
        builder.HasKey(s => new { s.RevisionId, s.CaseId });
        builder.HasIndex(s => s.CaseId);
        builder.HasOne<Case>().WithMany().HasForeignKey(s => s.CaseId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ReleaseConfiguration : IEntityTypeConfiguration<Release>
{
    public void Configure(EntityTypeBuilder<Release> builder)
    {
        builder.ToTable("Releases");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.State).HasConversion<string>().HasMaxLength(20);
        builder.Property(r => r.Gate).HasConversion<string>().HasMaxLength(20);
        builder.Property(r => r.Notes).HasMaxLength(4000);
        builder.Property(r => r.CreatedById).HasMaxLength(450).IsRequired();
        builder.Property(r => r.OverriddenById).HasMaxLength(450);
        builder.Property(r => r.OverrideReason).HasMaxLength(4000);
        builder.Property(r => r.Version).IsConcurrencyToken();
        builder.HasIndex(r => new { r.KnowledgeBaseId, r.Number }).IsUnique();
        builder.HasOne<KnowledgeBase>().WithMany().HasForeignKey(r => r.KnowledgeBaseId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ReleaseEntryConfiguration : IEntityTypeConfiguration<ReleaseEntry>
{
    public void Configure(EntityTypeBuilder<ReleaseEntry> builder)
    {
        builder.ToTable("ReleaseEntries");
        builder.HasKey(e => new { e.ReleaseId, e.EntryId });
        // "Which releases served this revision" (impact, and cases becoming Released).
        builder.HasIndex(e => e.RevisionId);
        builder.HasOne<Release>().WithMany().HasForeignKey(e => e.ReleaseId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class EvalCaseConfiguration : IEntityTypeConfiguration<EvalCase>
{
    public void Configure(EntityTypeBuilder<EvalCase> builder)
    {
        builder.ToTable("EvalCases");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Kind).HasConversion<string>().HasMaxLength(20);
        builder.Property(e => e.Name).HasMaxLength(200).IsRequired();
        builder.Property(e => e.Query).HasMaxLength(32_000);
        builder.Property(e => e.ExpectedText).HasMaxLength(4000);
        builder.Property(e => e.TaskType).HasMaxLength(100);
        builder.Property(e => e.Output).HasMaxLength(32_000);
        builder.Property(e => e.CreatedById).HasMaxLength(450).IsRequired();
        builder.PrimitiveCollection(e => e.ExpectedEntryIds);
        builder.HasIndex(e => new { e.KnowledgeBaseId, e.ArchivedAt });
        builder.HasOne<KnowledgeBase>().WithMany().HasForeignKey(e => e.KnowledgeBaseId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class GateRunConfiguration : IEntityTypeConfiguration<GateRun>
{
    public void Configure(EntityTypeBuilder<GateRun> builder)
    {
        builder.ToTable("GateRuns");
        builder.HasKey(g => g.Id);
        builder.Property(g => g.State).HasConversion<string>().HasMaxLength(20);
        builder.Property(g => g.FailureReasons).HasMaxLength(4000);
        builder.Property(g => g.Error).HasMaxLength(4000);
        builder.Property(g => g.StartedById).HasMaxLength(450).IsRequired();
        builder.HasIndex(g => new { g.ReleaseId, g.StartedAt });
        builder.HasOne<Release>().WithMany().HasForeignKey(g => g.ReleaseId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class GateCaseResultConfiguration : IEntityTypeConfiguration<GateCaseResult>
{
    public void Configure(EntityTypeBuilder<GateCaseResult> builder)
    {
        builder.ToTable("GateCaseResults");
        builder.HasKey(r => new { r.GateRunId, r.EvalCaseId });
        builder.Property(r => r.Detail).HasMaxLength(2000);
        builder.HasOne<GateRun>().WithMany().HasForeignKey(r => r.GateRunId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class GateCorrectionResultConfiguration : IEntityTypeConfiguration<GateCorrectionResult>
{
    public void Configure(EntityTypeBuilder<GateCorrectionResult> builder)
    {
        builder.ToTable("GateCorrectionResults");
        builder.HasKey(r => new { r.GateRunId, r.RevisionId, r.CaseId });
        builder.Property(r => r.Detail).HasMaxLength(2000);
        builder.HasOne<GateRun>().WithMany().HasForeignKey(r => r.GateRunId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class EntryServingTallyConfiguration : IEntityTypeConfiguration<EntryServingTally>
{
    public void Configure(EntityTypeBuilder<EntryServingTally> builder)
    {
        builder.ToTable("EntryServingTallies");
        builder.HasKey(t => new { t.ReleaseId, t.EntryId, t.Hour });
        builder.HasIndex(t => new { t.RevisionId, t.Hour });
        builder.HasIndex(t => new { t.ApplicationId, t.Hour });
    }
}

internal sealed class DomainEventConfiguration : IEntityTypeConfiguration<DomainEvent>
{
    public void Configure(EntityTypeBuilder<DomainEvent> builder)
    {
        builder.ToTable("DomainEvents");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Type).HasMaxLength(100).IsRequired();
        builder.Property(e => e.Payload).HasMaxLength(16_000).IsRequired();
        builder.HasIndex(e => new { e.ProcessedAt, e.Id });
    }
}
