using System.ComponentModel.DataAnnotations;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Accounts;
using FeedbackConsole.Core.Features.Admin.Applications;
using FeedbackConsole.Core.Features.Ingestion;

namespace FeedbackConsole.Core.Options;

/// <summary>
/// Headless set-up (API.md, "Headless set-up"): the first admin, created once when no user exists, and
/// an application with its server key, created once if absent. Section <c>Bootstrap</c>.
/// </summary>
public sealed class BootstrapOptions : IValidatableObject
{
    public const string Section = "Bootstrap";

    public string? AdminEmail { get; set; }

    public string? AdminPassword { get; set; }

    /// <summary>Section <c>Bootstrap:Application</c>.</summary>
    public BootstrapApplicationOptions Application { get; set; } = new();

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

        // Data annotations do not descend into nested objects, so the nested section is checked from here.
        foreach (var result in Application.Validate(validationContext))
        {
            yield return result;
        }
    }
}

/// <summary>
/// An application and its server key from configuration, so deployments and tests need no clicking. Section
/// <c>Bootstrap:Application</c>; give both keys or neither.
/// </summary>
public sealed class BootstrapApplicationOptions : IValidatableObject
{
    /// <summary>The application's name; it is created when no application has it (in any case).</summary>
    public string? Name { get; set; }

    /// <summary>A server key in the generated shape (<c>fc_live_</c> + 32 letters or digits), added to it when absent.</summary>
    public string? ApiKey { get; set; }

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Name);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var hasName = !string.IsNullOrWhiteSpace(Name);
        var hasKey = !string.IsNullOrWhiteSpace(ApiKey);
        if (hasName != hasKey)
        {
            yield return new ValidationResult(
                "Bootstrap:Application:Name and Bootstrap:Application:ApiKey must be given together.",
                [nameof(Name), nameof(ApiKey)]);
            yield break;
        }

        if (!hasName)
        {
            yield break;
        }

        if (ApplicationNames.Normalize(Name).Error is { } badName)
        {
            yield return new ValidationResult($"Bootstrap:Application:Name: {badName}", [nameof(Name)]);
        }

        // The key itself never appears in a message: start-up errors end up in logs.
        if (!ApiKeyFormat.TryParse(ApiKey!.Trim(), out var kind))
        {
            yield return new ValidationResult(
                $"Bootstrap:Application:ApiKey does not look like a generated key: it must be {ApiKeyFormat.ServerPrefix} followed by " +
                $"{ApiKeyFormat.RandomLength} letters or digits (create one in the console, or generate 32 random base-62 characters).",
                [nameof(ApiKey)]);
        }
        else if (kind != ApiKeyKind.Server)
        {
            yield return new ValidationResult(
                $"Bootstrap:Application:ApiKey must be a server key ({ApiKeyFormat.ServerPrefix}…), not a publishable key ({ApiKeyFormat.PublishablePrefix}…).",
                [nameof(ApiKey)]);
        }
    }
}
