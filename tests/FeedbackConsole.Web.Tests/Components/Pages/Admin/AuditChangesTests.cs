using Bunit;
using FeedbackConsole.Core.Features.Audit;
using FeedbackConsole.Web.Components.Pages.Admin;
using FeedbackConsole.Web.Tests.Shared;

namespace FeedbackConsole.Web.Tests.Components.Pages.Admin;

public sealed class AuditChangesTests : IAsyncDisposable
{
    private readonly ConsoleBunitContext _context = new();

    public ValueTask DisposeAsync() => _context.DisposeAsync();

    private static AuditEventView Event(string? before, string? after, string? reason = null) =>
        new(17, new DateTimeOffset(2025, 3, 10, 9, 0, 0, TimeSpan.Zero), "u-1", "ada@example.test", "case.labeled", "case", "42",
            null, null, "Case #42", before, after, reason);

    [Fact]
    public void AuditChanges_ChangedFields_ShowBeforeAndAfterRowByRow()
    {
        var cut = _context.Render<AuditChanges>(p => p.Add(c => c.Event,
            Event("""{"status":"New","failureModes":[]}""", """{"status":"Labeled","failureModes":["factual.error","tone.rude"]}""", "Reviewed with the lead")));

        var rows = cut.FindAll("tbody tr").Select(r => r.Children.Select(c => c.TextContent.Trim()).ToList()).ToList();
        Assert.Equal(["Status", "New", "→", "Labeled"], rows[0]);
        Assert.Equal(["Failure modes", "(none)", "→", "factual.error, tone.rude"], rows[1]);
        Assert.Contains("Reviewed with the lead", cut.Find(".fc-audit-full-reason").TextContent, StringComparison.Ordinal);
        Assert.Contains("by ada@example.test", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void AuditChanges_UserTextWithMarkup_IsRenderedAsText()
    {
        var cut = _context.Render<AuditChanges>(p => p.Add(c => c.Event,
            Event(null, """{"name":"<img src=x onerror=alert(1)>"}""", "<script>alert(2)</script>")));

        Assert.Empty(cut.FindAll("img"));
        Assert.Empty(cut.FindAll("script"));
        Assert.Contains("<img src=x onerror=alert(1)>", cut.Find("td.fc-audit-after").TextContent, StringComparison.Ordinal);
        Assert.Contains("<script>alert(2)</script>", cut.Find(".fc-audit-full-reason").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void AuditChanges_NoValues_SaysSo()
    {
        var cut = _context.Render<AuditChanges>(p => p.Add(c => c.Event, Event(null, null)));

        Assert.Contains("No field values were recorded for this event.", cut.Markup, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("table"));
    }
}
