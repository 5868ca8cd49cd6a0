using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using FeedbackConsole.Core.Domain;
using FeedbackConsole.Core.Features.Ingestion;
using FeedbackConsole.Tests.Shared;
using FeedbackConsole.Tests.Shared.Web;
using Microsoft.EntityFrameworkCore;
using static FeedbackConsole.Web.Tests.Endpoints.IngestionPayloads;

namespace FeedbackConsole.Web.Tests.Endpoints;

/// <summary>
/// Issue 3's bad-input suite: every case gets the right 4xx with problem details and nothing of the request
/// is stored. A malformed request (not JSON, wrong shape, unknown or duplicate properties, too many items,
/// too large, wrong content type, bad key) is refused whole; an item that breaks a field rule is rejected in
/// the 207 answer. Valid items ride along in the refused requests to show that nothing partial is stored.
/// </summary>
public sealed class IngestionBadInputTests(IngestionBadInputTests.Hosts hosts) : IClassFixture<IngestionBadInputTests.Hosts>
{
    private const string AllowedOrigin = "https://chat.example.com";

    public enum Caller
    {
        ServerKey,
        NoKey,
        MalformedKey,
        UnknownKey,
        RevokedKey,
        BasicScheme,
        PublishableFromAllowedOrigin,
        PublishableFromOtherOrigin,
        PublishableWithoutOrigin,
    }

    /// <summary>One bad request and what it must get: a status, and the error key the answer must name (if any).</summary>
    public sealed record BadCase(string Path, Func<byte[]> Body, HttpStatusCode Status, string? ErrorKey = null,
        string? ContentType = "application/json", Caller Caller = Caller.ServerKey, bool Chunked = false);

    private static readonly Dictionary<string, object?> Valid = Signal("valid-0", "turn-1");

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static Func<byte[]> Json(string text) => () => Utf8(text);

    private static Func<byte[]> Signals1(Dictionary<string, object?> item) => () => Utf8(SignalBatch(item));

    private static Func<byte[]> Interactions1(Dictionary<string, object?> item) => () => Utf8(InteractionBatch(item));

    private static BadCase Item(string field, Dictionary<string, object?> item) => new(Signals, Signals1(item), HttpStatusCode.MultiStatus, "signals[0]." + field);

    private static BadCase InteractionItem(string field, Dictionary<string, object?> item) =>
        new(Interactions, Interactions1(item), HttpStatusCode.MultiStatus, "interactions[0]." + field);

    private static Dictionary<string, object> Nested(int depth) => depth == 1 ? new Dictionary<string, object> { ["leaf"] = 1 } : new Dictionary<string, object> { ["n"] = Nested(depth - 1) };

    private static readonly string ValidJson = JsonSerializer.Serialize(Valid);

