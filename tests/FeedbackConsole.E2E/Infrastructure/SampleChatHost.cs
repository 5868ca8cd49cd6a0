using System.Net;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FeedbackConsole.E2E.Infrastructure;

/// <summary>
/// A customer's chat page (SampleChat/chat.html) on its own Kestrel port, so that the browser talks to the
/// console cross-origin, with a CORS preflight, exactly as a real page including the capture script does.
/// <c>/</c> is the chat; <c>/bye</c> is somewhere else to go, so that leaving the chat fires <c>pagehide</c>.
/// </summary>
public sealed class SampleChatHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SampleChatHost(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>The chat page, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Address { get; }

    /// <summary>The page's origin as a browser sends it in <c>Origin</c>: what a publishable key must list.</summary>
    public string Origin => Address.GetLeftPart(UriPartial.Authority);

    public Uri ByePage => new(Address, "bye");

    /// <summary>The publishable key the page uses; set it (once the key lists <see cref="Origin"/>) before opening the page.</summary>
    public string Key { get; set; } = "";

    /// <summary>Where the page's script sends signals (data-fc-endpoint); the console unless set.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>Serves the chat with the capture script loaded from <paramref name="console"/>.</summary>
    public static async Task<SampleChatHost> StartAsync(Uri console)
    {
        var template = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "SampleChat", "chat.html"));
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        SampleChatHost? host = null;
        app.MapGet("/", () => Results.Content(
            template
                .Replace("{{SCRIPT_SRC}}", Attribute(new Uri(console, "assets/feedback-capture.js").ToString()), StringComparison.Ordinal)
                .Replace("{{ENDPOINT}}", Attribute((host!.Endpoint ?? console).GetLeftPart(UriPartial.Authority)), StringComparison.Ordinal)
                .Replace("{{KEY}}", Attribute(host.Key), StringComparison.Ordinal),
            "text/html; charset=utf-8"));
        app.MapGet("/bye", () => Results.Content(
            "<!doctype html><html lang=\"en\"><head><title>Goodbye</title></head><body><h1>You left the chat</h1></body></html>",
            "text/html; charset=utf-8"));
        await app.StartAsync(TestContext.Current.CancellationToken);
        host = new SampleChatHost(app, new Uri(app.Urls.First() + "/"));
        return host;
    }

    private static string Attribute(string value) => HtmlEncoder.Default.Encode(value);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
