using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Accounts;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Core.Features.Triage.Claims;

/// <summary>What a claim or assignment did: the case, who holds it now, until when (null: no lease) and its new version.</summary>
public sealed record ClaimOutcome(long CaseId, string? AssigneeId, DateTimeOffset? LeaseExpiresAt, Guid Version, CaseStatus Status);

/// <summary>Rules shared by the claim use cases: who holds a case, which cases can be held, who may assign.</summary>
public static class ClaimRules
{
    /// <summary>Statuses in which a case can be claimed or assigned (work remains).</summary>
    public static readonly IReadOnlyList<CaseStatus> Claimable = [CaseStatus.New, CaseStatus.InReview, CaseStatus.Labeled, CaseStatus.CorrectionProposed];

    /// <summary>Whether someone holds the case now: assigned (no lease) or claimed with a lease that has not lapsed.</summary>
    public static bool IsHeld(string? assigneeId, DateTimeOffset? leaseExpiresAt, DateTimeOffset now) =>
        assigneeId is not null && (leaseExpiresAt is null || leaseExpiresAt >= now);

    /// <summary>Whether the person is a Lead or an Admin (may assign and release others' cases).</summary>
    public static Task<bool> IsLeadAsync(FeedbackDbContext db, string userId, CancellationToken cancellationToken) =>
        (from userRole in db.UserRoles
         join role in db.Roles on userRole.RoleId equals role.Id
         where userRole.UserId == userId && (role.Name == Roles.Lead || role.Name == Roles.Admin)
         select userRole.UserId).AnyAsync(cancellationToken);

    /// <summary>Enabled people with a console role, who can hold cases: (id, display name), by name.</summary>
    public static async Task<IReadOnlyList<(string Id, string Name)>> ReviewersAsync(FeedbackDbContext db, CancellationToken cancellationToken)
    {
        string[] roles = [Roles.Admin, Roles.Lead, Roles.Reviewer];
        var people = await (from user in db.Users
                            where !user.IsDisabled
                                  && (from userRole in db.UserRoles
                                      join role in db.Roles on userRole.RoleId equals role.Id
                                      where userRole.UserId == user.Id && roles.Contains(role.Name!)
                                      select userRole).Any()
                            select new { user.Id, user.DisplayName, user.Email })
            .AsNoTracking()
            .ToListAsync(cancellationToken);
        return people
            .Select(p => (p.Id, Name: PeopleNames.Of(p.DisplayName, p.Email, p.Id)))
            .OrderBy(p => p.Name, StringComparer.CurrentCultureIgnoreCase)
            .ToList();
    }

    /// <summary>The name a person is shown by in messages ("held by Ada").</summary>
    public static Task<string> DisplayNameAsync(FeedbackDbContext db, string userId, CancellationToken cancellationToken) =>
        PeopleNames.LoadOneAsync(db, userId, cancellationToken);
}
