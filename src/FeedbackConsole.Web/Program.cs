using FeedbackConsole.Core.Data;
using FeedbackConsole.Web;

var builder = WebApplication.CreateBuilder(args);
builder.AddFeedbackConsoleWeb();

var app = builder.Build();
await app.Services.InitializeFeedbackConsoleAsync();
app.MapFeedbackConsole();

await app.RunAsync();
