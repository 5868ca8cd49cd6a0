using System.Globalization;
using System.Security.Cryptography;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Options;
using Microsoft.AspNetCore.Identity;

namespace FeedbackConsole.Core.Features.Accounts;

/// <summary>
/// Passwords per OWASP ASVS 5.0 (V6.2): at least 12 characters, at least 64 allowed (we allow 128),
/// and no composition rules — length is what makes a password strong, not a forced digit.
/// </summary>
public static class PasswordPolicy
{
    public const int MinimumLength = 12;
    public const int MaximumLength = 128;

    /// <summary>Returns a readable problem with the password, or null when it is acceptable.</summary>
    public static string? Check(string password)
    {
        // Count user-perceived characters so that an emoji or accented letter counts once.
        var length = new StringInfo(password).LengthInTextElements;
        if (length < MinimumLength)
        {
            return $"Passwords must be at least {MinimumLength} characters long.";
        }

        if (length > MaximumLength)
        {
            return $"Passwords may be at most {MaximumLength} characters long.";
        }

        return null;
    }

    /// <summary>Applies the policy, lockout and store settings to Identity. Design-time factories use it too.</summary>
    public static void Configure(IdentityOptions options, SecurityOptions security)
    {
        options.Stores.SchemaVersion = IdentitySchemaVersions.Version3;
        options.Stores.MaxLengthForKeys = 128;

        options.Password.RequiredLength = MinimumLength;
        options.Password.RequireDigit = false;
        options.Password.RequireLowercase = false;
        options.Password.RequireUppercase = false;
        options.Password.RequireNonAlphanumeric = false;
        options.Password.RequiredUniqueChars = 1;

        options.Lockout.AllowedForNewUsers = true;
        options.Lockout.MaxFailedAccessAttempts = security.LockoutMaxFailedAttempts;
        options.Lockout.DefaultLockoutTimeSpan = security.LockoutDuration;

        options.User.RequireUniqueEmail = true;
        options.SignIn.RequireConfirmedAccount = false;
    }

    /// <summary>A random one-time password an admin hands over; it must be replaced at the next sign-in.</summary>
    public static string GenerateOneTimePassword()
    {
        // No look-alike characters (0/O, 1/l/I): people type these from a screen.
        const string alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        var raw = RandomNumberGenerator.GetString(alphabet, 20);
        return string.Join('-', raw.Chunk(5).Select(c => new string(c)));
    }
}

/// <summary>Enforces the parts of <see cref="PasswordPolicy"/> that Identity's options cannot express.</summary>
public sealed class PasswordPolicyValidator : IPasswordValidator<ApplicationUser>
{
    public Task<IdentityResult> ValidateAsync(UserManager<ApplicationUser> manager, ApplicationUser user, string? password)
    {
        var problem = password is null ? "A password is required." : PasswordPolicy.Check(password);
        return Task.FromResult(problem is null
            ? IdentityResult.Success
            : IdentityResult.Failed(new IdentityError { Code = "PasswordPolicy", Description = problem }));
    }
}
