using System.ComponentModel.DataAnnotations;
using FeedbackConsole.Core.Features.Accounts;

namespace FeedbackConsole.Core.Options;

/// <summary>
/// Headless set-up (API.md, "Headless set-up"): the first admin, created once when no user exists.
/// Section <c>Bootstrap</c>.
/// </summary>
public sealed class BootstrapOptions : IValidatableObject
{
    public const string Section = "Bootstrap";

    public string? AdminEmail { get; set; }

    public string? AdminPassword { get; set; }

    public bool HasAdmin => !string.IsNullOrWhiteSpace(AdminEmail);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var hasEmail = !string.IsNullOrWhiteSpace(AdminEmail);
        var hasPassword = !string.IsNullOrEmpty(AdminPassword);
        if (hasEmail != hasPassword)
        {
            yield return new ValidationResult(
                "Bootstrap:AdminEmail and Bootstrap:AdminPassword must be given together.",
                [nameof(AdminEmail), nameof(AdminPassword)]);
        }
        else if (hasEmail && !new EmailAddressAttribute().IsValid(AdminEmail!.Trim()))
        {
            yield return new ValidationResult("Bootstrap:AdminEmail is not a valid email address.", [nameof(AdminEmail)]);
        }
        else if (hasPassword && PasswordPolicy.Check(AdminPassword!) is { } problem)
        {
            yield return new ValidationResult($"Bootstrap:AdminPassword: {problem}", [nameof(AdminPassword)]);
        }
    }
}
