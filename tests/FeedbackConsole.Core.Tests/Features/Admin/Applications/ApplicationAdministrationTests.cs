using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Features.Admin.Applications;
using FeedbackConsole.Core.Tests.Shared;
using FeedbackConsole.Tests.Shared;
using static FeedbackConsole.Core.Tests.Features.Admin.Applications.ApplicationsTestHost;

namespace FeedbackConsole.Core.Tests.Features.Admin.Applications;

public sealed class ApplicationAdministrationTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task CreateApplication_NewName_IsListedActiveWithRedactionOnAndNoKeys(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);

        var id = await host.CreateApplicationAsync("  Support assistant  ");

        var row = Assert.Single(await host.ListAsync());
        Assert.Equal(id, row.Id);
        Assert.Equal("Support assistant", row.Name);
        Assert.False(row.IsArchived);
        Assert.Equal(0, row.ActiveKeys);
        Assert.Null(row.LastUsedAt);
        var details = await host.GetAsync(id);
        Assert.NotNull(details);
        Assert.True(details.RedactPii);
        Assert.Empty(details.Keys);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task CreateApplication_NameTakenInAnotherCase_IsRefusedReadably(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        await host.CreateApplicationAsync("Support assistant");

        var result = await host.TryCreateApplicationAsync("SUPPORT Assistant ");

        Assert.False(result.Succeeded);
        Assert.Equal("An application called “Support assistant” already exists. Choose another name.", result.Error);
        Assert.Single(await host.ListAsync());
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task CreateApplication_NameOfArchivedApplication_SaysToUnarchive(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        var id = await host.CreateApplicationAsync("Old bot");
        await host.RunAsync<ArchiveApplication>(h => h.HandleAsync(id, ActingAdmin, Ct));

        var result = await host.TryCreateApplicationAsync("old bot");

        Assert.False(result.Succeeded);
        Assert.Contains("archived", result.Error, StringComparison.Ordinal);
        Assert.Contains("Unarchive", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "Enter a name for the application.")]
    [InlineData("   ", "Enter a name for the application.")]
    [InlineData("line\nbreak", "The name cannot contain line breaks, tabs or other control characters.")]
    public async Task CreateApplication_InvalidName_IsRefusedReadably(string name, string error)
    {
        await using var host = await CoreHost.StartAsync(TestDatabase.Sqlite);

        var result = await host.TryCreateApplicationAsync(name);

        Assert.Equal(error, result.Error);
    }

    [Fact]
    public async Task CreateApplication_NameOf100CharactersAfterTrimming_IsAcceptedAnd101IsNot()
    {
        await using var host = await CoreHost.StartAsync(TestDatabase.Sqlite);

        var hundred = await host.TryCreateApplicationAsync(" " + new string('a', 100) + " ");
        var tooLong = await host.TryCreateApplicationAsync(new string('b', 101));

        Assert.True(hundred.Succeeded, hundred.Error);
        Assert.Equal("Keep the name to 100 characters or fewer.", tooLong.Error);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task RenameApplication_ToFreeName_RenamesAndToTakenNameIsRefused(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        var id = await host.CreateApplicationAsync("Support assistant");
        await host.CreateApplicationAsync("Sales bot");

        var renamed = await host.RunAsync<RenameApplication>(h => h.HandleAsync(id, " Help centre assistant ", ActingAdmin, Ct));
        var clash = await host.RunAsync<RenameApplication>(h => h.HandleAsync(id, "sales BOT", ActingAdmin, Ct));
        var ownCase = await host.RunAsync<RenameApplication>(h => h.HandleAsync(id, "Help Centre Assistant", ActingAdmin, Ct));

        Assert.True(renamed.Succeeded, renamed.Error);
        Assert.Equal("An application called “Sales bot” already exists. Choose another name.", clash.Error);
        Assert.True(ownCase.Succeeded, ownCase.Error);
        Assert.Equal("Help Centre Assistant", (await host.GetAsync(id))!.Name);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ArchiveThenUnarchive_Application_ChangesStatusBothWays(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        var id = await host.CreateApplicationAsync("Support assistant");

        var archived = await host.RunAsync<ArchiveApplication>(h => h.HandleAsync(id, ActingAdmin, Ct));
        var afterArchive = await host.GetAsync(id);
        var listed = Assert.Single(await host.ListAsync());
        var unarchived = await host.RunAsync<UnarchiveApplication>(h => h.HandleAsync(id, ActingAdmin, Ct));
        var afterUnarchive = await host.GetAsync(id);

        Assert.True(archived.Succeeded && unarchived.Succeeded);
        Assert.True(afterArchive!.IsArchived);
        Assert.True(listed.IsArchived);
        Assert.False(afterUnarchive!.IsArchived);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task List_ActiveAndArchived_ActiveFirstThenByName(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        var archived = await host.CreateApplicationAsync("Alpha (retired)");
        await host.CreateApplicationAsync("zeta bot");
        await host.CreateApplicationAsync("Beta bot");
        await host.RunAsync<ArchiveApplication>(h => h.HandleAsync(archived, ActingAdmin, Ct));

        var names = (await host.ListAsync()).Select(r => r.Name);

        Assert.Equal(["Beta bot", "zeta bot", "Alpha (retired)"], names);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task SetPiiRedaction_OffThenOn_IsStored(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        var id = await host.CreateApplicationAsync("Support assistant");

        var off = await host.RunAsync<SetPiiRedaction>(h => h.HandleAsync(id, false, ActingAdmin, Ct));
        var whenOff = (await host.GetAsync(id))!.RedactPii;
        var on = await host.RunAsync<SetPiiRedaction>(h => h.HandleAsync(id, true, ActingAdmin, Ct));
        var whenOn = (await host.GetAsync(id))!.RedactPii;

        Assert.True(off.Succeeded && on.Succeeded);
        Assert.False(whenOff);
        Assert.True(whenOn);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task UseCases_UnknownApplication_SayItNoLongerExists(string provider)
    {
        await using var host = await CoreHost.StartAsync(provider);
        var unknown = Guid.NewGuid();

        var results = new List<Result>
        {
            await host.RunAsync<RenameApplication>(h => h.HandleAsync(unknown, "Name", ActingAdmin, Ct)),
            await host.RunAsync<ArchiveApplication>(h => h.HandleAsync(unknown, ActingAdmin, Ct)),
            await host.RunAsync<UnarchiveApplication>(h => h.HandleAsync(unknown, ActingAdmin, Ct)),
            await host.RunAsync<SetPiiRedaction>(h => h.HandleAsync(unknown, false, ActingAdmin, Ct)),
        };

        Assert.All(results, r => Assert.Equal("That application no longer exists.", r.Error));
        Assert.Null(await host.GetAsync(unknown));
        var key = await host.TryCreateKeyAsync(unknown, Domain.ApiKeyKind.Server, "backend");
        Assert.Equal("That application no longer exists.", key.Error);
    }
}
