using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using FeedbackConsole.Client;
using FeedbackConsole.Simulator;

namespace FeedbackConsole.Bench;

/// <summary>
/// What the benchmark sends: the simulator's support assistant (realistic kinds, texts with personal data to
/// redact, several signals per turn), serialized exactly as the client library does. The turns' interactions
/// are stored first; the signals are sent again and again under fresh ids, so every signal timed is new.
/// </summary>
internal sealed class Workload
{
    private const string IdMarker = "@@BENCH-ID@@";

    // The client library's wire format: camelCase, nulls left out.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly SignalInput[] _signals;
    private readonly (string Head, string Tail)[] _singleTemplates;

    public Workload(int turns, int seed)
    {
        // Ends an hour ago, so no signal time comes near the API's five minutes of allowed clock skew.
        var days = Math.Max(1, turns / 1000);
        var scenario = new SupportAssistantScenario(days, users: 2000, turnsPerDay: (turns + days - 1) / days, seed, DateTimeOffset.UtcNow.AddHours(-1));
        var generated = scenario.Generate().ToList();
        Interactions = [.. generated.Select(t => t.Interaction)];
        _signals = [.. generated.SelectMany(t => t.Signals)];
        _singleTemplates = [.. _signals.Select(s =>
        {
            var body = JsonSerializer.Serialize(new Dictionary<string, SignalInput[]> { ["signals"] = [s with { Id = IdMarker }] }, Json);
            var at = body.IndexOf(IdMarker, StringComparison.Ordinal);
            return (body[..at], body[(at + IdMarker.Length)..]);
        })];
        AverageSignalBytes = _signals.Average(s => JsonSerializer.SerializeToUtf8Bytes(s, Json).Length);
    }

    public IReadOnlyList<InteractionInput> Interactions { get; }

    public int DistinctSignals => _signals.Length;

    public double AverageSignalBytes { get; }

    /// <summary>Each single-signal body of the pool as the text before and after its id.</summary>
    public IReadOnlyList<(string Head, string Tail)> SingleTemplates => _singleTemplates;

    public IReadOnlyList<byte[]> InteractionBatches(int size) =>
        [.. Interactions.Chunk(size).Select(chunk => JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, InteractionInput[]> { ["interactions"] = chunk }, Json))];

    /// <summary><paramref name="count"/> batches of <paramref name="size"/> signals, ids prefixed to be new.</summary>
    public IReadOnlyList<byte[]> SignalBatches(string prefix, int count, int size)
    {
        var batches = new List<byte[]>(count);
        var next = 0L;
        for (var b = 0; b < count; b++)
        {
            var batch = new SignalInput[size];
            for (var i = 0; i < size; i++, next++)
            {
                var source = _signals[next % _signals.Length];
                batch[i] = source with { Id = $"{prefix}{next / _signals.Length}-{source.Id}" };
            }

            batches.Add(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, SignalInput[]> { ["signals"] = batch }, Json));
        }

        return batches;
    }

    /// <summary>A body with one signal under a new id: the n-th template of the pool with the given id.</summary>
    public byte[] SingleSignal(long n, string id)
    {
        var (head, tail) = _singleTemplates[n % _singleTemplates.Length];
        return Encoding.UTF8.GetBytes(string.Concat(head, id, tail));
    }
}
