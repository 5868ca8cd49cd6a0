using System.Globalization;
using FeedbackConsole.Core.Domain;
using MudBlazor;

namespace FeedbackConsole.Web.Components.Pages.Triage;

/// <summary>How the queue writes ages, statuses and priorities.</summary>
public static class QueueFormat
{
    /// <summary>"just now", "5 min", "3 h", "2 d", "6 wk".</summary>
    public static string Age(DateTimeOffset since, DateTimeOffset now)
    {
        var age = now - since;
        return age switch
        {
            { TotalMinutes: < 1 } => "just now",
            { TotalHours: < 1 } => $"{(int)age.TotalMinutes} min",
            { TotalDays: < 1 } => $"{(int)age.TotalHours} h",
            { TotalDays: < 14 } => $"{(int)age.TotalDays} d",
            _ => $"{(int)(age.TotalDays / 7)} wk",
        };
    }

    public static string Priority(double priority) => priority.ToString(priority >= 100 ? "0" : "0.0", CultureInfo.InvariantCulture);

    public static Color StatusColor(CaseStatus status) => status switch
    {
        CaseStatus.New => Color.Info,
        CaseStatus.InReview => Color.Primary,
        CaseStatus.Labeled => Color.Secondary,
        CaseStatus.CorrectionProposed => Color.Tertiary,
        CaseStatus.Approved or CaseStatus.Released => Color.Success,
        _ => Color.Default,
    };

    /// <summary>Signal kinds as a reviewer names them, for the kind filter.</summary>
    public static string Kind(SignalKind kind) => kind switch
    {
        SignalKind.Thumb => "Thumb",
        SignalKind.Rating => "Rating",
        SignalKind.Flag => "Flag",
        SignalKind.Comment => "Comment",
        SignalKind.Correction => "Correction",
        SignalKind.Rejection => "Rejected suggestion",
        SignalKind.Reformulation => "Reformulated question",
        SignalKind.Copy => "Copied",
        SignalKind.Dwell => "Dwell time",
        SignalKind.Regenerate => "Regenerated",
        SignalKind.Abandon => "Abandoned",
        _ => kind.ToString(),
    };
}
