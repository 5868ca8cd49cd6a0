using Microsoft.Extensions.DependencyInjection;

namespace FeedbackConsole.Core.Common;

/// <summary>
/// Runs one use case in a DI scope of its own. Interactive components live as long as a circuit, so they
/// must never hold a DbContext or a UserManager; they call handlers through this instead.
/// </summary>
public sealed class UseCases(IServiceScopeFactory scopes)
{
    public async Task<TResult> RunAsync<THandler, TResult>(Func<THandler, Task<TResult>> call)
        where THandler : notnull
    {
        await using var scope = scopes.CreateAsyncScope();
        return await call(scope.ServiceProvider.GetRequiredService<THandler>());
    }
}
