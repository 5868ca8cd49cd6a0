using System.Globalization;
using System.Text.RegularExpressions;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.KnowledgeBases;

/// <summary>Limits, audit names and access checks shared by the knowledge-base use cases.</summary>
public static partial class KnowledgeBaseRules
{
    // Lengths as the schema stores them (Data/Configurations/KnowledgeConfigurations.cs).
    public const int NameMaxLength = 200;
    public const int DescriptionMaxLength = 2000;
    public const int TitleMaxLength = 500;
    public const int ContentMaxLength = 32_000;
    public const int InputMaxLength = 32_000;
    public const int TaskTypeMaxLength = 100;
    public const int FailureModeKeyMaxLength = 100;
    public const int GuardMessageMaxLength = 1000;
    public const int SummaryMaxLength = 4000;
    public const int CommentMaxLength = 4000;
    public const int MaxGateK = 50;

    /// <summary>How long a guard pattern may take on one output before the engine gives up on it.</summary>
    public static readonly TimeSpan PatternTimeout = TimeSpan.FromMilliseconds(250);

    public const string KnowledgeBaseEntity = "knowledge_base";
    public const string RevisionEntity = "entry_revision";
    public const string Created = "knowledge_base.created";
    public const string Updated = "knowledge_base.updated";
    public const string Archived = "knowledge_base.archived";
    public const string RevisionProposed = "revision.proposed";
    public const string RevisionApproved = "revision.approved";
    public const string RevisionRejected = "revision.rejected";
    public const string RevisionWithdrawn = "revision.withdrawn";

    /// <summary>Lower-case letters, digits and hyphens, 2–63 characters, not starting with a hyphen.</summary>
    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,62}$")]
    public static partial Regex KeyPattern();

    public static string Id(Guid id) => id.ToString("D");

    /// <summary>Whether the person is a Lead or an Admin (creates and edits knowledge bases).</summary>
    public static Task<bool> IsLeadAsync(FeedbackDbContext db, string userId, CancellationToken cancellationToken) =>
        HasRoleAsync(db, userId, [Roles.Lead, Roles.Admin], cancellationToken);

    /// <summary>Whether the person holds any console role (proposes and approves revisions).</summary>
    public static Task<bool> IsReviewerAsync(FeedbackDbContext db, string userId, CancellationToken cancellationToken) =>
        HasRoleAsync(db, userId, [Roles.Reviewer, Roles.Lead, Roles.Admin], cancellationToken);

    private static Task<bool> HasRoleAsync(FeedbackDbContext db, string userId, string[] roles, CancellationToken cancellationToken) =>
        (from userRole in db.UserRoles
         join role in db.Roles on userRole.RoleId equals role.Id
         where userRole.UserId == userId && roles.Contains(role.Name!)
         select userRole.UserId).AnyAsync(cancellationToken);

    /// <summary>Null when <paramref name="pattern"/> is a valid .NET regular expression, else the parser's message.</summary>
    public static string? CheckPattern(string pattern)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.CultureInvariant, PatternTimeout);
            return null;
        }
        catch (ArgumentException e)
        {
            return $"The pattern is not a valid regular expression: {e.Message}";
        }
    }

    /// <summary>"Facts", "Examples", "Guards" as a person reads them.</summary>
    public static string Describe(KnowledgeBaseKind kind) => kind switch
    {
        KnowledgeBaseKind.Facts => "Facts",
        KnowledgeBaseKind.Examples => "Few-shot examples",
        KnowledgeBaseKind.Guards => "Guard rules",
        _ => kind.ToString(),
    };

    /// <summary>"Forbidden pattern" …</summary>
    public static string Describe(Domain.GuardRuleType type) => type switch
    {
        Domain.GuardRuleType.ForbiddenPattern => "Forbidden pattern",
        Domain.GuardRuleType.ForbiddenPhrase => "Forbidden phrase",
        Domain.GuardRuleType.RequiredDisclaimer => "Required disclaimer",
        _ => type.ToString(),
    };

    /// <summary>"new entry", "update", "retirement".</summary>
    public static string Describe(RevisionChange change) => change switch
    {
        RevisionChange.Create => "New entry",
        RevisionChange.Update => "Update",
        RevisionChange.Retire => "Retirement",
        _ => change.ToString(),
    };

    internal static string Count(int n, string one, string many) =>
        n == 1 ? $"1 {one}" : string.Create(CultureInfo.InvariantCulture, $"{n:N0} {many}");
}
