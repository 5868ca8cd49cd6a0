using System.ComponentModel.DataAnnotations;
using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Accounts;
using FeedbackConsole.Core.Features.Audit;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging;

namespace FeedbackConsole.Core.Features.Admin.Users;

/// <summary>
/// An admin adds a person with roles; they get a one-time password to change at first sign-in. The account,
/// its roles and the audit event commit together: UserManager saves through the scoped DbContext, whose
/// transaction is opened first.
/// </summary>
public sealed class CreateUser(UserManager<ApplicationUser> users, FeedbackDbContext db, AuditTrail audit, TimeProvider time, ILogger<CreateUser> logger)
{
    public sealed class Request
    {
        [Required(ErrorMessage = "Enter an email address.")]
        [EmailAddress(ErrorMessage = "Enter a valid email address.")]
        [StringLength(256)]
        public string Email { get; set; } = "";

        [Required(ErrorMessage = "Enter the person's name.")]
        [StringLength(100)]
        public string DisplayName { get; set; } = "";

        public HashSet<string> Roles { get; set; } = [];
    }

    /// <summary>The new user's id and the one-time password to hand over (shown once, never stored in clear).</summary>
    public sealed record Created(string UserId, string OneTimePassword);

    public async Task<Result<Created>> HandleAsync(Request request, string actingUserId)
    {
        if (Validation.FirstError(request) is { } invalid)
        {
            return Result<Created>.Fail(invalid);
        }

        if (request.Roles.FirstOrDefault(r => !Domain.Roles.IsKnown(r)) is { } unknown)
        {
            return Result<Created>.Fail($"Unknown role '{unknown}'.");
        }

        var email = request.Email.Trim();
        await using var transaction = await db.Database.BeginTransactionAsync();
        if (await users.FindByEmailAsync(email) is not null)
        {
            return Result<Created>.Fail($"A user with the email {email} already exists.");
        }

        var user = new ApplicationUser
        {
            UserName = email,
            Email = email,
            EmailConfirmed = true,
            DisplayName = request.DisplayName.Trim(),
            MustChangePassword = true,
            CreatedAt = time.GetUtcNow(),
        };
        var password = PasswordPolicy.GenerateOneTimePassword();
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded)
        {
            return Result<Created>.Fail(Validation.Describe(created));
        }

        var roles = request.Roles.Order(StringComparer.Ordinal).ToList();
        if (roles.Count > 0)
        {
            var added = await users.AddToRolesAsync(user, roles);
            if (!added.Succeeded)
            {
                return Result<Created>.Fail(Validation.Describe(added));
            }
        }

        await audit.RecordAsync(db, await AuditActor.OfUserAsync(db, actingUserId),
            new AuditEntry("user.created", AuditEntityTypes.User, user.Id, After: new { email, displayName = user.DisplayName, roles }));
        await db.SaveChangesAsync();
        await transaction.CommitAsync();

        logger.LogInformation("User {ActingUserId} created user {UserId} with roles {Roles}.", actingUserId, user.Id, string.Join(",", request.Roles));
        return Result<Created>.Ok(new Created(user.Id, password));
    }
}
