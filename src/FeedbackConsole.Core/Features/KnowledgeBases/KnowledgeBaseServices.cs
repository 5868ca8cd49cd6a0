using FeedbackConsole.Core.Features.KnowledgeBases.Revisions;
using Microsoft.Extensions.DependencyInjection;

namespace FeedbackConsole.Core.Features.KnowledgeBases;

/// <summary>The knowledge-base room's services (bases, entries, revisions, approval), added once from <see cref="CoreServiceCollectionExtensions"/>.</summary>
public static class KnowledgeBaseServices
{
    public static IServiceCollection AddKnowledgeBases(this IServiceCollection services)
    {
        services.AddScoped<ListKnowledgeBases>();
        services.AddScoped<GetKnowledgeBase>();
        services.AddScoped<CreateKnowledgeBase>();
        services.AddScoped<UpdateKnowledgeBase>();
        services.AddScoped<ArchiveKnowledgeBase>();
        services.AddScoped<ListEntries>();
        services.AddScoped<GetEntry>();
        services.AddScoped<ProposeRevision>();
        services.AddScoped<RevisionDecisions>();
        services.AddScoped<GetRevision>();
        services.AddScoped<ListProposals>();
        services.AddScoped<GetProposalContext>();
        return services;
    }
}
