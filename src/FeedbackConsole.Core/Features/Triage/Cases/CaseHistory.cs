using System.Globalization;
using System.Text.Json;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Triage.Cases;

/// <summary>The audit actions of reviewer decisions on a case.</summary>
public static class CaseActions
{
    public const string EntityType = "case";
    public const string Labeled = "case.labeled";
    public const string SeveritySet = "case.severity_set";
    public const string NoteSet = "case.note_set";
    public const string AnswerProposed = "case.answer_proposed";
    public const string Dismissed = "case.dismissed";
    public const string MarkedDuplicate = "case.marked_duplicate";
    public const string StatusChanged = "case.status_changed";
    public const string Reopened = "case.reopened";

    public static string EntityId(long caseId) => caseId.ToString(CultureInfo.InvariantCulture);
}

/// <summary>One decision on a case, told in words: "Dana · confirmed factual.error".</summary>
public sealed record CaseHistoryItem(long EventId, DateTimeOffset At, string? ActorId, string ActorName, string Action, string What, string? Reason);

/// <summary>
/// A case's history from the audit trail, in words. The same phrases tell a reviewer who changed what since
/// they loaded the case (a stale save) and fill the case page's timeline.
/// </summary>
public static class CaseHistory
{
    /// <summary>Decisions on the case after audit event <paramref name="afterEventId"/> (0: all), oldest first, at most <paramref name="take"/> of the latest.</summary>
    public static async Task<IReadOnlyList<CaseHistoryItem>> LoadAsync(
        FeedbackDbContext db, long caseId, long afterEventId = 0, int take = 200, CancellationToken cancellationToken = default)
    {
        var entityId = CaseActions.EntityId(caseId);
        var events = await db.AuditEvents.AsNoTracking()
            .Where(e => e.EntityType == CaseActions.EntityType && e.EntityId == entityId && e.Id > afterEventId)
            .OrderByDescending(e => e.Id)
            .Take(take)
            .ToListAsync(cancellationToken);
        var actorIds = events.Where(e => e.ActorId != null).Select(e => e.ActorId!).Distinct().ToList();
        var names = actorIds.Count == 0
            ? []
            : await db.Users.AsNoTracking()
                .Where(u => actorIds.Contains(u.Id))
                .Select(u => new { u.Id, u.DisplayName })
                .ToDictionaryAsync(u => u.Id, u => u.DisplayName, cancellationToken);

        return
        [
            .. events.OrderBy(e => e.Id).Select(e => new CaseHistoryItem(
                e.Id,
                e.OccurredAt,
                e.ActorId,
                e.ActorId is not null && names.TryGetValue(e.ActorId, out var name) && !string.IsNullOrWhiteSpace(name) ? name : e.ActorName,
                e.Action,
                Describe(e.Action, e.Before, e.After),
                e.Reason)),
        ];
    }

    /// <summary>The id of the latest audit event on the case (0 when none): the second half of a <see cref="CaseStamp"/>.</summary>
    public static Task<long> LastEventIdAsync(FeedbackDbContext db, long caseId, CancellationToken cancellationToken = default)
    {
        var entityId = CaseActions.EntityId(caseId);
        return db.AuditEvents.AsNoTracking()
            .Where(e => e.EntityType == CaseActions.EntityType && e.EntityId == entityId)
            .OrderByDescending(e => e.Id)
            .Select(e => e.Id)
            .FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>Groups consecutive decisions of the same person made within a minute, for "Dana did X and Y at 10:32".</summary>
    public static IReadOnlyList<CaseChangeSummary> Summarize(IEnumerable<CaseHistoryItem> items)
    {
        var result = new List<CaseChangeSummary>();
        foreach (var item in items)
        {
            if (result.Count > 0 && result[^1] is { } last && last.ActorId == item.ActorId && last.ActorName == item.ActorName
                && item.At - last.At < TimeSpan.FromMinutes(1))
            {
                result[^1] = last with { What = [.. last.What, item.What] };
            }
            else
            {
                result.Add(new CaseChangeSummary(item.ActorId, item.ActorName, item.At, [item.What]));
            }
        }

        return result;
    }

    /// <summary>One decision as a phrase: "changed the status New → Labeled", "confirmed factual.error", "set severity to High".</summary>
    public static string Describe(string action, string? before, string? after)
    {
        using var b = Parse(before);
        using var a = Parse(after);
        var was = b?.RootElement;
        var now = a?.RootElement;
        return action switch
        {
            CaseActions.Labeled => Text(now, "confirmed") == "true"
                ? $"confirmed {Text(now, "mode") ?? "a failure mode"}"
                : $"removed {Text(now, "mode") ?? Text(was, "mode") ?? "a failure mode"}",
            CaseActions.SeveritySet => Text(now, "severity") is { } severity ? $"set severity to {severity}" : "cleared the severity",
            CaseActions.NoteSet => string.IsNullOrEmpty(Text(now, "note")) ? "cleared the note" : Text(was, "note") is null ? "added a note" : "edited the note",
            CaseActions.AnswerProposed => string.IsNullOrEmpty(Text(now, "proposedAnswer"))
                ? "withdrew the proposed answer"
                : Text(was, "proposedAnswer") is null ? "proposed an answer" : "edited the proposed answer",
            CaseActions.Dismissed => "dismissed the case",
            CaseActions.MarkedDuplicate => Text(now, "duplicateOfCaseId") is { } of ? $"marked it a duplicate of case #{of}" : "marked it a duplicate",
            CaseActions.Reopened => "reopened the case",
            CaseActions.StatusChanged => $"changed the status {Status(Text(was, "status"))} → {Status(Text(now, "status"))}",
            _ => Fallback(action),
        };
    }

    private static string Status(string? stored) =>
        Enum.TryParse<CaseStatus>(stored, out var status) ? CaseWorkflow.Title(status) : stored ?? "?";

    // Decisions other rooms record on a case (claims, assignment, clustering): "case.claimed" → "claimed the case".
    private static string Fallback(string action)
    {
        var verb = action.StartsWith("case.", StringComparison.Ordinal) ? action[5..] : action;
        verb = verb.Replace('_', ' ');
        return verb switch
        {
            "claimed" or "assigned" or "unassigned" or "unclaimed" => verb + " the case",
            _ => verb,
        };
    }

    private static JsonDocument? Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }

        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement? element, string property)
    {
        if (element is not { ValueKind: JsonValueKind.Object } e || !e.TryGetProperty(property, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Null or JsonValueKind.Undefined => null,
            JsonValueKind.String => value.GetString(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => value.GetRawText(),
        };
    }
}
