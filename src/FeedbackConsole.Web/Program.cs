using FeedbackConsole.Core.Data;
using FeedbackConsole.Web;

// Configuration files are watched for changes by polling those files, not by inotify: the default watcher
// follows the whole content root, where the SQLite database lives by default, and woke on every write
// (several percent of a core under ingest load). Set before the host creates its file providers.
if (Environment.GetEnvironmentVariable("DOTNET_USE_POLLING_FILE_WATCHER") is null)
{
    Environment.SetEnvironmentVariable("DOTNET_USE_POLLING_FILE_WATCHER", "true");
}

var builder = WebApplication.CreateBuilder(args);
builder.AddFeedbackConsoleWeb();

var app = builder.Build();
await app.Services.InitializeFeedbackConsoleAsync();
app.MapFeedbackConsole();

await app.RunAsync();
