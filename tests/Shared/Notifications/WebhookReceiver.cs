using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FeedbackConsole.Tests.Shared.Notifications;

/// <summary>
/// A real HTTP receiver on 127.0.0.1 that verifies Standard Webhooks signatures with its secret, the way an application
/// would. <see cref="Respond"/> decides each answer (status, delay, redirect) so tests can stage faults.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private WebhookReceiver(WebApplication app, string secret)
    {
        _app = app;
        Secret = secret;
    }

    public string Secret { get; }

    public string Url => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/hooks";

    /// <summary>Every request to /hooks, in order of arrival.</summary>
    public ConcurrentQueue<ReceivedWebhook> Received { get; } = new();

    private int _redirectTargetHits;

    /// <summary>Requests that followed a redirect to /elsewhere (there should be none).</summary>
    public int RedirectTargetHits => Volatile.Read(ref _redirectTargetHits);

    /// <summary>Status to answer with; 0 means 204. A <see cref="Delay"/> makes the sender time out.</summary>
    public Func<int, int> Respond { get; set; } = _ => 204;

    public TimeSpan Delay { get; set; }

    public static async Task<WebhookReceiver> StartAsync(string? secret = null)
    {
        secret ??= "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app, secret);
        app.MapPost("/hooks", async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var id = http.Request.Headers["webhook-id"].ToString();
            var timestamp = http.Request.Headers["webhook-timestamp"].ToString();
            var signature = http.Request.Headers["webhook-signature"].ToString();
            var received = new ReceivedWebhook(id, timestamp, signature, body, Verify(secret, id, timestamp, body, signature));
            receiver.Received.Enqueue(received);
            if (receiver.Delay > TimeSpan.Zero)
            {
                await Task.Delay(receiver.Delay);
            }

            var status = receiver.Respond(receiver.Received.Count);
            if (status is >= 300 and < 400)
            {
                http.Response.Headers.Location = "/elsewhere";
            }

            return Results.StatusCode(status == 0 ? 204 : status);
        });
        app.MapPost("/elsewhere", () =>
        {
            Interlocked.Increment(ref receiver._redirectTargetHits);
            return Results.NoContent();
        });
        await app.StartAsync();
        return receiver;
    }

    /// <summary>Standard Webhooks verification: HMAC-SHA256 over "{id}.{timestamp}.{body}" with the base64 key after whsec_.</summary>
    public static bool Verify(string secret, string id, string timestamp, string body, string signatureHeader)
    {
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var expected = Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}")));
        return signatureHeader.Split(' ').Any(s => s.StartsWith("v1,", StringComparison.Ordinal) &&
            CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(s[3..]), Encoding.ASCII.GetBytes(expected)));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public sealed record ReceivedWebhook(string Id, string Timestamp, string Signature, string Body, bool SignatureValid);
