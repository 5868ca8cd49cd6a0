using FeedbackConsole.Core.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FeedbackConsole.Core.Data.Configurations;

internal sealed class NotificationConfiguration : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> builder)
    {
        builder.ToTable("Notifications");
        builder.HasKey(n => n.Id);
        builder.Property(n => n.EndUserId).HasMaxLength(200).IsRequired();
        builder.Property(n => n.Kind).HasConversion<string>().HasMaxLength(20);
        builder.Property(n => n.TriggerKey).HasMaxLength(200).IsRequired();
        builder.Property(n => n.Feedback).HasMaxLength(1000);
        builder.Property(n => n.Outcome).HasMaxLength(4000);
        // A retried decision (or a second instance flushing the same milestone) can never notify anyone twice.
        builder.HasIndex(n => new { n.ApplicationId, n.TriggerKey, n.EndUserId }).IsUnique();
        builder.HasIndex(n => new { n.ApplicationId, n.EndUserId, n.Id });
        builder.HasIndex(n => n.PublicId).IsUnique();
        // The impact dashboard: end users notified per week, and notifications sent about a correction's cases.
        builder.HasIndex(n => new { n.ApplicationId, n.CreatedAt });
        builder.HasIndex(n => n.CaseId);
        builder.HasOne<Application>().WithMany().HasForeignKey(n => n.ApplicationId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class NotificationDeliveryConfiguration : IEntityTypeConfiguration<NotificationDelivery>
{
    public void Configure(EntityTypeBuilder<NotificationDelivery> builder)
    {
        builder.ToTable("NotificationDeliveries");
        builder.HasKey(d => d.Id);
        builder.Property(d => d.Channel).HasConversion<string>().HasMaxLength(20);
        builder.Property(d => d.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(d => d.EventType).HasMaxLength(100).IsRequired();
        builder.Property(d => d.Recipient).HasMaxLength(320);
        builder.Property(d => d.Payload).HasMaxLength(64_000);
        builder.Property(d => d.LeaseOwner).HasMaxLength(100);
        builder.Property(d => d.LastError).HasMaxLength(2000);
        // The dispatcher's queue: due rows by status.
        builder.HasIndex(d => new { d.Status, d.NextAttemptAt });
        // The outbox page: one application's rows by status, newest first.
        builder.HasIndex(d => new { d.ApplicationId, d.Status, d.CreatedAt });
        builder.HasIndex(d => d.NotificationId);
        builder.HasOne<Application>().WithMany().HasForeignKey(d => d.ApplicationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(d => d.Notification).WithMany().HasForeignKey(d => d.NotificationId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class NotificationChannelSettingsConfiguration : IEntityTypeConfiguration<NotificationChannelSettings>
{
    public void Configure(EntityTypeBuilder<NotificationChannelSettings> builder)
    {
        builder.ToTable("NotificationChannelSettings");
        builder.HasKey(s => s.ApplicationId);
        builder.Property(s => s.WebhookUrl).HasMaxLength(2000);
        builder.Property(s => s.WebhookSecret).HasMaxLength(100);
        builder.Property(s => s.Version).IsConcurrencyToken();
        builder.HasOne<Application>().WithOne().HasForeignKey<NotificationChannelSettings>(s => s.ApplicationId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class EndUserPreferenceConfiguration : IEntityTypeConfiguration<EndUserPreference>
{
    public void Configure(EntityTypeBuilder<EndUserPreference> builder)
    {
        builder.ToTable("EndUserPreferences");
        builder.HasKey(p => new { p.ApplicationId, p.EndUserId });
        builder.Property(p => p.EndUserId).HasMaxLength(200);
        builder.HasOne<Application>().WithMany().HasForeignKey(p => p.ApplicationId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class NotificationTemplateConfiguration : IEntityTypeConfiguration<NotificationTemplate>
{
    public void Configure(EntityTypeBuilder<NotificationTemplate> builder)
    {
        builder.ToTable("NotificationTemplates");
        builder.HasKey(t => t.Key);
        builder.Property(t => t.Key).HasMaxLength(40);
        builder.Property(t => t.Subject).HasMaxLength(300).IsRequired();
        builder.Property(t => t.Text).HasMaxLength(20_000).IsRequired();
        builder.Property(t => t.Html).HasMaxLength(40_000).IsRequired();
    }
}
