using FeedbackConsole.Core.Options;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FeedbackConsole.Core.Features.Impact;

/// <summary>Registers the impact rollups, their background job and the dashboard's use cases.</summary>
public static class ImpactServices
{
    public static IServiceCollection AddImpact(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ImpactOptions>().Bind(configuration.GetSection(ImpactOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ImpactRollup>();
        services.AddHostedService<ImpactRollupWorker>();
        services.TryAddSingleton<INotifiedUsersSource, NotifiedUsersFromNotifications>();
        services.AddScoped<GetImpactDashboard>();
        services.AddScoped<GetCorrectionImpact>();
        services.AddScoped<ListCaseCorrections>();
        return services;
    }
}
