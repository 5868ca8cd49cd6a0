using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FeedbackConsole.Core.Features.Notifications;

/// <summary>The notifier's services, added once from <see cref="CoreServiceCollectionExtensions"/>.</summary>
public static class NotificationServices
{
    public static IServiceCollection AddNotifications(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<NotificationOptions>().Bind(configuration.GetSection(NotificationOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<NotificationWakeup>();
        services.AddSingleton<NotificationOutbox>();
        services.AddSingleton<EndUserLinks>();
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<EndUserFeed>();
        services.AddScoped<ListOutbox>();
        services.AddScoped<PreviewDelivery>();
        services.AddScoped<RetryDelivery>();
        services.AddScoped<GetChannelSettings>();
        services.AddScoped<SaveChannelSettings>();
        services.AddScoped<GetTemplates>();
        services.AddScoped<SaveTemplate>();
        services.AddSingleton<NotificationDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<NotificationDispatcher>());
        return services;
    }
}
