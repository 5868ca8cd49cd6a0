namespace FeedbackConsole.Core.Domain;

/// <summary>
/// Authorization policy names. Every page and endpoint names one of these (or allows anonymous access
/// explicitly); the authorization matrix test fails for anything that does not.
/// </summary>
public static class Policies
{
    /// <summary>Admins only: users, applications, keys, taxonomy, templates, audit.</summary>
    public const string Admin = "Admin";

    /// <summary>Leads and admins: dashboards, releases, approvals.</summary>
    public const string Lead = "Lead";

    /// <summary>Anyone with a console role: triage and everyday work.</summary>
    public const string Reviewer = "Reviewer";

    /// <summary>Any signed-in person, with or without a role (their own account pages).</summary>
    public const string SignedIn = "SignedIn";

    /// <summary>An application's server key (<c>fc_live_…</c>): the whole API.</summary>
    public const string ApiServer = "ApiServer";

    /// <summary>Any application key, including a publishable key from one of its origins: sending signals.</summary>
    public const string ApiSignals = "ApiSignals";

    /// <summary>The roles each role-based policy admits.</summary>
    public static IReadOnlyDictionary<string, string[]> RolesFor { get; } = new Dictionary<string, string[]>
    {
        [Admin] = [Roles.Admin],
        [Lead] = [Roles.Admin, Roles.Lead],
        [Reviewer] = [Roles.Admin, Roles.Lead, Roles.Reviewer],
    };
}
