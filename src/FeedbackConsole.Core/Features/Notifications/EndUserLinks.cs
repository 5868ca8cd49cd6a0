using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace FeedbackConsole.Core.Features.Notifications;

/// <summary>
/// Signed, expiring links for end users, who have no account: their page (what they reported and what came of it) and
/// one-click unsubscribe per channel. Tokens are protected with the console's data-protection keys (kept in the
/// database, so every instance reads them) and carry the application and the end user, nothing else.
/// </summary>
public sealed class EndUserLinks(IDataProtectionProvider provider, IOptions<NotificationOptions> options, TimeProvider time)
{
    /// <summary>Unsubscribe links must keep working long after the email was read.</summary>
    public static readonly TimeSpan UnsubscribeLifetime = TimeSpan.FromDays(365);

    private readonly ITimeLimitedDataProtector _page = provider.CreateProtector("FeedbackConsole.Notifications.EndUserPage").ToTimeLimitedDataProtector();
    private readonly ITimeLimitedDataProtector _unsubscribe = provider.CreateProtector("FeedbackConsole.Notifications.Unsubscribe").ToTimeLimitedDataProtector();

    public string PageToken(Guid applicationId, string endUserId) =>
        _page.Protect($"{applicationId:N}\n{endUserId}", time.GetUtcNow() + options.Value.LinkLifetime);

    public string UnsubscribeToken(Guid applicationId, string endUserId, UnsubscribeChannel channel) =>
        _unsubscribe.Protect($"{applicationId:N}\n{endUserId}\n{channel}", time.GetUtcNow() + UnsubscribeLifetime);

    public string PageUrl(Guid applicationId, string endUserId) => $"{Base}/my-feedback/{PageToken(applicationId, endUserId)}";

    public string UnsubscribeUrl(Guid applicationId, string endUserId, UnsubscribeChannel channel) =>
        $"{Base}/my-feedback/unsubscribe/{UnsubscribeToken(applicationId, endUserId, channel)}";

    /// <summary>The end user a page token names, or null when it is forged, damaged or expired.</summary>
    public EndUserRef? ReadPage(string token)
    {
        var parts = Unprotect(_page, token)?.Split('\n');
        return parts is { Length: 2 } && Guid.TryParseExact(parts[0], "N", out var app) ? new EndUserRef(app, parts[1]) : null;
    }

    public (EndUserRef User, UnsubscribeChannel Channel)? ReadUnsubscribe(string token)
    {
        var parts = Unprotect(_unsubscribe, token)?.Split('\n');
        return parts is { Length: 3 } && Guid.TryParseExact(parts[0], "N", out var app) && Enum.TryParse<UnsubscribeChannel>(parts[2], out var channel)
            ? (new EndUserRef(app, parts[1]), channel)
            : null;
    }

    private string Base => options.Value.PublicBaseUrl.TrimEnd('/');

    private string? Unprotect(ITimeLimitedDataProtector protector, string token)
    {
        try
        {
            var text = protector.Unprotect(token, out var expires);
            return expires > time.GetUtcNow() ? text : null;
        }
        catch (CryptographicException)
        {
            return null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

public sealed record EndUserRef(Guid ApplicationId, string EndUserId);

/// <summary>What an unsubscribe link turns off.</summary>
public enum UnsubscribeChannel
{
    Email,
    InApp,
}
