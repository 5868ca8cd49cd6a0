using FeedbackConsole.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Audit;

/// <summary>What the audit page's filter menus offer: the actions and entity types the trail holds, and the applications.</summary>
public sealed class GetAuditFilterChoices(IDbContextFactory<FeedbackDbContext> contexts)
{
    /// <summary>A value for a filter and how the menu shows it.</summary>
    public sealed record Choice(string Value, string Label);

    /// <summary>
    /// <see cref="Actions"/> lists each area's prefix ("case.", shown as "Case: all actions") followed by its
    /// actions; <see cref="Applications"/> uses the application id as the value.
    /// </summary>
    public sealed record Choices(IReadOnlyList<Choice> Actions, IReadOnlyList<Choice> EntityTypes, IReadOnlyList<Choice> Applications);

    public async Task<Choices> HandleAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        // DISTINCT over indexed columns: a walk of the Action and (EntityType, …) indexes, not of the rows.
        var actions = await db.AuditEvents.AsNoTracking().Select(e => e.Action).Distinct().ToListAsync(cancellationToken);
        var entityTypes = await db.AuditEvents.AsNoTracking().Select(e => e.EntityType).Distinct().ToListAsync(cancellationToken);
        var applications = await db.Applications.AsNoTracking().Select(a => new { a.Id, a.Name }).ToListAsync(cancellationToken);

        var actionChoices = new List<Choice>();
        foreach (var area in actions.GroupBy(a => a.Split('.')[0]).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            actionChoices.Add(new Choice(area.Key + ".", $"{AuditNames.EntityType(area.Key)}: all actions"));
            actionChoices.AddRange(area.Order(StringComparer.Ordinal).Select(a => new Choice(a, AuditNames.Action(a))));
        }

        return new Choices(
            actionChoices,
            [.. entityTypes.Order(StringComparer.Ordinal).Select(t => new Choice(t, AuditNames.EntityType(t)))],
            [.. applications.OrderBy(a => a.Name, StringComparer.CurrentCultureIgnoreCase).Select(a => new Choice(a.Id.ToString("D"), a.Name))]);
    }
}
