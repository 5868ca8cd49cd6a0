using System.Globalization;
using System.Text.RegularExpressions;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Triage.Cases;
using FeedbackConsole.Core.Features.Triage.Queue;
using MudBlazor;

namespace FeedbackConsole.Web.Components.Pages.Triage;

/// <summary>A piece of stored text: plain, or a placeholder that stands where personal data was removed.</summary>
internal sealed record TextPart(string Text, string? Redacted);

/// <summary>How the case page writes statuses, signals and links (times: <see cref="Shared.PeopleTime"/>).</summary>
internal static partial class CaseFormat
{
    private static readonly Dictionary<string, string> RedactionNames = new(StringComparer.Ordinal)
    {
        ["email"] = "email address",
        ["phone"] = "phone number",
        ["card"] = "payment card number",
        ["iban"] = "bank account (IBAN)",
        ["ip"] = "IP address",
        ["redacted"] = "personal data",
    };

    /// <summary>The address of a case, carrying the queue's filter so that Esc, j and k follow the queue.</summary>
    public static string CaseHref(long caseId, string? queueQuery) =>
        string.IsNullOrEmpty(queueQuery)
            ? $"cases/{caseId.ToString(CultureInfo.InvariantCulture)}"
            : $"cases/{caseId.ToString(CultureInfo.InvariantCulture)}?q={Uri.EscapeDataString(queueQuery)}";

    /// <summary>The queue with the filter the reviewer came from (<c>/triage</c> when none).</summary>
    public static string QueueHref(string? queueQuery) => string.IsNullOrEmpty(queueQuery) ? "triage" : "triage?" + queueQuery;

    /// <summary>The queue filter of a <c>q</c> value, with the page set; "" when it is the default view.</summary>
    public static string WithPage(string? queueQuery, int page) => (QueueFilter.Parse(queueQuery) with { Page = page }).ToQueryString();

    /// <summary>
    /// Splits stored text at the redaction placeholders (<c>[email]</c>, <c>[phone]</c> …) so they can be shown as
    /// marked chips. Only when the text had personal data removed: otherwise a literal "[email]" the user typed stays text.
    /// </summary>
    public static IReadOnlyList<TextPart> Split(string? text, bool redacted)
    {
        if (string.IsNullOrEmpty(text))
        {
            return [];
        }

        if (!redacted)
        {
            return [new TextPart(text, null)];
        }

        var parts = new List<TextPart>();
        var at = 0;
        foreach (Match match in Placeholder().Matches(text))
        {
            if (match.Index > at)
            {
                parts.Add(new TextPart(text[at..match.Index], null));
            }

            parts.Add(new TextPart(match.Value, RedactionNames[match.Groups[1].Value]));
            at = match.Index + match.Length;
        }

        if (at < text.Length)
        {
            parts.Add(new TextPart(text[at..], null));
        }

        return parts;
    }

    [GeneratedRegex(@"\[(email|phone|card|iban|ip|redacted)\]")]
    private static partial Regex Placeholder();

    public static string Status(CaseStatus status) => CaseWorkflow.Title(status);

    public static Color StatusColor(CaseStatus status) => status switch
    {
        CaseStatus.New => Color.Info,
        CaseStatus.InReview => Color.Primary,
        CaseStatus.Labeled or CaseStatus.CorrectionProposed => Color.Secondary,
        CaseStatus.Approved or CaseStatus.Released => Color.Success,
        _ => Color.Default,
    };

    public static string StatusIcon(CaseStatus status) => status switch
    {
        CaseStatus.New => Icons.Material.Outlined.FiberNew,
        CaseStatus.InReview => Icons.Material.Outlined.RateReview,
        CaseStatus.Labeled => Icons.Material.Outlined.Label,
        CaseStatus.CorrectionProposed => Icons.Material.Outlined.EditNote,
        CaseStatus.Approved => Icons.Material.Outlined.Verified,
        CaseStatus.Released => Icons.Material.Outlined.RocketLaunch,
        CaseStatus.Dismissed => Icons.Material.Outlined.DoNotDisturbOn,
        _ => Icons.Material.Outlined.ContentCopy,
    };

    public static string Priority(double priority) => priority.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>What a signal says, in a few words: "Rated accuracy 1 of 5", "Thumbs down", "Left after 3.2 s".</summary>
    public static string Signal(GetCaseDetail.SignalView s) => s.Kind switch
    {
        SignalKind.Thumb => s.ThumbUp == true ? "Thumbs up" : "Thumbs down",
        SignalKind.Rating => $"Rated {s.Dimension ?? "the answer"} {s.Rating?.ToString(CultureInfo.InvariantCulture) ?? "?"} of 5",
        SignalKind.Flag => s.Flag switch
        {
            FlagCategory.Safety => "Flagged as unsafe",
            FlagCategory.Compliance => "Flagged for compliance",
            _ => "Flagged",
        },
        SignalKind.Comment => "Comment",
        SignalKind.Correction => "Correction",
        SignalKind.Rejection => "Rejected the suggestion",
        SignalKind.Reformulation => "Asked again differently",
        SignalKind.Copy => "Copied the answer",
        SignalKind.Dwell => $"Read for {Seconds(s.DwellMilliseconds)}",
        SignalKind.Regenerate => "Regenerated the answer",
        SignalKind.Abandon => "Left the conversation",
        _ => s.Kind.ToString(),
    };

    public static string SignalIcon(GetCaseDetail.SignalView s) => s.Kind switch
    {
        SignalKind.Thumb => s.ThumbUp == true ? Icons.Material.Outlined.ThumbUp : Icons.Material.Outlined.ThumbDown,
        SignalKind.Rating => Icons.Material.Outlined.StarHalf,
        SignalKind.Flag => Icons.Material.Outlined.Flag,
        SignalKind.Comment => Icons.Material.Outlined.ChatBubbleOutline,
        SignalKind.Correction => Icons.Material.Outlined.EditNote,
        SignalKind.Rejection => Icons.Material.Outlined.Block,
        SignalKind.Reformulation => Icons.Material.Outlined.Replay,
        SignalKind.Copy => Icons.Material.Outlined.ContentCopy,
        SignalKind.Dwell => Icons.Material.Outlined.Timer,
        SignalKind.Regenerate => Icons.Material.Outlined.Autorenew,
        _ => Icons.Material.Outlined.ExitToApp,
    };

    /// <summary>Negative or flagged signals are marked; implicit ones are quiet.</summary>
    public static string SignalTone(GetCaseDetail.SignalView s) => s switch
    {
        { Kind: SignalKind.Flag } => "danger",
        { Kind: SignalKind.Thumb, ThumbUp: true } or { Kind: SignalKind.Copy } => "positive",
        { Kind: SignalKind.Thumb } or { Kind: SignalKind.Rejection } or { Kind: SignalKind.Correction } => "negative",
        { Kind: SignalKind.Rating, Rating: <= 2 } => "negative",
        { Kind: SignalKind.Rating, Rating: >= 4 } => "positive",
        _ => "neutral",
    };

    public static string Seconds(int? milliseconds) =>
        milliseconds is null ? "?" : (milliseconds.Value / 1000.0).ToString("0.#", CultureInfo.InvariantCulture) + " s";

    public static string Severity(CaseSeverity? severity) => severity?.ToString() ?? "Not set";
}
