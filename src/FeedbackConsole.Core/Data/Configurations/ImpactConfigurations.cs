using FeedbackConsole.Core.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FeedbackConsole.Core.Data.Configurations;

internal static class ImpactSegmentColumns
{
    public const int Length = 200;

    public static void Configure<T>(EntityTypeBuilder<T> builder)
        where T : class
    {
        foreach (var name in new[] { "UserRole", "TaskType", "Channel", "Locale", "ModelVersion", "PromptVersion" })
        {
            builder.Property<string>(name).HasMaxLength(Length).IsRequired();
        }

        // A view filtered by segment reads only the rows of that segment value: through its dimension's index (the
        // planner picks the most selective when several are set), not every row of the grain and then a filter.
        foreach (var name in new[] { "UserRole", "TaskType", "Channel", "Locale" })
        {
            builder.HasIndex("ApplicationId", "Grain", name, "Day");
        }
    }
}

internal sealed class ImpactSignalDayConfiguration : IEntityTypeConfiguration<ImpactSignalDay>
{
    public void Configure(EntityTypeBuilder<ImpactSignalDay> builder)
    {
        builder.ToTable("ImpactSignalDays");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Kind).HasConversion<string>().HasMaxLength(20);
        ImpactSegmentColumns.Configure(builder);
        // The dashboard reads one application's rows of one grain and a date range.
        builder.HasIndex(r => new { r.ApplicationId, r.Grain, r.Day });
    }
}

internal sealed class ImpactFailureModeDayConfiguration : IEntityTypeConfiguration<ImpactFailureModeDay>
{
    public void Configure(EntityTypeBuilder<ImpactFailureModeDay> builder)
    {
        builder.ToTable("ImpactFailureModeDays");
        builder.HasKey(r => r.Id);
        ImpactSegmentColumns.Configure(builder);
        builder.HasIndex(r => new { r.ApplicationId, r.Grain, r.Day });
    }
}

internal sealed class ImpactCaseDayConfiguration : IEntityTypeConfiguration<ImpactCaseDay>
{
    public void Configure(EntityTypeBuilder<ImpactCaseDay> builder)
    {
        builder.ToTable("ImpactCaseDays");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Measure).HasConversion<string>().HasMaxLength(20);
        ImpactSegmentColumns.Configure(builder);
        builder.HasIndex(r => new { r.ApplicationId, r.Grain, r.Day });
    }
}

internal sealed class ImpactEntryDayConfiguration : IEntityTypeConfiguration<ImpactEntryDay>
{
    public void Configure(EntityTypeBuilder<ImpactEntryDay> builder)
    {
        builder.ToTable("ImpactEntryDays");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.EntryId).HasMaxLength(200).IsRequired();
        // A correction's satisfaction before and after its release; and the per-day recompute's delete.
        builder.HasIndex(r => new { r.EntryId, r.Day });
        builder.HasIndex(r => new { r.ApplicationId, r.Day });
    }
}

internal sealed class ImpactSegmentValueConfiguration : IEntityTypeConfiguration<ImpactSegmentValue>
{
    public void Configure(EntityTypeBuilder<ImpactSegmentValue> builder)
    {
        builder.ToTable("ImpactSegmentValues");
        builder.HasKey(v => new { v.ApplicationId, v.Dimension, v.Value });
        builder.Property(v => v.Dimension).HasMaxLength(20);
        builder.Property(v => v.Value).HasMaxLength(ImpactSegmentColumns.Length);
    }
}

internal sealed class ImpactWatermarkConfiguration : IEntityTypeConfiguration<ImpactWatermark>
{
    public void Configure(EntityTypeBuilder<ImpactWatermark> builder)
    {
        builder.ToTable("ImpactWatermarks");
        builder.HasKey(w => w.Stream);
        builder.Property(w => w.Stream).HasMaxLength(50);
    }
}
