using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace FeedbackConsole.Core.Features.Notifications;

/// <summary>
/// Sends one webhook as API.md's contract says: Standard Webhooks headers (<c>webhook-id</c>, <c>webhook-timestamp</c>,
/// <c>webhook-signature</c> = <c>v1,</c> base64 HMAC-SHA256 of "{id}.{timestamp}.{body}" with the endpoint's
/// <c>whsec_</c> secret); only 2xx is success; 410 is permanent (the caller disables the endpoint); redirects are not
/// followed; private, loopback and link-local targets are refused unless the application allows them, checked on the
/// address actually connected to (so DNS cannot swap a public name for a private address after the check). No retries
/// here: the dispatcher owns retries and backoff.
/// </summary>
public sealed class WebhookSender : IDisposable
{
    private readonly HttpClient _strict;
    private readonly HttpClient _private;

    public WebhookSender(IOptions<NotificationOptions> options)
    {
        _strict = Create(options.Value.WebhookTimeout, allowPrivate: false);
        _private = Create(options.Value.WebhookTimeout, allowPrivate: true);
    }

    public async Task<SendOutcome> SendAsync(string url, string secret, bool allowPrivate, string messageId, DateTimeOffset now, string body, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return SendOutcome.Permanent("The webhook address is not an http(s) URL.");
        }

        var timestamp = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("webhook-id", messageId);
        request.Headers.Add("webhook-timestamp", timestamp);
        request.Headers.Add("webhook-signature", Sign(secret, messageId, timestamp, body));
        try
        {
            using var response = await (allowPrivate ? _private : _strict).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var code = (int)response.StatusCode;
            return code switch
            {
                >= 200 and < 300 => SendOutcome.Sent(),
                410 => SendOutcome.Gone("The endpoint answered 410 Gone: webhooks to it are disabled until an admin saves the channel settings again."),
                >= 300 and < 400 => SendOutcome.Transient($"The endpoint answered {code} (a redirect, which is not followed)."),
                _ => SendOutcome.Transient($"The endpoint answered {code}."),
            };
        }
        catch (HttpRequestException e) when (e.InnerException is RefusedTargetException refused)
        {
            return SendOutcome.Permanent(refused.Message);
        }
        catch (HttpRequestException e)
        {
            return SendOutcome.Transient($"Could not reach the endpoint: {e.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return SendOutcome.Transient("The endpoint did not answer in time.");
        }
    }

    /// <summary><c>v1,</c> + base64(HMAC-SHA256(secret, "{id}.{timestamp}.{body}")); the secret is the base64 after <c>whsec_</c>.</summary>
    public static string Sign(string secret, string messageId, string timestamp, string body)
    {
        var key = Convert.FromBase64String(secret.StartsWith("whsec_", StringComparison.Ordinal) ? secret[6..] : secret);
        var mac = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{messageId}.{timestamp}.{body}"));
        return "v1," + Convert.ToBase64String(mac);
    }

    /// <summary>A new endpoint secret: <c>whsec_</c> + base64 of 32 random bytes.</summary>
    public static string NewSecret() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>Whether an address is one a webhook may not reach by default: loopback, private, link-local, carrier-grade NAT, unspecified, multicast.</summary>
    public static bool IsPrivate(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast))
        {
            return true;
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var b = address.GetAddressBytes();
            return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || (b[0] & 0xFE) == 0xFC;
        }

        var v4 = address.GetAddressBytes();
        return v4[0] switch
        {
            0 or 10 or 127 => true,
            100 => v4[1] is >= 64 and <= 127,
            169 => v4[1] == 254,
            172 => v4[1] is >= 16 and <= 31,
            192 => v4[1] == 168 || (v4[1] == 0 && v4[2] == 0),
            198 => v4[1] is 18 or 19,
            >= 224 => true,
            _ => false,
        };
    }

    private static HttpClient Create(TimeSpan timeout, bool allowPrivate)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectTimeout = timeout,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var addresses = IPAddress.TryParse(context.DnsEndPoint.Host, out var literal)
                    ? [literal]
                    : await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, cancellationToken);
                var allowed = allowPrivate ? addresses : [.. addresses.Where(a => !IsPrivate(a))];
                if (allowed.Length == 0)
                {
                    throw new RefusedTargetException(
                        $"The webhook address {context.DnsEndPoint.Host} is private, loopback or link-local; an admin must allow private targets for this application.");
                }

                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { Timeout = timeout };
    }

    public void Dispose()
    {
        _strict.Dispose();
        _private.Dispose();
    }

    private sealed class RefusedTargetException(string message) : IOException(message);
}

/// <summary>What one attempt came to.</summary>
public readonly record struct SendOutcome(SendResult Result, string? Error)
{
    public static SendOutcome Sent() => new(SendResult.Sent, null);

    public static SendOutcome Transient(string error) => new(SendResult.Transient, error);

    public static SendOutcome Permanent(string error) => new(SendResult.Permanent, error);

    public static SendOutcome Gone(string error) => new(SendResult.Gone, error);
}

public enum SendResult
{
    Sent,

    /// <summary>Retry later (server down, timeout, 5xx, SMTP 4xx …).</summary>
    Transient,

    /// <summary>Retrying cannot help (mailbox refused, refused target …): dead-letter now.</summary>
    Permanent,

    /// <summary>The webhook endpoint is gone (410): dead-letter and disable the endpoint.</summary>
    Gone,
}