    public static readonly Dictionary<string, BadCase> Cases = new()
    {
        // The whole request is malformed: 400, nothing stored.
        ["empty body"] = new(Signals, () => [], HttpStatusCode.BadRequest),
        ["not JSON"] = new(Signals, Json("thumbs up!"), HttpStatusCode.BadRequest),
        ["invalid UTF-8"] = new(Signals, () => [.. Utf8("{\"signals\":[" + ValidJson + ",{\"id\":\"a"), 0xC3, 0x28, .. Utf8("\"}]}")], HttpStatusCode.BadRequest),
        ["duplicate property in an item"] = new(Signals, Json("{\"signals\":[" + ValidJson + ",{\"id\":\"a\",\"id\":\"b\",\"interactionId\":\"t\",\"kind\":\"copy\",\"occurredAt\":\"2025-01-01T00:00:00Z\"}]}"), HttpStatusCode.BadRequest),
        ["duplicate property at the root"] = new(Signals, Json("{\"signals\":[" + ValidJson + "],\"signals\":[" + ValidJson + "]}"), HttpStatusCode.BadRequest),
        ["duplicate property in metadata"] = new(Signals, Json("{\"signals\":[" + ValidJson.TrimEnd('}') + ",\"metadata\":{\"a\":1,\"a\":2}}]}"), HttpStatusCode.BadRequest),
        ["unknown property in an item"] = new(Signals, () => Utf8(SignalBatch(Valid, Signal("s-1", "turn-1").With("colour", "red"))), HttpStatusCode.BadRequest, "signals[1].colour"),
        ["unpaired surrogate in a property name"] = new(Signals, Json("{\"signals\":[" + ValidJson + ",{\"id\":\"s-1\",\"interactionId\":\"t\",\"kind\":\"copy\",\"occurredAt\":\"2025-01-01T00:00:00Z\",\"\\udc00x\":1}]}"), HttpStatusCode.BadRequest),
        ["unpaired surrogate in a metadata key"] = new(Signals, Json("{\"signals\":[" + ValidJson + ",{\"id\":\"s-1\",\"interactionId\":\"t\",\"kind\":\"copy\",\"occurredAt\":\"2025-01-01T00:00:00Z\",\"metadata\":{\"\\ud800\":1}}]}"), HttpStatusCode.BadRequest),
        ["unpaired surrogate in a metadata value"] = new(Signals, Json("{\"signals\":[{\"id\":\"s-1\",\"interactionId\":\"t\",\"kind\":\"copy\",\"occurredAt\":\"2025-01-01T00:00:00Z\",\"metadata\":{\"k\":[\"\\ud800\"]}}]}"), HttpStatusCode.MultiStatus, "signals[0].metadata"),
        ["unknown property at the root"] = new(Signals, Json("{\"signals\":[" + ValidJson + "],\"dryRun\":true}"), HttpStatusCode.BadRequest, "dryRun"),
        ["unknown property in kbRelease"] = new(Interactions, Interactions1(Interaction("turn-1").With("kbRelease", new { knowledgeBase = "kb", version = 1, state = "live" })), HttpStatusCode.BadRequest, "interactions[0].kbRelease.state"),
        ["wrong array for the endpoint"] = new(Signals, () => Utf8(InteractionBatch(Interaction("turn-1"))), HttpStatusCode.BadRequest, "signals"),
        ["NaN literal"] = new(Signals, Json("{\"signals\":[" + ValidJson + ",{\"id\":\"r\",\"interactionId\":\"t\",\"kind\":\"rating\",\"dimension\":\"tone\",\"value\":NaN,\"occurredAt\":\"2025-01-01T00:00:00Z\"}]}"), HttpStatusCode.BadRequest),
        ["Infinity literal"] = new(Signals, Json("{\"signals\":[{\"id\":\"r\",\"interactionId\":\"t\",\"kind\":\"dwell\",\"value\":Infinity,\"occurredAt\":\"2025-01-01T00:00:00Z\"}]}"), HttpStatusCode.BadRequest),
        ["deep nesting"] = new(Signals, Json("{\"signals\":[" + ValidJson + "," + ValidJson.Replace("valid-0", "s-1", StringComparison.Ordinal).TrimEnd('}')
            + ",\"metadata\":" + string.Concat(Enumerable.Repeat("{\"n\":", 200)) + "1" + new string('}', 200) + "}]}"), HttpStatusCode.BadRequest),
        ["deeply nested arrays"] = new(Signals, Json("{\"signals\":" + new string('[', 100_000) + new string(']', 100_000) + "}"), HttpStatusCode.BadRequest),
        ["trailing data"] = new(Signals, Json("{\"signals\":[" + ValidJson + "]} {}"), HttpStatusCode.BadRequest),
        ["comments"] = new(Signals, Json("{\"signals\":[" + ValidJson + "] /* one */}"), HttpStatusCode.BadRequest),
        ["empty batch"] = new(Signals, Json("{\"signals\":[]}"), HttpStatusCode.BadRequest, "signals"),
        ["oversized batch"] = new(Signals, () => Utf8(SignalBatch([.. Enumerable.Range(0, 501).Select(i => Signal($"s-{i}", "turn-1"))])), HttpStatusCode.BadRequest, "signals"),
        ["batch is not an array"] = new(Signals, Json("{\"signals\":" + ValidJson + "}"), HttpStatusCode.BadRequest, "signals"),
        ["root is an array"] = new(Signals, Json("[" + ValidJson + "]"), HttpStatusCode.BadRequest, "$"),
        ["item is not an object"] = new(Signals, Json("{\"signals\":[" + ValidJson + ",\"thumb up\"]}"), HttpStatusCode.BadRequest, "signals[1]"),

        // Too large: 413 before parsing.
        ["body over the limit"] = new(Signals, () => Utf8(SignalBatch(Valid, Signal("s-1", "turn-1", "comment").With("text", new string('x', 1024 * 1024)))), HttpStatusCode.RequestEntityTooLarge),
        ["body over the limit without a length"] = new(Signals, () => Utf8(SignalBatch(Valid, Signal("s-1", "turn-1", "comment").With("text", new string('x', 1024 * 1024)))), HttpStatusCode.RequestEntityTooLarge, Chunked: true),

        // Not JSON by its content type: 415.
        ["text/plain"] = new(Signals, () => Utf8(SignalBatch(Valid)), HttpStatusCode.UnsupportedMediaType, ContentType: "text/plain"),
        ["form content type"] = new(Signals, () => Utf8(SignalBatch(Valid)), HttpStatusCode.UnsupportedMediaType, ContentType: "application/x-www-form-urlencoded"),
        ["no content type"] = new(Signals, () => Utf8(SignalBatch(Valid)), HttpStatusCode.UnsupportedMediaType, ContentType: null),
        ["JSON in Latin-1"] = new(Signals, () => Utf8(SignalBatch(Valid)), HttpStatusCode.UnsupportedMediaType, ContentType: "application/json; charset=iso-8859-1"),

        // Keys: 401 (who are you?) and 403 (not with this key).
        ["missing key"] = new(Signals, () => Utf8(SignalBatch(Valid)), HttpStatusCode.Unauthorized, Caller: Caller.NoKey),
        ["malformed key"] = new(Signals, () => Utf8(SignalBatch(Valid)), HttpStatusCode.Unauthorized, Caller: Caller.MalformedKey),
        ["unknown key"] = new(Signals, () => Utf8(SignalBatch(Valid)), HttpStatusCode.Unauthorized, Caller: Caller.UnknownKey),
        ["revoked key"] = new(Interactions, () => Utf8(InteractionBatch(Interaction("turn-1"))), HttpStatusCode.Unauthorized, Caller: Caller.RevokedKey),
        ["basic authentication"] = new(Signals, () => Utf8(SignalBatch(Valid)), HttpStatusCode.Unauthorized, Caller: Caller.BasicScheme),
        ["publishable key on interactions"] = new(Interactions, () => Utf8(InteractionBatch(Interaction("turn-1"))), HttpStatusCode.Forbidden, Caller: Caller.PublishableFromAllowedOrigin),
        ["publishable key from another origin"] = new(Signals, () => Utf8(SignalBatch(Valid)), HttpStatusCode.Unauthorized, Caller: Caller.PublishableFromOtherOrigin),
        ["publishable key without an origin"] = new(Signals, () => Utf8(SignalBatch(Valid)), HttpStatusCode.Unauthorized, Caller: Caller.PublishableWithoutOrigin),

        // One item breaks a field rule: 207 with that item rejected.
        ["unknown kind"] = Item("kind", Signal("s-1", "turn-1", "shrug")),
        ["kind in capitals"] = Item("kind", Signal("s-1", "turn-1", "Thumb", "up")),
        ["rating above 5"] = Item("value", Signal("s-1", "turn-1", "rating", 6).With("dimension", "tone")),
        ["rating of 0"] = Item("value", Signal("s-1", "turn-1", "rating", 0).With("dimension", "tone")),
        ["rating with a fraction"] = Item("value", Signal("s-1", "turn-1", "rating", 4.5).With("dimension", "tone")),
        ["rating written 4.0"] = new(Signals, Json("{\"signals\":[{\"id\":\"s-1\",\"interactionId\":\"t\",\"kind\":\"rating\",\"dimension\":\"tone\",\"value\":4.0,\"occurredAt\":\"2025-01-01T00:00:00Z\"}]}"), HttpStatusCode.MultiStatus, "signals[0].value"),
        ["rating with an exponent"] = new(Signals, Json("{\"signals\":[{\"id\":\"s-1\",\"interactionId\":\"t\",\"kind\":\"rating\",\"dimension\":\"tone\",\"value\":4e0,\"occurredAt\":\"2025-01-01T00:00:00Z\"}]}"), HttpStatusCode.MultiStatus, "signals[0].value"),
        ["rating as a string"] = Item("value", Signal("s-1", "turn-1", "rating", "5").With("dimension", "tone")),
        ["rating of \"NaN\""] = Item("value", Signal("s-1", "turn-1", "rating", "NaN").With("dimension", "tone")),
        ["rating huge"] = Item("value", Signal("s-1", "turn-1", "rating", 1e300).With("dimension", "tone")),
        ["rating without a dimension"] = Item("dimension", Signal("s-1", "turn-1", "rating", 4)),
        ["dwell below 0"] = Item("value", Signal("s-1", "turn-1", "dwell", -1)),
        ["dwell above a day"] = Item("value", Signal("s-1", "turn-1", "dwell", 86_400_001)),
        ["dwell with a fraction"] = Item("value", Signal("s-1", "turn-1", "dwell", 1000.5)),
        ["thumb sideways"] = Item("value", Signal("s-1", "turn-1", "thumb", "sideways")),
        ["thumb as a number"] = Item("value", Signal("s-1", "turn-1", "thumb", 1)),
        ["thumb as a boolean"] = Item("value", Signal("s-1", "turn-1", "thumb", true)),
        ["flag without a category"] = Item("flag", Signal("s-1", "turn-1", "flag")),
        ["flag of an unknown category"] = Item("flag", Signal("s-1", "turn-1", "flag").With("flag", "legal")),
        ["comment without text"] = Item("text", Signal("s-1", "turn-1", "comment")),
        ["comment with blank text"] = Item("text", Signal("s-1", "turn-1", "comment").With("text", "   ")),
        ["value on a copy"] = Item("value", Signal("s-1", "turn-1", "copy", 3)),
        ["text on a thumb"] = Item("text", Signal("s-1", "turn-1", "thumb", "up").With("text", "nice")),
        ["timestamp far in the future"] = Item("occurredAt", Signal("s-1", "turn-1").With("occurredAt", DateTimeOffset.UtcNow.AddDays(1).ToString("O"))),
        ["timestamp just past the skew"] = Item("occurredAt", Signal("s-1", "turn-1").With("occurredAt", DateTimeOffset.UtcNow.AddMinutes(6).ToString("O"))),
        ["timestamp without an offset"] = Item("occurredAt", Signal("s-1", "turn-1").With("occurredAt", "2025-03-01T09:31:00")),
        ["timestamp as a date"] = Item("occurredAt", Signal("s-1", "turn-1").With("occurredAt", "2025-03-01")),
        ["timestamp as a number"] = Item("occurredAt", Signal("s-1", "turn-1").With("occurredAt", 1_740_000_000)),
        ["timestamp that does not exist"] = Item("occurredAt", Signal("s-1", "turn-1").With("occurredAt", "2025-02-30T10:00:00Z")),
        ["timestamp missing"] = Item("occurredAt", Signal("s-1", "turn-1").Without("occurredAt")),
        ["control character in an id"] = Item("id", Signal("s-\u0001-1", "turn-1")),
        ["signal id with the reserved derived: prefix"] = Item("id", Signal("derived:regenerated:turn-1", "turn-1")),
        ["newline in an id"] = Item("id", Signal("s-\n1", "turn-1")),
        ["zero-width character in an id"] = Item("id", Signal("s-\u200b1", "turn-1")),
        ["control character in interactionId"] = Item("interactionId", Signal("s-1", "turn-\u001b[31m")),
        ["empty id"] = Item("id", Signal("", "turn-1")),
        ["blank id"] = Item("id", Signal("   ", "turn-1")),
        ["id over 200 characters"] = Item("id", Signal(new string('i', 201), "turn-1")),
        ["id as a number"] = Item("id", Signal("s-1", "turn-1").With("id", 42)),
        ["missing id"] = Item("id", Signal("s-1", "turn-1").Without("id")),
        ["missing interactionId"] = Item("interactionId", Signal("s-1", "turn-1").Without("interactionId")),
        ["text over 32 KiB"] = Item("text", Signal("s-1", "turn-1", "comment").With("text", new string('\u00e9', 16 * 1024 + 1))),
        ["NUL in text"] = Item("text", Signal("s-1", "turn-1", "comment").With("text", "a\0b")),
        ["unpaired surrogate in text"] = new(Signals, Json("{\"signals\":[{\"id\":\"s-1\",\"interactionId\":\"t\",\"kind\":\"comment\",\"text\":\"a\\ud800b\",\"occurredAt\":\"2025-01-01T00:00:00Z\"}]}"), HttpStatusCode.MultiStatus, "signals[0].text"),
        ["metadata nested too deep"] = Item("metadata", Signal("s-1", "turn-1").With("metadata", Nested(9))),
        ["metadata over 4 KiB"] = Item("metadata", Signal("s-1", "turn-1").With("metadata", new { blob = new string('m', 4100) })),
        ["metadata not an object"] = Item("metadata", Signal("s-1", "turn-1").With("metadata", new[] { 1, 2 })),
        ["interaction without output"] = InteractionItem("output", Interaction("turn-1").Without("output")),
        ["interaction input as a number"] = InteractionItem("input", Interaction("turn-1").With("input", 12)),
        ["invalid endUserEmail"] = InteractionItem("endUserEmail", Interaction("turn-1").With("endUserEmail", "ann at example.com")),
        ["endUserEmail with a NUL"] = InteractionItem("endUserEmail", Interaction("turn-1").With("endUserEmail", "ann\0@example.com")),
        ["endUserEmail with a display name"] = InteractionItem("endUserEmail", Interaction("turn-1").With("endUserEmail", "Ann <ann@example.com>")),
        ["kbRelease version with a fraction"] = InteractionItem("kbRelease.version", Interaction("turn-1").With("kbRelease", new { knowledgeBase = "kb", version = 1.5 })),
        ["kbRelease without its name"] = InteractionItem("kbRelease.knowledgeBase", Interaction("turn-1").With("kbRelease", new { version = 3 })),
        ["usedEntryIds not an array"] = InteractionItem("usedEntryIds", Interaction("turn-1").With("usedEntryIds", "kb-1")),
        ["usedEntryIds with a control character"] = InteractionItem("usedEntryIds[1]", Interaction("turn-1").With("usedEntryIds", new[] { "kb-1", "kb\u00072" })),
        ["interaction label over 200 characters"] = InteractionItem("channel", Interaction("turn-1").With("channel", new string('c', 201))),
        ["interaction timestamp without an offset"] = InteractionItem("occurredAt", Interaction("turn-1").With("occurredAt", "2025-03-01 09:30:00")),
    };

