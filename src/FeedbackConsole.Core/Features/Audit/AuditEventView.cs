using System.Globalization;
using System.Text;
using System.Text.Json;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Audit;

/// <summary>One audit event as the console shows it: the stored fields plus readable names for the action and the entity.</summary>
public sealed record AuditEventView(
    long Id,
    DateTimeOffset OccurredAt,
    string? ActorId,
    string ActorName,
    string Action,
    string EntityType,
    string EntityId,
    Guid? ApplicationId,
    string? ApplicationName,
    string EntityLabel,
    string? Before,
    string? After,
    string? Reason)
{
    /// <summary>"Case labeled", "API key revoked" …</summary>
    public string ActionLabel => AuditNames.Action(Action);

    /// <summary>True for the product's own decisions (no person).</summary>
    public bool IsSystem => ActorId is null;

    /// <summary>Before → after, one line per changed field.</summary>
    public IReadOnlyList<AuditFieldChange> Changes => AuditFieldChange.Compare(Before, After);

    /// <summary>Maps stored events to views, naming users, applications and API keys by their current name in a few small queries.</summary>
    internal static async Task<IReadOnlyList<AuditEventView>> FromAsync(FeedbackDbContext db, IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken)
    {
        var applicationIds = events.Select(e => e.ApplicationId)
            .Concat(events.Where(e => e.EntityType == AuditEntityTypes.Application).Select(e => Guid.TryParse(e.EntityId, out var id) ? id : (Guid?)null))
            .OfType<Guid>().Distinct().ToList();
        var applications = applicationIds.Count == 0
            ? new Dictionary<Guid, string>()
            : await db.Applications.AsNoTracking().Where(a => applicationIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.Name, cancellationToken);

        var userIds = events.Where(e => e.EntityType == AuditEntityTypes.User).Select(e => e.EntityId).Distinct().ToList();
        var users = userIds.Count == 0
            ? new Dictionary<string, string>()
            : await db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Email ?? u.Id, cancellationToken);

        var keyIds = events.Where(e => e.EntityType == AuditEntityTypes.ApiKey)
            .Select(e => Guid.TryParse(e.EntityId, out var id) ? id : (Guid?)null).OfType<Guid>().Distinct().ToList();
        var keys = keyIds.Count == 0
            ? new Dictionary<Guid, string>()
            : await db.ApiKeys.AsNoTracking().Where(k => keyIds.Contains(k.Id)).ToDictionaryAsync(k => k.Id, k => k.Label, cancellationToken);

        return [.. events.Select(e => new AuditEventView(
            e.Id,
            e.OccurredAt,
            e.ActorId,
            e.ActorName,
            e.Action,
            e.EntityType,
            e.EntityId,
            e.ApplicationId,
            e.ApplicationId is { } app && applications.TryGetValue(app, out var appName) ? appName : null,
            LabelOf(e, applications, users, keys),
            e.Before,
            e.After,
            e.Reason))];
    }

    private static string LabelOf(AuditEvent e, Dictionary<Guid, string> applications, Dictionary<string, string> users, Dictionary<Guid, string> keys)
    {
        var name = e.EntityType switch
        {
            AuditEntityTypes.User => users.GetValueOrDefault(e.EntityId),
            AuditEntityTypes.Application => Guid.TryParse(e.EntityId, out var a) ? applications.GetValueOrDefault(a) : null,
            AuditEntityTypes.ApiKey => Guid.TryParse(e.EntityId, out var k) ? keys.GetValueOrDefault(k) : null,
            _ => null,
        };
        var type = AuditNames.EntityType(e.EntityType);
        return name is not null ? $"{type} “{name}”" : e.EntityType == AuditEntityTypes.Case ? $"{type} #{e.EntityId}" : $"{type} {e.EntityId}";
    }
}

/// <summary>One changed field of an audit event, its values written for people ("—" for none).</summary>
public sealed record AuditFieldChange(string Field, string Before, string After)
{
    public const string None = "—";

