using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace FeedbackConsole.Core.Features.Notifications;

/// <summary>One SMTP connection (MailKit) that sends many messages in a row, as a dispatcher batch does.</summary>
public sealed class EmailSession(IOptions<NotificationOptions> options) : IAsyncDisposable
{
    private readonly SmtpClient _client = new();

    /// <summary>Connects and authenticates; null when it worked, else why not (transient: the server may come back).</summary>
    public async Task<string?> OpenAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (string.IsNullOrWhiteSpace(o.SmtpHost))
        {
            return "No SMTP server is configured (Notifications:SmtpHost).";
        }

        try
        {
            _client.Timeout = 30_000;
            var security = o.SmtpSecurity switch
            {
                SmtpSecurity.None => SecureSocketOptions.None,
                SmtpSecurity.StartTlsWhenAvailable => SecureSocketOptions.StartTlsWhenAvailable,
                SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
                _ => SecureSocketOptions.StartTls,
            };
            // Our own socket, to turn Nagle off: SMTP is many small command/response round trips, and Nagle with delayed
            // ACKs costs ~40 ms each (a tenth of the throughput on a local server).
            var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(o.SmtpHost, o.SmtpPort, cancellationToken);
            }
            catch
            {
                socket.Dispose();
                throw;
            }

            await _client.ConnectAsync(socket, o.SmtpHost, o.SmtpPort, security, cancellationToken);
            if (!string.IsNullOrEmpty(o.SmtpUserName))
            {
                await _client.AuthenticateAsync(o.SmtpUserName, o.SmtpPassword, cancellationToken);
            }

            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return $"Could not connect to the SMTP server {o.SmtpHost}:{o.SmtpPort}: {e.Message}";
        }
    }

    public async Task<SendOutcome> SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await _client.SendAsync(message, cancellationToken);
            return SendOutcome.Sent();
        }
        catch (SmtpCommandException e) when ((int)e.StatusCode >= 500)
        {
            // 5xx: the server refuses this message or mailbox for good; sending it again cannot help.
            return SendOutcome.Permanent($"The SMTP server refused the message ({(int)e.StatusCode}): {e.Message}");
        }
        catch (SmtpCommandException e)
        {
            return SendOutcome.Transient($"The SMTP server deferred the message ({(int)e.StatusCode}): {e.Message}");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return SendOutcome.Transient($"Sending failed: {e.Message}");
        }
    }

    public bool IsConnected => _client.IsConnected;

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            try
            {
                using var quit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _client.DisconnectAsync(quit: true, quit.Token);
            }
            catch (Exception e) when (e is ServiceNotConnectedException or IOException or OperationCanceledException or SmtpProtocolException)
            {
                // Gone already.
            }
        }

        _client.Dispose();
    }

    /// <summary>
    /// The message: From from configuration, To the end user's address, text and HTML bodies, a Message-Id made of the
    /// delivery id (the same on every attempt, so receivers can de-duplicate), and one-click unsubscribe headers.
    /// </summary>
    public static MimeMessage Build(NotificationOptions options, string to, Guid deliveryId, RenderedEmail email, string unsubscribeUrl)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(options.FromAddress));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = email.Subject;
        message.MessageId = $"{deliveryId:N}@feedbackconsole";
        message.Headers.Add("List-Unsubscribe", $"<{unsubscribeUrl}>");
        message.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        message.Body = new BodyBuilder { TextBody = email.Text, HtmlBody = email.Html }.ToMessageBody();
        return message;
    }
}
