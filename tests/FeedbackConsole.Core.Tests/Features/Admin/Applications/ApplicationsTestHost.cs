using FeedbackConsole.Core.Common;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Admin.Applications;
using FeedbackConsole.Core.Tests.Shared;

namespace FeedbackConsole.Core.Tests.Features.Admin.Applications;

/// <summary>Short ways to run the application use cases the way the console's pages do.</summary>
internal static class ApplicationsTestHost
{
    public const string ActingAdmin = "test-admin";

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<Guid> CreateApplicationAsync(this CoreHost host, string name)
    {
        var result = await host.TryCreateApplicationAsync(name);
        Assert.True(result.Succeeded, result.Error);
        return result.Value;
    }

    public static Task<Result<Guid>> TryCreateApplicationAsync(this CoreHost host, string name) =>
        host.InScopeAsync<CreateApplication, Result<Guid>>(h => h.HandleAsync(new CreateApplication.Request { Name = name }, ActingAdmin, Ct));

    public static async Task<CreateApiKey.Created> CreateKeyAsync(this CoreHost host, Guid applicationId, ApiKeyKind kind, string label = "backend", params string[] origins)
    {
        var result = await host.TryCreateKeyAsync(applicationId, kind, label, origins);
        Assert.True(result.Succeeded, result.Error);
        return result.Value!;
    }

    public static Task<Result<CreateApiKey.Created>> TryCreateKeyAsync(this CoreHost host, Guid applicationId, ApiKeyKind kind, string label, params string[] origins) =>
        host.InScopeAsync<CreateApiKey, Result<CreateApiKey.Created>>(h =>
            h.HandleAsync(applicationId, new CreateApiKey.Request { Kind = kind, Label = label, AllowedOrigins = origins }, ActingAdmin, Ct));

    public static Task<GetApplication.Details?> GetAsync(this CoreHost host, Guid applicationId) =>
        host.InScopeAsync<GetApplication, GetApplication.Details?>(h => h.HandleAsync(applicationId, Ct));

    public static Task<IReadOnlyList<ListApplications.Row>> ListAsync(this CoreHost host) =>
        host.InScopeAsync<ListApplications, IReadOnlyList<ListApplications.Row>>(h => h.HandleAsync(Ct));

    public static Task<Result> RunAsync<THandler>(this CoreHost host, Func<THandler, Task<Result>> call)
        where THandler : notnull =>
        host.InScopeAsync(call);
}
