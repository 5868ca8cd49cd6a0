using System.Globalization;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Releases;
using MudBlazor;

namespace FeedbackConsole.Web.Components.Pages.Releases;

/// <summary>How releases, gates and eval cases look in the console: labels, chip colours, icons, links.</summary>
internal static class ReleaseFormat
{
    public static string ReleasesHref(Guid kbId) => $"knowledge-bases/{kbId}/releases";

    public static string ReleaseHref(Guid releaseId) => $"releases/{releaseId}";

    public static string EvalHref(Guid kbId) => $"knowledge-bases/{kbId}/eval";

    public static string KnowledgeBaseHref(Guid kbId) => $"knowledge-bases/{kbId}";

    public static string State(ReleaseState state) => state switch
    {
        ReleaseState.Candidate => "Candidate",
        ReleaseState.Gated => "Gated",
        ReleaseState.Shadow => "Shadow",
        ReleaseState.Live => "Live",
        ReleaseState.Superseded => "Superseded",
        ReleaseState.RolledBack => "Rolled back",
        _ => state.ToString(),
    };

    public static Color StateColor(ReleaseState state) => state switch
    {
        ReleaseState.Live => Color.Success,
        ReleaseState.Shadow => Color.Info,
        ReleaseState.Candidate or ReleaseState.Gated => Color.Primary,
        ReleaseState.RolledBack => Color.Warning,
        _ => Color.Default,
    };

    public static string StateIcon(ReleaseState state) => state switch
    {
        ReleaseState.Live => Icons.Material.Outlined.RocketLaunch,
        ReleaseState.Shadow => Icons.Material.Outlined.Visibility,
        ReleaseState.Candidate => Icons.Material.Outlined.Inventory2,
        ReleaseState.Gated => Icons.Material.Outlined.FactCheck,
        ReleaseState.RolledBack => Icons.Material.Outlined.Undo,
        _ => Icons.Material.Outlined.History,
    };

    public static string Gate(GateOutcome? gate) => gate switch
    {
        GateOutcome.Passed => "Gate passed",
        GateOutcome.Failed => "Gate failed",
        GateOutcome.Overridden => "Gate overridden",
        _ => "Not gated",
    };

    public static Color GateColor(GateOutcome? gate) => gate switch
    {
        GateOutcome.Passed => Color.Success,
        GateOutcome.Failed => Color.Error,
        GateOutcome.Overridden => Color.Warning,
        _ => Color.Default,
    };

    public static string GateIcon(GateOutcome? gate) => gate switch
    {
        GateOutcome.Passed => Icons.Material.Outlined.CheckCircle,
        GateOutcome.Failed => Icons.Material.Outlined.Cancel,
        GateOutcome.Overridden => Icons.Material.Outlined.GppMaybe,
        _ => Icons.Material.Outlined.HourglassEmpty,
    };

    public static string Change(EntryChangeKind kind) => kind switch
    {
        EntryChangeKind.Added => "Added",
        EntryChangeKind.Changed => "Changed",
        EntryChangeKind.Retired => "Retired",
        _ => kind.ToString(),
    };

    public static Color ChangeColor(EntryChangeKind kind) => kind switch
    {
        EntryChangeKind.Added => Color.Success,
        EntryChangeKind.Changed => Color.Primary,
        _ => Color.Secondary,
    };

    /// <summary>"+2 · ~1 · −1", or "no changes".</summary>
    public static string Counts(int added, int changed, int retired)
    {
        var parts = new List<string>();
        if (added > 0)
        {
            parts.Add($"{added} added");
        }

        if (changed > 0)
        {
            parts.Add($"{changed} changed");
        }

        if (retired > 0)
        {
            parts.Add($"{retired} retired");
        }

        return parts.Count == 0 ? "no changes" : string.Join(" · ", parts);
    }

    public static string Percent(double? value) => value is { } v ? (v * 100).ToString("0.#", CultureInfo.InvariantCulture) + " %" : "—";

    public static string Decimal(double? value) => value is { } v ? v.ToString("0.000", CultureInfo.InvariantCulture) : "—";

}
