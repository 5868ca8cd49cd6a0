using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;

namespace FeedbackConsole.Core.Common;

/// <summary>Small helpers that turn validation outcomes into sentences a person can act on.</summary>
public static class Validation
{
    /// <summary>The first data-annotation error of a request, or null when it is valid.</summary>
    public static string? FirstError(object request)
    {
        var results = new List<ValidationResult>();
        return Validator.TryValidateObject(request, new ValidationContext(request), results, validateAllProperties: true)
            ? null
            : results[0].ErrorMessage;
    }

    public static string Describe(IdentityResult result) =>
        string.Join(" ", result.Errors.Select(e => e.Description));
}
