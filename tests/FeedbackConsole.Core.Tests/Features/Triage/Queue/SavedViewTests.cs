using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Triage.Queue;
using FeedbackConsole.Tests.Shared;
using static FeedbackConsole.Core.Tests.Features.Triage.Queue.QueueTestHost;

namespace FeedbackConsole.Core.Tests.Features.Triage.Queue;

public sealed class SavedViewTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task SaveListDelete_ArePerPerson_AndSavingAnExistingNameReplacesIt(string provider)
    {
        await using var host = await StartAsync(provider);
        var ada = await host.AddPersonAsync("Ada Reviewer", Roles.Reviewer);
        var bob = await host.AddPersonAsync("Bob Reviewer", Roles.Reviewer);
        var safety = new QueueFilter { Flag = FlagScope.Safety, Page = 4 };

        var saved = await host.RunAsync<SaveView, Result<SaveView.Outcome>>(h => h.HandleAsync(ada, "  Safety first ", safety, Ct));
        await host.RunAsync<SaveView, Result<SaveView.Outcome>>(h => h.HandleAsync(bob, "Mine", new QueueFilter { Assignee = AssigneeScope.Mine }, Ct));
        var replaced = await host.RunAsync<SaveView, Result<SaveView.Outcome>>(h => h.HandleAsync(ada, "SAFETY FIRST", safety with { Kind = SignalKind.Flag }, Ct));
        var empty = await host.RunAsync<SaveView, Result<SaveView.Outcome>>(h => h.HandleAsync(ada, "   ", safety, Ct));

        Assert.False(saved.Value!.Replaced);
        Assert.True(replaced.Value!.Replaced);
        Assert.Equal("Give the view a name.", empty.Error);
        var adas = await host.RunAsync<ListSavedViews, IReadOnlyList<SavedViewItem>>(h => h.HandleAsync(ada, Ct));
        var view = Assert.Single(adas);
        Assert.Equal("SAFETY FIRST", view.Name);
        // The page is where one was, not part of the view.
        Assert.Equal(safety with { Kind = SignalKind.Flag, Page = 1 }, QueueFilter.Parse(view.Query));

        var notMine = await host.RunAsync<DeleteSavedView, Result>(h => h.HandleAsync(bob, view.Id, Ct));
        var deleted = await host.RunAsync<DeleteSavedView, Result>(h => h.HandleAsync(ada, view.Id, Ct));

        Assert.False(notMine.Succeeded);
        Assert.True(deleted.Succeeded);
        Assert.Empty(await host.RunAsync<ListSavedViews, IReadOnlyList<SavedViewItem>>(h => h.HandleAsync(ada, Ct)));
        Assert.Single(await host.RunAsync<ListSavedViews, IReadOnlyList<SavedViewItem>>(h => h.HandleAsync(bob, Ct)));
    }
}
