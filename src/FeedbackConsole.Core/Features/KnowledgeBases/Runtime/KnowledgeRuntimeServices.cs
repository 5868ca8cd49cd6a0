using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FeedbackConsole.Core.Features.KnowledgeBases.Runtime;

/// <summary>The run-time knowledge API's services, added once from <see cref="CoreServiceCollectionExtensions"/>.</summary>
public static class KnowledgeRuntimeServices
{
    public static IServiceCollection AddKnowledgeRuntime(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<KnowledgeRuntimeOptions>().Bind(configuration.GetSection(KnowledgeRuntimeOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ReleaseIndexCache>();
        services.AddSingleton<ServingTallies>();
        services.AddSingleton<KnowledgeRuntime>();
        services.AddHostedService<KnowledgeRuntimeWorker>();
        return services;
    }
}
