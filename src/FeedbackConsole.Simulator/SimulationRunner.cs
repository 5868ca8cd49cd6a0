using System.Diagnostics;
using FeedbackConsole.Client;

namespace FeedbackConsole.Simulator;

/// <summary>What a simulation sent and how the server answered.</summary>
public sealed record SimulationReport(int Interactions, int Signals, int Accepted, int Duplicates, int Rejected, TimeSpan Elapsed)
{
    public override string ToString() =>
        $"Sent {Interactions} interactions and {Signals} signals in {Elapsed.TotalSeconds:0.0} s: {Accepted} accepted, {Duplicates} duplicate, {Rejected} rejected.";
}

/// <summary>Sends simulated turns in batches: interactions first, then their signals.</summary>
public static class SimulationRunner
{
    public static async Task<SimulationReport> RunAsync(FeedbackConsoleClient client, IEnumerable<SimulatedTurn> turns, CancellationToken cancellationToken = default)
    {
        var watch = Stopwatch.StartNew();
        int interactions = 0, signals = 0, accepted = 0, duplicates = 0, rejected = 0;
        foreach (var chunk in turns.Chunk(500))
        {
            var sentInteractions = await client.SendInteractionsAsync(chunk.Select(t => t.Interaction), cancellationToken);
            var batchSignals = chunk.SelectMany(t => t.Signals).ToList();
            var sentSignals = batchSignals.Count == 0 ? new IngestResult([]) : await client.SendSignalsAsync(batchSignals, cancellationToken);
            interactions += chunk.Length;
            signals += batchSignals.Count;
            foreach (var result in new[] { sentInteractions, sentSignals })
            {
                accepted += result.Accepted;
                duplicates += result.Duplicates;
                rejected += result.Rejected.Count;
                foreach (var item in result.Rejected.Take(3))
                {
                    await Console.Error.WriteLineAsync($"rejected {item.Id}: {item.Error?.Title} {item.Error?.Detail}");
                }
            }
        }

        return new SimulationReport(interactions, signals, accepted, duplicates, rejected, watch.Elapsed);
    }
}
