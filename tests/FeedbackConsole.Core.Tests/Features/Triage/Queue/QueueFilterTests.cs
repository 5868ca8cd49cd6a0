using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Triage.Queue;

namespace FeedbackConsole.Core.Tests.Features.Triage.Queue;

public sealed class QueueFilterTests
{
    [Fact]
    public void Default_ToQueryString_IsEmptyAndParsesBack()
    {
        Assert.Equal("", QueueFilter.Default.ToQueryString());
        Assert.Equal(QueueFilter.Default, QueueFilter.Parse(""));
        Assert.Equal(CaseStatusSet.Open, QueueFilter.Parse(null).Statuses);
        Assert.False(QueueFilter.Default.HasFilters);
    }

    [Fact]
    public void EveryField_RoundTripsThroughTheQueryString()
    {
        var filter = new QueueFilter
        {
            ApplicationId = Guid.Parse("5b8e1d8a-6f0e-4d3c-9a43-1f2d3c4b5a69"),
            Statuses = CaseStatusSet.Of(CaseStatus.Labeled, CaseStatus.Dismissed),
            FailureMode = "factual.error",
            Kind = SignalKind.Correction,
            Flag = FlagScope.Safety,
            Role = "agent & co",
            TaskType = "refund/policy",
            ModelVersion = "gpt-x 2026-01",
            From = new DateOnly(2026, 1, 2),
            To = new DateOnly(2026, 2, 3),
            Assignee = AssigneeScope.User,
            AssigneeId = "0a1b-user",
            ClusterId = 42,
            Text = "100% wrong?",
            Sort = QueueSort.Reach,
            Descending = false,
            Page = 3,
            PageSize = 25,
        };

        var query = filter.ToQueryString();
        var parsed = QueueFilter.Parse("?" + query);

        Assert.Equal(filter, parsed);
        Assert.Contains("status=labeled,dismissed", query, StringComparison.Ordinal);
        Assert.Contains("q=100%25%20wrong%3F", query, StringComparison.Ordinal);
        Assert.Equal(filter, QueueFilter.Parse("https://console.example/triage?" + query + "#row-3"));
    }

    [Theory]
    [InlineData("assignee=mine", AssigneeScope.Mine)]
    [InlineData("assignee=unassigned", AssigneeScope.Unassigned)]
    [InlineData("assignee=anyone", AssigneeScope.Anyone)]
    public void Assignee_Words_RoundTrip(string query, AssigneeScope scope)
    {
        var parsed = QueueFilter.Parse(query);

        Assert.Equal(scope, parsed.Assignee);
        Assert.Equal(parsed, QueueFilter.Parse(parsed.ToQueryString()));
    }

    [Fact]
    public void Status_AllAndOpen_AreWordsForTheirSets()
    {
        Assert.Equal(CaseStatusSet.All, QueueFilter.Parse("status=all").Statuses);
        Assert.Equal("status=all", new QueueFilter { Statuses = CaseStatusSet.All }.ToQueryString());
        Assert.Equal(CaseStatusSet.Open, QueueFilter.Parse("status=open").Statuses);
    }

    [Theory]
    [InlineData("page=0&size=-5&kind=7&flag=purple&sort=nonsense&app=not-a-guid&from=2026-13-45&cluster=x&status=bogus")]
    [InlineData("page&&=&size=abc&%zz=1")]
    public void Garbage_IsIgnoredAndGivesTheDefaultView(string query)
    {
        Assert.Equal(QueueFilter.Default, QueueFilter.Parse(query));
    }

    [Fact]
    public void PageSize_IsCappedAndHugeTextIsClipped()
    {
        var parsed = QueueFilter.Parse("size=100000&q=" + new string('a', 5000));

        Assert.Equal(QueueFilter.MaxPageSize, parsed.PageSize);
        Assert.Equal(QueueFilter.MaxTextLength, parsed.Text!.Length);
    }
}
