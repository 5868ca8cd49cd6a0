using Microsoft.Extensions.DependencyInjection;

namespace FeedbackConsole.Core.Features.Triage.Cases;

/// <summary>The case room's services, added once from <see cref="CoreServiceCollectionExtensions"/>.</summary>
public static class CaseServices
{
    public static IServiceCollection AddTriageCases(this IServiceCollection services)
    {
        // Holds no state between calls (a DbContext per operation), so one instance serves every circuit.
        services.AddSingleton<CaseEditor>();
        services.AddScoped<GetCaseDetail>();
        services.AddScoped<GetCaseNeighbours>();
        services.AddScoped<ToggleFailureMode>();
        services.AddScoped<SetSeverity>();
        services.AddScoped<SetNote>();
        services.AddScoped<ProposeAnswer>();
        services.AddScoped<DismissCase>();
        services.AddScoped<MarkDuplicate>();
        services.AddScoped<ReopenCase>();
        services.AddScoped<BulkLabel>();
        services.AddScoped<BulkDismiss>();
        return services;
    }
}
