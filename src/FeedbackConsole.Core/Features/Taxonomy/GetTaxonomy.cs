using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Taxonomy;

/// <summary>The whole taxonomy for the admin page: modes in tree order with how much each is used, and every rule.</summary>
public sealed class GetTaxonomy(IDbContextFactory<FeedbackDbContext> contexts)
{
    /// <summary>A mode in tree order. <paramref name="Depth"/> 0 is a top-level family.</summary>
    public sealed record Node(
        int Id, string Key, string Name, string Description, int? ParentId, int Depth, DateTimeOffset? RetiredAt,
        int CaseCount, int RuleCount, int ChildCount)
    {
        public bool IsRetired => RetiredAt is not null;

        /// <summary>Used modes are never deleted: any case or rule refers to it, or it has children.</summary>
        public bool CanDelete => CaseCount == 0 && RuleCount == 0 && ChildCount == 0;
    }

    public sealed record Rule(
        int Id, int FailureModeId, string Name, SignalKind? Kind, string? Dimension, FlagCategory? Flag, int? MaxRating,
        bool? ThumbUp, string? TextPattern, double Weight, bool Enabled)
    {
        public RuleDraft ToDraft() => new(Name, Kind, Dimension, Flag, MaxRating, ThumbUp, TextPattern, Weight, Enabled);
    }

    public sealed record View(IReadOnlyList<Node> Modes, IReadOnlyList<Rule> Rules);

    public async Task<View> HandleAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var modes = await db.FailureModes.AsNoTracking().ToListAsync(cancellationToken);
        var rules = await db.FailureModeRules.AsNoTracking()
            .OrderBy(r => r.FailureModeId).ThenBy(r => r.Id)
            .Select(r => new Rule(r.Id, r.FailureModeId, r.Name, r.Kind, r.Dimension, r.Flag, r.MaxRating, r.ThumbUp, r.TextPattern, r.Weight, r.Enabled))
            .ToListAsync(cancellationToken);
        var usage = await db.CaseFailureModes.AsNoTracking()
            .GroupBy(m => m.FailureModeId)
            .Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);

        var rulesByMode = rules.ToLookup(r => r.FailureModeId);
        var children = modes.ToLookup(m => m.ParentId);
        var ordered = new List<Node>(modes.Count);
        void Walk(int? parentId, int depth)
        {
            foreach (var mode in children[parentId].OrderBy(m => m.SortOrder).ThenBy(m => m.Key, StringComparer.Ordinal))
            {
                ordered.Add(new Node(mode.Id, mode.Key, mode.Name, mode.Description, mode.ParentId, depth, mode.RetiredAt,
                    usage.GetValueOrDefault(mode.Id), rulesByMode[mode.Id].Count(), children[mode.Id].Count()));
                Walk(mode.Id, depth + 1);
            }
        }

        Walk(null, 0);
        return new View(ordered, rules);
    }
}
