using FeedbackConsole.Core.Features.Releases.EvalSuites;
using FeedbackConsole.Core.Features.Releases.Gates;
using Microsoft.Extensions.DependencyInjection;

namespace FeedbackConsole.Core.Features.Releases;

/// <summary>Registers the release, gate and eval-suite use cases.</summary>
public static class ReleaseServices
{
    public static IServiceCollection AddReleases(this IServiceCollection services)
    {
        services.AddScoped<ListReleases>();
        services.AddScoped<GetRelease>();
        services.AddScoped<GetReleaseDiff>();
        services.AddScoped<BuildCandidate>();
        services.AddScoped<PromoteRelease>();
        services.AddScoped<RollbackRelease>();
        services.AddScoped<OverrideGate>();
        services.AddScoped<ListEvalCases>();
        services.AddScoped<SaveEvalCase>();
        services.AddScoped<ArchiveEvalCase>();
        services.AddScoped<ImportEvalCases>();
        services.AddScoped<ExportEvalCases>();
        services.AddScoped<GetCaseForEval>();
        services.AddSingleton<GateRunInbox>();
        services.AddScoped<StartGateRun>();
        services.AddScoped<GateRunner>();
        services.AddScoped<GetGateResults>();
        services.AddSingleton<GateRunWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<GateRunWorker>());
        return services;
    }
}
