using System.Text.Json.Serialization;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace FeedbackConsole.Web.Endpoints;

/// <summary>The OpenAPI document at <c>/openapi/v1.json</c> and its interactive reference at <c>/api/docs</c>.</summary>
internal static class ApiDocumentation
{
    public static IServiceCollection AddApiDocumentation(this IServiceCollection services) =>
        services
            // API.md: "a number is a JSON number, never a string". The web defaults also read numbers from strings,
            // and the document then described every number as "integer or string".
            .ConfigureHttpJsonOptions(json => json.SerializerOptions.NumberHandling = JsonNumberHandling.Strict)
            .AddOpenApi("v1", options =>
        {
            // Only the application API belongs in the contract, not the console's own form posts.
            options.ShouldInclude = description => description.RelativePath?.StartsWith("api/", StringComparison.Ordinal) == true;
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "FeedbackConsole API",
                    Version = "v1",
                    Description = """
                        The HTTP API LLM applications use to send interactions and end-user feedback to FeedbackConsole.
                        Authenticate with `Authorization: Bearer <api key>`: a server key (`fc_live_…`) for everything,
                        or a publishable key (`fc_pub_…`) that may only send signals, from the browser origins listed for it.
                        Errors are RFC 7807 problem details. A malformed envelope (not JSON, wrong shape, too many items,
                        too large) is refused as a whole and nothing is stored; otherwise the answer is 207 with one result
                        per item, in order, and every `accepted` item is durably stored.
                        """,
                    License = new OpenApiLicense { Name = "Proprietary", Identifier = "LicenseRef-FeedbackConsole" },
                    Contact = new OpenApiContact { Name = "Your FeedbackConsole administrators" },
                };
                document.Tags = new HashSet<OpenApiTag>
                {
                    new() { Name = "Ingestion", Description = "Interactions and end-user feedback from LLM applications." },
                    new() { Name = "Knowledge", Description = "What the app reads at run time: facts, few-shot examples and guard checks from a knowledge base's live (or shadow) release." },
                };
                document.Servers = [new OpenApiServer { Url = "/", Description = "This FeedbackConsole" }];
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes["apiKey"] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    Description = "An application's API key: fc_live_… (server) or fc_pub_… (publishable, signals only).",
                };
                document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("apiKey", document)] = [] }];
                return Task.CompletedTask;
            });
        });

    public static IEndpointRouteBuilder MapApiDocumentation(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapScalarApiReference("/api/docs", options =>
        {
            options.Title = "FeedbackConsole API";
            options.OpenApiRoutePattern = "/openapi/{documentName}.json";
            // No web fonts from elsewhere: the console must work without internet access.
            options.DefaultFonts = false;
        }).AllowAnonymous();
        return app;
    }
}