    /// <summary>
    /// The fields of the two JSON objects side by side, in the order they were written (Before's first, then
    /// any only in After). A value that is not a JSON object is shown as one field, "Value".
    /// </summary>
    public static IReadOnlyList<AuditFieldChange> Compare(string? before, string? after)
    {
        var left = Fields(before);
        var right = Fields(after);
        var names = left.Select(f => f.Name).Concat(right.Select(f => f.Name)).Distinct(StringComparer.Ordinal);
        return [.. names.Select(n => new AuditFieldChange(
            AuditNames.Field(n),
            left.FirstOrDefault(f => f.Name == n).Value ?? None,
            right.FirstOrDefault(f => f.Name == n).Value ?? None))];
    }

    private static List<(string Name, string? Value)> Fields(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return [];
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? [.. document.RootElement.EnumerateObject().Select(p => (p.Name, (string?)Format(p.Value)))]
                : [("value", Format(document.RootElement))];
        }
        catch (JsonException)
        {
            return [("value", json)];
        }
    }

    private static string Format(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => None,
        JsonValueKind.String => value.GetString() is { Length: > 0 } s ? s : "(empty)",
        JsonValueKind.True => "yes",
        JsonValueKind.False => "no",
        JsonValueKind.Array => value.GetArrayLength() == 0 ? "(none)" : string.Join(", ", value.EnumerateArray().Select(Format)),
        _ => value.GetRawText(),
    };
}

/// <summary>The entity types the admin use cases record (other rooms use their own: <c>case</c>, <c>failure_mode</c> …).</summary>
public static class AuditEntityTypes
{
    public const string User = "user";
    public const string Application = "application";
    public const string ApiKey = "api_key";
    public const string Case = "case";
}

/// <summary>Readable names for dotted actions, entity types and camelCase field names.</summary>
public static class AuditNames
{
    private static readonly Dictionary<string, string> Actions = new(StringComparer.Ordinal)
    {
        ["user.created"] = "Person added",
        ["user.roles_changed"] = "Roles changed",
        ["user.password_reset"] = "Password reset",
        ["user.disabled"] = "Person disabled",
        ["user.enabled"] = "Person enabled",
        ["application.pii_redaction_changed"] = "PII redaction switched",
        ["apikey.origins_changed"] = "API key origins changed",
    };

    private static readonly Dictionary<string, string> Words = new(StringComparer.OrdinalIgnoreCase)
    {
        ["apikey"] = "API key",
        ["api"] = "API",
        ["pii"] = "PII",
        ["id"] = "id",
        ["url"] = "URL",
        ["kb"] = "KB",
    };

    /// <summary>"case.status_changed" → "Case status changed"; a few admin actions have their own wording.</summary>
    public static string Action(string action)
    {
        if (Actions.TryGetValue(action, out var known))
        {
            return known;
        }

        var words = action.Split(['.', '_'], StringSplitOptions.RemoveEmptyEntries).Select(w => Words.GetValueOrDefault(w, w));
        return Capitalize(string.Join(' ', words));
    }

    /// <summary>"failure_mode" → "Failure mode", "api_key" → "API key".</summary>
    public static string EntityType(string entityType) =>
        entityType == AuditEntityTypes.User ? "Person" : Capitalize(string.Join(' ', entityType.Split('_', StringSplitOptions.RemoveEmptyEntries).Select(w => Words.GetValueOrDefault(w, w))));

    /// <summary>"allowedOrigins" → "Allowed origins", "redactPii" → "Redact PII".</summary>
    public static string Field(string name)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        foreach (var c in name)
        {
            if ((char.IsUpper(c) || c == '_') && current.Length > 0)
            {
                words.Add(current.ToString());
                current.Clear();
            }

            if (c != '_')
            {
                current.Append(char.ToLowerInvariant(c));
            }
        }

        if (current.Length > 0)
        {
            words.Add(current.ToString());
        }

        return Capitalize(string.Join(' ', words.Select(w => Words.GetValueOrDefault(w, w))));
    }

    private static string Capitalize(string text) =>
        text.Length == 0 ? text : char.ToUpper(text[0], CultureInfo.InvariantCulture) + text[1..];
}
