using System.ComponentModel;
using System.Globalization;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Ingestion;
using FeedbackConsole.Core.Features.Notifications;
using FeedbackConsole.Web.Components.EndUser;
using FeedbackConsole.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace FeedbackConsole.Web.Endpoints;

/// <summary>
/// Notifications for end users: <c>GET /api/v1/end-users/{endUserId}/notifications</c> for the application's own UI
/// (server key; only the key's application), and the end-user page behind a signed, expiring link — no account — with
/// one-click unsubscribe per channel (<c>List-Unsubscribe-Post</c>).
/// </summary>
internal static class NotificationEndpoints
{
    public static IEndpointRouteBuilder MapNotificationEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/v1")
            .RequireRateLimiting(ApiRateLimiting.PerKeyPolicy)
            .RequireAuthorization(Policies.ApiServer)
            .WithTags("Notifications")
            .MapGet("/end-users/{endUserId}/notifications", ListAsync)
            .WithName("ListEndUserNotifications")
            .WithSummary("An end user's notifications")
            .WithDescription("The notifications of one end user in the key's application, newest first: what they reported and what came of it (a correction released, feedback dismissed with a reason, a fix that has helped N people). Another application's key sees none of them. Page with `after` = the previous answer's `next`; `limit` 1–100 (default 20). End users who opted out of in-app notifications have none here.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        var people = app.MapGroup("/my-feedback").AllowAnonymous().ExcludeFromDescription().DisableAntiforgery();
        people.MapGet("/{token}", PageAsync);
        people.MapPost("/{token}/preferences", PreferencesAsync);
        people.MapGet("/unsubscribe/{token}", UnsubscribeConfirmAsync);
        people.MapPost("/unsubscribe/{token}", UnsubscribeAsync);
        return app;
    }

    private static async Task<Results<Ok<NotificationListResponse>, ProblemHttpResult>> ListAsync(
        HttpContext context, EndUserFeed feed,
        [Description("The application's end-user id, as sent with interactions and signals.")] string endUserId,
        [Description("The `next` cursor of the previous page.")] string? after,
        [Description("Items per page, 1–100 (default 20).")] string? limit,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        long? cursor = null;
        if (after is not null)
        {
            if (long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed > 0)
            {
                cursor = parsed;
            }
            else
            {
                errors["after"] = ["Use the `next` value of the previous page."];
            }
        }

        var size = 20;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size is < 1 or > EndUserFeed.MaxPage))
        {
            errors["limit"] = [$"A number from 1 to {EndUserFeed.MaxPage}."];
        }

        if (endUserId.Length > 200)
        {
            errors["endUserId"] = ["At most 200 characters."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.Problem(detail: $"{errors.Keys.First()}: {errors.Values.First()[0]}", statusCode: 400, title: "Bad Request",
                type: ProblemTypes.BadRequest, extensions: new Dictionary<string, object?> { ["errors"] = errors });
        }

        var page = await feed.NotificationsAsync(ApiClaims.ApplicationIdOf(context.User), endUserId, cursor, size, cancellationToken);
        return TypedResults.Ok(new NotificationListResponse(
            [.. page.Items.Select(n => new NotificationContract(n.Id, n.Kind, n.CaseId, n.Feedback, n.Outcome, n.ServedCount, n.CreatedAt))],
            page.Next?.ToString(CultureInfo.InvariantCulture)));
    }

    private static async Task<IResult> PageAsync(HttpContext context, string token, EndUserLinks links, EndUserFeed feed, CancellationToken cancellationToken)
    {
        NoStore(context);
        if (links.ReadPage(token) is not { } user || await feed.PageAsync(user, cancellationToken) is not { } view)
        {
            return Expired();
        }

        return new RazorComponentResult<EndUserPage>(new { View = view, Token = token, Saved = context.Request.Query.ContainsKey("saved") });
    }

    private static async Task<IResult> PreferencesAsync(HttpContext context, string token, [FromForm] string? email, [FromForm] string? inApp, EndUserLinks links, EndUserFeed feed, CancellationToken cancellationToken)
    {
        NoStore(context);
        if (links.ReadPage(token) is not { } user)
        {
            return Expired();
        }

        // Checkboxes: present means "send me these".
        await feed.SetOptOutAsync(user, UnsubscribeChannel.Email, email is null, cancellationToken);
        await feed.SetOptOutAsync(user, UnsubscribeChannel.InApp, inApp is null, cancellationToken);
        return Results.Redirect($"/my-feedback/{Uri.EscapeDataString(token)}?saved=1");
    }

    private static IResult UnsubscribeConfirmAsync(HttpContext context, string token, EndUserLinks links)
    {
        NoStore(context);
        // A GET never changes anything (mail scanners open links): the page asks for one click.
        return links.ReadUnsubscribe(token) is { } link
            ? new RazorComponentResult<UnsubscribePage>(new { Token = token, Channel = link.Channel, Done = false })
            : Expired();
    }

    private static async Task<IResult> UnsubscribeAsync(HttpContext context, string token, EndUserLinks links, EndUserFeed feed, CancellationToken cancellationToken)
    {
        NoStore(context);
        if (links.ReadUnsubscribe(token) is not { } link)
        {
            return Expired();
        }

        await feed.SetOptOutAsync(link.User, link.Channel, true, cancellationToken);
        return new RazorComponentResult<UnsubscribePage>(new { Token = token, Channel = link.Channel, Done = true });
    }

    private static RazorComponentResult<LinkExpiredPage> Expired() => new() { StatusCode = StatusCodes.Status404NotFound };

    private static void NoStore(HttpContext context)
    {
        context.Response.Headers.CacheControl = "no-store";
        // The token is in the address: never send it on to another site.
        context.Response.Headers["Referrer-Policy"] = "no-referrer";
    }
}

[Description("One page of an end user's notifications, newest first.")]
internal sealed record NotificationListResponse(
    IReadOnlyList<NotificationContract> Items,
    [property: Description("Pass as `after` for the next (older) page; null on the last page.")] string? Next);

[Description("What came of an end user's feedback.")]
internal sealed record NotificationContract(
    [property: Description("Stable id, also in the `notification.created` webhook.")] Guid Id,
    [property: Description("`released`, `dismissed` or `milestone`.")] string Kind,
    long? CaseId,
    [property: Description("What the end user reported, in short.")] string Feedback,
    [property: Description("What came of it, written for the end user.")] string Outcome,
    [property: Description("Milestones: how many times the fix has been used.")] long? ServedCount,
    DateTimeOffset CreatedAt);
