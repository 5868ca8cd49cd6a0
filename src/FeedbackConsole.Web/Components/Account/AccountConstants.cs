namespace FeedbackConsole.Web.Components.Account;

internal static class AccountConstants
{
    /// <summary>
    /// A short-lived cookie that proves the password was right but a new one must be chosen before the
    /// person gets a console session (first sign-in with a one-time password).
    /// </summary>
    public const string PasswordChangeScheme = "FC.PasswordChange";
}
