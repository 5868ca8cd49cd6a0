using FeedbackConsole.Core.Data;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Audit;
using FeedbackConsole.Core.Options;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FeedbackConsole.Core.Features.Accounts;

/// <summary>
/// First run: makes sure the roles exist and that someone can sign in. With <c>Bootstrap:AdminEmail</c> and
/// <c>Bootstrap:AdminPassword</c> the first admin comes from configuration; with neither and an empty user
/// table, an admin with a one-time password is created and the password is printed once to the console.
/// </summary>
public sealed class BootstrapAdmin(
    UserManager<ApplicationUser> users,
    RoleManager<IdentityRole> roles,
    FeedbackDbContext db,
    AuditTrail audit,
    IOptions<BootstrapOptions> options,
    TimeProvider time,
    ILogger<BootstrapAdmin> logger)
{
    /// <summary>The sign-in name of the generated first admin when none is configured.</summary>
    public const string GeneratedAdminEmail = "admin@feedbackconsole.local";

    /// <summary>Where the one-time password goes: standard output, deliberately not the structured log.</summary>
    public TextWriter Console { get; set; } = System.Console.Out;

    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        foreach (var role in Roles.All)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                Check(await roles.CreateAsync(new IdentityRole(role)), $"create role {role}");
            }
        }

        if (await users.Users.AnyAsync(cancellationToken))
        {
            return;
        }

        var configured = options.Value;
        var generated = !configured.HasAdmin;
        var email = generated ? GeneratedAdminEmail : configured.AdminEmail!.Trim();
        var password = generated ? PasswordPolicy.GenerateOneTimePassword() : configured.AdminPassword!;

        var admin = new ApplicationUser
        {
            UserName = email,
            Email = email,
            EmailConfirmed = true,
            DisplayName = "Administrator",
            MustChangePassword = generated,
            CreatedAt = time.GetUtcNow(),
        };
        // UserManager saves through the scoped context: the admin, the role and the audit event commit together.
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            Check(await users.CreateAsync(admin, password), "create the first admin");
            Check(await users.AddToRoleAsync(admin, Roles.Admin), "make the first user an admin");
            await audit.RecordAsync(db, AuditActor.System,
                new AuditEntry("user.created", AuditEntityTypes.User, admin.Id,
                    After: new { email, displayName = admin.DisplayName, roles = new[] { Roles.Admin } },
                    Reason: generated
                        ? "First run: no users and no Bootstrap:AdminEmail, so an admin with a one-time password was created."
                        : "First run: the first admin, from configuration (Bootstrap:AdminEmail)."),
                cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        if (generated)
        {
            logger.LogWarning("No users and no Bootstrap:AdminEmail: created the first admin {UserId} with a one-time password printed to standard output.", admin.Id);
            await Console.WriteLineAsync($"""

                ================================================================
                 FeedbackConsole first run: sign in as the administrator
                   email:    {email}
                   password: {password}
                 This one-time password is shown only now and must be changed
                 at the first sign-in.
                ================================================================

                """);
            await Console.FlushAsync(cancellationToken);
        }
        else
        {
            logger.LogInformation("Created the first admin {UserId} from Bootstrap configuration.", admin.Id);
        }
    }

    private static void Check(IdentityResult result, string what)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(
                $"Could not {what}: {string.Join(" ", result.Errors.Select(e => e.Description))}");
        }
    }
}
