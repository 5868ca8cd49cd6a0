using System.Net.Sockets;
using System.Text;
using FeedbackConsole.Tests.Shared;
using FeedbackConsole.Tests.Shared.Web;
using Microsoft.EntityFrameworkCore;
using static FeedbackConsole.Web.Tests.Endpoints.IngestionPayloads;

namespace FeedbackConsole.Web.Tests.Endpoints;

/// <summary>
/// A client that dies mid-body is the client's problem, not a server error: nothing is stored, nothing is logged
/// as an error, the answer (if the connection can still carry one) is never a 5xx, and the server keeps serving.
/// Raw socket on the real Kestrel server, because HttpClient will not send a body shorter than it declares.
/// </summary>
public sealed class IngestionTruncatedBodyTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ClientGoneMidBody_NoServerErrorNothingStored_ServerKeepsServing()
    {
        await using var database = await TestDatabase.CreateAsync(TestDatabase.Sqlite);
        await using var app = new ConsoleAppFactory(database, realServer: true);
        app.StartServer();
        var application = await app.CreateApplicationAsync("Flaky client");
        var body = Encoding.UTF8.GetBytes(SignalBatch(Signal("cut-1", "turn-1")));
        var half = body.AsMemory(0, body.Length / 2);

        using var client = new TcpClient();
        await client.ConnectAsync(app.ServerAddress.Host, app.ServerAddress.Port, Cancel);
        var stream = client.GetStream();
        var head = $"POST /api/v1/signals HTTP/1.1\r\nHost: {app.ServerAddress.Authority}\r\nAuthorization: Bearer {application.Key}\r\n" +
                   $"Content-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), Cancel);
        await stream.WriteAsync(half, Cancel);
        client.Client.Shutdown(SocketShutdown.Send);

        var answer = await ReadUntilClosedAsync(stream);
        // Kestrel usually just closes a half-closed connection (with FIN or, when its close races the unread
        // remainder, with RST); if it does answer, it is our 400.
        Assert.True(answer.Length == 0 || answer.StartsWith("HTTP/1.1 400", StringComparison.Ordinal), answer);
        Assert.Equal(0, await app.QueryDbAsync(db => db.Signals.CountAsync(Cancel)));

        // The server is fine afterwards.
        using var http = new HttpClient { BaseAddress = app.ServerAddress };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", application.Key);
        using var response = await http.PostJsonTextAsync(Signals, SignalBatch(Signal("after-1", "turn-1")));
        Assert.Equal("accepted", Assert.Single(await ResultsAsync(response)).Status);
        Assert.Empty(app.LoggedErrors);
    }

    /// <summary>Everything the server sent before it closed the connection, whether it closed it cleanly or reset it.</summary>
    private static async Task<string> ReadUntilClosedAsync(NetworkStream stream)
    {
        using var received = new MemoryStream();
        try
        {
            await stream.CopyToAsync(received, Cancel);
        }
        catch (IOException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionReset })
        {
            // A reset is the server closing on a client that broke the framing; what arrived before it still counts.
        }

        return Encoding.UTF8.GetString(received.ToArray());
    }
}
