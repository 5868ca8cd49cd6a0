using FeedbackConsole.Core.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FeedbackConsole.Core.Data.Configurations;

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> builder)
    {
        builder.ToTable("ApiKeys");
        builder.HasKey(k => k.Id);
        builder.Property(k => k.Kind).HasConversion<string>().HasMaxLength(20);
        builder.Property(k => k.Label).HasMaxLength(100);
        builder.Property(k => k.Prefix).HasMaxLength(20);
        builder.Property(k => k.Hash).HasMaxLength(64).IsRequired();
        builder.HasIndex(k => k.Hash).IsUnique();
        builder.PrimitiveCollection(k => k.AllowedOrigins);
        builder.HasOne(k => k.Application).WithMany(a => a.Keys).HasForeignKey(k => k.ApplicationId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class InteractionConfiguration : IEntityTypeConfiguration<Interaction>
{
    public void Configure(EntityTypeBuilder<Interaction> builder)
    {
        builder.ToTable("Interactions");
        builder.HasKey(i => i.Id);
        builder.Property(i => i.ExternalId).HasMaxLength(200).IsRequired();
        foreach (var name in new[] { nameof(Interaction.ConversationId), nameof(Interaction.EndUserId) })
        {
            builder.Property<string?>(name).HasMaxLength(200);
        }

        builder.Property(i => i.EndUserEmail).HasMaxLength(320);
        foreach (var name in new[] { nameof(Interaction.UserRole), nameof(Interaction.TaskType), nameof(Interaction.Channel), nameof(Interaction.Locale), nameof(Interaction.AppVersion), nameof(Interaction.ModelVersion), nameof(Interaction.PromptVersion), nameof(Interaction.KnowledgeBase) })
        {
            builder.Property<string?>(name).HasMaxLength(200);
        }

        builder.Property(i => i.ContentHash).HasMaxLength(64).IsRequired();
        builder.PrimitiveCollection(i => i.UsedEntryIds);
        builder.HasIndex(i => new { i.ApplicationId, i.ExternalId }).IsUnique();
        builder.HasIndex(i => new { i.ApplicationId, i.ConversationId, i.OccurredAt });
        builder.HasIndex(i => new { i.ApplicationId, i.OccurredAt });
        builder.HasIndex(i => new { i.EnrichedAt, i.Id });
        // Notifications: an end user's contact address.
        builder.HasIndex(i => new { i.ApplicationId, i.EndUserId, i.OccurredAt });
        builder.HasOne<Application>().WithMany().HasForeignKey(i => i.ApplicationId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class SignalConfiguration : IEntityTypeConfiguration<Signal>
{
    public void Configure(EntityTypeBuilder<Signal> builder)
    {
        builder.ToTable("Signals");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.ExternalId).HasMaxLength(200).IsRequired();
        builder.Property(s => s.InteractionExternalId).HasMaxLength(200).IsRequired();
        builder.Property(s => s.EndUserId).HasMaxLength(200);
        builder.Property(s => s.Kind).HasConversion<string>().HasMaxLength(20);
        builder.Property(s => s.Flag).HasConversion<string>().HasMaxLength(20);
        builder.Property(s => s.Dimension).HasMaxLength(100);
        builder.Property(s => s.ContentHash).HasMaxLength(64).IsRequired();
        builder.HasIndex(s => new { s.ApplicationId, s.ExternalId }).IsUnique();
        // Signals waiting for their interaction, found by its external id when it arrives. Only those: a signal
        // whose interaction is stored (nearly all) costs no entry here, which makes every insert cheaper.
        builder.HasIndex(s => new { s.ApplicationId, s.InteractionExternalId }).HasFilter("\"InteractionId\" IS NULL");
        builder.HasIndex(s => new { s.ApplicationId, s.OccurredAt, s.Kind });
        // The enrichment worker's queue: signals not yet processed, oldest first.
        builder.HasIndex(s => new { s.EnrichedAt, s.Id });
        // The end-user page: one end user's feedback that its interactions do not lead to (Signal.EndUserUnmatched);
        // the rest is found through the interactions' own (ApplicationId, EndUserId, OccurredAt) index.
        builder.HasIndex(s => new { s.ApplicationId, s.EndUserId, s.OccurredAt }).HasFilter("\"EndUserUnmatched\"");
        builder.HasOne<Application>().WithMany().HasForeignKey(s => s.ApplicationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Interaction>().WithMany().HasForeignKey(s => s.InteractionId).OnDelete(DeleteBehavior.SetNull);
    }
}
