using Microsoft.AspNetCore.Identity;

namespace FeedbackConsole.Core.Domain;

/// <summary>A person who signs in to the console: an admin, a lead or a reviewer.</summary>
public class ApplicationUser : IdentityUser
{
    /// <summary>The name shown in the app bar and in audit trails.</summary>
    [PersonalData]
    public string DisplayName { get; set; } = "";

    /// <summary>A disabled user cannot sign in, and open sessions lose access at the next revalidation.</summary>
    public bool IsDisabled { get; set; }

    /// <summary>Set for generated one-time passwords: the next sign-in must choose a new password first.</summary>
    public bool MustChangePassword { get; set; }

    /// <summary>Console theme: null follows the browser, true is dark, false is light.</summary>
    public bool? PrefersDarkMode { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? LastSignInAt { get; set; }
}