    public static TheoryData<string, string> All()
    {
        var data = new TheoryData<string, string>();
        foreach (var provider in new[] { TestDatabase.Sqlite, TestDatabase.Postgres })
        {
            foreach (var name in Cases.Keys)
            {
                data.Add(provider, name);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(All))]
    public async Task Ingest_BadInput_GetsTheRight4xxWithProblemDetailsAndStoresNothing(string provider, string name)
    {
        var host = await hosts.ForAsync(provider);
        var bad = Cases[name];
        using var client = host.App.ApiClient(bad.Caller switch
        {
            Caller.ServerKey => host.Server.Key,
            Caller.NoKey => null,
            Caller.MalformedKey => "not-a-key",
            Caller.UnknownKey => ApiKeyFormat.Generate(ApiKeyKind.Server),
            Caller.RevokedKey => host.RevokedKey,
            Caller.BasicScheme => null,
            _ => host.PublishableKey,
        }, bad.Caller switch
        {
            Caller.PublishableFromAllowedOrigin => AllowedOrigin,
            Caller.PublishableFromOtherOrigin => "https://evil.example.net",
            _ => null,
        });
        if (bad.Caller == Caller.BasicScheme)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Utf8(host.Server.Key + ":")));
        }

        using var content = bad.Chunked ? (HttpContent)new UnknownLengthContent(bad.Body()) : new ByteArrayContent(bad.Body());
        if (bad.ContentType is not null)
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(bad.ContentType);
        }

        using var response = await client.PostAsync(new Uri(bad.Path, UriKind.Relative), content, TestContext.Current.CancellationToken);

        if (bad.Status == HttpStatusCode.MultiStatus)
        {
            var result = Assert.Single(await ResultsAsync(response));
            Assert.Equal("rejected", result.Status);
            var error = result.Error!.Value;
            Assert.Equal(400, error.GetProperty("status").GetInt32());
            Assert.False(string.IsNullOrEmpty(error.GetProperty("detail").GetString()));
            Assert.True(error.GetProperty("errors").TryGetProperty(bad.ErrorKey!, out _), $"Expected an error for {bad.ErrorKey}: {error}");
        }
        else
        {
            var problem = await ProblemAsync(response, bad.Status);
            if (bad.ErrorKey is not null)
            {
                Assert.True(problem.GetProperty("errors").TryGetProperty(bad.ErrorKey, out _), $"Expected an error for {bad.ErrorKey}: {problem}");
            }
        }

        var stored = await host.App.QueryDbAsync(async db => await db.Signals.CountAsync() + await db.Interactions.CountAsync());
        Assert.Equal(0, stored);
    }

    /// <summary>One app per provider for the whole suite, with a server key, a revoked key and a publishable key.</summary>
    public sealed class Hosts : IAsyncDisposable
    {
        private readonly SemaphoreSlim _gate = new(1, 1);
        private readonly Dictionary<string, Host> _hosts = [];

        public async Task<Host> ForAsync(string provider)
        {
            await _gate.WaitAsync();
            try
            {
                if (!_hosts.TryGetValue(provider, out var host))
                {
                    var database = await TestDatabase.CreateAsync(provider);
                    var app = new ConsoleAppFactory(database);
                    var server = await app.CreateApplicationAsync("Bad input bot");
                    var (revoked, _) = await app.CreateKeyAsync(server.Id, ApiKeyKind.Server);
                    await app.RevokeKeyAsync(revoked);
                    var (publishable, _) = await app.CreateKeyAsync(server.Id, ApiKeyKind.Publishable, [AllowedOrigin]);
                    host = new Host(database, app, server, revoked, publishable);
                    _hosts[provider] = host;
                }

                return host;
            }
            finally
            {
                _gate.Release();
            }
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var host in _hosts.Values)
            {
                await host.App.DisposeAsync();
                await host.Database.DisposeAsync();
            }

            _gate.Dispose();
        }
    }

    public sealed record Host(TestDatabase Database, ConsoleAppFactory App, TestApplication Server, string RevokedKey, string PublishableKey);

    /// <summary>A body sent without Content-Length (chunked), so only reading it can tell that it is too large.</summary>
    private sealed class UnknownLengthContent(byte[] body) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(body).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
