using System.CommandLine;
using FeedbackConsole.Client;
using FeedbackConsole.Simulator;
using Microsoft.Extensions.DependencyInjection;

var url = new Option<Uri>("--url") { Description = "FeedbackConsole's address", DefaultValueFactory = _ => new Uri("http://127.0.0.1:5080/") };
var key = new Option<string>("--key") { Description = "The application's server key (fc_live_…); or set FC_API_KEY", Required = false };
var days = new Option<int>("--days") { Description = "Days of traffic to simulate, ending now", DefaultValueFactory = _ => 30 };
var users = new Option<int>("--users") { Description = "Distinct end users", DefaultValueFactory = _ => 250 };
var turns = new Option<int>("--turns-per-day") { Description = "Model turns per day", DefaultValueFactory = _ => 120 };
var seed = new Option<int>("--seed") { Description = "Random seed (same seed, same traffic)", DefaultValueFactory = _ => 42 };

var root = new RootCommand("Simulates an online shop's LLM support assistant and sends its traffic and feedback to FeedbackConsole.")
{
    url, key, days, users, turns, seed,
};
root.SetAction(async (parse, cancellationToken) =>
{
    var apiKey = parse.GetValue(key) ?? Environment.GetEnvironmentVariable("FC_API_KEY");
    if (string.IsNullOrWhiteSpace(apiKey))
    {
        await Console.Error.WriteLineAsync("Give the application's server key with --key or FC_API_KEY.");
        return 2;
    }

    var services = new ServiceCollection();
    services.AddFeedbackConsoleClient(o =>
    {
        o.BaseAddress = parse.GetValue(url);
        o.ApiKey = apiKey;
    });
    await using var provider = services.BuildServiceProvider();
    var client = provider.GetRequiredService<FeedbackConsoleClient>();
    var scenario = new SupportAssistantScenario(parse.GetValue(days), parse.GetValue(users), parse.GetValue(turns), parse.GetValue(seed), DateTimeOffset.UtcNow);

    var report = await SimulationRunner.RunAsync(client, scenario.Generate(), cancellationToken);
    Console.WriteLine(report);
    return report.Rejected == 0 ? 0 : 1;
});

return await root.Parse(args).InvokeAsync();
