using FeedbackConsole.Core.Domain;
using Microsoft.EntityFrameworkCore;
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
        builder.ToTable("Cases");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Status).HasConversion<string>().HasMaxLength(30);
        builder.Property(c => c.HighestFlag).HasConversion<string>().HasMaxLength(20);
        builder.Property(c => c.Version).IsConcurrencyToken();
        builder.HasIndex(c => c.InteractionId).IsUnique();
        builder.HasIndex(c => new { c.ApplicationId, c.Status, c.Priority });
        builder.HasOne(c => c.Interaction).WithMany().HasForeignKey(c => c.InteractionId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Application>().WithMany().HasForeignKey(c => c.ApplicationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(c => c.FailureModes).WithOne().HasForeignKey(m => m.CaseId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CaseFailureModeConfiguration : IEntityTypeConfiguration<CaseFailureMode>
{
    public void Configure(EntityTypeBuilder<CaseFailureMode> builder)
    {
        builder.ToTable("CaseFailureModes");
        builder.HasKey(m => new { m.CaseId, m.FailureModeId });
        builder.Property(m => m.Reason).HasMaxLength(500);
        builder.HasOne(m => m.FailureMode).WithMany().HasForeignKey(m => m.FailureModeId).OnDelete(DeleteBehavior.Restrict);
    }
}
