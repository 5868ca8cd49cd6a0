using System.Net;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Tests.Shared;
using FeedbackConsole.Tests.Shared.Web;
using FeedbackConsole.Web.Tests.Shared;
using Microsoft.EntityFrameworkCore;

namespace FeedbackConsole.Web.Tests.Components.Pages.Triage;

/// <summary>The case page as the server renders it for a reviewer (the first, prerendered paint).</summary>
public sealed class CaseDetailPageTests : IAsyncLifetime
{
    private const string Password = "reviewer password long enough";
    private TestDatabase _database = default!;
    private ConsoleAppFactory _app = default!;
    private CaseSeed _seed = default!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        _app = new ConsoleAppFactory(_database);
        _seed = new CaseSeed(_app.Services);
        await _seed.UserAsync("rita@example.test", "Rita", Password, Roles.Reviewer);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task CasePage_HostileTextInInteractionAndCorrection_IsShownVerbatimAsText()
    {
        var app = await _seed.ApplicationAsync();
        var caseId = await _seed.CaseAsync(
            app,
            input: "<script>alert(1)</script> What is my balance?",
            output: "Your balance is '; DROP TABLE x; -- dollars <b>bold</b>",
            signals:
            [
                CaseSeed.Signal(SignalKind.Correction, text: "'; DROP TABLE x; -- <script>alert(1)</script>"),
                CaseSeed.Signal(SignalKind.Comment, text: "<img src=x onerror=alert(2)>"),
            ]);
        using var client = await BrowserlessSignIn.SignedInClientAsync(_app, "rita@example.test", Password);

        var html = await client.GetStringAsync(new Uri($"/cases/{caseId}", UriKind.Relative), Ct);

        Assert.Contains($"Case #{caseId}", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt; What is my balance?", html, StringComparison.Ordinal);
        Assert.Contains("&#x27;; DROP TABLE x; --", html, StringComparison.Ordinal);
        Assert.Contains("&lt;b&gt;bold&lt;/b&gt;", html, StringComparison.Ordinal);
        Assert.Contains("&lt;img src=x onerror=alert(2)&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert(1)", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img src=x", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>bold</b>", html, StringComparison.Ordinal);
        // The text was data, never SQL: the tables are all there.
        Assert.True(await _seed.ReadAsync(db => db.Cases.AnyAsync(c => c.Id == caseId, Ct)));
    }

    [Fact]
    public async Task CasePage_RedactedText_ShowsPlaceholdersAsMarkedChips()
    {
        var app = await _seed.ApplicationAsync();
        var caseId = await _seed.CaseAsync(app, input: "Write to [email] or call [phone].", redactions: 2);
        using var client = await BrowserlessSignIn.SignedInClientAsync(_app, "rita@example.test", Password);

        var html = await client.GetStringAsync(new Uri($"/cases/{caseId}", UriKind.Relative), Ct);

        Assert.Contains("Email address removed before it was stored", html, StringComparison.Ordinal);
        Assert.Contains("Phone number removed before it was stored", html, StringComparison.Ordinal);
        Assert.Matches("<mark class=\"fc-redacted\"[^>]*>email<span class=\"fc-visually-hidden\"[^>]*> \\(redacted email address\\)</span></mark>", html);
    }

    [Fact]
    public async Task CasePage_UnknownCase_SaysNotFoundInThePage()
    {
        using var client = await BrowserlessSignIn.SignedInClientAsync(_app, "rita@example.test", Password);

        using var response = await client.GetAsync(new Uri("/cases/987654", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Case not found", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }
}
